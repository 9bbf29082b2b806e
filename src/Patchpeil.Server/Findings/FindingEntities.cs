using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Findings;

/// <summary>
/// One finding: an (asset, component identity, vulnerability or rule) with the matcher's explanation, its priority and
/// deadline from the policy in effect, and its lifecycle. The matcher writes the match columns; people write the
/// lifecycle columns through <see cref="FindingLifecycle"/>.
/// </summary>
public sealed class AssetFinding : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AssetId { get; set; }
    public Asset? Asset { get; set; }

    // ------------------------------------------------------------------ what matched (from the matcher's evidence)
    public FindingKind Kind { get; set; }

    /// <summary>Component name as shown ("openssl", "Google Chrome").</summary>
    public required string Component { get; set; }

    /// <summary>The identity key the finding is about (<see cref="IdentityKeys"/>): part of the finding's identity.</summary>
    public required string ComponentKey { get; set; }

    /// <summary>The installed version the finding was last raised for.</summary>
    public required string Version { get; set; }

    /// <summary>CVE id (or advisory id without CVE), or the lifecycle rule ("eol:debian/11").</summary>
    public required string Subject { get; set; }

    public required string Source { get; set; }
    public required string DocumentId { get; set; }
    public string? Revision { get; set; }
    public string Range { get; set; } = "";
    public string ComparedVersion { get; set; } = "";
    public string Rule { get; set; } = "";

    /// <summary>JSON array of the comparisons the range evaluator made.</summary>
    public string Comparisons { get; set; } = "[]";

    public MatchConfidence Confidence { get; set; }

    // ------------------------------------------------------------------ risk (RiskAssessor) and deadline (policy)
    public Priority Priority { get; set; }
    public bool Urgent { get; set; }

    /// <summary>JSON array of <see cref="Core.Risk.RiskReason"/>.</summary>
    public string PriorityReasons { get; set; } = "[]";

    public decimal? Cvss { get; set; }
    public string? CvssSource { get; set; }
    public decimal? Epss { get; set; }
    public bool KnownExploited { get; set; }
    public string? NcscLabel { get; set; }

    public DateTime FirstSeenUtc { get; set; }
    public DateTime LastMatchedUtc { get; set; }

    /// <summary>The moment the deadline counts from: first seen, reopened, or a risk acceptance's expiry.</summary>
    public DateTime DeadlineStartUtc { get; set; }

    public DateTime? DeadlineUtc { get; set; }
    public Guid? PolicyVersionId { get; set; }
    public int PolicyVersion { get; set; }

    // ------------------------------------------------------------------ lifecycle
    public FindingState State { get; set; }
    public DateTime StateChangedUtc { get; set; }

    /// <summary>The reason given with the last state change (also in the audit log and the history).</summary>
    public string? StateReason { get; set; }

    public DateTime? ResolvedUtc { get; set; }

    /// <summary>The later inventory snapshot that no longer shows the finding; null when an advisory revision or rule change removed it.</summary>
    public Guid? ResolvedBySnapshotId { get; set; }

    public DateTime? VerifiedUtc { get; set; }
    public string? VerifiedBy { get; set; }

    public string? AcceptanceReason { get; set; }
    public string? AcceptanceMeasures { get; set; }
    public Guid? AcceptanceRequestedById { get; set; }
    public string? AcceptanceRequestedBy { get; set; }
    public DateTime? AcceptanceRequestedUtc { get; set; }
    public Guid? AcceptanceApprovedById { get; set; }
    public string? AcceptanceApprovedBy { get; set; }
    public DateTime? AcceptanceApprovedUtc { get; set; }
    public DateTime? AcceptanceExpiresUtc { get; set; }

    /// <summary>CSAF/CycloneDX justification (see <see cref="VexJustifications"/>) when <see cref="FindingState.NotAffected"/>.</summary>
    public string? VexJustification { get; set; }

    public string? FalsePositiveReason { get; set; }

    /// <summary>The component version marked false positive: the same match on this version is not raised again.</summary>
    public string? FalsePositiveVersion { get; set; }

    /// <summary>True while a risk acceptance waits for an approver.</summary>
    public bool AcceptancePending => AcceptanceRequestedUtc is not null && AcceptanceApprovedUtc is null && State != FindingState.RiskAccepted;

    public string AuditSummary() =>
        $"state={State}; reason={StateReason}; priority={Priority}; deadline={DeadlineUtc:O}; policy={PolicyVersion}; version={Version}; " +
        $"acceptance={AcceptanceRequestedBy}/{AcceptanceApprovedBy}/{AcceptanceExpiresUtc:O}; vex={VexJustification}; falsePositive={FalsePositiveReason}";
}

/// <summary>One step in a finding's history: who (or which job) moved it from which state to which, and why.</summary>
public sealed class FindingStateChange : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid FindingId { get; set; }
    public DateTime AtUtc { get; set; }

    /// <summary>Null when the finding was created.</summary>
    public FindingState? From { get; set; }

    public FindingState To { get; set; }

    /// <summary>What happened: created, resolved, reopened, start, verify, accept-risk-requested …</summary>
    public required string Action { get; set; }

    public required string Actor { get; set; }
    public Guid? ActorUserId { get; set; }
    public string? Reason { get; set; }

    /// <summary>The inventory snapshot that caused the change, when a report did.</summary>
    public Guid? SnapshotId { get; set; }
}

