using Patchpeil.Core.Feeds;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>
/// How much a source's word counts. Lower is stronger: a vendor or distribution speaks about its own build (with
/// backports), a CSIRT relays, OSV aggregates, a CVE record names the upstream project, NVD describes upstream ranges.
/// </summary>
public enum EvidenceLevel
{
    /// <summary>CSAF of a vendor, or an OSV record of a distribution (Debian, Ubuntu, Red Hat …) about its own packages.</summary>
    VendorOrDistro = 0,

    /// <summary>CSAF of a coordinator/CSIRT (NCSC, CISA …).</summary>
    Csirt = 1,

    /// <summary>OSV records of language ecosystems (GHSA, PyPI, RustSec …).</summary>
    Osv = 2,

    /// <summary>CVE JSON 5 affected[] of the CNA/ADP.</summary>
    Cve = 3,

    /// <summary>NVD configurations: consulted last.</summary>
    Nvd = 4,
}

/// <summary>What a statement says when its product applies.</summary>
public enum StatementKind
{
    /// <summary>Versions inside the range are affected.</summary>
    Affected,

    /// <summary>A fixed version: older versions are affected, this one and later are fixed.</summary>
    FixedFrom,

    /// <summary>The listed versions (or all, when no version) are not affected.</summary>
    NotAffected,

    /// <summary>The vendor is still investigating.</summary>
    UnderInvestigation,
}

public enum MatchConfidence
{
    /// <summary>Free text or a repaired/partial range: shown, not trusted for automation.</summary>
    Low,

    /// <summary>Vendor and product names or a repaired range.</summary>
    Medium,

    /// <summary>purl/CPE identity with a parsed range in the component's own scheme.</summary>
    High,
}

public enum FindingKind
{
    Vulnerable,

    /// <summary>A statement names the component but its range could not be evaluated: reported text-only, never widened.</summary>
    Unverified,

    UnderInvestigation,
    EndOfSupport,
    EndingSoon,
    BehindLatest,
    UpdateExpired,
}

/// <summary>P1 most urgent … P4 least.</summary>
public enum Priority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
    P4 = 4,
}

/// <summary>One advisory document (or record) and what the matcher keeps of it.</summary>
/// <param name="Key">Unique per source document ("csaf:RHSA-2024:3351", "osv:GHSA-…"); a revision replaces the same key.</param>
/// <param name="VulnerabilityIds">CVE ids it speaks about (or its own id when it has no CVE).</param>
public sealed record AdvisoryInfo(string Key, FeedSource Source, string DocumentId, string? Revision, EvidenceLevel Level, IReadOnlyList<string> VulnerabilityIds);

/// <summary>
/// One prepared statement: "identity X, versions R, are affected/fixed/not affected by vulnerability V", with the
/// range parsed once. <see cref="Slow"/> explains (and decides when no fast form exists).
/// </summary>
public sealed class Statement
{
    internal Statement(AdvisoryInfo advisory, string vulnerabilityId, string identity, StatementKind kind, MatchConfidence confidence, string rangeText, VersionScheme scheme, Func<string, RangeMatch> slow)
    {
        Advisory = advisory;
        VulnerabilityId = vulnerabilityId;
        Identity = identity;
        Kind = kind;
        Confidence = confidence;
        RangeText = rangeText;
        Scheme = scheme;
        Slow = slow;
    }

    public AdvisoryInfo Advisory { get; }

    /// <summary>The vulnerability id; the matcher replaces it with its one shared instance when the statement is loaded.</summary>
    public string VulnerabilityId { get; internal set; }

    /// <summary>The identity key (see <see cref="IdentityKeys"/>); shared instance once loaded, like <see cref="VulnerabilityId"/>.</summary>
    public string Identity { get; internal set; }

    public StatementKind Kind { get; }
    public MatchConfidence Confidence { get; set; }

    /// <summary>The range as the source wrote it, for the explanation.</summary>
    public string RangeText { get; }

    public VersionScheme Scheme { get; }

    /// <summary>Full evaluation with the comparisons made.</summary>
    public Func<string, RangeMatch> Slow { get; }

    /// <summary>Allocation-free evaluation on a pre-parsed key of <see cref="Scheme"/>; null when the range has no such form.</summary>
    internal Func<VersionKey, RangeVerdict>? Fast { get; init; }

    /// <summary>For NVD AND configurations: the whole configuration, evaluated against all CPEs of the asset.</summary>
    internal IReadOnlyList<NvdConfiguration>? PlatformConfigurations { get; init; }

    internal int IdentityId { get; set; }

    /// <summary>The vulnerability id interned by the matcher.</summary>
    internal int VulnId { get; set; }

    public override string ToString() => $"{Advisory.Key} {VulnerabilityId} {Kind} {Identity} {RangeText}";
}

/// <summary>An installed component as the matcher sees it.</summary>
/// <param name="Identities">Identity keys it is known by (see <see cref="IdentityKeys"/>), most specific first.</param>
/// <param name="Display">Name shown in findings.</param>
/// <param name="Cpe">The component's CPE (for NVD AND configurations), when known.</param>
/// <param name="EndOfLifeProduct">endoflife.date product and cycle, when the catalog knows them.</param>
public sealed record MatchComponent(
    IReadOnlyList<string> Identities,
    string Display,
    string Version,
    VersionSchemeKind Scheme,
    string? Cpe = null,
    string? EndOfLifeProduct = null,
    string? EndOfLifeCycle = null);

/// <summary>One device (or SBOM) with its components.</summary>
/// <param name="UpdateExpiresOn">Chromebook Auto Update Expiration, when a connector knows it.</param>
public sealed record MatchAsset(string AssetId, string Name, IReadOnlyList<MatchComponent> Components, DateOnly? UpdateExpiresOn = null);

/// <summary>Stable across runs: the same asset, component identity and vulnerability or rule give the same key.</summary>
public readonly record struct FindingKey(string AssetId, string Component, string Subject)
{
    public override string ToString() => $"{AssetId}|{Component}|{Subject}";
}

/// <summary>Why a finding exists: the source document and revision, the range and the version compared.</summary>
public sealed record FindingEvidence(
    string Source,
    string DocumentId,
    string? Revision,
    string Range,
    string ComparedVersion,
    string Rule,
    IReadOnlyList<string> Comparisons,
    MatchConfidence Confidence);

public sealed record Finding(
    FindingKey Key,
    FindingKind Kind,
    string AssetName,
    string Component,
    string Version,
    string Subject,
    Priority Priority,
    decimal? Cvss,
    bool KnownExploited,
    FindingEvidence Evidence)
{
    public override string ToString() => $"{Priority} {Kind} {AssetName} {Component} {Version} {Subject}: {Evidence.Rule}";
}

/// <summary>The changes one incremental step made.</summary>
public sealed record MatchDelta(IReadOnlyList<Finding> Added, IReadOnlyList<Finding> Removed, int VersionsEvaluated);
