namespace Patchpeil.Core.Feeds.Nvd;

/// <summary>One <c>vulnerabilities[].cve</c> of the NVD CVE API 2.0.</summary>
public sealed record NvdCve(
    string Id,
    string? SourceIdentifier,
    DateTimeOffset? Published,
    DateTimeOffset? LastModified,
    string? VulnStatus,
    IReadOnlyList<NvdCveTag> CveTags,
    IReadOnlyList<NvdText> Descriptions,
    IReadOnlyList<CvssScore> Metrics,
    IReadOnlyList<NvdWeakness> Weaknesses,
    IReadOnlyList<NvdConfiguration> Configurations,
    IReadOnlyList<NvdReference> References,
    NvdKev? Kev,
    Provenance Provenance)
{
    public bool IsRejected => string.Equals(VulnStatus, "Rejected", StringComparison.OrdinalIgnoreCase);
}

public sealed record NvdText(string Lang, string Value);

public sealed record NvdCveTag(string? SourceIdentifier, IReadOnlyList<string> Tags);

public sealed record NvdWeakness(string Source, string? Type, IReadOnlyList<NvdText> Description);

public sealed record NvdReference(string Url, string? Source, IReadOnlyList<string> Tags);

/// <summary>The KEV fields NVD copies from CISA (cisaExploitAdd …).</summary>
public sealed record NvdKev(DateOnly? ExploitAdd, DateOnly? ActionDue, string? RequiredAction, string? VulnerabilityName);

/// <summary>Configurations are OR-ed; inside one, nodes combine with <see cref="Operator"/> (AND for "firmware on hardware").</summary>
public sealed record NvdConfiguration(string? Operator, bool Negate, IReadOnlyList<NvdNode> Nodes);

public sealed record NvdNode(string Operator, bool Negate, IReadOnlyList<NvdCpeMatch> CpeMatch);

/// <summary>Kept as published; the bounds are evaluated by the range code with the product's version scheme.</summary>
public sealed record NvdCpeMatch(
    bool Vulnerable,
    string Criteria,
    string? MatchCriteriaId,
    string? VersionStartIncluding,
    string? VersionStartExcluding,
    string? VersionEndIncluding,
    string? VersionEndExcluding);

/// <summary>One API response page; <see cref="Vulnerabilities"/> holds the records read and those quarantined with their index.</summary>
public sealed record NvdPage(
    int? ResultsPerPage,
    int? StartIndex,
    int? TotalResults,
    string? Format,
    string? Version,
    DateTimeOffset? Timestamp,
    ParseResult<NvdCve> Vulnerabilities,
    string ContentSha256);
