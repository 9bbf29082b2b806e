using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class KeyedSchemeTests
{
    [Fact]
    public void AlpineConformance()
    {
        var path = VersionVectors.FixturePath("vers-spec", "alpine_version_cmp_test.json");
        var tests = VersTest.Load(path);
        Assert.Equal(VersTest.CountTests(path), tests.Count);
        VersionVectors.Run("apk/vers-spec/alpine_version_cmp_test", tests, 716, t => t.Check(VersionSchemes.Get(VersionSchemeKind.Apk)));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3-r0", -1)]
    [InlineData("1.2.3_rc1", "1.2.3", -1)]
    [InlineData("1.2.3_p1", "1.2.3", 1)]
    [InlineData("1.2.3_p1", "1.2.4", -1)]
    [InlineData("1.2.3a", "1.2.3", 1)]
    [InlineData("1.2.3a", "1.2.4", -1)]
    [InlineData("1.01", "1.1", -1)]
    [InlineData("1.0_alpha_pre2", "1.0_alpha", -1)] // a further pre-release suffix makes it older, as in apk-tools
    public void ApkDetails(string a, string b, int expected) =>
        Assert.Null(VersionVectors.CheckPair(VersionSchemes.Get(VersionSchemeKind.Apk), a, b, expected));

    [Fact]
    public void ApkOrderLawsHoldOnHostileInput() =>
        SchemeProperties.Check(VersionSchemes.Get(VersionSchemeKind.Apk), SchemeProperties.Structured(
            ["", ""],
            ["0", "1", "2", "10", "01", "001", "99999999999999999999"],
            ["_", "-r", "", "_p"],
            ["alpha", "beta", "pre", "rc", "p", "git", "1", "2", "a"],
            ["1", "0", ".", "_", "-r", "a", "z", "rc", "p", "~", "é"]));
}

public class PypiSchemeTests
{
    private static readonly VersionScheme Pypi = VersionSchemes.Get(VersionSchemeKind.Pypi);

    [Theory]
    [InlineData("vers-spec", "pypi_range_containment_test.json")]
    [InlineData("univers", "pypi_range_containment.json")]
    public void RangeContainment(string folder, string file)
    {
        var path = VersionVectors.FixturePath(folder, file);
        var tests = VersContainment.Load(path);
        VersionVectors.Run($"pypi/{folder}/{file}", tests, 10, t => t.Check(Pypi));
    }

    // The ordering example from PEP 440's "Summary of permitted suffixes and relative ordering".
    private static readonly string[] PepOrder =
    [
        "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
        "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    ];

    [Fact]
    public void Pep440OrderingExample()
    {
        var pairs = PepOrder.SelectMany((a, i) => PepOrder.Skip(i + 1).Select(b => (a, b))).ToList();
        VersionVectors.Run("pypi/pep440-ordering-example (all pairs)", pairs, 190, p => VersionVectors.CheckPair(Pypi, p.a, p.b, -1));
    }

    [Theory]
    [InlineData("1.0", "1", 0)]
    [InlineData("1.0.0", "1", 0)]
    [InlineData("v1.0", "1.0", 0)]
    [InlineData("1!1.0", "2.0", 1)]
    [InlineData("1.0a", "1.0a0", 0)]
    [InlineData("1.0alpha1", "1.0a1", 0)]
    [InlineData("1.0-beta.2", "1.0b2", 0)]
    [InlineData("1.0c1", "1.0rc1", 0)]
    [InlineData("1.0pre1", "1.0rc1", 0)]
    [InlineData("1.0-1", "1.0.post1", 0)]
    [InlineData("1.0r1", "1.0.post1", 0)]
    [InlineData("1.0.post", "1.0.post0", 0)]
    [InlineData("1.0.dev", "1.0.dev0", 0)]
    [InlineData("1.0+ABC", "1.0+abc", 0)]
    [InlineData("1.0+abc-1", "1.0+abc.1", 0)]
    [InlineData("1.0RC1", "1.0rc1", 0)]
    public void Normalisation(string a, string b, int expected) => Assert.Null(VersionVectors.CheckPair(Pypi, a, b, expected));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.0+")]
    [InlineData("1.0+a..b")]
    [InlineData("1.0_1")]
    [InlineData("1.0-foo")]
    [InlineData("1!")]
    public void RejectsInvalid(string text)
    {
        Assert.False(Pypi.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void OrderLawsHoldOnHostileInput() =>
        SchemeProperties.Check(Pypi, SchemeProperties.Structured(
            ["", "v", "1!", "0!"],
            ["0", "1", "2", "10", "00", "99999999999999999999"],
            ["", ".", "-", "_", "+"],
            ["a", "b", "rc", "c", "alpha", "post", "dev", "r", "1", "0", "abc", "5"],
            ["1", "0", ".", "-", "_", "+", "!", "a", "post", "dev", "rc", "é"]));
}

public class MavenSchemeTests
{
    private static readonly VersionScheme Maven = VersionSchemes.Get(VersionSchemeKind.Maven);

    [Fact]
    public void VersSpecConformance()
    {
        var path = VersionVectors.FixturePath("vers-spec", "maven_version_cmp_test.json");
        var tests = VersTest.Load(path);
        Assert.Equal(VersTest.CountTests(path), tests.Count);
        VersionVectors.Run("maven/vers-spec/maven_version_cmp_test", tests, 977, t => t.Check(Maven));
    }
}

public class MavenSchemeDetailTests
{
    private static readonly VersionScheme Maven = VersionSchemes.Get(VersionSchemeKind.Maven);

    [Theory]
    [InlineData("1.0.0", "1", 0)]
    [InlineData("1-ga", "1", 0)]
    [InlineData("1.0-final", "1", 0)]
    [InlineData("1.0-alpha", "1-alpha", 0)]
    [InlineData("1.0-SNAPSHOT", "1.0", -1)]
    [InlineData("1.0-rc1", "1.0-cr1", 0)]
    [InlineData("1.0-rc1", "1.0-SNAPSHOT", -1)]
    [InlineData("1.0-a1", "1.0-alpha1", 0)]
    [InlineData("1.0-sp1", "1.0", 1)]
    [InlineData("1-1", "1.1", -1)]
    [InlineData("1.0.1", "1.0-sp", 1)]
    [InlineData("2.0.a", "2.0.0.a", -1)]
    public void Details(string a, string b, int expected) => Assert.Null(VersionVectors.CheckPair(Maven, a, b, expected));

    [Fact]
    public void OrderLawsHoldOnHostileInput() =>
        SchemeProperties.Check(Maven, SchemeProperties.Structured(
            ["", ""],
            ["0", "1", "2", "10", "00", "99999999999999999999"],
            ["-", ".", ""],
            ["alpha", "a1", "beta", "m", "rc", "cr", "SNAPSHOT", "ga", "final", "sp", "foo", "1", "0"],
            ["1", "0", ".", "-", "a", "sp", "snapshot", "rc", "x", "é", "_"]));
}

public class NormalisationTests
{
    [Theory]
    [InlineData("V1.0-ALPHA_1", "1.0a1")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("0!1.0.DEV", "1.0.dev0")]
    [InlineData("1.0+ABC-1", "1.0+abc.1")]
    [InlineData("01.002.0rc", "1.2.0rc0")]
    [InlineData("2!1.0c3.r4.dev5+Ubuntu.007", "2!1.0rc3.post4.dev5+ubuntu.7")]
    public void Pep440(string text, string expected)
    {
        Assert.True(PypiScheme.TryNormalize(text, out var normalized, out var problem), problem);
        Assert.Equal(expected, normalized);
        var pypi = VersionSchemes.Get(VersionSchemeKind.Pypi);
        Assert.Equal(0, pypi.Compare(text, normalized));
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("01.02.0.0-Beta", "1.2.0-Beta")]
    [InlineData("1.0.0.4+abc", "1.0.0.4")]
    [InlineData("1", "1.0.0")]
    public void NuGet(string text, string expected)
    {
        Assert.True(NuGetScheme.TryNormalize(text, out var normalized, out var problem), problem);
        Assert.Equal(expected, normalized);
        Assert.Equal(0, VersionSchemes.Get(VersionSchemeKind.NuGet).Compare(text, normalized));
    }

    [Fact]
    public void InvalidTextIsNotNormalised()
    {
        Assert.False(PypiScheme.TryNormalize("1.0-foo", out _, out var p1));
        Assert.NotNull(p1);
        Assert.False(NuGetScheme.TryNormalize("1.0.0.0.0", out _, out var p2));
        Assert.NotNull(p2);
    }
}
