using System.IO.Compression;
using System.Text.Json;
using Patchpeil.Contracts;

namespace Patchpeil.Server.Tests;

/// <summary>`patchpeil scan` as a CI job runs it: the real executable, real files, exit codes and output formats.</summary>
public sealed class ScanCommandTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly string _dir = Directory.CreateTempSubdirectory("patchpeil-scan-").FullName;

    public ScanCommandTests()
    {
        var feeds = Directory.CreateDirectory(Path.Combine(_dir, "feeds")).FullName;
        File.Copy(Fixture("osv", "ubuntu", "UBUNTU-CVE-2024-6387.json"), Path.Combine(feeds, "UBUNTU-CVE-2024-6387.json"));
        File.Copy(Fixture("nvd", "cve-2.0-records", "CVE-2024-38063.json"), Path.Combine(feeds, "CVE-2024-38063.json"));
        File.Copy(Fixture("endoflife", "api_v1", "windows.json"), Path.Combine(feeds, "windows.json"));
        File.Copy(Fixture("kev", "known_exploited_vulnerabilities.json"), Path.Combine(feeds, "kev.json"));
        File.WriteAllText(Path.Combine(feeds, "broken.json"), "{ \"document\": ");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    private string Feeds => Path.Combine(_dir, "feeds");

    private string Report(string name, OperatingSystemInfo os, params InstalledItem[] software)
    {
        var report = new AgentReport(Guid.NewGuid(), new DateTime(2026, 1, 10, 8, 0, 0, DateTimeKind.Utc), "1.0.0", true,
            new DeviceIdentity(name, null, null, "machine-" + name), os, software, [], [], []);
        var path = Path.Combine(_dir, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(report, Web));
        return path;
    }

    private string UbuntuReport(string opensshVersion) => Report("jammy", new OperatingSystemInfo("linux", "Ubuntu 22.04.4 LTS", null, "22.04", null, "ubuntu", "22.04", "5.15.0", null, false),
        new InstalledItem("dpkg", "openssh-server", opensshVersion, null, "amd64", "openssh", opensshVersion),
        new InstalledItem("dpkg", "bash", "5.1-6ubuntu1.1", null, "amd64", "bash", "5.1-6ubuntu1.1"));

    private string WindowsReport(string build) => Report("pc01", new OperatingSystemInfo("windows", "Windows 10 Education", "Education", "22H2", build, null, null, null, null, false));

    private static Task<CliResult> Scan(params string[] args) => CliRunner.RunAsync("Data Source=unused.db", null, ["scan", .. args]);

    [Fact]
    public async Task Ubuntu_report_finds_the_unpatched_openssh_and_fail_on_decides_the_exit_code()
    {
        var old = UbuntuReport("1:8.9p1-3ubuntu0.7");
        var table = await Scan(old, "--feeds", Feeds, "--fail-on", "P3");
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("CVE-2024-6387", table.Output);
        Assert.Contains("1:8.9p1-3ubuntu0.7", table.Output);
        Assert.Contains("broken.json", table.Error); // the unreadable feed file is named, the rest still used

        var lenient = await Scan(old, "--feeds", Feeds, "--fail-on", "P1");
        Assert.Equal(0, lenient.ExitCode);

        var patched = await Scan(UbuntuReport("1:8.9p1-3ubuntu0.10"), "--feeds", Feeds, "--fail-on", "P4");
        Assert.Equal(0, patched.ExitCode);
        Assert.DoesNotContain("CVE-2024-6387", patched.Output);
    }

    [Fact]
    public async Task Windows_report_gives_sarif_with_a_p1_result_and_stable_fingerprint()
    {
        var report = WindowsReport("10.0.19045.4651");
        var result = await Scan(report, "--feeds", Feeds, "--format", "sarif", "--fail-on", "P1", "--as-of", "2024-09-01");
        Assert.Equal(1, result.ExitCode);
        using var sarif = JsonDocument.Parse(result.Output);
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = sarif.RootElement.GetProperty("runs")[0];
        Assert.Equal("patchpeil", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var hit = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "CVE-2024-38063");
        Assert.Equal("error", hit.GetProperty("level").GetString());
        Assert.Equal("P1", hit.GetProperty("properties").GetProperty("priority").GetString());
        var ruleIndex = hit.GetProperty("ruleIndex").GetInt32();
        Assert.Equal("CVE-2024-38063", run.GetProperty("tool").GetProperty("driver").GetProperty("rules")[ruleIndex].GetProperty("id").GetString());
        var key = hit.GetProperty("partialFingerprints").GetProperty("patchpeilFindingKey/v1").GetString();
        Assert.Equal("machine-pc01|cpe:o:microsoft:windows_10_22h2|CVE-2024-38063", key);

        var fixedBuild = await Scan(WindowsReport("10.0.19045.4780"), "--feeds", Feeds, "--format", "sarif", "--fail-on", "P1", "--as-of", "2024-09-01");
        Assert.Equal(0, fixedBuild.ExitCode);
        Assert.DoesNotContain("CVE-2024-38063", fixedBuild.Output);
    }

    [Fact]
    public async Task Json_and_csv_explain_each_finding_and_end_of_support_uses_the_given_date()
    {
        var report = WindowsReport("10.0.19045.4780");
        var json = await Scan(report, "--feeds", Feeds, "--format", "json", "--as-of", "2025-11-01");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Output);
        var eol = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "EndOfSupport");
        Assert.Equal("endoflife", eol.GetProperty("evidence").GetProperty("source").GetString());
        Assert.Contains("2025-10-14", eol.GetProperty("evidence").GetProperty("rule").GetString());

        var before = await Scan(report, "--feeds", Feeds, "--format", "json", "--as-of", "2025-01-01");
        using var beforeDoc = JsonDocument.Parse(before.Output);
        Assert.DoesNotContain(beforeDoc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "EndOfSupport");

        var csv = await Scan(UbuntuReport("1:8.9p1-3ubuntu0.7"), "--feeds", Feeds, "--format", "csv");
        var lines = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("priority,kind,component,version,subject", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("CVE-2024-6387", StringComparison.Ordinal) && l.Contains("UBUNTU-CVE-2024-6387", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Risk_assessor_sets_the_priority_and_an_epss_file_raises_it_with_a_reason()
    {
        var report = UbuntuReport("1:8.9p1-3ubuntu0.7");
        var plain = await Scan(report, "--feeds", Feeds, "--format", "json");
        using var plainDoc = JsonDocument.Parse(plain.Output);
        var before = plainDoc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("subject").GetString() == "CVE-2024-6387");
        // The matcher keeps no score for OSV records (their CVSS vector is not scored there): unscored is P3.
        Assert.Equal("P3", before.GetProperty("priority").GetString());
        Assert.Equal(["cvss-unknown"], before.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.False(before.GetProperty("urgent").GetBoolean());

        // An EPSS file in the shape FIRST publishes (tests/fixtures/epss); the score is this test's input, not real data.
        File.WriteAllText(Path.Combine(Feeds, "epss_scores.csv"), "#model_version:v2025.03.14,score_date:2026-01-10T00:00:00+0000\ncve,epss,percentile\nCVE-2024-6387,0.50000,0.98000\n");
        var withEpss = await Scan(report, "--feeds", Feeds, "--format", "json", "--fail-on", "P2");
        Assert.Equal(1, withEpss.ExitCode);
        using var doc = JsonDocument.Parse(withEpss.Output);
        var after = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("subject").GetString() == "CVE-2024-6387");
        Assert.Equal("P2", after.GetProperty("priority").GetString());
        Assert.Equal(["cvss-unknown", "epss-high"], after.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal("0.500 (p98)", after.GetProperty("reasons")[1].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Feeds_in_a_zip_give_the_same_findings_as_the_folder()
    {
        var zip = Path.Combine(_dir, "feeds.zip");
        ZipFile.CreateFromDirectory(Feeds, zip);
        var report = UbuntuReport("1:8.9p1-3ubuntu0.7");
        var fromFolder = await Scan(report, "--feeds", Feeds, "--format", "csv");
        var fromZip = await Scan(report, "--feeds", zip, "--format", "csv");
        Assert.Equal(fromFolder.Output, fromZip.Output);
    }

    [Fact]
    public async Task Bad_usage_and_unreadable_input_exit_2_naming_the_problem()
    {
        var report = UbuntuReport("1:8.9p1-3ubuntu0.7");
        var badFormat = await Scan(report, "--feeds", Feeds, "--format", "xml");
        Assert.Equal(2, badFormat.ExitCode);
        Assert.Contains("xml", badFormat.Error);

        var badFailOn = await Scan(report, "--feeds", Feeds, "--fail-on", "P9");
        Assert.Equal(2, badFailOn.ExitCode);

        var broken = Path.Combine(_dir, "broken-report.json");
        File.WriteAllText(broken, "{\n  \"operatingSystem\": {\n    \"family\": ");
        var unreadable = await Scan(broken, "--feeds", Feeds);
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("broken-report.json", unreadable.Error);
        Assert.Contains("line 3", unreadable.Error);

        var missing = await Scan(report, "--feeds", Path.Combine(_dir, "nope"));
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task Cyclonedx_sbom_is_scanned_by_purl()
    {
        var feeds = Directory.CreateDirectory(Path.Combine(_dir, "npm-feeds")).FullName;
        File.Copy(Fixture("osv", "trustify", "GHSA-2ccf-ffrj-m4qw.json"), Path.Combine(feeds, "GHSA-2ccf-ffrj-m4qw.json"));
        using var ghsa = JsonDocument.Parse(File.ReadAllText(Path.Combine(feeds, "GHSA-2ccf-ffrj-m4qw.json")));
        var package = ghsa.RootElement.GetProperty("affected")[0].GetProperty("package");
        var ecosystem = package.GetProperty("ecosystem").GetString()!;
        var name = package.GetProperty("name").GetString()!;
        var introducedOrFixed = ghsa.RootElement.GetProperty("affected")[0].GetProperty("ranges")[0].GetProperty("events").EnumerateArray()
            .Select(e => e.EnumerateObject().First()).First(p => p.Name == "fixed").Value.GetString()!;
        var purlType = ecosystem switch { "npm" => "npm", "PyPI" => "pypi", "Maven" => "maven", "crates.io" => "cargo", "Go" => "golang", "NuGet" => "nuget", _ => ecosystem.ToLowerInvariant() };
        var purlName = purlType == "maven" ? name.Replace(':', '/') : name.Replace("@", "%40", StringComparison.Ordinal);
        var sbom = Path.Combine(_dir, "app.cdx.json");
        File.WriteAllText(sbom, $$"""
            {"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
             "components":[{"type":"library","name":"{{name}}","version":"0.0.1","purl":"pkg:{{purlType}}/{{purlName}}@0.0.1"},
                           {"type":"library","name":"{{name}}-fixed","version":"{{introducedOrFixed}}","purl":"pkg:{{purlType}}/{{purlName}}@{{introducedOrFixed}}"}]}
            """);
        var result = await Scan(sbom, "--feeds", feeds, "--format", "json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("0.0.1", f.GetProperty("version").GetString()));
    }
}
