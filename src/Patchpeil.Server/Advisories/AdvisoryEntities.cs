namespace Patchpeil.Server.Advisories;

// Advisories, KEV and EPSS are global knowledge, not owned by an organisation (ADR 0009): no OrganisationId, no tenant filter.

public enum AdvisorySource
{
    Csaf,
    Osv,
    Nvd,
    Cve5,
}

/// <summary>One advisory (CSAF document, OSV record …), unique per source and document id; its fields are those of the current revision.</summary>
public sealed class Advisory
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public AdvisorySource Source { get; set; }
    public required string DocumentId { get; set; }
    public string? Publisher { get; set; }
    public required string Title { get; set; }
    public string? Severity { get; set; }

    /// <summary>NCSC-NL label: "Urgent", "Normaal", or "kans/schade" text for older advisories; null when not NCSC.</summary>
    public string? NcscLabel { get; set; }

    public DateTime? PublishedUtc { get; set; }
    public DateTime? ModifiedUtc { get; set; }
    public string? CurrentRevision { get; set; }
    public required string ContentSha256 { get; set; }
    public string? Language { get; set; }
    public bool Withdrawn { get; set; }

    /// <summary>Lower-cased document id, title and vulnerability ids: one portable column for case-insensitive search.</summary>
    public string SearchText { get; set; } = "";

    public List<AdvisoryRevision> Revisions { get; set; } = [];
    public List<AdvisoryVulnerability> Vulnerabilities { get; set; } = [];
    public List<AffectedProduct> Products { get; set; } = [];
    public List<AdvisoryScore> Scores { get; set; } = [];
}

/// <summary>Every imported revision is kept with its raw bytes, so history and the source document stay available.</summary>
public sealed class AdvisoryRevision
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AdvisoryId { get; set; }
    public string? Revision { get; set; }
    public DateTime? ModifiedUtc { get; set; }
    public required string ContentSha256 { get; set; }
    public DateTime FetchedUtc { get; set; }
    public string? FileName { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>A vulnerability id (CVE or alias) an advisory names, with the score this advisory gives it (vector and score as published).</summary>
public sealed class AdvisoryVulnerability
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AdvisoryId { get; set; }
    public required string VulnerabilityId { get; set; }
    public string? Title { get; set; }
    public string? CvssVersion { get; set; }
    public string? CvssVector { get; set; }
    public string? CvssScore { get; set; }
}

/// <summary>A product an advisory speaks about, with status and ranges exactly as published; the matcher evaluates them later.</summary>
public sealed class AffectedProduct
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AdvisoryId { get; set; }
    public string? Vendor { get; set; }
    public required string Name { get; set; }

    /// <summary>purl or CPE as given, else null.</summary>
    public string? Identity { get; set; }

    /// <summary>CSAF product_status category (known_affected, fixed …) or "affected" for OSV/CVE.</summary>
    public required string Status { get; set; }

    /// <summary>Version range or version text exactly as published.</summary>
    public string? Range { get; set; }

    public string? FixedVersions { get; set; }
    public string? Remediation { get; set; }
    public string? RemediationUrl { get; set; }
}

/// <summary>CISA KEV entry per CVE; a newer catalog replaces it.</summary>
public sealed class KevEntry
{
    public required string CveId { get; set; }
    public required string VendorProject { get; set; }
    public required string Product { get; set; }
    public required string VulnerabilityName { get; set; }
    public DateOnly DateAdded { get; set; }
    public DateOnly? DueDate { get; set; }
    public bool KnownRansomwareUse { get; set; }
    public string? CatalogVersion { get; set; }
}

/// <summary>EPSS score per CVE; a newer file replaces it.</summary>
public sealed class EpssScore
{
    public required string CveId { get; set; }
    public decimal Score { get; set; }
    public decimal Percentile { get; set; }
    public DateTime? ScoreDateUtc { get; set; }
}

/// <summary>One imported file: what it added, changed, left unchanged and quarantined.</summary>
public sealed class ImportRun
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTime StartedUtc { get; set; }
    public required string Source { get; set; }
    public required string FileName { get; set; }
    public required string Actor { get; set; }
    public int Added { get; set; }
    public int Changed { get; set; }
    public int Unchanged { get; set; }
    public int Quarantined { get; set; }
    public List<QuarantinedItem> QuarantinedItems { get; set; } = [];
}

/// <summary>Input that was not accepted, with where and why; nothing is dropped silently.</summary>
public sealed class QuarantinedItem
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ImportRunId { get; set; }
    public required string Location { get; set; }
    public int? Index { get; set; }
    public required string Reasons { get; set; }
}
