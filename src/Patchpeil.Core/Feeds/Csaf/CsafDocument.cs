namespace Patchpeil.Core.Feeds.Csaf;

/// <summary>A CSAF 2.0 document (2.1 read forward-compatibly), with its product tree flattened by product_id.</summary>
public sealed record CsafDocument(
    CsafHeader Header,
    IReadOnlyDictionary<string, CsafProduct> Products,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ProductGroups,
    IReadOnlyList<CsafVulnerability> Vulnerabilities,
    NcscLabel? Ncsc,
    Provenance Provenance)
{
    /// <summary>Mandatory-test findings the caller chose to tolerate (see <see cref="CsafReader.Read"/>); empty by default.</summary>
    public IReadOnlyList<QuarantineReason> ToleratedFindings { get; init; } = [];

    /// <summary>Product ids of a remediation/threat/flag: its own ids plus the members of its groups.</summary>
    public IReadOnlyList<string> Resolve(IReadOnlyList<string> productIds, IReadOnlyList<string> groupIds) =>
        productIds.Concat(groupIds.SelectMany(g => ProductGroups.TryGetValue(g, out var members) ? members : []))
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>For a relationship product (Red Hat: "package as component of platform"), the component; else null.</summary>
    public CsafProduct? ComponentOf(string productId) =>
        Products.TryGetValue(productId, out var p) && p.Relationship is { } r && Products.TryGetValue(r.ProductReference, out var c) ? c : null;

    /// <summary>For a relationship product, the platform it relates to (the OS/stream); else null.</summary>
    public CsafProduct? PlatformOf(string productId) =>
        Products.TryGetValue(productId, out var p) && p.Relationship is { } r && Products.TryGetValue(r.RelatesToProductReference, out var c) ? c : null;
}

public sealed record CsafHeader(
    string Category,
    string CsafVersion,
    string Title,
    string? Lang,
    string? SourceLang,
    CsafPublisher Publisher,
    CsafTracking Tracking,
    CsafAggregateSeverity? AggregateSeverity,
    string? TlpLabel,
    string? TlpUrl,
    string? DistributionText,
    IReadOnlyList<CsafNote> Notes,
    IReadOnlyList<CsafReference> References);

public sealed record CsafPublisher(string Category, string Name, string Namespace, string? ContactDetails, string? IssuingAuthority);

public sealed record CsafTracking(
    string Id,
    string Version,
    string Status,
    DateTimeOffset? InitialReleaseDate,
    DateTimeOffset? CurrentReleaseDate,
    IReadOnlyList<CsafRevision> RevisionHistory,
    IReadOnlyList<string> Aliases);

public sealed record CsafRevision(string Number, DateTimeOffset? Date, string Summary, string? LegacyVersion);

public sealed record CsafAggregateSeverity(string Text, string? Namespace);

public sealed record CsafNote(string Category, string Text, string? Title, string? Audience);

public sealed record CsafReference(string? Category, string Url, string Summary);

public enum CsafProductOrigin
{
    Branch,
    FullProductName,
    Relationship,
}

public sealed record CsafBranchStep(string Category, string Name);

/// <summary>
/// One product_id with what the tree says about it. <see cref="VersionRange"/> is the product_version_range branch name
/// verbatim (CISA writes " &lt;1.000…" with a leading space, "vers:all/&lt;V4.3.8"): it is evaluated by the range code.
/// </summary>
public sealed record CsafProduct(
    string ProductId,
    string Name,
    CsafProductOrigin Origin,
    IReadOnlyList<CsafBranchStep> BranchPath,
    CsafProductHelper? Helper,
    CsafRelationship? Relationship,
    string JsonPath)
{
    public string? Vendor => Last("vendor");
    public string? ProductName => Last("product_name");
    public string? ProductFamily => Last("product_family");
    public string? Version => Last("product_version");
    public string? VersionRange => Last("product_version_range");
    public string? Architecture => Last("architecture");

    private string? Last(string category) => BranchPath.LastOrDefault(b => string.Equals(b.Category, category, StringComparison.Ordinal))?.Name;
}

public sealed record CsafRelationship(string Category, string ProductReference, string RelatesToProductReference);