/// <summary>The CSAF 2.0 flags / CycloneDX analysis justifications accepted for "not affected".</summary>
public static class VexJustifications
{
    public static readonly string[] All =
    [
        "component_not_present",
        "vulnerable_code_not_present",
        "vulnerable_code_cannot_be_controlled_by_adversary",
        "vulnerable_code_not_in_execute_path",
        "inline_mitigations_already_exist",
    ];

    public static bool IsValid(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);
}

public static class FindingModel
{
    public const int MaxKeyLength = 400;
    public const int MaxSubjectLength = 200;

    /// <summary>States in which a finding still asks for work (counted as open on dashboards, can be overdue).</summary>
    public static readonly FindingState[] ActiveStates = [FindingState.Open, FindingState.InProgress];

    public static void ConfigureFindings(this ModelBuilder builder)
    {
        builder.Entity<AssetFinding>(b =>
        {
            b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(24);
            b.Property(f => f.Component).HasMaxLength(300);
            b.Property(f => f.ComponentKey).HasMaxLength(MaxKeyLength);
            b.Property(f => f.Version).HasMaxLength(200);
            b.Property(f => f.Subject).HasMaxLength(MaxSubjectLength);
            b.Property(f => f.Source).HasMaxLength(32);
            b.Property(f => f.DocumentId).HasMaxLength(300);
            b.Property(f => f.Revision).HasMaxLength(100);
            b.Property(f => f.Range).HasMaxLength(2000);
            b.Property(f => f.ComparedVersion).HasMaxLength(200);
            b.Property(f => f.Rule).HasMaxLength(2000);
            b.Property(f => f.Confidence).HasConversion<string>().HasMaxLength(10);
            b.Property(f => f.CvssSource).HasMaxLength(100);
            b.Property(f => f.NcscLabel).HasMaxLength(100);
            b.Property(f => f.State).HasConversion<string>().HasMaxLength(16);
            b.Property(f => f.VerifiedBy).HasMaxLength(256);
            b.Property(f => f.StateReason).HasMaxLength(2000);
            b.Property(f => f.AcceptanceReason).HasMaxLength(2000);
            b.Property(f => f.AcceptanceMeasures).HasMaxLength(2000);
            b.Property(f => f.AcceptanceRequestedBy).HasMaxLength(256);
            b.Property(f => f.AcceptanceApprovedBy).HasMaxLength(256);
            b.Property(f => f.VexJustification).HasMaxLength(64);
            b.Property(f => f.FalsePositiveReason).HasMaxLength(2000);
            b.Property(f => f.FalsePositiveVersion).HasMaxLength(200);
            b.Property(f => f.Cvss).HasPrecision(3, 1);
            b.Property(f => f.Epss).HasPrecision(6, 5);
            b.Ignore(f => f.AcceptancePending);
            b.HasIndex(f => new { f.OrganisationId, f.AssetId, f.ComponentKey, f.Subject }).IsUnique();
            // At a million findings (issue #6 scale run) the dashboard and list read indexes, not the wide rows:
            // figures over open findings (state, priority, kind, KEV, deadline, asset; trend dates) from one covering index,
            b.HasIndex(f => new { f.OrganisationId, f.State, f.Priority, f.Kind, f.KnownExploited, f.DeadlineUtc, f.AssetId, f.FirstSeenUtc, f.ResolvedUtc, f.StateChangedUtc })
                .HasDatabaseName("IX_AssetFinding_Figures");

            // the list's default order (priority, deadline) walked in index order with the common filters in the index
            // (the organisation last: the tenant filter is "@bypass OR OrganisationId = @org", which SQLite cannot use as
            // a leading equality, so an index starting with it was scanned and sorted),
            b.HasIndex(f => new { f.Priority, f.DeadlineUtc, f.Id, f.State, f.OrganisationId, f.KnownExploited }).HasDatabaseName("IX_AssetFinding_ListOrder");

            // pending risk acceptances (few rows), and the source filter's options (a seek per distinct source).
            b.HasIndex(f => new { f.OrganisationId, f.AcceptanceRequestedUtc }).HasFilter("\"AcceptanceRequestedUtc\" IS NOT NULL");
            b.HasIndex(f => new { f.OrganisationId, f.Source });
            b.HasIndex(f => new { f.OrganisationId, f.DeadlineUtc });
            b.HasIndex(f => new { f.OrganisationId, f.Subject });
            b.HasIndex(f => new { f.OrganisationId, f.ComponentKey });
            b.HasIndex(f => f.AcceptanceExpiresUtc);
            b.HasOne<Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(f => f.Asset).WithMany().HasForeignKey(f => f.AssetId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<FindingStateChange>(b =>
        {
            b.Property(c => c.From).HasConversion<string>().HasMaxLength(16);
            b.Property(c => c.To).HasConversion<string>().HasMaxLength(16);
            b.Property(c => c.Action).HasMaxLength(40);
            b.Property(c => c.Actor).HasMaxLength(256);
            b.Property(c => c.Reason).HasMaxLength(2000);
            b.HasIndex(c => new { c.FindingId, c.Id });
            b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<AssetFinding>().WithMany().HasForeignKey(c => c.FindingId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
