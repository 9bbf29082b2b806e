using System.Globalization;
using System.Text.RegularExpressions;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Windows;

/// <summary>
/// Builds a Windows report from a folder of recorded output: registry exports (*.reg, any names, merged in name
/// order), the CSV of four CIM classes and the pending updates Windows Update knows (<see cref="WindowsUpdateSearch"/>). On a Windows device the live collector records exactly these files into
/// a temporary folder first, so the code that parses is the code that is tested; an administrator can record the
/// same files by hand on a device that cannot reach the server (see the README).
/// </summary>
public static partial class WindowsCollector
{
    public const string QuickFixEngineeringFile = "quickfixengineering.csv";
    public const string ComputerSystemProductFile = "computersystemproduct.csv";
    public const string BiosFile = "bios.csv";
    public const string OperatingSystemFile = "operatingsystem.csv";
    public const string ServicesFile = "services.csv";

    /// <summary>Registry keys exported by the live collector; missing keys (no pending reboot) are simply absent.</summary>
    public static readonly string[] ExportedKeys =
    [
        $@"HKLM\{WindowsRegistryInventory.UninstallPath}",
        $@"HKLM\{WindowsRegistryInventory.Wow64UninstallPath}",
        $@"HKCU\{WindowsRegistryInventory.UninstallPath}",
        WindowsRegistryInventory.CurrentVersionPath,
        WindowsRegistryInventory.ComputerNamePath,
        WindowsRegistryInventory.CryptographyPath,
        WindowsRegistryInventory.CbsRebootPendingPath,
        WindowsRegistryInventory.WindowsUpdateRebootRequiredPath,
        WindowsRegistryInventory.SessionManagerPath,
        WindowsRegistryInventory.UpdatesPath,
    ];

    /// <summary>PowerShell pipelines whose output is saved as the CSV files; times are written as ISO 8601 UTC, because ConvertTo-Csv would use the device's culture.</summary>
    public static readonly (string File, string Command)[] CimQueries =
    [
        (QuickFixEngineeringFile, "Get-CimInstance Win32_QuickFixEngineering | Select-Object HotFixID,Description | ConvertTo-Csv -NoTypeInformation"),
        (ComputerSystemProductFile, "Get-CimInstance Win32_ComputerSystemProduct | Select-Object UUID,IdentifyingNumber,Vendor,Name | ConvertTo-Csv -NoTypeInformation"),
        (BiosFile, "Get-CimInstance Win32_BIOS | Select-Object SerialNumber,Manufacturer,SMBIOSBIOSVersion | ConvertTo-Csv -NoTypeInformation"),
        (OperatingSystemFile, "Get-CimInstance Win32_OperatingSystem | Select-Object CSName,Caption,Version,@{n='LastBootUpTime';e={$_.LastBootUpTime.ToUniversalTime().ToString('o')}} | ConvertTo-Csv -NoTypeInformation"),
        (ServicesFile, "Get-CimInstance Win32_Service | Select-Object Name,DisplayName,State,StartMode,PathName | ConvertTo-Csv -NoTypeInformation"),
    ];

    /// <summary>Placeholder values firmware vendors leave in SMBIOS; they identify no device, so they are not used as identity.</summary>
    private static readonly string[] PlaceholderSerials =
        ["To be filled by O.E.M.", "Default string", "System Serial Number", "Not Specified", "None", "0", "123456789", "Chassis Serial Number"];

