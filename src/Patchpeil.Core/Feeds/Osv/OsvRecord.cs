namespace Patchpeil.Core.Feeds.Osv;

public sealed record OsvRecord(
    string? SchemaVersion,
    string Id,
    DateTimeOffset Modified,
    DateTimeOffset? Published,
    DateTimeOffset? Withdrawn,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Upstream,
    IReadOnlyList<string> Related,
    string? Summary,
    string? Details,
    IReadOnlyList<OsvSeverity> Severity,
    IReadOnlyList<OsvAffected> Affected,
    IReadOnlyList<OsvReference> References,
    IReadOnlyList<OsvCredit> Credits,
    string? DatabaseSpecificJson,
    Provenance Provenance)
{
    public bool IsWithdrawn => Withdrawn is not null;
}

/// <summary><see cref="Score"/> is a vector string for CVSS types (not a number) or a word for "Ubuntu".</summary>
public sealed record OsvSeverity(string Type, string Score);

public sealed record OsvAffected(
    OsvPackage? Package,
    IReadOnlyList<OsvSeverity> Severity,
    IReadOnlyList<OsvRange> Ranges,
    IReadOnlyList<string> Versions,
    string? EcosystemSpecificJson,
    string? DatabaseSpecificJson);

/// <summary>
/// <see cref="Ecosystem"/> is kept raw ("Ubuntu:22.04:LTS"); <see cref="EcosystemName"/> is the part before the first
/// colon ("Ubuntu") and <see cref="EcosystemRelease"/> the rest ("22.04:LTS"), null when absent.
/// </summary>
public sealed record OsvPackage(string Ecosystem, string Name, string? Purl)
{
    public string EcosystemName => Split(Ecosystem).Name;
    public string? EcosystemRelease => Split(Ecosystem).Release;

    public static (string Name, string? Release) Split(string ecosystem)
    {
        var colon = ecosystem.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (ecosystem, null) : (ecosystem[..colon], ecosystem[(colon + 1)..]);
    }
}

/// <summary>A range exactly as published; events stay in document order and are evaluated elsewhere.</summary>
public sealed record OsvRange(string Type, string? Repo, IReadOnlyList<OsvEvent> Events, string? DatabaseSpecificJson);

public enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

public sealed record OsvEvent(OsvEventKind Kind, string Value);

public sealed record OsvReference(string Type, string Url);

public sealed record OsvCredit(string Name, IReadOnlyList<string> Contact, string? Type);
