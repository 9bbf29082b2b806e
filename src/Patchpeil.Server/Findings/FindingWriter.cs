using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Risk;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Policy;

namespace Patchpeil.Server.Findings;

/// <summary>What one write changed, for the job's log and its summary audit event.</summary>
public sealed record FindingWriteResult(int Created, int Updated, int Resolved, int Reopened, int Suppressed);

/// <summary>
/// Brings the stored findings of a set of assets in line with what the matcher says now, in one transaction: changes to
/// existing rows in one SaveChanges (EF batches the statements), new rows set-based (COPY on PostgreSQL, multi-row INSERTs
/// on SQLite, see <see cref="BulkInsert{T}"/>). New matches are inserted Open with priority and deadline, matches that
/// disappeared are Resolved with the snapshot that no longer shows them, resolved matches that come back reopen, and a
/// false positive stays suppressed for the same component version. Reconciling per asset (rather than replaying a
/// delta) also heals a database that missed a delta, e.g. after a crash between matching and writing.
/// </summary>
public sealed class FindingWriter(PatchpeilDbContext db, IPatchPolicyService policies, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="desired">Per asset, the matcher's current findings for it (an asset with none resolves all its findings).</param>
    /// <param name="snapshots">Per asset, the inventory snapshot the matcher used: the evidence of a resolution.</param>
    /// <param name="actor">Who caused it (a job name), for the history.</param>
    public async Task<FindingWriteResult> ReconcileAsync(IReadOnlyDictionary<Guid, IReadOnlyList<Finding>> desired, IReadOnlyDictionary<Guid, Guid?> snapshots, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(snapshots);
        if (desired.Count == 0)
        {
            return new FindingWriteResult(0, 0, 0, 0, 0);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var assetIds = desired.Keys.ToList();
        var assets = new Dictionary<Guid, (Guid OrganisationId, AssetKind Kind, BivLevel Criticality, bool InternetFacing)>();
        var existing = new Dictionary<Guid, Dictionary<(string, string), AssetFinding>>();
        foreach (var chunk in assetIds.Chunk(1000))
        {
            foreach (var a in await db.Assets.AsNoTracking().Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.OrganisationId, a.Kind, a.Criticality, a.InternetFacing }).ToListAsync(ct))
            {
                assets[a.Id] = (a.OrganisationId, a.Kind, a.Criticality, a.InternetFacing);
            }

            foreach (var f in await db.Set<AssetFinding>().Where(f => chunk.Contains(f.AssetId)).ToListAsync(ct))
            {
                if (!existing.TryGetValue(f.AssetId, out var perAsset))
                {
                    existing[f.AssetId] = perAsset = [];
                }

                perAsset[(f.ComponentKey, f.Subject)] = f;
            }
        }

        // Scores hang on the vulnerability id, or on the record's own id when a record (UBUNTU-CVE-…) scores itself.
        var subjects = desired.Values.SelectMany(v => v).Where(f => f.Kind is FindingKind.Vulnerable or FindingKind.Unverified or FindingKind.UnderInvestigation)
            .SelectMany(f => new[] { f.Subject, f.Evidence.DocumentId }).Distinct(StringComparer.Ordinal).ToList();
        var risk = await RiskInputs.LoadAsync(db, subjects, ct);
        var policyByOrg = new Dictionary<Guid, PolicyInEffect>();
        var created = 0;
        var updated = 0;
        var resolved = 0;
        var reopened = 0;
        var suppressed = 0;
        var perOrg = new Dictionary<Guid, (int Created, int Resolved, int Reopened)>();

        // New rows skip the change tracker: a first full pass creates about a million of them (ADR 0017, "Persistence").
        var inserts = new List<AssetFinding>();
        foreach (var (assetId, findings) in desired)
        {
            if (!assets.TryGetValue(assetId, out var asset))
            {
                continue; // deleted meanwhile: its findings went with it (cascade)
            }

            if (!policyByOrg.TryGetValue(asset.OrganisationId, out var policy))
            {
                policyByOrg[asset.OrganisationId] = policy = await policies.CurrentAsync(asset.OrganisationId, ct);
            }

            var rows = existing.GetValueOrDefault(assetId) ?? [];
            var seen = new HashSet<(string, string)>();
            var counts = perOrg.GetValueOrDefault(asset.OrganisationId);
            foreach (var finding in findings.OrderBy(f => f.Priority))
            {
                var key = (Cut(finding.Key.Component, FindingModel.MaxKeyLength), Cut(finding.Key.Subject, FindingModel.MaxSubjectLength));
                if (!seen.Add(key))
                {
                    continue; // several installed versions of one identity share one finding (ADR 0016)
                }

                if (!rows.TryGetValue(key, out var row))
                {
                    row = new AssetFinding
                    {
                        OrganisationId = asset.OrganisationId,
                        AssetId = assetId,
                        Component = "",
                        ComponentKey = key.Item1,
                        Version = "",
                        Subject = key.Item2,
                        Source = "",
                        DocumentId = "",
                        State = FindingState.Open,
                        FirstSeenUtc = now,
                        DeadlineStartUtc = now,
                        StateChangedUtc = now,
                    };
                    Apply(row, finding, asset.Criticality, asset.InternetFacing, risk, now);
                    SetDeadline(row, policy, asset.Kind);
                    inserts.Add(row);
                    created++;
                    counts.Created++;
                    continue;
                }

                var previousVersion = row.Version;
                var previousPriority = row.Priority;
                var previousUrgent = row.Urgent;
                Apply(row, finding, asset.Criticality, asset.InternetFacing, risk, now);
                switch (row.State)
                {
                    case FindingState.Resolved or FindingState.Verified:
                        Reopen(row, now, actor, "matched again", snapshots.GetValueOrDefault(assetId));
                        SetDeadline(row, policy, asset.Kind);
                        reopened++;
                        counts.Reopened++;
                        break;
                    case FindingState.FalsePositive when !string.Equals(row.FalsePositiveVersion, row.Version, StringComparison.Ordinal):
                        Reopen(row, now, actor, $"new version {row.Version} (false positive was for {row.FalsePositiveVersion})", snapshots.GetValueOrDefault(assetId));
                        SetDeadline(row, policy, asset.Kind);
                        reopened++;
                        counts.Reopened++;
                        break;
                    case FindingState.FalsePositive:
                        suppressed++;
                        break;
                    case FindingState.Open or FindingState.InProgress when row.Priority != previousPriority || row.Urgent != previousUrgent || row.Version != previousVersion:
                        SetDeadline(row, policy, asset.Kind);
                        updated++;
                        break;
                    default:
                        updated++;
                        break;
                }
            }

            foreach (var (key, row) in rows)
            {
                if (seen.Contains(key) || row.State is FindingState.Resolved or FindingState.Verified or FindingState.FalsePositive or FindingState.NotAffected)
                {
                    continue;
                }

                var snapshot = snapshots.GetValueOrDefault(assetId);
                db.Add(new FindingStateChange
                {
                    OrganisationId = row.OrganisationId,
                    FindingId = row.Id,
                    AtUtc = now,
                    From = row.State,
                    To = FindingState.Resolved,
                    Action = "resolved",
                    Actor = actor,
                    Reason = snapshot is null ? "no longer matched" : "a later inventory no longer shows it",
                    SnapshotId = snapshot,
                });
                row.State = FindingState.Resolved;
                row.StateChangedUtc = now;
                row.StateReason = null;
                row.ResolvedUtc = now;
                row.ResolvedBySnapshotId = snapshot;
                resolved++;
                counts.Resolved++;
            }

            perOrg[asset.OrganisationId] = counts;
        }

        var result = new FindingWriteResult(created, updated, resolved, reopened, suppressed);
        foreach (var (org, c) in perOrg.Where(p => p.Value != default))
        {
            db.RecordAudit("Findings.Matched", nameof(AssetFinding), null, null, $"created={c.Created}; resolved={c.Resolved}; reopened={c.Reopened}; by={actor}", org);
        }

        db.SuppressRecordAudit = true;
        try
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            await db.SaveChangesAsync(ct);
            if (inserts.Count > 0)
            {
                // Set-based, in the same transaction: COPY on PostgreSQL, prepared multi-row INSERTs on SQLite. The rows
                // are exactly the ones EF would have written (columns and conversions from the model); no history row is
                // written for a new finding, as before, and the matcher's writes are not audited row by row.
                await using var bulk = new BulkInsert<AssetFinding>(db);
                await bulk.WriteAsync(inserts, ct);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            db.SuppressRecordAudit = false;
            FindingFigures.Changed(); // the bulk rows bypass SaveChanges
        }

        db.ChangeTracker.Clear();
        return result;
    }

    /// <summary>Recomputes deadlines of an organisation's open findings under a new policy version.</summary>
    public async Task<int> ApplyPolicyAsync(Guid organisationId, PolicyInEffect policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var changed = 0;
        var rows = await db.Set<AssetFinding>().Include(f => f.Asset)
            .Where(f => f.OrganisationId == organisationId && (f.State == FindingState.Open || f.State == FindingState.InProgress))
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            SetDeadline(row, policy, row.Asset!.Kind);
            changed++;
        }

        db.RecordAudit("Findings.PolicyApplied", nameof(AssetFinding), null, null, $"policyVersion={policy.Version}; findings={changed}", organisationId);
        db.SuppressRecordAudit = true;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.SuppressRecordAudit = false;
        }

        db.ChangeTracker.Clear();
        return changed;
    }

    private void Reopen(AssetFinding row, DateTime now, string actor, string reason, Guid? snapshot)
    {
        db.Add(new FindingStateChange
        {
            OrganisationId = row.OrganisationId,
            FindingId = row.Id,
            AtUtc = now,
            From = row.State,
            To = FindingState.Open,
            Action = "reopened",
            Actor = actor,
            Reason = reason,
            SnapshotId = snapshot,
        });
        db.RecordAudit("AssetFinding.Reopened", nameof(AssetFinding), row.Id.ToString(), $"state={row.State}", $"state=Open; reason={reason}", row.OrganisationId);
        row.State = FindingState.Open;
        row.StateChangedUtc = now;
        row.StateReason = reason;
        row.DeadlineStartUtc = now;
        row.ResolvedUtc = null;
        row.ResolvedBySnapshotId = null;
        row.VerifiedUtc = null;
        row.VerifiedBy = null;
        row.FalsePositiveReason = null;
        row.FalsePositiveVersion = null;
    }

    internal static void SetDeadline(AssetFinding row, PolicyInEffect policy, AssetKind assetKind)
    {
        row.DeadlineUtc = row.DeadlineStartUtc + policy.Deadlines.DeadlineFor(row.Priority, assetKind, row.Kind, row.Urgent);
        row.PolicyVersionId = policy.VersionId;
        row.PolicyVersion = policy.Version;
    }

    private static void Apply(AssetFinding row, Finding f, BivLevel criticality, bool internetFacing, RiskInputs risk, DateTime now)
    {
        row.Kind = f.Kind;
        row.Component = Cut(f.Component, 300);
        row.Version = Cut(f.Version, 200);
        row.Source = Cut(f.Evidence.Source, 32);
        row.DocumentId = Cut(f.Evidence.DocumentId, 300);
        row.Revision = f.Evidence.Revision is null ? null : Cut(f.Evidence.Revision, 100);
        row.Range = Cut(f.Evidence.Range, 2000);
        row.ComparedVersion = Cut(f.Evidence.ComparedVersion, 200);
        row.Rule = Cut(f.Evidence.Rule, 2000);
        row.Comparisons = JsonSerializer.Serialize(f.Evidence.Comparisons, Json);
        row.Confidence = f.Evidence.Confidence;
        row.LastMatchedUtc = now;

        var (cvss, cvssSource) = risk.Cvss.TryGetValue(f.Subject, out var chosen) || risk.Cvss.TryGetValue(f.Evidence.DocumentId, out chosen)
            ? chosen
            : (f.Cvss, f.Cvss is null ? null : f.Evidence.DocumentId);
        var (epss, percentile) = risk.Epss.TryGetValue(f.Subject, out var e) ? e : ((decimal?)null, (decimal?)null);
        var ncsc = risk.NcscLabels.GetValueOrDefault(f.Subject);
        var assessment = RiskAssessor.Assess(new RiskFactors(f.Kind, cvss, cvssSource, epss, f.KnownExploited, ncsc, (int)criticality, internetFacing, f.Evidence.Confidence, percentile));
        row.Cvss = cvss;
        row.CvssSource = cvssSource is null ? null : Cut(cvssSource, 100);
        row.Epss = epss;
        row.KnownExploited = f.KnownExploited;
        row.NcscLabel = ncsc is null ? null : Cut(ncsc, 100);
        row.Priority = assessment.Priority;
        row.Urgent = assessment.Urgent;
        row.PriorityReasons = JsonSerializer.Serialize(assessment.Reasons, Json);
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>The risk inputs of a set of vulnerabilities: the chosen CVSS score, EPSS and the NCSC label.</summary>
internal sealed record RiskInputs(
    Dictionary<string, (decimal? Score, string? Source)> Cvss, Dictionary<string, (decimal? Score, decimal? Percentile)> Epss, Dictionary<string, string> NcscLabels)
{
    public static async Task<RiskInputs> LoadAsync(PatchpeilDbContext db, IReadOnlyList<string> subjects, CancellationToken ct)
    {
        var cvss = new Dictionary<string, (decimal?, string?)>(StringComparer.Ordinal);
        var epss = new Dictionary<string, (decimal?, decimal?)>(StringComparer.Ordinal);
        var ncsc = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in subjects.Chunk(1000))
        {
            foreach (var (id, scores) in await AdvisoryScoreModel.ScoresForAsync(db, chunk, ct))
            {
                if (scores.FirstOrDefault(s => s.Chosen) is { BaseScore: not null } chosen)
                {
                    cvss[id] = (chosen.BaseScore, $"{chosen.Scorer ?? chosen.Origin} ({chosen.Source} {chosen.DocumentId})");
                }
            }

            foreach (var e in await db.Set<EpssScore>().AsNoTracking().Where(e => chunk.Contains(e.CveId)).Select(e => new { e.CveId, e.Score, e.Percentile }).ToListAsync(ct))
            {
                epss[e.CveId] = (e.Score, e.Percentile);
            }

            var labels = await db.Set<AdvisoryVulnerability>().AsNoTracking().Where(v => chunk.Contains(v.VulnerabilityId))
                .Join(db.Set<Advisory>().Where(a => a.NcscLabel != null && !a.Withdrawn), v => v.AdvisoryId, a => a.Id, (v, a) => new { v.VulnerabilityId, a.NcscLabel })
                .ToListAsync(ct);
            foreach (var g in labels.GroupBy(l => l.VulnerabilityId, StringComparer.Ordinal))
            {
                // "Urgent" wins over anything milder another NCSC advisory says about the same CVE.
                ncsc[g.Key] = g.Select(l => l.NcscLabel!).OrderByDescending(l => string.Equals(l, "Urgent", StringComparison.OrdinalIgnoreCase)).ThenBy(l => l, StringComparer.Ordinal).First();
            }
        }

        return new RiskInputs(cvss, epss, ncsc);
    }
}
