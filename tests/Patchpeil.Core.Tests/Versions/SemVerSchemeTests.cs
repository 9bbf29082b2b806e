using System.Globalization;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class SemVerSchemeTests
{
    private static readonly VersionScheme SemVer = VersionSchemes.Get(VersionSchemeKind.SemVer);
    private static readonly VersionScheme Npm = VersionSchemes.Get(VersionSchemeKind.Npm);
    private static readonly VersionScheme NuGet = VersionSchemes.Get(VersionSchemeKind.NuGet);
    private static readonly VersionScheme Go = VersionSchemes.Get(VersionSchemeKind.Go);

    [Fact]
    public void SpecPrecedenceChain()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("semver", "semver-2.0.0-spec-precedence.csv"), out var lines);
        Assert.Equal(8, lines);
        var chain = rows.OrderBy(r => int.Parse(r[0], CultureInfo.InvariantCulture)).Select(r => r[1]).ToList();
        var pairs = chain.SelectMany((a, i) => chain.Skip(i + 1).Select(b => (a, b))).ToList();
        foreach (var scheme in new[] { SemVer, Npm, NuGet })
        {
            VersionVectors.Run($"{scheme.Name}/semver-spec-precedence (all pairs)", pairs, 28, p => VersionVectors.CheckPair(scheme, p.a, p.b, -1));
        }
    }

    [Fact]
    public void NodeSemverComparisons()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("semver", "node-semver-comparisons.csv"), out var lines);
        Assert.Equal(31, lines);
        VersionVectors.Run("npm/node-semver-comparisons", rows, 31, r => VersionVectors.CheckPair(Npm, r[0], r[1], 1));
        var strict = rows.Where(r => !r[2].Contains("loose", StringComparison.Ordinal) || r[2].Contains("loose:false", StringComparison.Ordinal)).ToList();
        VersionVectors.Run("semver/node-semver-comparisons (non-loose)", strict, 19, r => VersionVectors.CheckPair(SemVer, r[0], r[1], 1));
    }

    [Theory]
    [InlineData("vers-spec", "nuget_version_cmp_test.json")]
    [InlineData("univers", "nuget_version_cmp.json")]
    public void NuGetConformance(string folder, string file)
    {
        var path = VersionVectors.FixturePath(folder, file);
        var tests = VersTest.Load(path);
        VersionVectors.Run($"nuget/{folder}/{file}", tests, 33, t => t.Check(NuGet));
        Assert.Equal(VersTest.CountTests(path), tests.Count);
    }

    [Theory]
    [InlineData("v1.2.3", "v1.2.3+incompatible", 0)]
    [InlineData("v2.0.0+incompatible", "v1.9.9", 1)]
    [InlineData("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa", -1)]
    [InlineData("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1)]   // pseudo-version after v1.2.3
    [InlineData("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1)]  // … before v1.2.4
    [InlineData("v1", "v1.0.0", 0)]
    [InlineData("v1.2", "v1.2.0", 0)]
    [InlineData("1.2.3", "v0.0.1", -1)]                                  // invalid (no v) sorts first
    [InlineData("1.2.3", "garbage", 0)]                                   // … and all invalid are equal, like Go
    public void GoModules(string a, string b, int expected)
    {
        Assert.Equal(expected, Go.Compare(a, b));
        Assert.Equal(-expected, Go.Compare(b, a));
    }

    [Theory]
    [InlineData("semver", "1.2")]
    [InlineData("semver", "01.2.3")]
    [InlineData("semver", "1.2.3-01")]
    [InlineData("semver", "v1.2.3")]
    [InlineData("semver", "1.2.3-")]
    [InlineData("semver", "1.2.3+")]
    [InlineData("semver", "1.2.3-a..b")]
    [InlineData("semver", "1.2.3-é")]
    [InlineData("nuget", "1.2.3.4.5")]
    [InlineData("nuget", "2147483648.0")]
    [InlineData("go", "v1.2-pre")]
    [InlineData("go", "v01.2.3")]
    [InlineData("npm", "=v")]
    public void RejectsInvalid(string scheme, string text)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        Assert.False(s.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("npm", " v1.2.3 ", "1.2.3", 0)]
    [InlineData("npm", "=1.2.3", "1.2.3", 0)]
    [InlineData("npm", "1.2.3beta", "1.2.3-beta", 0)]
    [InlineData("npm", "01.2.3", "1.2.3", 0)]
    [InlineData("nuget", "1.0.0-Beta.10", "1.0.0-beta.9", 1)]
    [InlineData("nuget", "1.0.0-alpha", "1.0.0-Alpha.1", -1)]
    [InlineData("semver", "1.0.0-rc.1+build.5", "1.0.0-rc.1", 0)]
    [InlineData("semver", "99999999999999999999999.0.0", "99999999999999999999998.0.0", 1)]
    public void DialectDetails(string scheme, string a, string b, int expected)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        Assert.Equal(expected, s.Compare(a, b));
        Assert.Equal(-expected, s.Compare(b, a));
    }

    public static readonly TheoryData<string> Families = ["semver", "npm", "nuget", "go"];

    [Theory]
    [MemberData(nameof(Families))]
    public void OrderLawsHoldOnHostileInput(string scheme)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        SchemeProperties.Check(s, SchemeProperties.Structured(
            ["", "", "v", "="],
            ["0", "1", "2", "10", "01", "2147483648", "99999999999999999999"],
            ["-", "-", ""],
            ["alpha", "Alpha", "beta", "1", "2", "10", "01", "rc", "x-1", "0a", ""],
            ["v", "0", "1", "01", "9", "10", ".", ".", "-", "+", "alpha", "Beta", "rc", "x-y", "é", " ", "="]));
    }
}

public class NpmContainmentTests
{
    [Theory]
    [InlineData("vers-spec", "npm_range_containment_test.json")]
    [InlineData("univers", "npm_range_containment.json")]
    public void RangeContainment(string folder, string file)
    {
        var tests = VersContainment.Load(VersionVectors.FixturePath(folder, file));
        VersionVectors.Run($"npm/{folder}/{file}", tests, 1, t => t.Check(VersionSchemes.Get(VersionSchemeKind.Npm)));
    }
}
