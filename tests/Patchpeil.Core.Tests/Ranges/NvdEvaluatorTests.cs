using System.Text.Json;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class NvdEvaluatorTests
{
    /// <summary>Dotted numeric builds: the Windows scheme once it exists, dpkg order (numeric runs) until then.</summary>
    private static readonly VersionScheme Numeric = RangeSchemes.TryGet(VersionSchemeKind.Windows) is { IsOrdered: true } windows
        ? windows
        : VersionSchemes.Get(VersionSchemeKind.Deb);

    [Theory]
    [InlineData("cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:x64:*", "10.0.19045.4651", RangeVerdict.Inside)]
    [InlineData("cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:x64:*", "10.0.19045.4780", RangeVerdict.Outside)]
    [InlineData("cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:x64:*", "10.0.19045.10000", RangeVerdict.Outside)]
    [InlineData("cpe:2.3:o:microsoft:windows_11_23h2:*:*:*:*:*:*:*:*", "10.0.22631.999", RangeVerdict.Inside)]
    [InlineData("cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*", null, RangeVerdict.Inside)]
    [InlineData("cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*", null, RangeVerdict.Inside)]
    [InlineData("cpe:2.3:o:microsoft:windows_server_2008:-:sp1:*:*:*:*:*:*", null, RangeVerdict.Outside)]
    [InlineData("cpe:2.3:o:apple:macos:14.0:*:*:*:*:*:*:*", null, RangeVerdict.Outside)]
    public void WindowsUbrBoundsFromCve202438063(string installed, string? version, RangeVerdict expected)
    {
        var match = NvdEvaluator.Evaluate(Load("CVE-2024-38063.json"), [new InstalledCpe(Cpe.Parse(installed), version)], _ => Numeric);
        Assert.Equal(expected, match.Verdict);
    }

    [Fact]
    public void EvidenceNamesTheBoundAndTheVersions()
    {
        var match = NvdEvaluator.Evaluate(
            Load("CVE-2024-38063.json"),
            [new InstalledCpe(Cpe.Parse("cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:*:*"), "10.0.19045.4651")],
            _ => Numeric);
        Assert.Contains("<10.0.19045.4780", match.Rule, StringComparison.Ordinal);
        Assert.Contains(match.Comparisons, c => c.Contains("10.0.19045.4651 < 10.0.19045.4780", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.1.3", true, RangeVerdict.Inside)]
    [InlineData("1.1.3", false, RangeVerdict.Outside)]
    [InlineData("1.1.4", true, RangeVerdict.Outside)]
    public void AndConfigurationNeedsThePlatform(string firmware, bool hardwarePresent, RangeVerdict expected)
    {
        var installed = new List<InstalledCpe> { new(Cpe.Parse("cpe:2.3:o:tp-link:archer_ax21_firmware:*:*:*:*:*:*:*:*"), firmware) };
        if (hardwarePresent)
        {
            installed.Add(new InstalledCpe(Cpe.Parse("cpe:2.3:h:tp-link:archer_ax21:-:*:*:*:*:*:*:*")));
        }

        Assert.Equal(expected, NvdEvaluator.Evaluate(Load("CVE-2023-1389.json"), installed, _ => Numeric).Verdict);
    }

    [Fact]
    public void PlatformAloneNeverMakesACveApply()
    {
        var installed = new List<InstalledCpe> { new(Cpe.Parse("cpe:2.3:h:tp-link:archer_ax21:-:*:*:*:*:*:*:*")) };
        Assert.Equal(RangeVerdict.Outside, NvdEvaluator.Evaluate(Load("CVE-2023-1389.json"), installed, _ => Numeric).Verdict);
    }

    [Theory]
    [InlineData("120.0.6099.217", RangeVerdict.Inside)]
    [InlineData("120.0.6099.224", RangeVerdict.Outside)]
    [InlineData("121.0.6167.85", RangeVerdict.Outside)]
    public void ChromeFourPartBound(string version, RangeVerdict expected)
    {
        var installed = new[] { new InstalledCpe(Cpe.Parse("cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*"), version) };
        Assert.Equal(expected, NvdEvaluator.Evaluate(Load("CVE-2024-0519.json"), installed, _ => Numeric).Verdict);
    }

    [Theory]
    [InlineData("2.43.6", RangeVerdict.Inside)]
    [InlineData("2.43.7", RangeVerdict.Outside)]
    [InlineData("2.50.1", RangeVerdict.Outside)]
    [InlineData("2.50.0", RangeVerdict.Inside)]
    public void GitBranchesWithStartAndEnd(string version, RangeVerdict expected)
    {
        var installed = new[] { new InstalledCpe(Cpe.Parse("cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*"), version) };
        Assert.Equal(expected, NvdEvaluator.Evaluate(Load("CVE-2025-48384.json"), installed, _ => Numeric).Verdict);
    }

    [Theory]
    [InlineData("cpe:2.3:a:citrix:session_recording:1912:cu5:*:*:ltsr:*:*:*", RangeVerdict.Inside)]
    [InlineData("cpe:2.3:a:citrix:session_recording:1912:cu9:*:*:ltsr:*:*:*", RangeVerdict.Outside)]
    [InlineData("cpe:2.3:a:citrix:session_recording:2407:-:*:*:-:*:*:*", RangeVerdict.Inside)]
    public void CitrixExactEntriesUseUpdateAndEdition(string installed, RangeVerdict expected) =>
        Assert.Equal(expected, NvdEvaluator.Evaluate(Load("CVE-2024-8068.json"), [new InstalledCpe(Cpe.Parse(installed))], _ => Numeric).Verdict);

    [Fact]
    public void UnknownSchemeWithBoundsIsUndecidedAndSaysEqualityOnly()
    {
        var installed = new[] { new InstalledCpe(Cpe.Parse("cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*"), "120.0.6099.217") };
        var match = NvdEvaluator.Evaluate(Load("CVE-2024-0519.json"), installed, _ => VersionSchemes.Unknown);
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.Contains(match.Comparisons, c => c.Contains("equality only", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingVersionIsUndecided()
    {
        var installed = new[] { new InstalledCpe(Cpe.Parse("cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*")) };
        Assert.Equal(RangeVerdict.Undecided, NvdEvaluator.Evaluate(Load("CVE-2024-0519.json"), installed, _ => Numeric).Verdict);
    }

    [Fact]
    public void NegatedNodeExcludes()
    {
        var config = new NvdConfiguration(true, false, [
            new NvdNode(false, false, [new NvdCpeMatch(true, Cpe.Parse("cpe:2.3:a:v:app:*:*:*:*:*:*:*:*"), VersionEndExcluding: "2.0")], []),
            new NvdNode(false, true, [new NvdCpeMatch(false, Cpe.Parse("cpe:2.3:o:v:safe_os:*:*:*:*:*:*:*:*"))], []),
        ]);
        var app = new InstalledCpe(Cpe.Parse("cpe:2.3:a:v:app:*:*:*:*:*:*:*:*"), "1.0");
        var os = new InstalledCpe(Cpe.Parse("cpe:2.3:o:v:safe_os:1:*:*:*:*:*:*:*"));
        Assert.Equal(RangeVerdict.Inside, NvdEvaluator.Evaluate([config], [app], _ => Numeric).Verdict);
        Assert.Equal(RangeVerdict.Outside, NvdEvaluator.Evaluate([config], [app, os], _ => Numeric).Verdict);
    }

    [Fact]
    public void EveryFixtureConfigurationParses()
    {
        foreach (var path in Directory.EnumerateFiles(IdentityFixtures.Path("nvd"), "CVE-*.json"))
        {
            Assert.NotEmpty(Load(System.IO.Path.GetFileName(path)));
        }
    }

    internal static List<NvdConfiguration> Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IdentityFixtures.Path("nvd", file)));
        Assert.True(NvdConfiguration.TryParseAll(doc.RootElement.GetProperty("configurations"), out var configurations, out var error), error);
        return configurations;
    }
}