public sealed record CsafProductHelper(
    string? Cpe,
    string? Purl,
    IReadOnlyList<string> ModelNumbers,
    IReadOnlyList<string> SerialNumbers,
    IReadOnlyList<string> Skus,
    IReadOnlyList<string> SbomUrls,
    IReadOnlyList<CsafHash> Hashes,
    IReadOnlyList<CsafGenericUri> GenericUris);

public sealed record CsafHash(string Filename, IReadOnlyList<(string Algorithm, string Value)> FileHashes);

public sealed record CsafGenericUri(string Namespace, string Uri);

public sealed record CsafVulnerability(
    string? Cve,
    string? Title,
    IReadOnlyList<(string SystemName, string Text)> Ids,
    IReadOnlyList<CsafCwe> Cwes,
    IReadOnlyList<CsafNote> Notes,
    DateTimeOffset? DiscoveryDate,
    DateTimeOffset? ReleaseDate,
    CsafProductStatus ProductStatus,
    IReadOnlyList<CsafRemediation> Remediations,
    IReadOnlyList<CsafScore> Scores,
    IReadOnlyList<CsafThreat> Threats,
    IReadOnlyList<CsafFlag> Flags,
    IReadOnlyList<CsafInvolvement> Involvements,
    IReadOnlyList<CsafReference> References);

public sealed record CsafCwe(string Id, string Name);

/// <summary>All product_status categories (2.1 adds "unknown"), each a list of product ids as written.</summary>
public sealed record CsafProductStatus(
    IReadOnlyList<string> FirstAffected,
    IReadOnlyList<string> FirstFixed,
    IReadOnlyList<string> Fixed,
    IReadOnlyList<string> KnownAffected,
    IReadOnlyList<string> KnownNotAffected,
    IReadOnlyList<string> LastAffected,
    IReadOnlyList<string> Recommended,
    IReadOnlyList<string> UnderInvestigation,
    IReadOnlyList<string> Unknown);

/// <summary>Category: vendor_fix, mitigation, workaround, none_available, no_fix_planned (2.1: fix_planned, optional_patch).</summary>
public sealed record CsafRemediation(
    string Category,
    string Details,
    string? Url,
    DateTimeOffset? Date,
    IReadOnlyList<string> ProductIds,
    IReadOnlyList<string> GroupIds,
    IReadOnlyList<string> ResolvedProductIds,
    IReadOnlyList<string> Entitlements,
    string? RestartRequired);

/// <summary>A score block (2.0 scores[] or 2.1 metrics[]); vectors are kept as strings with the stated scores.</summary>
public sealed record CsafScore(IReadOnlyList<string> Products, CvssScore? CvssV2, CvssScore? CvssV3, CvssScore? CvssV4);

public sealed record CsafThreat(string Category, string Details, DateTimeOffset? Date, IReadOnlyList<string> ProductIds, IReadOnlyList<string> GroupIds, IReadOnlyList<string> ResolvedProductIds);

/// <summary>VEX justification: component_not_present, inline_mitigations_already_exist, vulnerable_code_cannot_be_controlled_by_adversary, vulnerable_code_not_in_execute_path, vulnerable_code_not_present.</summary>
public sealed record CsafFlag(string Label, DateTimeOffset? Date, IReadOnlyList<string> ProductIds, IReadOnlyList<string> GroupIds, IReadOnlyList<string> ResolvedProductIds);

public sealed record CsafInvolvement(string Party, string Status, DateTimeOffset? Date, string? Summary);

public enum NcscUrgency
{
    /// <summary>High likelihood of exploitation and high damage: act immediately.</summary>
    Urgent,

    /// <summary>Moderate likelihood, high damage: plan in the regular patch cycle.</summary>
    Normaal,
}

/// <summary>
/// The NCSC-NL label of an advisory. Newer advisories are labelled Urgent/Normaal; older ones carry kans (likelihood) and
/// schade (impact) ratings. <see cref="Evidence"/> is the JSON Pointer the value was read from.
/// </summary>
public sealed record NcscLabel(NcscUrgency? Urgency, string? Likelihood, string? Impact, string Evidence);
