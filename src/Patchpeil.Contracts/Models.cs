namespace Patchpeil.Contracts;

/// <summary>Kinds of asset a school board manages.</summary>
public enum AssetKind
{
    /// <summary>A laptop, desktop, Chromebook, tablet or phone.</summary>
    Device,
    /// <summary>A physical or virtual server.</summary>
    Server,
    /// <summary>A database (PostgreSQL, SQL Server, MySQL …).</summary>
    Database,
    /// <summary>An installed or self-hosted application.</summary>
    Application,
    /// <summary>A service bought as software-as-a-service.</summary>
    Saas,
    /// <summary>A switch, firewall, access point or other network device.</summary>
    NetworkDevice,
}

/// <summary>One level of the BIV (beschikbaarheid, integriteit, vertrouwelijkheid) classification.</summary>
public enum BivLevel
{
    /// <summary>laag</summary>
    Low,
    /// <summary>midden</summary>
    Medium,
    /// <summary>hoog</summary>
    High,
}

/// <summary>Roles a member has in one organisation.</summary>
public enum Role
{
    /// <summary>Manages users, settings and everything IT staff can do.</summary>
    Administrator,
    /// <summary>IT staff (beheerder): maintains assets and governance records.</summary>
    ITStaff,
    /// <summary>Board or school leadership: reads dashboards and reports.</summary>
    Management,
    /// <summary>Read-only access including the audit log.</summary>
    Auditor,
}

/// <summary>A page of results.</summary>
/// <param name="Items">The items on this page.</param>
/// <param name="Page">One-based page number.</param>
/// <param name="PageSize">Items per page.</param>
/// <param name="Total">Total number of items over all pages.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>An organisation (school board) the caller belongs to.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Name">Name of the school board.</param>
/// <param name="Role">The caller's role in it.</param>
public sealed record OrganisationDto(Guid Id, string Name, Role Role);

/// <summary>A school with its BRIN code.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Name">Name of the school.</param>
/// <param name="Brin">BRIN code: two digits and two letters, optionally followed by a two-digit branch number.</param>
public sealed record SchoolDto(Guid Id, string Name, string Brin);

/// <summary>Input to create or change a school.</summary>
/// <param name="Name">Name of the school.</param>
/// <param name="Brin">BRIN code.</param>
public sealed record SchoolInput(string? Name, string? Brin);

/// <summary>A location (building) of a school.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="SchoolId">The school it belongs to.</param>
/// <param name="Name">Name of the location.</param>
/// <param name="Address">Postal address, if known.</param>
public sealed record LocationDto(Guid Id, Guid SchoolId, string Name, string? Address);

/// <summary>Input to create or change a location.</summary>
/// <param name="SchoolId">The school it belongs to.</param>
/// <param name="Name">Name of the location.</param>
/// <param name="Address">Postal address, if known.</param>
public sealed record LocationInput(Guid? SchoolId, string? Name, string? Address);

/// <summary>A device or system of the organisation.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Kind">What kind of asset it is.</param>
/// <param name="Name">Display name.</param>
/// <param name="Hostname">Host name, if any.</param>
/// <param name="Platform">Operating system or platform.</param>
/// <param name="Owner">Person or team responsible.</param>
/// <param name="SchoolId">School, if the asset belongs to one.</param>
/// <param name="LocationId">Location, if known.</param>
/// <param name="Availability">BIV: beschikbaarheid.</param>
/// <param name="Integrity">BIV: integriteit.</param>
/// <param name="Confidentiality">BIV: vertrouwelijkheid.</param>
/// <param name="InternetFacing">Whether it is reachable from the internet.</param>
/// <param name="Tags">Free tags.</param>
/// <param name="LastSeenUtc">Last check-in of its agent or connector; null for an asset entered by hand.</param>
public sealed record AssetDto(
    Guid Id, AssetKind Kind, string Name, string? Hostname, string? Platform, string? Owner,
    Guid? SchoolId, Guid? LocationId, BivLevel Availability, BivLevel Integrity, BivLevel Confidentiality,
    bool InternetFacing, IReadOnlyList<string> Tags, DateTime? LastSeenUtc = null);

/// <summary>Input to create or change an asset.</summary>
/// <param name="Kind">What kind of asset it is.</param>
/// <param name="Name">Display name.</param>
/// <param name="Hostname">Host name, if any.</param>
/// <param name="Platform">Operating system or platform.</param>
/// <param name="Owner">Person or team responsible.</param>
/// <param name="SchoolId">School, if the asset belongs to one.</param>
/// <param name="LocationId">Location, if known.</param>
/// <param name="Availability">BIV: beschikbaarheid.</param>
/// <param name="Integrity">BIV: integriteit.</param>
/// <param name="Confidentiality">BIV: vertrouwelijkheid.</param>
/// <param name="InternetFacing">Whether it is reachable from the internet.</param>
/// <param name="Tags">Free tags.</param>
public sealed record AssetInput(
    AssetKind? Kind, string? Name, string? Hostname, string? Platform, string? Owner,
    Guid? SchoolId, Guid? LocationId, BivLevel? Availability, BivLevel? Integrity, BivLevel? Confidentiality,
    bool InternetFacing, IReadOnlyList<string>? Tags);
