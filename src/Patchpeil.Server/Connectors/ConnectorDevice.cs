namespace Patchpeil.Server.Connectors;

/// <summary>
/// One device as a management platform (Intune, Google Admin, Jamf Pro, Jamf School) reports it, before it is merged
/// with the board's assets by serial number or hardware id. Every connector maps its vendor's response to this.
/// </summary>
/// <param name="ExternalId">The platform's own device id (stable across syncs).</param>
/// <param name="Platform">Windows, ChromeOS, iPadOS, iOS, macOS, Android or Linux.</param>
/// <param name="AutoUpdateExpiration">Chromebooks: the Auto Update Expiration month (first day), when the platform gives it.</param>
/// <param name="Deleted">The platform reports the device as removed (delta queries).</param>
/// <param name="ModelIdentifier">Apple product type ("iPad12,1") or Mac board id ("J413AP"): the key Apple's version sources use for supported devices (ADR 0020).</param>
public sealed record ConnectorDevice(
    string ExternalId,
    string Name,
    string Platform,
    string? SerialNumber = null,
    string? HardwareId = null,
    string? OsVersion = null,
    string? OsBuild = null,
    string? Model = null,
    DateTime? LastSyncUtc = null,
    DateOnly? AutoUpdateExpiration = null,
    string? Ownership = null,
    string? ComplianceState = null,
    string? OrgUnit = null,
    string? Status = null,
    IReadOnlyList<ConnectorApp>? Apps = null,
    bool Deleted = false,
    string? ModelIdentifier = null);

/// <summary>An application a platform reports on a device.</summary>
public sealed record ConnectorApp(string Name, string? Version, string? Publisher = null, string? BundleId = null);
