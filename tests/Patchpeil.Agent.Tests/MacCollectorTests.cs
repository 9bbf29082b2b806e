using System.Text;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent.MacOS;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

public class MacCollectorTests
{
    private static readonly string Macos14 = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent", "macos14");
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2024, 11, 26, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RecordedMacBecomesAReportWithApplicationsOsAndHardware()
    {
        var (report, problems) = MacCollector.FromFolder(Macos14, Time);
        var os = report.OperatingSystem;
        Assert.Equal(("macos", "macOS 14.6.1", "14.6.1", "23G93", "23.6.0"), (os.Family, os.Name, os.Version, os.Build, os.Kernel));
        Assert.Equal(new DeviceIdentity("MacBook-Air-Docent-07", "6A9F4E2B-1C3D-5E7F-8A0B-2C4D6E8F0A1B", "K7Q2LX4M9P", null), report.Device);
        Assert.Equal(new DateTime(2024, 11, 25, 7, 41, 12, DateTimeKind.Utc), os.LastBootUtc);

        // Finder lives on the sealed system volume and is updated with macOS: not listed. VLC has only its Info.plist.
        Assert.Equal(
            ["Firefox 132.0.2", "Google Chrome 131.0.6778.86", "Keynote 14.2", "Microsoft Word 16.91", "Postgres 2.7.6", "Safari 18.1", "Toetsprogramma 2.0.1", "VLC 3.0.21", "zoom.us 6.2.11 (43613)"],
            report.Software.Select(a => $"{a.Name} {a.Version}").Order(StringComparer.Ordinal));
        Assert.All(report.Software, a => Assert.Equal("macos-app", a.Source));

        var firefox = report.Software.Single(a => a.Name == "Firefox");
        Assert.Equal(("Mozilla Corporation", "identified_developer", "/Applications/Firefox.app", "org.mozilla.firefox", "universal"),
            (firefox.Publisher, firefox.Origin, firefox.Location, firefox.Identifier, firefox.Architecture));
        Assert.Equal(("Apple", "apple"), (report.Software.Single(a => a.Name == "Safari").Publisher, report.Software.Single(a => a.Name == "Safari").Origin));
        // Keynote's Info.plist is binary, as App Store and Apple bundles often are.
        Assert.Equal(("mac_app_store", "com.apple.iWork.Keynote"), (report.Software.Single(a => a.Name == "Keynote").Origin, report.Software.Single(a => a.Name == "Keynote").Identifier));
        Assert.Equal("org.videolan.vlc", report.Software.Single(a => a.Name == "VLC").Identifier);

        // An app outside /Applications gets its identifier (and here its missing version) from its own bundle, found at
        // its path under the recording.
        Assert.Equal("nl.voorbeeld.toetsprogramma", report.Software.Single(a => a.Name == "Toetsprogramma").Identifier);

        var database = Assert.Single(report.Databases);
        Assert.Equal(("PostgreSQL", "2.7.6", "macos-app:Postgres"), (database.Engine, database.Version, database.Evidence));

        // A cut-off Info.plist is reported with where it broke, and the rest is kept.
        var problem = Assert.Single(problems);
        Assert.Equal("/Applications/Broken.app/Contents/Info.plist", problem.File);
        Assert.Contains("not well-formed", problem.Reason, StringComparison.Ordinal);
        Assert.NotNull(problem.Line);
    }

    [Fact]
    public async Task LiveCollectorWithoutSystemProfilerSaysWhatIsMissing()
    {
        if (OperatingSystem.IsMacOS())
        {
            Assert.Skip("On a Mac system_profiler exists; this checks the path where it does not run.");
        }

        var (report, problems) = await MacCollector.CollectAsync(new ProcessRunner(TimeSpan.FromSeconds(30)), Time, TestContext.Current.CancellationToken);
        Assert.Equal("macos", report.OperatingSystem.Family);
        Assert.Empty(report.Software);
        Assert.Equal("system_profiler", problems[0].File);
    }

    [Theory]
    [InlineData("{ sec = 0, usec = 0 } Thu Jan  1 00:00:00 1970")]
    [InlineData("sec = 1732520472")]
    [InlineData("{ sec = 99999999999999999999, usec = 0 }")]
    [InlineData("")]
    public void BootTimeThatIsNotATimevalIsLeftOut(string sysctl) => Assert.Null(MacCollector.BootTime(sysctl));

