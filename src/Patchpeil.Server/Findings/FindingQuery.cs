using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Risk;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Findings;

/// <summary>
/// Filters, sorting, paging, grouping and dashboard counts of findings: one definition for the pages, the API and
/// exports. Set <see cref="Now"/> from the caller's TimeProvider: "overdue" counts from it.
/// </summary>
/// <param name="Active">True: only open and in-progress findings (the default view); false: every state.</param>
/// <param name="Subject">A CVE id, advisory document id or lifecycle rule: findings whose subject or deciding document it is.</param>
public sealed record FindingQuery(
    Guid? SchoolId = null, AssetKind? AssetKind = null, Priority? Priority = null, FindingState? State = null,
    string? Source = null, bool? Kev = null, bool? Overdue = null, Guid? AssetId = null, string? Subject = null,
    FindingKind? Kind = null, string? ComponentKey = null, string? Q = null, bool Active = false,
    string? Sort = null, bool Descending = false, int Page = 1, int PageSize = 25)
{
    public DateTime Now { get; init; } = DateTime.UnixEpoch;

    public static readonly int[] PageSizes = [25, 50, 100, 200];
    public static readonly string[] SortKeys = ["priority", "deadline", "asset", "component", "subject", "state", "firstseen"];

    public FindingQuery Normalised() => this with
    {
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 200)],
        Subject = string.IsNullOrWhiteSpace(Subject) ? null : Subject.Trim(),
        Source = string.IsNullOrWhiteSpace(Source) ? null : Source.Trim(),
        ComponentKey = string.IsNullOrWhiteSpace(ComponentKey) ? null : ComponentKey.Trim(),
        Sort = Sort is not null && SortKeys.Contains(Sort, StringComparer.Ordinal) ? Sort : "priority",
        Page = Math.Max(1, Page),
        PageSize = PageSizes.Contains(PageSize) ? PageSize : 25,
    };

    /// <summary>The filters, without ordering.</summary>
    public IQueryable<AssetFinding> Filter(IQueryable<AssetFinding> findings)
    {
        if (Active)
        {
            findings = findings.Where(f => f.State == FindingState.Open || f.State == FindingState.InProgress);
        }

        if (State is { } state)
        {
            findings = findings.Where(f => f.State == state);
        }

        if (SchoolId is { } schoolId)
        {
            findings = findings.Where(f => f.Asset!.SchoolId == schoolId);
        }

        if (AssetKind is { } assetKind)
        {
            findings = findings.Where(f => f.Asset!.Kind == assetKind);
        }

        if (AssetId is { } assetId)
        {
            findings = findings.Where(f => f.AssetId == assetId);
        }

        if (Priority is { } priority)
        {
            findings = findings.Where(f => f.Priority == priority);
        }

        if (Kind is { } kind)
        {
            findings = findings.Where(f => f.Kind == kind);
        }

        if (Source is { } source)
        {
            findings = findings.Where(f => f.Source == source);
        }

        if (Kev is { } kev)
        {
            findings = findings.Where(f => f.KnownExploited == kev);
        }

        if (Overdue is { } overdue)
        {
            var now = Now;
            findings = overdue
                ? findings.Where(f => (f.State == FindingState.Open || f.State == FindingState.InProgress) && f.DeadlineUtc < now)
                : findings.Where(f => !((f.State == FindingState.Open || f.State == FindingState.InProgress) && f.DeadlineUtc < now));
        }

        if (Subject is { } subject)
        {
            findings = findings.Where(f => f.Subject == subject || f.DocumentId == subject);
        }

        if (ComponentKey is { } componentKey)
        {
            findings = findings.Where(f => f.ComponentKey == componentKey);
        }

        if (Q is { } q)
        {
            // Identity keys and the asset's search text are lower case; subjects and names are matched as written.
            var lower = q.ToLowerInvariant();
            findings = findings.Where(f => f.Subject.Contains(q) || f.Component.Contains(q) || f.ComponentKey.Contains(lower) || f.Asset!.SearchText.Contains(lower));
        }

        return findings;
    }

    public IQueryable<AssetFinding> Apply(IQueryable<AssetFinding> findings)
    {
        findings = Filter(findings);
        return (Sort, Descending) switch
        {
            ("deadline", false) => findings.OrderBy(f => f.DeadlineUtc == null).ThenBy(f => f.DeadlineUtc).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("deadline", true) => findings.OrderByDescending(f => f.DeadlineUtc).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("asset", false) => findings.OrderBy(f => f.Asset!.Name).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("asset", true) => findings.OrderByDescending(f => f.Asset!.Name).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("component", false) => findings.OrderBy(f => f.Component).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("component", true) => findings.OrderByDescending(f => f.Component).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("subject", false) => findings.OrderBy(f => f.Subject).ThenBy(f => f.Id),
            ("subject", true) => findings.OrderByDescending(f => f.Subject).ThenBy(f => f.Id),
            ("state", false) => findings.OrderBy(f => f.State).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("state", true) => findings.OrderByDescending(f => f.State).ThenBy(f => f.Priority).ThenBy(f => f.Id),
            ("firstseen", false) => findings.OrderBy(f => f.FirstSeenUtc).ThenBy(f => f.Id),
            ("firstseen", true) => findings.OrderByDescending(f => f.FirstSeenUtc).ThenBy(f => f.Id),
            (_, true) => findings.OrderByDescending(f => f.Priority).ThenBy(f => f.DeadlineUtc).ThenBy(f => f.Id),
            _ => findings.OrderBy(f => f.Priority).ThenBy(f => f.DeadlineUtc).ThenBy(f => f.Id),
        };
    }

    /// <summary>One page of findings with their asset and school loaded.</summary>
    public async Task<PagedResult<AssetFinding>> ExecuteAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = Apply(db.Set<AssetFinding>().AsNoTracking().Include(f => f.Asset).ThenInclude(a => a!.School));
        var total = await CountAsync(db, cancellationToken);
        var items = await query.Skip((Page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new PagedResult<AssetFinding>(items, Page, PageSize, total);
    }

    /// <summary>The same page as API contracts.</summary>
    public async Task<PagedResult<FindingDto>> ExecuteDtoAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var page = await ExecuteAsync(db, cancellationToken);
        return new PagedResult<FindingDto>([.. page.Items.Select(f => f.ToDto(Now))], page.Page, page.PageSize, page.Total);
    }

    /// <summary>Grouped by subject (CVE or advisory id, or lifecycle rule): "which advisories hit us".</summary>
    public Task<PagedResult<FindingGroupDto>> ByAdvisoryAsync(PatchpeilDbContext db, CancellationToken cancellationToken) =>
        GroupAsync(db, f => f.Subject, cancellationToken);

    /// <summary>Grouped by asset: "which machines need the most work".</summary>
    public Task<PagedResult<FindingGroupDto>> ByAssetAsync(PatchpeilDbContext db, CancellationToken cancellationToken) =>
        GroupAsync(db, f => f.AssetId.ToString(), cancellationToken, byAsset: true);

    /// <summary>Grouped by component identity: "which product, if updated, removes the most findings".</summary>
    public Task<PagedResult<FindingGroupDto>> ByProductAsync(PatchpeilDbContext db, CancellationToken cancellationToken) =>
        GroupAsync(db, f => f.ComponentKey, cancellationToken);

    private async Task<PagedResult<FindingGroupDto>> GroupAsync(PatchpeilDbContext db, System.Linq.Expressions.Expression<Func<AssetFinding, string>> keyOf, CancellationToken cancellationToken, bool byAsset = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = Now;
        var filtered = Filter(db.Set<AssetFinding>().AsNoTracking());
        IQueryable<GroupRow> rows;
        if (byAsset)
        {
            rows = filtered.GroupBy(f => new { f.AssetId, f.Asset!.Name }).Select(g => new GroupRow
            {
                Key = g.Key.AssetId.ToString(),
                Label = g.Key.Name,
                Findings = g.Count(),
                Assets = 1,
                Highest = g.Min(f => f.Priority),
                Overdue = g.Count(f => (f.State == FindingState.Open || f.State == FindingState.InProgress) && f.DeadlineUtc < now),
                Kev = g.Count(f => f.KnownExploited),
                Earliest = g.Min(f => f.DeadlineUtc),
            });
        }
        else
        {
            rows = filtered.GroupBy(keyOf).Select(g => new GroupRow
            {
                Key = g.Key,
                Label = g.Max(f => f.Component)!,
                Findings = g.Count(),
                Assets = g.Select(f => f.AssetId).Distinct().Count(),
                Highest = g.Min(f => f.Priority),
                Overdue = g.Count(f => (f.State == FindingState.Open || f.State == FindingState.InProgress) && f.DeadlineUtc < now),
                Kev = g.Count(f => f.KnownExploited),
                Earliest = g.Min(f => f.DeadlineUtc),
            });
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderBy(r => r.Highest).ThenByDescending(r => r.Findings).ThenBy(r => r.Key)
            .Skip((Page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new PagedResult<FindingGroupDto>(
            [.. items.Select(r => new FindingGroupDto(r.Key, r.Label, r.Findings, r.Assets, r.Highest.ToString(), r.Overdue, r.Kev, r.Earliest))],
            Page, PageSize, total);
    }

    /// <summary>Dashboard figures over the open and in-progress findings that pass the other filters.</summary>
    public async Task<FindingCountsDto> CountsAsync(PatchpeilDbContext db, CancellationToken cancellationToken) =>
        (await CountsAndKindsAsync(db, cancellationToken)).Counts;

    /// <summary>
    /// The dashboard figures and the open findings per kind. Figures are remembered briefly (<see cref="FindingFigures"/>);
    /// computing them takes one pass over the open findings for priority, kind, overdue and KEV (a covering index), one per
    /// asset for the schools, and two small counts — not one scan per figure.
    /// </summary>
    internal Task<(FindingCountsDto Counts, Dictionary<FindingKind, int> ByKind)> CountsAndKindsAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return FindingFigures.GetAsync(FigureKey(db, "counts"), Now, () => ComputeCountsAsync(db, cancellationToken));
    }

    /// <summary>The number of findings that pass the filters (remembered briefly, see <see cref="FindingFigures"/>).</summary>
    public Task<int> CountAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return FindingFigures.GetAsync(FigureKey(db, "total"), Now, () => Filter(db.Set<AssetFinding>().AsNoTracking()).CountAsync(cancellationToken));
    }

    /// <summary>The cache key of a figure: organisation, figure and every filter (not paging or sorting).</summary>
    internal string FigureKey(PatchpeilDbContext db, string figure) =>
        $"{db.TenantScope}|{figure}|{this with { Page = 1, PageSize = 25, Sort = null, Descending = false, Now = DateTime.UnixEpoch }}";

    private async Task<(FindingCountsDto Counts, Dictionary<FindingKind, int> ByKind)> ComputeCountsAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var now = Now;
        var all = Filter(db.Set<AssetFinding>().AsNoTracking());
        var active = all.Where(f => f.State == FindingState.Open || f.State == FindingState.InProgress);
        var groups = await active.GroupBy(f => new { f.Kind, f.Priority })
            .Select(g => new { g.Key.Kind, g.Key.Priority, Count = g.Count(), Overdue = g.Count(f => f.DeadlineUtc < now), Kev = g.Count(f => f.KnownExploited) })
            .ToListAsync(cancellationToken);
        var pending = await all.CountAsync(f => f.AcceptanceRequestedUtc != null && f.AcceptanceApprovedUtc == null && f.State != FindingState.RiskAccepted, cancellationToken);
        var accepted = await all.CountAsync(f => f.State == FindingState.RiskAccepted, cancellationToken);

        // Grouped per asset in the database (no join of every finding with its asset), then per school here.
        var perAsset = await active.GroupBy(f => f.AssetId)
            .Select(g => new { AssetId = g.Key, Open = g.Count(), Overdue = g.Count(f => f.DeadlineUtc < now), P1 = g.Count(f => f.Priority == Core.Matching.Priority.P1) })
            .ToListAsync(cancellationToken);
        var ids = perAsset.Select(a => a.AssetId).ToHashSet();
        var schoolOf = new Dictionary<Guid, Guid?>();
        foreach (var chunk in ids.Chunk(1000))
        {
            foreach (var a in await db.Assets.AsNoTracking().Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.SchoolId }).ToListAsync(cancellationToken))
            {
                schoolOf[a.Id] = a.SchoolId;
            }
        }

        var schoolNames = await db.Schools.AsNoTracking().Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var bySchool = perAsset.GroupBy(a => schoolOf.GetValueOrDefault(a.AssetId))
            .Select(g => new FindingSchoolCountDto(g.Key, g.Key is { } id ? schoolNames.GetValueOrDefault(id) : null, g.Sum(a => a.Open), g.Sum(a => a.Overdue), g.Sum(a => a.P1)));
        var priorities = Enum.GetValues<Priority>().ToDictionary(p => p.ToString(), p => groups.Where(g => g.Priority == p).Sum(g => g.Count));
        var endOfSupport = groups.Where(g => g.Kind is FindingKind.EndOfSupport or FindingKind.EndingSoon or FindingKind.UpdateExpired).Sum(g => g.Count);
        var counts = new FindingCountsDto(
            priorities.Values.Sum(), priorities, groups.Sum(g => g.Overdue), groups.Sum(g => g.Kev), endOfSupport, pending, accepted,
            [.. bySchool.OrderBy(s => s.SchoolName is null).ThenBy(s => s.SchoolName, StringComparer.CurrentCulture)]);
        var byKind = groups.GroupBy(g => g.Kind).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        return (counts, byKind);
    }

    private sealed class GroupRow
    {
        public required string Key { get; init; }
        public required string Label { get; init; }
        public int Findings { get; init; }
        public int Assets { get; init; }
        public Priority Highest { get; init; }
        public int Overdue { get; init; }
        public int Kev { get; init; }
        public DateTime? Earliest { get; init; }
    }
}

