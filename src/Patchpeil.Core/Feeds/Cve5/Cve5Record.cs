namespace Patchpeil.Core.Feeds.Cve5;

/// <summary>A CVE JSON 5.x record (dataVersion 5.0/5.1): the CNA container and any ADP containers (e.g. CISA-ADP Vulnrichment).</summary>
public sealed record Cve5Record(
    string DataVersion,
    string CveId,
    string State,
    string? AssignerShortName,
    DateTimeOffset? DatePublished,
    DateTimeOffset? DateUpdated,
    DateTimeOffset? DateReserved,
    Cve5Container? Cna,
    IReadOnlyList<Cve5Container> Adp,
    Provenance Provenance)
{
    public bool IsRejected => string.Equals(State, "REJECTED", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<Cve5Container> Containers => Cna is null ? Adp : Adp.Prepend(Cna);
}

public sealed record Cve5Container(
    string? ProviderShortName,
    string? ProviderOrgId,
    string? Title,
    IReadOnlyList<Cve5Affected> Affected,
    IReadOnlyList<Cve5Text> Descriptions,
    IReadOnlyList<CvssScore> Cvss,
    IReadOnlyList<Cve5OtherMetric> OtherMetrics,
    IReadOnlyList<Cve5ProblemType> ProblemTypes,
    IReadOnlyList<Cve5Reference> References,
    Cve5Ssvc? Ssvc,
    Cve5KevHint? Kev);

/// <summary>
/// One affected product. Either vendor+product or collectionURL+packageName; versions kept as published (a version with
/// lessThan/lessThanOrEqual is a range; "0" with lessThan means "from the beginning"), evaluated by the range code.
/// </summary>
public sealed record Cve5Affected(
    string? Vendor,
    string? Product,
    string? CollectionUrl,
    string? PackageName,
    IReadOnlyList<string> Cpes,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> Modules,
    string? Repo,
    string? DefaultStatus,
    IReadOnlyList<Cve5Version> Versions);

public sealed record Cve5Version(
    string Version,
    string Status,
    string? VersionType,
    string? LessThan,
    string? LessThanOrEqual,
    IReadOnlyList<Cve5Change> Changes);

public sealed record Cve5Change(string At, string Status);

public sealed record Cve5Text(string Lang, string Value);

/// <summary>Metrics other than CVSS (SSVC, KEV, textual severity), kept as raw JSON with their type.</summary>
public sealed record Cve5OtherMetric(string Type, string ContentJson);

public sealed record Cve5ProblemType(string? CweId, string Description, string? Lang, string? Type);

public sealed record Cve5Reference(string Url, string? Name, IReadOnlyList<string> Tags);

/// <summary>CISA Vulnrichment SSVC decision points: Exploitation none/poc/active, Automatable yes/no, Technical Impact partial/total.</summary>
public sealed record Cve5Ssvc(string? Exploitation, string? Automatable, string? TechnicalImpact, string? Role, string? Version, DateTimeOffset? Timestamp);

public sealed record Cve5KevHint(DateOnly? DateAdded, string? Reference);
