using System.Globalization;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Windows;

/// <summary>What Windows keeps in the registry about itself and its installed software, read from a snapshot.</summary>
public static class WindowsRegistryInventory
{
    public const string UninstallPath = @"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall";
    public const string Wow64UninstallPath = @"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall";
    public const string CurrentVersionPath = @"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion";
    public const string ComputerNamePath = @"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName";
    public const string CryptographyPath = @"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Cryptography";

    /// <summary>Keys whose presence (or value) means Windows waits for a restart to finish installing updates.</summary>
    public const string CbsRebootPendingPath = @"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending";
    public const string WindowsUpdateRebootRequiredPath = @"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired";
    public const string SessionManagerPath = @"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager";
    public const string UpdatesPath = @"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Updates";

    private static readonly string[] UpdateReleaseTypes = ["Update", "Hotfix", "Security Update", "Update Rollup", "Service Pack"];

    /// <summary>
    /// Installed software from the Uninstall keys: HKLM (64-bit view), HKLM\…\WOW6432Node (32-bit programs on 64-bit
    /// Windows), HKCU, and every user hive under HKU. Entries Windows itself hides from "Apps" are left out: no
    /// DisplayName, SystemComponent = 1, and updates of another entry (ParentKeyName, or a ReleaseType of update).
    /// The same program seen twice (HKCU is also HKU\&lt;sid&gt; of the user who exported it) is listed once.
    /// </summary>
    public static List<InstalledItem> InstalledSoftware(RegistrySnapshot registry)
    {
        var roots = new List<(string Path, string? Architecture)>
        {
            ($@"HKEY_LOCAL_MACHINE\{UninstallPath}", "x64"),
            ($@"HKEY_LOCAL_MACHINE\{Wow64UninstallPath}", "x86"),
            ($@"HKEY_CURRENT_USER\{UninstallPath}", null),
        };
        roots.AddRange(registry.SubKeyNames("HKEY_USERS")
            .Where(sid => !sid.EndsWith("_Classes", StringComparison.OrdinalIgnoreCase))
            .Select(sid => ($@"HKEY_USERS\{sid}\{UninstallPath}", (string?)null)));

        // Without a WOW6432Node the machine is 32-bit (or the export did not include it): the main view is then
        // not known to be 64-bit.
        var has64BitSplit = registry.KeyExists($@"HKEY_LOCAL_MACHINE\{Wow64UninstallPath}");
        var items = new List<InstalledItem>();
        var seen = new HashSet<(string, string, string?)>();
        foreach (var (root, rootArchitecture) in roots)
        {
            var architecture = rootArchitecture == "x64" && !has64BitSplit ? null : rootArchitecture;
            foreach (var keyName in registry.SubKeyNames(root))
            {
                var path = $@"{root}\{keyName}";
                var values = registry.Values(path);
                var name = values?.GetValueOrDefault("DisplayName")?.AsString()?.Trim();
                if (values is null || string.IsNullOrEmpty(name)
                    || values.GetValueOrDefault("SystemComponent")?.AsNumber() == 1
                    || !string.IsNullOrEmpty(values.GetValueOrDefault("ParentKeyName")?.AsString())
                    || UpdateReleaseTypes.Contains(values.GetValueOrDefault("ReleaseType")?.AsString() ?? "", StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var version = values.GetValueOrDefault("DisplayVersion")?.AsString()?.Trim() ?? "";
                if (!seen.Add((name.ToUpperInvariant(), version.ToUpperInvariant(), architecture)))
                {
                    continue;
                }

                var publisher = values.GetValueOrDefault("Publisher")?.AsString()?.Trim();
                items.Add(new InstalledItem(
                    "windows-registry", name, version, string.IsNullOrEmpty(publisher) ? null : publisher, architecture,
                    InstalledOn: InstallDate(values.GetValueOrDefault("InstallDate")?.AsString()), Location: path, Identifier: keyName));
            }
        }

        return items;
    }

    /// <summary>InstallDate is "yyyyMMdd" by the Windows Installer convention; anything else is not guessed at.</summary>
    public static DateOnly? InstallDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>
    /// The operating system from HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion. Windows 11 still writes
    /// "Windows 10 …" in ProductName; build 22000 and later on a client is Windows 11, so the name is corrected.
    /// </summary>
    public static OperatingSystemInfo? OperatingSystem(RegistrySnapshot registry, DateTime? lastBootUtc)
    {
        var values = registry.Values(CurrentVersionPath);
        var productName = values?.GetValueOrDefault("ProductName")?.AsString()?.Trim();
        if (values is null || string.IsNullOrEmpty(productName))
        {
            return null;
        }

        var major = values.GetValueOrDefault("CurrentMajorVersionNumber")?.AsNumber();
        var minor = values.GetValueOrDefault("CurrentMinorVersionNumber")?.AsNumber();
        var build = values.GetValueOrDefault("CurrentBuild")?.AsString() ?? values.GetValueOrDefault("CurrentBuildNumber")?.AsString();
        var ubr = values.GetValueOrDefault("UBR")?.AsNumber();
        var installationType = values.GetValueOrDefault("InstallationType")?.AsString();
        var isServer = string.Equals(installationType, "Server", StringComparison.OrdinalIgnoreCase)
            || string.Equals(installationType, "Server Core", StringComparison.OrdinalIgnoreCase);

        // Before Windows 10 there is no CurrentMajorVersionNumber; CurrentVersion ("6.3") carries major.minor.
        var majorMinor = major is not null
            ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor ?? 0}")
            : values.GetValueOrDefault("CurrentVersion")?.AsString();
        var fullBuild = build is null ? null
            : string.Join('.', new[] { majorMinor, build, ubr?.ToString(CultureInfo.InvariantCulture) }.Where(p => p is not null));

        var name = productName;
        if (!isServer && int.TryParse(build, NumberStyles.None, CultureInfo.InvariantCulture, out var buildNumber) && buildNumber >= 22000
            && name.StartsWith("Windows 10", StringComparison.OrdinalIgnoreCase))
        {
            name = "Windows 11" + name["Windows 10".Length..];
        }

        var displayVersion = values.GetValueOrDefault("DisplayVersion")?.AsString() ?? values.GetValueOrDefault("ReleaseId")?.AsString();
        return new OperatingSystemInfo(
            "windows", name, values.GetValueOrDefault("EditionID")?.AsString(), displayVersion, fullBuild,
            isServer ? "windows-server" : "windows", displayVersion, null, lastBootUtc, PendingReboot(registry));
    }

    public static bool PendingReboot(RegistrySnapshot registry) =>
        registry.KeyExists(CbsRebootPendingPath)
        || registry.KeyExists(WindowsUpdateRebootRequiredPath)
        || registry.Value(SessionManagerPath, "PendingFileRenameOperations") is { Lines.Count: > 0 }
        || registry.GetNumber(UpdatesPath, "UpdateExeVolatile") is > 0;

    public static string? Hostname(RegistrySnapshot registry) => registry.GetString(ComputerNamePath, "ComputerName");

    public static string? MachineGuid(RegistrySnapshot registry) => registry.GetString(CryptographyPath, "MachineGuid");
}
