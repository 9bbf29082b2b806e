namespace Patchpeil.Core.Feeds.Kev;

/// <summary>One CISA Known Exploited Vulnerabilities entry. Join on <see cref="CveId"/> only: vendor/product are free text.</summary>
public sealed record KevEntry(
    string CveId,
    string VendorProject,
    string Product,
    string VulnerabilityName,
    DateOnly DateAdded,
    string ShortDescription,
    string RequiredAction,
    DateOnly? DueDate,
    string KnownRansomwareCampaignUse,
    string Notes,
    IReadOnlyList<string> Cwes,
    Provenance Provenance)
{
    /// <summary>"Known" means a ransomware campaign used it; anything else ("Unknown") is not evidence either way.</summary>
    public bool KnownRansomwareUse => string.Equals(KnownRansomwareCampaignUse, "Known", StringComparison.OrdinalIgnoreCase);

    /// <summary>Notes joined by " ; " in the feed, split into their URLs/texts.</summary>
    public IReadOnlyList<string> NoteParts =>
        Notes.Split(" ; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed record KevCatalog(
    string? Title,
    string? CatalogVersion,
    DateTimeOffset? DateReleased,
    int? StatedCount,
    ParseResult<KevEntry> Entries,
    string ContentSha256);
