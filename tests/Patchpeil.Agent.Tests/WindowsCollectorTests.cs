using System.Text;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent.Windows;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

public class WindowsCollectorTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent");
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2024, 11, 26, 9, 0, 0, TimeSpan.Zero));

    private static RegistrySnapshot Registry(string text) =>
        RegFile.Parse([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Windows Registry Editor Version 5.00\r\n\r\n" + text.ReplaceLineEndings("\r\n") + "\r\n")], "inline.reg").Snapshot;

    [Fact]
    public void RecordedWindows11LaptopBecomesAFullReport()
    {
        var (report, problems) = WindowsCollector.FromFolder(Path.Combine(Fixtures, "windows11-education"), Time);

        var os = report.OperatingSystem;
        Assert.Equal(("windows", "Windows 11 Education", "Education", "23H2", "10.0.22631.4460"), (os.Family, os.Name, os.Edition, os.Version, os.Build));
        Assert.True(os.PendingReboot);
        Assert.Equal(new DateTime(2024, 11, 25, 7, 41, 12, 500, DateTimeKind.Utc), os.LastBootUtc);
        Assert.Equal(new DeviceIdentity("LAPTOP-GRT-0142", "4C4C4544-0051-3410-8052-B7C04F4B4B33", "7QT4KK3", "5b1f0d7e-8c3a-4f2b-9a61-0d2c7e4b9f13"), report.Device);
        Assert.Equal(["KB5044033", "KB5045935", "KB5046633"], report.InstalledUpdates);
        Assert.Equal(Time.GetUtcNow().UtcDateTime, report.CollectedUtc);
        Assert.True(report.Full);

        // Only the non-KB hotfix line is reported; everything else in the recording is readable.
        var problem = Assert.Single(problems);
        Assert.Equal(WindowsCollector.QuickFixEngineeringFile, problem.File);
        Assert.Contains("File 1", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UninstallKeysGiveInstalledSoftwareWithoutHiddenEntriesOrUpdates()
    {
        var software = WindowsCollector.FromFolder(Path.Combine(Fixtures, "windows11-education"), Time).Report.Software;
        var names = software.Select(s => $"{s.Name}|{s.Version}|{s.Architecture}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "7-Zip 24.08 (x64)|24.08|x64",
            "Adobe Acrobat Reader - Nederlands|24.004.20272|x86",
            "GIMP 2.10.38|2.10.38|",
            "Google Chrome|131.0.6778.86|x86",
            "Java 8 Update 431|8.0.4310.11|x86",
            "LibreOffice 24.8.3.2|24.8.3.2|x64",
            "Microsoft 365 Apps for enterprise - nl-nl|16.0.17928.20156|x64",
            "Microsoft Edge|131.0.2903.70|x86",
            "Microsoft SQL Server 2019 (64-bit)||x64",
            "MongoDB 7.0.14 2008R2Plus SSL (64 bit)|7.0.14|x64",
            "MongoDB Compass|1.44.5|x64",
            "Mozilla Firefox (x64 nl)|132.0.2|x64",
            "MySQL Server 8.0|8.0.40|x64",
            "Notepad++ (64-bit x64)|8.7.1|",
            "PostgreSQL 16|16.4-1|x64",
            "SQL Server 2019 Database Engine Services|15.0.4405.4|x64",
            "VLC media player|3.0.21|x64",
            "VLC media player|3.0.21|x86",
            "Wiskunde Café 3.2|3.2.0|x86",
            "Zoom Workplace (64-bit)|6.2.11 (52318)|",
        ], names);

        var firefox = software.Single(s => s.Name == "Mozilla Firefox (x64 nl)");
        Assert.Equal(("windows-registry", "Mozilla", "Mozilla Firefox 132.0.2 (x64 nl)"), (firefox.Source, firefox.Publisher, firefox.Identifier));
        Assert.Equal(@"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\Mozilla Firefox 132.0.2 (x64 nl)", firefox.Location);
        Assert.Null(firefox.InstalledOn);
        Assert.Equal(new DateOnly(2024, 11, 20), software.Single(s => s.Name == "Google Chrome").InstalledOn);

        // "20241305" has no month 13: not a date, and not guessed into one.
        Assert.Null(software.Single(s => s.Name.StartsWith("LibreOffice", StringComparison.Ordinal)).InstalledOn);

        // The user who is HKCU is also under HKU: one Zoom, not two; another user's GIMP is found in HKU.
        Assert.Single(software, s => s.Name.StartsWith("Zoom", StringComparison.Ordinal));
        Assert.StartsWith(@"HKEY_USERS\S-1-5-21-3623811015-3361044348-30300820-1014\", software.Single(s => s.Name.StartsWith("GIMP", StringComparison.Ordinal)).Location, StringComparison.Ordinal);
    }

    [Fact]
    public void DatabasesAreRecognisedFromUninstallNames()
    {
        var databases = WindowsCollector.FromFolder(Path.Combine(Fixtures, "windows11-education"), Time).Report.Databases;
        Assert.Equal(
            ["MongoDB 7.0.14", "MySQL 8.0.40", "PostgreSQL 16.4-1", "SQL Server 15.0.4405.4"],
            databases.Select(d => $"{d.Engine} {d.Version}").Order(StringComparer.Ordinal));
        Assert.Contains(databases, d => d.Evidence == "windows-registry:SQL Server 2019 Database Engine Services");
    }

    [Fact]
    public void RecordedServerWithPlaceholderFirmwareAndCultureDateKeepsWhatIsKnown()
    {
        var (report, problems) = WindowsCollector.FromFolder(Path.Combine(Fixtures, "windows-server2022"), Time);
        var os = report.OperatingSystem;
        Assert.Equal(("Windows Server 2022 Standard", "ServerStandard", "21H2", "10.0.20348.2849", "windows-server"), (os.Name, os.Edition, os.Version, os.Build, os.DistributionId));
        Assert.False(os.PendingReboot);
        Assert.Null(os.LastBootUtc);

        // All-F UUID and "To be filled by O.E.M." identify no device; clones must not merge on them.
        Assert.Equal(new DeviceIdentity("SRV-SQL01", null, null, null), report.Device);
        Assert.Empty(report.InstalledUpdates);
        // MongoDB unpacked from a zip and Memurai (Redis) exist only as services; SQL Server's second instance adds nothing
        // to the engine already known with its patch level.
        Assert.Equal(
            ["MariaDB 11.4.4.0 windows-registry:MariaDB 11.4 (x64)", "MongoDB  windows-service:MongoDB", "Redis  windows-service:Memurai", "SQL Server 16.0.4155.4 windows-registry:SQL Server 2022 Database Engine Services"],
            report.Databases.Select(d => $"{d.Engine} {d.Version} {d.Evidence}").Order(StringComparer.Ordinal));
        var problem = Assert.Single(problems);
        Assert.Equal(WindowsCollector.OperatingSystemFile, problem.File);
        Assert.Contains("25-11-2024 07:41:12", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Windows 10 Pro", "Professional", "22H2", "19045", 4780, "Client", "Windows 10 Pro", "10.0.19045.4780")]
    [InlineData("Windows 10 Education", "Education", "24H2", "26100", 2314, "Client", "Windows 11 Education", "10.0.26100.2314")]
    [InlineData("Windows 10 Pro", "Professional", "21H2", "22000", 3260, "Client", "Windows 11 Pro", "10.0.22000.3260")]
    [InlineData("Windows Server 2025 Datacenter", "ServerDatacenter", "24H2", "26100", 2314, "Server", "Windows Server 2025 Datacenter", "10.0.26100.2314")]
    public void Windows11IsDerivedFromTheBuildNotTheProductName(string productName, string edition, string displayVersion, string build, int ubr, string type, string name, string fullBuild)
    {
        var registry = Registry($"""
            [{WindowsRegistryInventory.CurrentVersionPath}]
            "ProductName"="{productName}"
            "EditionID"="{edition}"
            "DisplayVersion"="{displayVersion}"
            "CurrentBuild"="{build}"
            "CurrentMajorVersionNumber"=dword:0000000a
            "CurrentMinorVersionNumber"=dword:00000000
            "UBR"=dword:{ubr:x8}
            "InstallationType"="{type}"
            """);
        var os = WindowsRegistryInventory.OperatingSystem(registry, null)!;
        Assert.Equal((name, fullBuild, edition, type == "Server" ? "windows-server" : "windows"), (os.Name, os.Build, os.Edition, os.DistributionId));
    }

    [Fact]
    public void PendingRebootFollowsTheKnownKeys()
    {
        Assert.False(WindowsRegistryInventory.PendingReboot(Registry("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Updates]\r\n\"UpdateExeVolatile\"=dword:00000000\r\n")));
        Assert.True(WindowsRegistryInventory.PendingReboot(Registry("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Updates]\r\n\"UpdateExeVolatile\"=dword:00000001\r\n")));
        Assert.True(WindowsRegistryInventory.PendingReboot(Registry($"[{WindowsRegistryInventory.CbsRebootPendingPath}\\Owner]\r\n\"x\"=\"y\"\r\n")));
        Assert.False(WindowsRegistryInventory.PendingReboot(Registry($"[{WindowsRegistryInventory.SessionManagerPath}]\r\n\"BootExecute\"=\"autocheck autochk *\"\r\n")));
    }

    [Fact]
    public void UserHivesAreFoundInRegQueryOutput()
    {
        const string output = "\r\nHKEY_USERS\\.DEFAULT\r\nHKEY_USERS\\S-1-5-19\r\nHKEY_USERS\\S-1-5-21-3623811015-3361044348-30300820-1013\r\n"
            + "HKEY_USERS\\S-1-5-21-3623811015-3361044348-30300820-1013_Classes\r\nHKEY_USERS\\S-1-12-1-1234567890-1234567890-1234567890-1234567890\r\nHKEY_USERS\\S-1-5-18\r\n";
        Assert.Equal(["S-1-5-21-3623811015-3361044348-30300820-1013", "S-1-12-1-1234567890-1234567890-1234567890-1234567890"], WindowsCollector.UserSids(output));
    }

    [Fact]
    public void HostileCsvRowsAreSkippedByLine()
    {
        var result = CimCsv.Parse("\"HotFixID\",\"Description\"\r\n\"KB1234567\",\"Update\"\r\n\"KB7654321\"\r\n\"KB5555555\",\"multi\r\nline\"\r\n\"KB999", "qfe.csv");
        Assert.Equal(["KB1234567", "KB5555555"], result.Rows.Select(r => r["hotfixid"]));
        Assert.Equal([3, 6], result.Problems.Select(p => p.Line!.Value));
        Assert.StartsWith("row has 1 fields", result.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("not closed", result.Problems[1].Reason, StringComparison.Ordinal);
        Assert.Throws<InputFormatException>(() => CimCsv.Parse("", "empty.csv"));
    }

    [Fact]
    public void FolderWithoutARegistryExportIsRefusedAndNamesTheBrokenFiles()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-agentwin-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "uninstall.reg"), "just some text\n");
            var error = Assert.Throws<InputFormatException>(() => WindowsCollector.FromFolder(folder, Time));
            Assert.Contains("uninstall.reg:1: not a registry export", error.Message, StringComparison.Ordinal);
            Assert.Throws<InputFormatException>(() => WindowsCollector.FromFolder(Path.Combine(folder, "missing"), Time));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void OversizedRecordingIsRefusedBeforeItIsRead()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-agentwin-").FullName;
        try
        {
            var path = Path.Combine(folder, "huge.reg");
            using (var file = File.Create(path))
            {
                file.SetLength(RecordedInput.MaxFileBytes + 1);
            }

            var error = Assert.Throws<InputFormatException>(() => RegFile.Read(path));
            Assert.Equal("huge.reg", error.File);
            Assert.Contains("bytes", error.Reason, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
