namespace Patchpeil.Contracts;

/// <summary>What kind of file an import was.</summary>
public enum ImportKind
{
    /// <summary>The CSV format for hand-kept lists (template at /api/v1/imports/template).</summary>
    Csv,
    /// <summary>A CycloneDX 1.4–1.6 or SPDX 2.3 JSON SBOM attached to one asset.</summary>
    Sbom,
}

/// <summary>What happened to an uploaded file.</summary>
public enum ImportStatus
{
    /// <summary>Every row was valid and the file was applied.</summary>
    Applied,
    /// <summary>The file had problems; nothing of it was applied.</summary>
    Refused,
    /// <summary>Check only: read and validated, nothing stored.</summary>
    Checked,
}

/// <summary>IBP ROSA (Review Online Security Assessment) certification of a supplier's service.</summary>
public enum RosaStatus
{
    /// <summary>Not known.</summary>
    Unknown,
    /// <summary>Not certified.</summary>
    None,
    /// <summary>Certification is in progress.</summary>
    InProgress,
    /// <summary>Certified.</summary>
    Certified,
}

/// <summary>One problem in an uploaded file.</summary>
/// <param name="Line">1-based line (CSV) or 0 for the file as a whole or an SBOM.</param>
/// <param name="Column">CSV column header or JSON pointer, if known.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ImportProblem(int Line, string? Column, string Message);

/// <summary>The result of an import, or one entry of the import history.</summary>
/// <param name="Id">Identifier (empty for a check-only run, which is not stored).</param>
/// <param name="Kind">CSV or SBOM.</param>
/// <param name="Status">Applied, refused or only checked.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
/// <param name="AssetId">For an SBOM: the asset it describes.</param>
/// <param name="Actor">Who uploaded it.</param>
/// <param name="CreatedUtc">When.</param>
/// <param name="Rows">Data rows (CSV) or components (SBOM) read.</param>
/// <param name="Components">Components stored (or that would be stored, when only checked).</param>
/// <param name="Unmapped">Components that could not be identified (listed for review).</param>
/// <param name="AssetsCreated">Assets created by a CSV import.</param>
/// <param name="AssetsUpdated">Existing assets whose imported components were replaced.</param>
/// <param name="Problems">The problems, per line; empty when the file was applied.</param>
public sealed record ImportResultDto(
    Guid Id, ImportKind Kind, ImportStatus Status, string FileName, string Sha256, Guid? AssetId, string Actor, DateTime CreatedUtc,
    int Rows, int Components, int Unmapped, int AssetsCreated, int AssetsUpdated, IReadOnlyList<ImportProblem> Problems);

/// <summary>A piece of software an import put on an asset.</summary>
/// <param name="Name">Raw name.</param>
/// <param name="Version">Raw version.</param>
/// <param name="Publisher">Raw publisher.</param>
/// <param name="Source">CSV or SBOM.</param>
/// <param name="IsOperatingSystem">Whether this is the asset's operating system.</param>
/// <param name="Identity">purl or CPE Patchpeil matches on; null when unmapped.</param>
/// <param name="Scheme">Version scheme.</param>
/// <param name="EndOfLifeProduct">endoflife.date product.</param>
/// <param name="EndOfLifeCycle">endoflife.date release cycle.</param>
/// <param name="Rule">What identified it: purl, cpe, catalog:ID or mapping:ID.</param>
/// <param name="ImportId">The import it came from.</param>
/// <param name="Origin">Where in the file (line or JSON pointer).</param>
public sealed record ComponentDto(
    string Name, string? Version, string? Publisher, ImportKind Source, bool IsOperatingSystem, string? Identity, string? Scheme,
    string? EndOfLifeProduct, string? EndOfLifeCycle, string? Rule, Guid ImportId, string Origin);

/// <summary>Software no rule identifies, counted over the organisation.</summary>
/// <param name="Name">Raw name.</param>
/// <param name="Publisher">Raw publisher.</param>
/// <param name="Occurrences">How many components carry this name and publisher.</param>
/// <param name="Assets">On how many assets.</param>
/// <param name="ExampleVersion">One of the versions seen.</param>
public sealed record UnmappedSoftwareDto(string Name, string? Publisher, int Occurrences, int Assets, string? ExampleVersion);

/// <summary>An administrator's mapping from raw names to an identity.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="NamePattern">Name, `*` as wildcard, case-insensitive, whole name.</param>
/// <param name="PublisherPattern">Publisher pattern, or null for any.</param>
/// <param name="Identity">CPE 2.3 prefix (`cpe:2.3:a:vendor:product`) or purl without version.</param>
/// <param name="Scheme">Version scheme name (generic, semver, chrome …).</param>
/// <param name="EndOfLifeProduct">endoflife.date product, if any.</param>
public sealed record SoftwareMappingDto(Guid Id, string NamePattern, string? PublisherPattern, string Identity, string Scheme, string? EndOfLifeProduct);

/// <summary>Create a mapping.</summary>
/// <param name="NamePattern">Name, `*` as wildcard.</param>
/// <param name="PublisherPattern">Publisher pattern, or null for any.</param>
/// <param name="Identity">CPE 2.3 prefix or purl without version.</param>
/// <param name="Scheme">Version scheme name.</param>
/// <param name="EndOfLifeProduct">endoflife.date product, if any.</param>
public sealed record SoftwareMappingInput(string? NamePattern, string? PublisherPattern, string? Identity, string? Scheme, string? EndOfLifeProduct);

/// <summary>The supplier register entry of a SaaS service or application.</summary>
/// <param name="AssetId">The asset (kind Saas or Application).</param>
/// <param name="Vendor">Supplier.</param>
/// <param name="Product">Product or service.</param>
/// <param name="Version">Version, if known.</param>
/// <param name="PatchCommitment">The supplier's patch commitment.</param>
/// <param name="ContractReference">Contract or processing agreement reference.</param>
/// <param name="Rosa">ROSA certification.</param>
/// <param name="RosaValidUntil">Until when the ROSA certificate is valid.</param>
/// <param name="NextReview">Next review date.</param>
public sealed record SupplierDto(
    Guid AssetId, string Vendor, string Product, string? Version, string? PatchCommitment, string? ContractReference,
    RosaStatus Rosa, DateOnly? RosaValidUntil, DateOnly? NextReview);

/// <summary>Create or replace a supplier register entry.</summary>
/// <param name="Vendor">Supplier (required).</param>
/// <param name="Product">Product or service (required).</param>
/// <param name="Version">Version, if known.</param>
/// <param name="PatchCommitment">The supplier's patch commitment.</param>
/// <param name="ContractReference">Contract or processing agreement reference.</param>
/// <param name="Rosa">ROSA certification.</param>
/// <param name="RosaValidUntil">Until when the ROSA certificate is valid.</param>
/// <param name="NextReview">Next review date.</param>
public sealed record SupplierInput(
    string? Vendor, string? Product, string? Version, string? PatchCommitment, string? ContractReference,
    RosaStatus? Rosa, DateOnly? RosaValidUntil, DateOnly? NextReview);