    public static CollectionResult FromFolder(string folder, TimeProvider time)
    {
        if (!Directory.Exists(folder))
        {
            throw new InputFormatException(folder, null, "folder does not exist");
        }

        var problems = new List<CollectionProblem>();
        var registry = new RegistrySnapshot();
        var regFiles = Directory.GetFiles(folder, "*.reg").Order(StringComparer.Ordinal).ToList();
        foreach (var file in regFiles)
        {
            try
            {
                var result = RegFile.Read(file);
                registry.Merge(result.Snapshot);
                problems.AddRange(result.Problems);
            }
            catch (InputFormatException e)
            {
                problems.Add(e.ToProblem());
            }
        }

        var os = WindowsRegistryInventory.OperatingSystem(registry, null) ?? throw new InputFormatException(
            folder, null, $"no readable registry export with {WindowsRegistryInventory.CurrentVersionPath} (ProductName) among {regFiles.Count} .reg file(s)"
            + (problems.Count > 0 ? ": " + string.Join("; ", problems) : ""));

        var updates = ReadCsv(folder, QuickFixEngineeringFile, problems)
            .Select(row => (Id: row.GetValueOrDefault("HotFixID")?.Trim() ?? "", Row: row))
            .Where(hotfix =>
            {
                if (KbNumber().IsMatch(hotfix.Id))
                {
                    return true;
                }

                problems.Add(new(QuickFixEngineeringFile, null, $"HotFixID \"{hotfix.Id}\" is not a KB number; left out"));
                return false;
            })
            .Select(hotfix => hotfix.Id.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        var product = FirstRow(ReadCsv(folder, ComputerSystemProductFile, problems));
        var bios = FirstRow(ReadCsv(folder, BiosFile, problems));
        var system = FirstRow(ReadCsv(folder, OperatingSystemFile, problems));
        DateTime? lastBoot = null;
        if (system?.GetValueOrDefault("LastBootUpTime") is { Length: > 0 } boot)
        {
            if (DateTime.TryParse(boot, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) && parsed.Kind != DateTimeKind.Unspecified)
            {
                lastBoot = parsed.ToUniversalTime();
            }
            else
            {
                problems.Add(new(OperatingSystemFile, null, $"LastBootUpTime \"{boot}\" is not an ISO 8601 time with offset; left out (record it with .ToString('o'))"));
            }
        }

        os = os with { LastBootUtc = lastBoot };
        var software = WindowsRegistryInventory.InstalledSoftware(registry);
        var device = new DeviceIdentity(
            WindowsRegistryInventory.Hostname(registry) ?? system?.GetValueOrDefault("CSName") ?? "unknown",
            HardwareUuid(product?.GetValueOrDefault("UUID")),
            Serial(bios?.GetValueOrDefault("SerialNumber")) ?? Serial(product?.GetValueOrDefault("IdentifyingNumber")),
            WindowsRegistryInventory.MachineGuid(registry));
        var pending = new List<PendingUpdate>();
        var pendingPath = Path.Combine(folder, WindowsUpdateSearch.FileName);
        if (File.Exists(pendingPath))
        {
            try
            {
                var search = WindowsUpdateSearch.Read(pendingPath);
                pending = search.Updates;
                problems.AddRange(search.Problems);
            }
            catch (InputFormatException e)
            {
                problems.Add(e.ToProblem());
            }
        }

        var databases = DatabaseRecognizer.Recognise(software);
        databases.AddRange(DatabaseServices(ReadCsv(folder, ServicesFile, problems), databases));
        var report = new AgentReport(
            Guid.NewGuid(), time.GetUtcNow().UtcDateTime, AgentInfo.Version, true, device, os, software, updates, pending, databases);
        return new CollectionResult(report, problems);
    }

    /// <summary>Collects on this Windows device: records into a temporary folder, then reads it like a recorded one.</summary>
    public static async Task<CollectionResult> CollectAsync(ProcessRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-agent-").FullName;
        try
        {
            var keys = ExportedKeys.ToList();
            if (await runner.RunAsync("reg", ["query", "HKU"], cancellationToken) is { } users)
            {
                keys.AddRange(UserSids(users).Select(sid => $@"HKU\{sid}\{WindowsRegistryInventory.UninstallPath}"));
            }

            for (var i = 0; i < keys.Count; i++)
            {
                // A key that does not exist makes `reg export` fail; that is an answer (e.g. no reboot pending).
                await runner.RunAsync("reg", ["export", keys[i], Path.Combine(folder, $"{i:D2}.reg"), "/y", "/reg:64"], cancellationToken);
            }

            foreach (var (file, command) in CimQueries)
            {
                if (await runner.RunAsync("powershell.exe", ["-NoProfile", "-NonInteractive", "-Command", command], cancellationToken) is { } csv)
                {
                    await File.WriteAllTextAsync(Path.Combine(folder, file), csv, cancellationToken);
                }
            }

            // Information only, from Windows Update's last own scan; a failed or slow search leaves the file out.
            await runner.RunAsync("powershell.exe", WindowsUpdateSearch.Arguments(Path.Combine(folder, WindowsUpdateSearch.FileName)), cancellationToken);

            return FromFolder(folder, time);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>
    /// Database engines running as services but absent from the Uninstall keys: SQL Server Express bundled by a
    /// school administration package, or a server unpacked from a zip and registered as a service. The version is not
    /// in the service entry, so it is left empty and the evidence names the service.
    /// </summary>
    public static IEnumerable<DatabaseInfo> DatabaseServices(IEnumerable<IReadOnlyDictionary<string, string>> services, IReadOnlyCollection<DatabaseInfo> known)
    {
        var found = new List<DatabaseInfo>();
        foreach (var service in services)
        {
            var name = service.GetValueOrDefault("Name")?.Trim() ?? "";
            var engine = name switch
            {
                "MSSQLSERVER" => "SQL Server",
                _ when name.StartsWith("MSSQL$", StringComparison.OrdinalIgnoreCase) => "SQL Server",
                _ when PostgresService().IsMatch(name) => "PostgreSQL",
                _ when MySqlService().IsMatch(name) => "MySQL",
                _ when name.Equals("MariaDB", StringComparison.OrdinalIgnoreCase) => "MariaDB",
                _ when name.Equals("MongoDB", StringComparison.OrdinalIgnoreCase) => "MongoDB",
                _ when name.Equals("Redis", StringComparison.OrdinalIgnoreCase) || name.Equals("Memurai", StringComparison.OrdinalIgnoreCase) => "Redis",
                _ => null,
            };
            if (engine is not null && !known.Any(d => d.Engine == engine) && !found.Any(d => d.Engine == engine && d.Evidence.EndsWith(":" + name, StringComparison.Ordinal)))
            {
                found.Add(new DatabaseInfo(engine, "", $"windows-service:{name}"));
            }
        }

        return found;
    }

    /// <summary>User hives from `reg query HKU`: local (S-1-5-21-…) and Entra ID (S-1-12-1-…) accounts, not their _Classes.</summary>
    public static IEnumerable<string> UserSids(string regQueryOutput) =>
        regQueryOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith(@"HKEY_USERS\", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[@"HKEY_USERS\".Length..])
            .Where(sid => UserSid().IsMatch(sid));

    internal static string? HardwareUuid(string? uuid)
    {
        // All-zero and all-F UUIDs are what boards without a programmed UUID report; clones would all share them.
        if (!Guid.TryParse(uuid, out var guid) || guid == Guid.Empty || guid == Guid.AllBitsSet)
        {
            return null;
        }

        return guid.ToString("D").ToUpperInvariant();
    }

    internal static string? Serial(string? serial)
    {
        serial = serial?.Trim();
        return string.IsNullOrEmpty(serial) || PlaceholderSerials.Contains(serial, StringComparer.OrdinalIgnoreCase) ? null : serial;
    }

    private static IReadOnlyDictionary<string, string>? FirstRow(IReadOnlyList<IReadOnlyDictionary<string, string>> rows) => rows.Count > 0 ? rows[0] : null;

    private static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadCsv(string folder, string name, List<CollectionProblem> problems)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var result = CimCsv.Read(path);
            problems.AddRange(result.Problems);
            return result.Rows;
        }
        catch (InputFormatException e)
        {
            problems.Add(e.ToProblem());
            return [];
        }
    }

    [GeneratedRegex(@"^KB\d{5,8}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex KbNumber();

    [GeneratedRegex(@"^postgresql(-x64|-x86)?-\d+(\.\d+)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PostgresService();

    [GeneratedRegex(@"^MySQL\d*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex MySqlService();

    [GeneratedRegex(@"^S-1-(5-21|12-1)(-\d+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex UserSid();
}
