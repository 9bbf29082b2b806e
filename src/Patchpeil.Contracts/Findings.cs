namespace Patchpeil.Contracts;

/// <summary>Where a finding is in its lifecycle.</summary>
public enum FindingState
{
    /// <summary>Raised by the matcher (or reopened); IT staff have until the deadline.</summary>
    Open,
    /// <summary>In behandeling: someone is working on it.</summary>
    InProgress,
    /// <summary>Opgelost: a later inventory of the asset no longer shows it; that snapshot is the evidence.</summary>
    Resolved,
    /// <summary>Geverifieerd: a person confirmed the resolution.</summary>
    Verified,
    /// <summary>Risk accepted by an approver other than the requester, until the acceptance expires.</summary>
    RiskAccepted,
    /// <summary>Not affected, with a VEX justification.</summary>
    NotAffected,
    /// <summary>Not a real match; not raised again for the same component version.</summary>
    FalsePositive,
}

/// <summary>One finding in a list.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="AssetId">The asset.</param>
/// <param name="AssetName">The asset's name.</param>
/// <param name="AssetKind">The asset's kind.</param>
/// <param name="SchoolId">The asset's school, if any.</param>
/// <param name="SchoolName">The school's name.</param>
/// <param name="Kind">Vulnerable, Unverified, UnderInvestigation, EndOfSupport, EndingSoon, BehindLatest or UpdateExpired.</param>
/// <param name="Component">Component name as shown.</param>
/// <param name="ComponentKey">The component identity key.</param>
/// <param name="Version">The installed version.</param>
/// <param name="Subject">CVE id, advisory id or lifecycle rule.</param>
/// <param name="Source">The feed the deciding evidence came from.</param>
/// <param name="DocumentId">The deciding document.</param>
/// <param name="Priority">P1 (most urgent) to P4.</param>
/// <param name="Urgent">The policy's shortest deadline applies (KEV or NCSC Urgent on an internet-facing asset).</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="KnownExploited">In CISA's KEV catalogue.</param>
/// <param name="Cvss">The chosen CVSS base score.</param>
/// <param name="Epss">EPSS probability 0–1.</param>
/// <param name="FirstSeenUtc">When the matcher first raised it.</param>
/// <param name="DeadlineUtc">When it must be dealt with.</param>
/// <param name="Overdue">Open or in progress past its deadline.</param>
/// <param name="AcceptancePending">A risk acceptance waits for approval.</param>
public sealed record FindingDto(
    Guid Id, Guid AssetId, string AssetName, AssetKind AssetKind, Guid? SchoolId, string? SchoolName,
    string Kind, string Component, string ComponentKey, string Version, string Subject, string Source, string DocumentId,
    string Priority, bool Urgent, FindingState State, bool KnownExploited, decimal? Cvss, decimal? Epss,
    DateTime FirstSeenUtc, DateTime? DeadlineUtc, bool Overdue, bool AcceptancePending);

/// <summary>A reason behind a finding's priority.</summary>
/// <param name="Code">Stable code (cvss, kev, epss, ncsc-urgent, internet-facing …).</param>
/// <param name="Detail">The value that made it count.</param>
public sealed record RiskReasonDto(string Code, string Detail);

/// <summary>One step in a finding's history.</summary>
/// <param name="AtUtc">When.</param>
/// <param name="From">Previous state; null when the finding was created.</param>
/// <param name="To">New state.</param>
/// <param name="Action">What happened (created, resolved, reopened, start, verify …).</param>
/// <param name="Actor">Who or which job.</param>
/// <param name="Reason">The reason given.</param>
/// <param name="SnapshotId">The inventory snapshot that caused it, if a report did.</param>
public sealed record FindingHistoryDto(DateTime AtUtc, FindingState? From, FindingState To, string Action, string Actor, string? Reason, Guid? SnapshotId);

/// <summary>A finding with its full explanation and history.</summary>
/// <param name="Finding">The list fields.</param>
/// <param name="Revision">Revision of the deciding document.</param>
/// <param name="Range">The range as the source wrote it.</param>
/// <param name="ComparedVersion">The version compared against the range.</param>
/// <param name="Rule">The rule that decided.</param>
/// <param name="Comparisons">The comparisons the range evaluator made.</param>
/// <param name="Confidence">High, Medium or Low.</param>
/// <param name="PriorityReasons">Why this priority.</param>
/// <param name="CvssSource">Who scored the chosen CVSS.</param>
/// <param name="NcscLabel">NCSC-NL label, when an NCSC advisory names it.</param>
/// <param name="LastMatchedUtc">When the matcher last confirmed it.</param>
/// <param name="DeadlineStartUtc">The moment the deadline counts from.</param>
/// <param name="PolicyVersionId">The policy version that set the deadline; null for the defaults.</param>
/// <param name="PolicyVersion">Its number (0 = defaults).</param>
/// <param name="ResolvedUtc">When a later inventory no longer showed it.</param>
/// <param name="ResolvedBySnapshotId">That inventory snapshot.</param>
/// <param name="VerifiedUtc">When the resolution was verified.</param>
/// <param name="VerifiedBy">Who verified it.</param>
/// <param name="AcceptanceReason">Risk acceptance: reason.</param>
/// <param name="AcceptanceMeasures">Risk acceptance: compensating measures.</param>
/// <param name="AcceptanceRequestedBy">Risk acceptance: requester.</param>
/// <param name="AcceptanceApprovedBy">Risk acceptance: approver.</param>
/// <param name="AcceptanceExpiresUtc">Risk acceptance: expiry.</param>
/// <param name="VexJustification">Not affected: CSAF/CycloneDX justification.</param>
/// <param name="FalsePositiveReason">False positive: reason.</param>
/// <param name="History">State changes, oldest first.</param>
public sealed record FindingDetailDto(
    FindingDto Finding, string? Revision, string Range, string ComparedVersion, string Rule, IReadOnlyList<string> Comparisons,
    string Confidence, IReadOnlyList<RiskReasonDto> PriorityReasons, string? CvssSource, string? NcscLabel,
    DateTime LastMatchedUtc, DateTime DeadlineStartUtc, Guid? PolicyVersionId, int PolicyVersion,
    DateTime? ResolvedUtc, Guid? ResolvedBySnapshotId, DateTime? VerifiedUtc, string? VerifiedBy,
    string? AcceptanceReason, string? AcceptanceMeasures, string? AcceptanceRequestedBy, string? AcceptanceApprovedBy, DateTime? AcceptanceExpiresUtc,
    string? VexJustification, string? FalsePositiveReason, IReadOnlyList<FindingHistoryDto> History);

