using System.Security.Cryptography;

namespace Patchpeil.Core.Feeds;

public enum FeedSource
{
    Csaf,
    Osv,
    Nvd,
    Cve5,
    Kev,
    Epss,
    EndOfLife,

    /// <summary>macadmins SOFA v2 feed (macOS, iOS/iPadOS): latest release per OS line, security releases, supported devices.</summary>
    Sofa,

    /// <summary>Apple's public versions endpoint gdmf.apple.com/v2/pmv: releases and supported devices, no CVE data.</summary>
    Gdmf,

    /// <summary>Google VersionHistory API: Chrome versions served to ChromeOS per channel.</summary>
    ChromeVersions,
}

/// <summary>Where a record came from: every parsed record carries one so a match can name its evidence.</summary>
/// <param name="DocumentId">The document (CSAF tracking id, OSV id, KEV catalog, NVD page …).</param>
/// <param name="Revision">Revision as the source states it (CSAF tracking version, KEV catalogVersion …).</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the bytes the record was read from.</param>
/// <param name="RecordKey">The record inside a multi-record document (CVE id in KEV/NVD/EPSS), else null.</param>
public sealed record Provenance(
    FeedSource Source,
    string DocumentId,
    string? Revision,
    DateTimeOffset? Modified,
    string ContentSha256,
    DateTimeOffset FetchedAt,
    string? RecordKey = null)
{
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}

/// <summary>Why input was not accepted. <paramref name="Code"/> is stable (e.g. "json.syntax", "6.1.1").</summary>
/// <param name="Path">JSON Pointer inside the document, or "line N" for CSV, or "" for the whole input.</param>
public sealed record QuarantineReason(string Code, string Path, string Message)
{
    public override string ToString() => string.IsNullOrEmpty(Path) ? $"[{Code}] {Message}" : $"[{Code}] {Path}: {Message}";
}

/// <summary>Input (a whole document or one record of a list) that could not be read, with all reasons; nothing is silently dropped.</summary>
/// <param name="Location">Document name or id, as far as it is known.</param>
/// <param name="Index">Position of the record in its list (OSV/NVD/KEV/EPSS), null for a whole document.</param>
public sealed record Quarantined(string Location, int? Index, IReadOnlyList<QuarantineReason> Reasons)
{
    public bool HasCode(string code) => Reasons.Any(r => string.Equals(r.Code, code, StringComparison.Ordinal));

    public override string ToString() => $"{Location}{(Index is { } i ? $"[{i}]" : "")}: {string.Join("; ", Reasons)}";
}

public sealed class ParseResult<T>
{
    public ParseResult(IReadOnlyList<T> items, IReadOnlyList<Quarantined> quarantined)
    {
        Items = items;
        Quarantined = quarantined;
    }

    public IReadOnlyList<T> Items { get; }
    public IReadOnlyList<Quarantined> Quarantined { get; }
}

public static class ParseResult
{
    public static ParseResult<T> Refused<T>(Quarantined quarantined) => new([], [quarantined]);
}

/// <summary>Limits applied before and while reading untrusted feed input.</summary>
public sealed record FeedReadOptions
{
    public static readonly FeedReadOptions Default = new();

    /// <summary>Input larger than this is refused before its content is buffered.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted; real advisories stay far below 64 (CSAF branch trees reach ~10).</summary>
    public int MaxDepth { get; init; } = 64;
}

public static class FeedReasonCodes
{
    public const string TooLarge = "input.too-large";
    public const string Empty = "input.empty";
    public const string JsonSyntax = "json.syntax";
    public const string JsonTruncated = "json.truncated";
    public const string JsonDepth = "json.depth";
    public const string JsonType = "json.type";
    public const string JsonRequired = "json.required";
    public const string InvalidValue = "value.invalid";
    public const string Schema = "schema";
    public const string CsvSyntax = "csv.syntax";
    public const string Mismatch = "content.mismatch";
}

/// <summary>A CVSS score as a source states it: the vector is kept verbatim, scores are not recomputed here.</summary>
/// <param name="Version">"2.0", "3.0", "3.1" or "4.0".</param>
/// <param name="Source">Who scored it (NVD source e-mail, CNA short name, CSAF document), when known.</param>
/// <param name="Type">NVD "Primary"/"Secondary", else null.</param>
public sealed record CvssScore(string Version, string VectorString, decimal? BaseScore, string? BaseSeverity, string? Source = null, string? Type = null);
