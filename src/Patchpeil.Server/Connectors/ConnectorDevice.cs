namespace Patchpeil.Server.Connectors;

/// <summary>
/// One device as a management platform (Intune, Google Admin, Jamf Pro, Jamf School) reports it, before it is merged
/// with the board's assets by serial number or hardware id. Every connector maps its vendor's response to this.
/// </summary>
/// <param name="ExternalId">The platform's own device id (stable across syncs).</param>
/// <param name="Platform">Windows, ChromeOS, iPadOS, iOS, macOS, Android or Linux.</param>
/// <param name="AutoUpdateExpiration">Chromebooks: the Auto Update Expiration month (first day), when the platform gives it.</param>
/// <param name="Deleted">The platform reports the device as removed (delta queries, deprovisioned).</param>
/// <param name="OsVersion">The OS version as the matcher compares it (Windows: display version such as 24H2 when known; ChromeOS: the Chrome version; Apple: 17.6.1).</param>
/// <param name="OsBuild">The raw build the platform reports (Windows "10.0.26100.4946", ChromeOS platform version, Apple build).</param>
/// <param name="Apps">Installed applications; null when this run did not read them (the previous inventory is kept), empty when there are none.</param>
/// <param name="OsName">Display name of the OS ("Windows 11", "ChromeOS"); derived from <paramref name="Platform"/> when null.</param>
/// <param name="Manufacturer">Hardware manufacturer, where reported.</param>
/// <param name="Details">Platform facts shown with the device but not matched on (extended-support flags, enrolment type …).</param>
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
    string? OsName = null,
    string? Manufacturer = null,
    IReadOnlyDictionary<string, string>? Details = null);

/// <summary>An application a platform reports on a device.</summary>
/// <param name="Source">Inventory source name; derived from the device platform when null (windows-registry, macos-app, ios-app …).</param>
public sealed record ConnectorApp(string Name, string? Version, string? Publisher = null, string? BundleId = null, string? Source = null);
