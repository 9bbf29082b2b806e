using System.Text;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent.Windows;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

public sealed class WindowsUpdateSearchTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent");
    private readonly string _folder = Directory.CreateTempSubdirectory("patchpeil-wu-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public void RecordedSearchBecomesPendingUpdatesOfTheWindowsReport()
    {
        var (report, problems) = WindowsCollector.FromFolder(Path.Combine(Fixtures, "windows11-education"), new FakeTimeProvider());
        Assert.DoesNotContain(problems, p => p.File == WindowsUpdateSearch.FileName);
        Assert.Equal(
        [
            new PendingUpdate("2024-11 Cumulative Update Preview for Windows 11 Version 23H2 for x64-based Systems (KB5046732)", "", "KB5046732", "Windows Update: Updates"),
            new PendingUpdate("Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version 4.18.24090.11) - Current Channel (Broad)", "", "KB4052623", "Windows Update: Definition Updates"),
            new PendingUpdate("Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.421.1342.0) - Current Channel (Broad)", "", "KB2267602", "Windows Update: Definition Updates"),
            new PendingUpdate("Intel Corporation - Display - 31.0.101.5382", "", "", "Windows Update: Drivers"),
        ],
        report.PendingUpdates);
    }

    [Fact]
    public void SeverityKbNumbersRevisionsAndASingleObjectAreRead()
    {
        // A hand recording without @(): one update is an object, KBArticleIDs a bare number, a second revision of the same update.
        var (updates, problems) = WindowsUpdateSearch.Parse("""
            { "ResultCode": 3, "Updates": [
              { "Title": "2024-12 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5048685)", "KBArticleIDs": 5048685,
                "MsrcSeverity": "Critical", "Categories": ["Windows 11", "Security Updates"], "UpdateID": "a" },
              { "Title": "2024-12 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5048685)", "KBArticleIDs": ["5048685"], "UpdateID": "a" },
              { "Title": "Some driver", "Type": 2, "KBArticleIDs": [], "MsrcSeverity": "  " },
              { "Title": "  ", "KBArticleIDs": ["1"] },
              { "KBArticleIDs": ["2"] },
              42
            ] }
            """, "x.json");
        Assert.Equal(
        [
            new PendingUpdate("2024-12 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5048685)", "", "KB5048685", "Windows Update: Security Updates", "Critical"),
            new PendingUpdate("Some driver", "", "", "Windows Update: Drivers"),
        ],
        updates);
        Assert.Equal(["x.json: Updates[3]: no \"Title\"; left out", "x.json: Updates[4]: no \"Title\"; left out", "x.json: Updates[5]: no \"Title\"; left out"], problems.Select(p => p.ToString()));

        var single = WindowsUpdateSearch.Parse("""{ "ResultCode": 2, "Updates": { "Title": "Only one", "KBArticleIDs": ["KB123456", "kb654321"] } }""", "y.json").Updates;
        Assert.Equal([new PendingUpdate("Only one", "", "KB123456, KB654321", "Windows Update")], single);
    }

    [Fact]
    public void AFailedSearchGivesNoUpdatesAndSaysSo()
    {
        var (updates, problems) = WindowsUpdateSearch.Parse("""{ "ResultCode": 4, "Updates": [ { "Title": "stale" } ] }""", "f.json");
        Assert.Empty(updates);
        Assert.Equal("f.json: the Windows Update search did not succeed (ResultCode 4); pending updates left out", Assert.Single(problems).ToString());
    }

    [Theory]
    [InlineData("[]", "f.json: expected a JSON object with ResultCode and Updates")]
    [InlineData("{ \"ResultCode\": 2 }", "f.json: expected a JSON object with ResultCode and Updates")]
    [InlineData("{ \"ResultCode\": 2, \"Updates\": \"none\" }", "f.json: \"Updates\" is a String, expected an array")]
    [InlineData("{ \"ResultCode\": 2,\n \"Updates\": [ { \"Title\": \"x\" ", "f.json:2: not valid JSON")]
    public void AFileThatIsNotASearchResultIsRefused(string json, string expected)
    {
        var e = Assert.Throws<InputFormatException>(() => WindowsUpdateSearch.Parse(json, "f.json"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16RecordingByHandIsReadAndAnUnreadableOneIsReportedWithoutLosingTheRest()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures, "windows11-education")))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }

        // Windows PowerShell 5.1's `> pendingupdates.json` writes UTF-16 LE with a byte order mark.
        var path = Path.Combine(_folder, WindowsUpdateSearch.FileName);
        File.WriteAllBytes(path, [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("""{ "ResultCode": 2, "Updates": [ { "Title": "Café-update", "KBArticleIDs": ["5046732"] } ] }""")]);
        var report = WindowsCollector.FromFolder(_folder, new FakeTimeProvider()).Report;
        Assert.Equal("Café-update", Assert.Single(report.PendingUpdates).Name);

        File.WriteAllBytes(path, [0x7B, 0xC3, 0x28, 0x7D]);
        var (broken, problems) = WindowsCollector.FromFolder(_folder, new FakeTimeProvider());
        Assert.Empty(broken.PendingUpdates);
        Assert.NotEmpty(broken.Software);
        Assert.Contains(problems, p => p.ToString() == "pendingupdates.json: neither UTF-8 nor UTF-16 LE with a byte order mark");
    }

    [Fact]
    public void TheCollectorScriptQuotesItsPathAndRunsWithoutCommandLineQuoting()
    {
        var script = WindowsUpdateSearch.Script(@"C:\Users\O'Brien\AppData\Local\Temp\p\pendingupdates.json");
        Assert.Contains(@"[IO.File]::WriteAllText('C:\Users\O''Brien\AppData\Local\Temp\p\pendingupdates.json', $json", script, StringComparison.Ordinal);
        Assert.Contains("$searcher.Online = $false", script, StringComparison.Ordinal);
        Assert.DoesNotContain("Install", script.Replace("IsInstalled", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

        var arguments = WindowsUpdateSearch.Arguments("out.json");
        Assert.Equal(["-NoProfile", "-NonInteractive", "-EncodedCommand"], arguments[..3]);
        Assert.Equal(WindowsUpdateSearch.Script("out.json"), Encoding.Unicode.GetString(Convert.FromBase64String(arguments[3])));
    }
}