/// <summary>Input to a lifecycle transition; which fields are required depends on the transition.</summary>
/// <param name="Reason">Why (required for accept-risk, reject-risk, false-positive and reopen).</param>
/// <param name="Measures">Risk acceptance: compensating measures (required).</param>
/// <param name="ExpiresUtc">Risk acceptance: expiry (required, at most the policy's maximum ahead).</param>
/// <param name="Justification">Not affected: one of component_not_present, vulnerable_code_not_present, vulnerable_code_cannot_be_controlled_by_adversary, vulnerable_code_not_in_execute_path, inline_mitigations_already_exist.</param>
public sealed record FindingTransitionInput(string? Reason = null, string? Measures = null, DateTime? ExpiresUtc = null, string? Justification = null);

/// <summary>The same transition for many findings, all or nothing.</summary>
/// <param name="Action">start, verify, accept-risk, approve-risk, reject-risk, not-affected, false-positive or reopen.</param>
/// <param name="Ids">The findings.</param>
/// <param name="Input">The transition's input.</param>
public sealed record FindingBulkInput(string Action, IReadOnlyList<Guid> Ids, FindingTransitionInput? Input = null);

/// <summary>Why one finding of a bulk action could not make the transition.</summary>
/// <param name="Id">The finding.</param>
/// <param name="Error">The reason, in the caller's language.</param>
public sealed record FindingBulkError(Guid Id, string Error);

/// <summary>The outcome of a bulk action: either all changed, or none and the errors.</summary>
/// <param name="Changed">How many findings changed (0 when any failed).</param>
/// <param name="Errors">Per finding, why it could not.</param>
public sealed record FindingBulkResult(int Changed, IReadOnlyList<FindingBulkError> Errors);

/// <summary>Findings grouped by advisory, asset or product.</summary>
/// <param name="Key">The group's key (subject, asset id or component key).</param>
/// <param name="Label">What to show.</param>
/// <param name="Findings">Findings in the group.</param>
/// <param name="Assets">Distinct assets in the group.</param>
/// <param name="HighestPriority">Most urgent priority in the group (P1..P4).</param>
/// <param name="Overdue">Overdue findings in the group.</param>
/// <param name="KnownExploited">Findings in CISA KEV.</param>
/// <param name="EarliestDeadlineUtc">The earliest deadline in the group.</param>
public sealed record FindingGroupDto(string Key, string Label, int Findings, int Assets, string HighestPriority, int Overdue, int KnownExploited, DateTime? EarliestDeadlineUtc);

/// <summary>Open findings of one school.</summary>
/// <param name="SchoolId">The school; null for assets without a school.</param>
/// <param name="SchoolName">Its name.</param>
/// <param name="Open">Open and in-progress findings.</param>
/// <param name="Overdue">Of which overdue.</param>
/// <param name="P1">Of which P1.</param>
public sealed record FindingSchoolCountDto(Guid? SchoolId, string? SchoolName, int Open, int Overdue, int P1);

/// <summary>Dashboard figures over open and in-progress findings.</summary>
/// <param name="Open">Open and in progress.</param>
/// <param name="ByPriority">Per priority (P1..P4).</param>
/// <param name="Overdue">Past their deadline.</param>
/// <param name="KnownExploited">In CISA KEV.</param>
/// <param name="EndOfSupport">End of support, ending soon or update expired.</param>
/// <param name="PendingAcceptances">Risk acceptances waiting for approval.</param>
/// <param name="RiskAccepted">Accepted risks in force.</param>
/// <param name="BySchool">Per school.</param>
public sealed record FindingCountsDto(
    int Open, IReadOnlyDictionary<string, int> ByPriority, int Overdue, int KnownExploited, int EndOfSupport,
    int PendingAcceptances, int RiskAccepted, IReadOnlyList<FindingSchoolCountDto> BySchool);
