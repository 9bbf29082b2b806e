namespace Patchpeil.Contracts;

/// <summary>
/// What the Patchpeil agent reports about one device: identity, operating system and installed software.
/// Information only: Patchpeil never installs anything on the device.
/// </summary>
/// <param name="ReportId">Unique per report; the server uses it to make uploads idempotent.</param>
/// <param name="CollectedUtc">When the agent collected the data.</param>
/// <param name="AgentVersion">Version of the agent that collected it.</param>
/// <param name="Full">True when the report lists everything (first report, or the server asked); false for changes only.</param>
/// <param name="Device">Hardware and host identity.</param>
/// <param name="OperatingSystem">The operating system and its patch level.</param>
/// <param name="Software">Installed packages and applications.</param>
/// <param name="InstalledUpdates">Installed updates the OS lists separately (Windows KB numbers).</param>
/// <param name="PendingUpdates">Updates the OS already knows are available, as reported by its package manager.</param>
/// <param name="Databases">Database engines recognised among the packages and services.</param>
/// <param name="Delta">Set on a delta report (<paramref name="Full"/> false): the base it applies to and what was removed.</param>
public sealed record AgentReport(
    Guid ReportId,
    DateTime CollectedUtc,
    string AgentVersion,
    bool Full,
    DeviceIdentity Device,
    OperatingSystemInfo OperatingSystem,
    IReadOnlyList<InstalledItem> Software,
    IReadOnlyList<string> InstalledUpdates,
    IReadOnlyList<PendingUpdate> PendingUpdates,
    IReadOnlyList<DatabaseInfo> Databases,
    AgentDelta? Delta = null);

/// <summary>How the device is recognised. School images are cloned, so hardware identity beats host name.</summary>
/// <param name="Hostname">Host name.</param>
/// <param name="HardwareUuid">SMBIOS system UUID, where readable.</param>
/// <param name="SerialNumber">Hardware serial number, where readable.</param>
/// <param name="MachineId">OS installation id (/etc/machine-id, MachineGuid, IOPlatformUUID).</param>
public sealed record DeviceIdentity(string Hostname, string? HardwareUuid, string? SerialNumber, string? MachineId);

/// <summary>The operating system and its patch level.</summary>
/// <param name="Family">linux, windows or macos.</param>
/// <param name="Name">Display name, e.g. "Debian GNU/Linux 12 (bookworm)" or "Windows 11 Education".</param>
/// <param name="Edition">Windows edition (Education, Enterprise, Pro, Home …), where it applies.</param>
/// <param name="Version">Version as the OS states it (12, 22H2, 14.6.1).</param>
/// <param name="Build">Windows build (major.minor.build.UBR) or the OS build string.</param>
/// <param name="DistributionId">os-release ID (debian, ubuntu, alpine, rhel …).</param>
/// <param name="DistributionVersion">os-release VERSION_ID.</param>
/// <param name="Kernel">Kernel release.</param>
/// <param name="LastBootUtc">When the system last started.</param>
/// <param name="PendingReboot">True when the OS says a restart is needed to finish updates.</param>
public sealed record OperatingSystemInfo(
    string Family, string Name, string? Edition, string? Version, string? Build,
    string? DistributionId, string? DistributionVersion, string? Kernel, DateTime? LastBootUtc, bool PendingReboot);

/// <summary>One installed package or application, as the OS lists it.</summary>
/// <param name="Source">dpkg, rpm, apk, windows-registry or macos-app.</param>
/// <param name="Name">Package or display name.</param>
/// <param name="Version">Version as installed (dpkg/rpm: epoch:version-release).</param>
/// <param name="Publisher">Publisher or vendor, where known.</param>
/// <param name="Architecture">Architecture, where known.</param>
/// <param name="SourcePackage">Debian/Ubuntu source package (advisories name source packages) or the source RPM.</param>
/// <param name="SourceVersion">Version of the source package, when it differs from the binary's.</param>
/// <param name="InstalledOn">Installation date, where the OS records one (Windows InstallDate).</param>
/// <param name="Location">Where it was found: the registry key (Windows) or the application bundle's path (macOS).</param>
/// <param name="Origin">How it came to the device, where the OS says: mac_app_store, identified_developer, apple (macOS).</param>
/// <param name="Identifier">A stable identifier the OS gives it: the bundle identifier (macOS), the uninstall key name (Windows).</param>
public sealed record InstalledItem(
    string Source, string Name, string Version, string? Publisher = null, string? Architecture = null,
    string? SourcePackage = null, string? SourceVersion = null, DateOnly? InstalledOn = null, string? Location = null,
    string? Origin = null, string? Identifier = null);

/// <summary>An update the OS reports as available; Patchpeil only shows it.</summary>
/// <param name="Name">Package name, or the update's title (Windows).</param>
/// <param name="InstalledVersion">Installed version; empty where the OS does not say (Windows).</param>
/// <param name="AvailableVersion">Version available from the configured repositories, or the KB number(s) (Windows).</param>
/// <param name="Origin">Repository or suite it comes from ("Windows Update: Security Updates").</param>
/// <param name="Severity">The vendor's severity where it gives one (Windows Update's MSRC severity: Critical, Important …).</param>
public sealed record PendingUpdate(string Name, string InstalledVersion, string AvailableVersion, string? Origin, string? Severity = null);

/// <summary>A database engine found on the device, so SM.06's "databases" are visible.</summary>
/// <param name="Engine">PostgreSQL, MySQL, MariaDB, SQL Server, MongoDB, Redis …</param>
/// <param name="Version">Version of the package that provides it.</param>
/// <param name="Evidence">The package or service it was recognised by.</param>
public sealed record DatabaseInfo(string Engine, string Version, string Evidence);
