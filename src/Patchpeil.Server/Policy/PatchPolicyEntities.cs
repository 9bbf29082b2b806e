using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Policy;

/// <summary>
/// One saved version of an organisation's patch policy. A version is a draft until an administrator approves it
/// (SM.06 level 3: a formally adopted policy); the approved version with the highest number is in effect. Versions are
/// never edited after approval: a change is a new draft.
/// </summary>
public sealed class PatchPolicyVersion : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }

    /// <summary>1, 2, … per organisation; 0 is reserved for the built-in defaults.</summary>
    public int Version { get; set; }

    public int UrgentHours { get; set; }
    public int P1Days { get; set; }
    public int P2Days { get; set; }
    public int P3Days { get; set; }
    public int P4Days { get; set; }
    public int EndOfSupportPlanDays { get; set; }

    /// <summary>Deadline overrides per priority and asset kind, "P1:Server=3" separated by ';', sorted.</summary>
    public string Overrides { get; set; } = "";

    /// <summary>End-of-support warning steps in months, "12,6,3" (largest first).</summary>
    public string WarningMonths { get; set; } = "12,6,3";

    public int MaxRiskAcceptanceMonths { get; set; }

    /// <summary>Scope and remarks, free text.</summary>
    public string? Scope { get; set; }

    public required string CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedUtc { get; set; }

    /// <summary>Where the approval is recorded, e.g. "Besluit CvB 2026-14".</summary>
    public string? ApprovalReference { get; set; }

    public bool IsApproved => ApprovedUtc is not null;

    public IReadOnlyList<int> WarningMonthList() =>
        [.. WarningMonths.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(m => int.Parse(m, CultureInfo.InvariantCulture))];

    public IReadOnlyList<(Priority Priority, AssetKind Kind, int Days)> OverrideList() =>
        [.. Overrides.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(o =>
        {
            var (key, days) = (o[..o.IndexOf('=', StringComparison.Ordinal)], o[(o.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var parts = key.Split(':');
            return (Enum.Parse<Priority>(parts[0]), Enum.Parse<AssetKind>(parts[1]), int.Parse(days, CultureInfo.InvariantCulture));
        })];

    public DeadlineMatrix ToMatrix() => new(
        TimeSpan.FromHours(UrgentHours),
        new Dictionary<Priority, TimeSpan>
        {
            [Priority.P1] = TimeSpan.FromDays(P1Days),
            [Priority.P2] = TimeSpan.FromDays(P2Days),
            [Priority.P3] = TimeSpan.FromDays(P3Days),
            [Priority.P4] = TimeSpan.FromDays(P4Days),
        },
        OverrideList().ToDictionary(o => (o.Priority, o.Kind), o => TimeSpan.FromDays(o.Days)),
        TimeSpan.FromDays(EndOfSupportPlanDays));

    public PolicyInEffect ToPolicy() => new(Id, Version, ToMatrix(), WarningMonthList()) { MaxRiskAcceptanceMonths = MaxRiskAcceptanceMonths };

    public string AuditSummary() => string.Create(CultureInfo.InvariantCulture,
        $"version={Version}; urgentHours={UrgentHours}; days=P1 {P1Days}, P2 {P2Days}, P3 {P3Days}, P4 {P4Days}; overrides={Overrides}; endOfSupportPlanDays={EndOfSupportPlanDays}; warningMonths={WarningMonths}; maxRiskAcceptanceMonths={MaxRiskAcceptanceMonths}; scope={Scope}; approvedBy={ApprovedBy}; approvedUtc={ApprovedUtc:O}; approvalReference={ApprovalReference}");
}

public static class PatchPolicyModel
{
    public const int MaxScopeLength = 4000;
    public const int MaxReferenceLength = 200;

    public static void ConfigurePatchPolicy(this ModelBuilder builder) =>
        builder.Entity<PatchPolicyVersion>(b =>
        {
            b.ToTable("PatchPolicyVersions");
            b.HasIndex(v => new { v.OrganisationId, v.Version }).IsUnique();
            b.Property(v => v.Overrides).HasMaxLength(1000);
            b.Property(v => v.WarningMonths).HasMaxLength(100);
            b.Property(v => v.Scope).HasMaxLength(MaxScopeLength);
            b.Property(v => v.CreatedBy).HasMaxLength(256);
            b.Property(v => v.ApprovedBy).HasMaxLength(256);
            b.Property(v => v.ApprovalReference).HasMaxLength(MaxReferenceLength);
            b.Ignore(v => v.IsApproved);
            b.HasOne<Organisation>().WithMany().HasForeignKey(v => v.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
}
