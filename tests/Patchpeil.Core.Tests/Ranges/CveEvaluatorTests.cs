using System.Text.Json;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class CveEvaluatorTests
{
    [Theory]
    [InlineData("1.20.9", RangeVerdict.Inside)]
    [InlineData("1.20.10", RangeVerdict.Outside)]
    [InlineData("1.21.0-0", RangeVerdict.Inside)]
    [InlineData("1.21.2", RangeVerdict.Inside)]
    [InlineData("1.21.3", RangeVerdict.Outside)]
    [InlineData("1.22.0", RangeVerdict.Outside)]
    public void SemverRangesWithDefaultUnaffected(string version, RangeVerdict expected)
    {
        var affected = Load("CVE-2023-39325.json")[0];
        Assert.Equal("unaffected", affected.DefaultStatus);
        var match = CveEvaluator.Evaluate(affected, version);
        Assert.Equal(expected, match.Verdict);
        Assert.Equal("semver", match.Scheme);
    }

    [Fact]
    public void CustomVersionTypeUsesTheCallersScheme()
    {
        var affected = Load("CVE-2024-7826.json")[0];
        var generic = VersionSchemes.Get(VersionSchemeKind.Generic);
        Assert.Equal(RangeVerdict.Inside, CveEvaluator.Evaluate(affected, "2.1.2.2", generic).Verdict);
        Assert.Equal(RangeVerdict.Outside, CveEvaluator.Evaluate(affected, "2.1.2.3", generic).Verdict);
        var unknown = CveEvaluator.Evaluate(affected, "2.1.2.2");
        Assert.Equal(RangeVerdict.Undecided, unknown.Verdict);
        Assert.True(unknown.EqualityOnly);
    }

    [Theory]
    [InlineData("CVE-2021-32714.json", "0.14.9", RangeVerdict.Inside)]
    [InlineData("CVE-2021-32714.json", "0.14.10", RangeVerdict.Undecided)]
    [InlineData("CVE-2024-27088.json", "0.10.62", RangeVerdict.Inside)]
    [InlineData("CVE-2024-27088.json", "0.9.0", RangeVerdict.Undecided)]
    public void RangesWrittenIntoTheVersionFieldAreReadAsRepaired(string file, string version, RangeVerdict expected)
    {
        // No defaultStatus: outside the stated range the status is "unknown", so Undecided rather than Outside.
        var match = CveEvaluator.Evaluate(Load(file)[0], version, VersionSchemes.Get(VersionSchemeKind.SemVer));
        Assert.Equal(expected, match.Verdict);
        if (expected == RangeVerdict.Inside)
        {
            Assert.Contains("range written in 'version'", match.Rule, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ProseVersionIsNeverAMatch()
    {
        var match = CveEvaluator.Evaluate(Load("CVE-2023-20862.json")[0], "5.7.7", VersionSchemes.Get(VersionSchemeKind.SemVer));
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
    }

    [Theory]
    [InlineData("1.0.0", RangeVerdict.Outside)]
    [InlineData("2.0.0", RangeVerdict.Inside)]
    [InlineData("2.5.0", RangeVerdict.Inside)]
    [InlineData("3.0.0", RangeVerdict.Outside)]
    [InlineData("3.5.0", RangeVerdict.Outside)]
    [InlineData("4.0.0", RangeVerdict.Outside)]
    [InlineData("9.9.0", RangeVerdict.Undecided)]
    [InlineData("1.1.0", RangeVerdict.Inside)]
    [InlineData("1.1", RangeVerdict.Undecided)]
    public void ChangesExactEntriesAndDefaultStatus(string version, RangeVerdict expected)
    {
        var affected = new CveAffected("v", "p", null, "unknown", [
            new CveVersionEntry("1.1.0", "affected", "semver"),
            new CveVersionEntry("2.0.0", "affected", "semver", LessThanOrEqual: "4.0.0", Changes: [new("3.0.0", "unaffected")]),
            new CveVersionEntry("0", "unaffected", "semver", LessThan: "2.0.0"),
        ], []);
        Assert.Equal(expected, CveEvaluator.Evaluate(affected, version).Verdict);
    }

    [Fact]
    public void GitVersionTypeIsEqualityOnly()
    {
        var affected = new CveAffected("v", "p", null, "unaffected", [new CveVersionEntry("abc123", "affected", "git", LessThan: "def456")], []);
        var match = CveEvaluator.Evaluate(affected, "abc124");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.True(match.EqualityOnly);
    }

    internal static List<CveAffected> Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IdentityFixtures.Path("cve5", file)));
        return [.. doc.RootElement.GetProperty("containers").GetProperty("cna").GetProperty("affected").EnumerateArray().Select(a =>
        {
            Assert.True(CveAffected.TryParse(a, out var parsed, out var error), error);
            return parsed!;
        })];
    }
}
