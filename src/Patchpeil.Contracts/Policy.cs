namespace Patchpeil.Contracts;

/// <summary>A new draft of the patch policy. Deadlines in whole hours or days; every value must be positive.</summary>
/// <param name="UrgentHours">Known exploited or NCSC Urgent on an internet-facing asset; at most the P1 deadline.</param>
/// <param name="P1Days">Days for P1 (Kritiek).</param>
/// <param name="P2Days">Days for P2 (Hoog); at least P1.</param>
/// <param name="P3Days">Days for P3 (Midden); at least P2.</param>
/// <param name="P4Days">Days for P4 (Laag); at least P3.</param>
/// <param name="EndOfSupportPlanDays">Days to make a plan when support has ended or device updates expired.</param>
/// <param name="Overrides">Deadlines that differ for one priority and asset kind.</param>
/// <param name="EndOfSupportWarningMonths">How many months ahead an approaching end of support is warned about, e.g. 12, 6, 3.</param>
/// <param name="MaxRiskAcceptanceMonths">Longest time a risk acceptance may run.</param>
/// <param name="Scope">Scope and remarks, free text.</param>
public sealed record PatchPolicyInput(
    int? UrgentHours,
    int? P1Days,
    int? P2Days,
    int? P3Days,
    int? P4Days,
    int? EndOfSupportPlanDays,
    IReadOnlyList<DeadlineOverrideDto>? Overrides,
    IReadOnlyList<int>? EndOfSupportWarningMonths,
    int? MaxRiskAcceptanceMonths,
    string? Scope);

/// <summary>A deadline for one priority on one kind of asset.</summary>
/// <param name="Priority">P1, P2, P3 or P4.</param>
/// <param name="AssetKind">The kind of asset.</param>
/// <param name="Days">Days.</param>
public sealed record DeadlineOverrideDto(string? Priority, AssetKind? AssetKind, int? Days);

/// <summary>Approval of a draft: who approves is the signed-in administrator; the reference says where it was decided.</summary>
/// <param name="Reference">E.g. the board decision ("Besluit CvB 2026-14").</param>
public sealed record PolicyApprovalInput(string? Reference);

/// <summary>One version of the patch policy; version 0 is the built-in default, never approved.</summary>
/// <param name="Id">Id; null for the built-in default.</param>
/// <param name="Version">Version number.</param>
/// <param name="UrgentHours">Urgent deadline in hours.</param>
/// <param name="P1Days">P1 days.</param>
/// <param name="P2Days">P2 days.</param>
/// <param name="P3Days">P3 days.</param>
/// <param name="P4Days">P4 days.</param>
/// <param name="EndOfSupportPlanDays">End-of-support plan days.</param>
/// <param name="Overrides">Overrides per priority and asset kind.</param>
/// <param name="EndOfSupportWarningMonths">Warning months.</param>
/// <param name="MaxRiskAcceptanceMonths">Longest risk acceptance.</param>
/// <param name="Scope">Scope and remarks.</param>
/// <param name="CreatedBy">Who saved it.</param>
/// <param name="CreatedUtc">When.</param>
/// <param name="Approved">Whether it was approved.</param>
/// <param name="ApprovedBy">Who approved it.</param>
/// <param name="ApprovedUtc">When.</param>
/// <param name="ApprovalReference">Where the approval is recorded.</param>
/// <param name="InEffect">Whether this is the version in effect.</param>
public sealed record PatchPolicyVersionDto(
    Guid? Id,
    int Version,
    int UrgentHours,
    int P1Days,
    int P2Days,
    int P3Days,
    int P4Days,
    int EndOfSupportPlanDays,
    IReadOnlyList<DeadlineOverrideDto> Overrides,
    IReadOnlyList<int> EndOfSupportWarningMonths,
    int MaxRiskAcceptanceMonths,
    string? Scope,
    string? CreatedBy,
    DateTime? CreatedUtc,
    bool Approved,
    string? ApprovedBy,
    DateTime? ApprovedUtc,
    string? ApprovalReference,
    bool InEffect);

/// <summary>The policy in effect and every saved version, newest first.</summary>
/// <param name="InEffect">The approved version in effect, or the built-in default (version 0).</param>
/// <param name="Versions">All saved versions, drafts included.</param>
public sealed record PatchPolicyOverview(PatchPolicyVersionDto InEffect, IReadOnlyList<PatchPolicyVersionDto> Versions);