public static class FindingMapping
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static bool IsOverdue(this AssetFinding f, DateTime now) =>
        f.State is FindingState.Open or FindingState.InProgress && f.DeadlineUtc is { } d && d < now;

    public static FindingDto ToDto(this AssetFinding f, DateTime now) => new(
        f.Id, f.AssetId, f.Asset?.Name ?? "", f.Asset?.Kind ?? default, f.Asset?.SchoolId, f.Asset?.School?.Name,
        f.Kind.ToString(), f.Component, f.ComponentKey, f.Version, f.Subject, f.Source, f.DocumentId,
        f.Priority.ToString(), f.Urgent, f.State, f.KnownExploited, f.Cvss, f.Epss,
        f.FirstSeenUtc, f.DeadlineUtc, f.IsOverdue(now), f.AcceptancePending);

    public static IReadOnlyList<RiskReason> Reasons(this AssetFinding f) =>
        JsonSerializer.Deserialize<List<RiskReason>>(f.PriorityReasons, Json) ?? [];

    public static IReadOnlyList<string> ComparisonList(this AssetFinding f) =>
        JsonSerializer.Deserialize<List<string>>(f.Comparisons, Json) ?? [];

    public static FindingDetailDto ToDetailDto(this AssetFinding f, IEnumerable<FindingStateChange> history, DateTime now) => new(
        f.ToDto(now), f.Revision, f.Range, f.ComparedVersion, f.Rule, f.ComparisonList(), f.Confidence.ToString(),
        [.. f.Reasons().Select(r => new RiskReasonDto(r.Code, r.Detail))], f.CvssSource, f.NcscLabel,
        f.LastMatchedUtc, f.DeadlineStartUtc, f.PolicyVersionId, f.PolicyVersion,
        f.ResolvedUtc, f.ResolvedBySnapshotId, f.VerifiedUtc, f.VerifiedBy,
        f.AcceptanceReason, f.AcceptanceMeasures, f.AcceptanceRequestedBy, f.AcceptanceApprovedBy, f.AcceptanceExpiresUtc,
        f.VexJustification, f.FalsePositiveReason,
        [.. history.OrderBy(h => h.Id).Select(h => new FindingHistoryDto(h.AtUtc, h.From, h.To, h.Action, h.Actor, h.Reason, h.SnapshotId))]);
}