    [Fact]
    public void InfoPlistGivesBundleIdentityAndFallsBackToBundleVersion()
    {
        var firefox = InfoPlist.Read(Path.Combine(Macos14, "Applications", "Firefox.app", "Contents", "Info.plist"));
        Assert.Equal(new InfoPlist("org.mozilla.firefox", "132.0.2", "13224.11.11", "Firefox"), firefox);

        const string plist = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0"><dict>
              <key>CFBundleIdentifier</key><string>nl.example.toets</string>
              <key>CFBundleVersion</key><string>412</string>
              <key>Sizes</key><array><integer>-3</integer><real>1.5</real><date>2024-11-26T09:00:00Z</date><data>AAEC</data><dict/></array>
            </dict></plist>
            """;
        var parsed = Plist.Parse(Encoding.UTF8.GetBytes(plist), "Info.plist");
        var info = InfoPlist.From(parsed, "Info.plist");
        Assert.Equal(("nl.example.toets", "412", null), (info.BundleIdentifier, info.Version, info.Name));
        var sizes = (List<object>)((Dictionary<string, object>)parsed)["Sizes"];
        Assert.Equal([-3L, 1.5, new DateTime(2024, 11, 26, 9, 0, 0, DateTimeKind.Utc)], sizes.Take(3));
        Assert.Equal(new byte[] { 0, 1, 2 }, (byte[])sizes[3]);
    }

    [Theory]
    [InlineData("<plist><dict><key>CFBundleIdentifier</key><integer>x</integer></dict></plist>", 1, "is not an integer")]
    [InlineData("<plist>\n<dict>\n<string>no key</string></dict></plist>", 3, "expected <key>")]
    [InlineData("<html><body/></html>", 1, "not a property list")]
    [InlineData("<plist><dict><key>CFBundleName</key><string>cut", null, "not well-formed")]
    [InlineData("<plist><dict><key>Other</key><string>x</string></dict></plist>", null, "not an application's Info.plist")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><plist><dict><key>CFBundleIdentifier</key><string>&x;</string></dict></plist>", null, "")]
    public void BrokenPlistsAreRefusedWithLineAndReason(string xml, int? line, string reason)
    {
        var error = Assert.Throws<InputFormatException>(() => InfoPlist.From(Plist.Parse(Encoding.UTF8.GetBytes(xml), "Info.plist"), "Info.plist"));
        Assert.Equal("Info.plist", error.File);
        if (line is not null)
        {
            Assert.Equal(line, error.Line);
        }

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedPlistIsRefused()
    {
        var xml = "<plist>" + string.Concat(Enumerable.Repeat("<array>", 200)) + string.Concat(Enumerable.Repeat("</array>", 200)) + "</plist>";
        var error = Assert.Throws<InputFormatException>(() => Plist.Parse(Encoding.UTF8.GetBytes(xml), "deep.plist"));
        Assert.Contains("nested deeper", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileSystemProfilerItemsAreSkippedAndNamed()
    {
        const string json = """
            {
              "SPApplicationsDataType": [
                { "_name": "Good", "version": "1.0", "path": "/Applications/Good.app" },
                { "_name": 42, "version": "1.0" },
                "not an object",
                { "_name": "NumberVersion", "version": 7 },
                { "_name": "Good", "version": "1.0", "path": "/Applications/Good.app" }
              ],
              "SPSoftwareDataType": [ { "os_version": "Darwin weird" } ],
              "SPHardwareDataType": { "serial_number": "wrong shape" }
            }
            """;
        var profile = MacCollector.ParseSystemProfiler(Encoding.UTF8.GetBytes(json), "sp.json");
        Assert.Equal(["Good 1.0", "NumberVersion "], profile.Applications.Select(a => $"{a.Name} {a.Version}"));
        Assert.Equal(("Darwin weird", null), (profile.OperatingSystem!.Name, profile.OperatingSystem.Version));
        Assert.Null(profile.SerialNumber);
        Assert.Equal(
        [
            "sp.json: SPApplicationsDataType[1]: no \"_name\"; skipped",
            "sp.json: SPApplicationsDataType[2] is a JSON String, expected an object; skipped",
            "sp.json: SPHardwareDataType is a JSON Object, expected an array; section skipped",
            "sp.json: SPSoftwareDataType.os_version \"Darwin weird\" is not \"macOS X.Y.Z (build)\"; version left out",
        ], profile.Problems.Select(p => p.ToString()).Order(StringComparer.Ordinal));

        var truncated = Assert.Throws<InputFormatException>(() => MacCollector.ParseSystemProfiler(Encoding.UTF8.GetBytes(json[..200]), "sp.json"));
        Assert.Contains("not valid JSON", truncated.Reason, StringComparison.Ordinal);
        Assert.NotNull(truncated.Line);

        var nested = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));
        Assert.Throws<InputFormatException>(() => MacCollector.ParseSystemProfiler(Encoding.UTF8.GetBytes(nested), "sp.json"));
    }
}
