using System.Diagnostics;
using System.Text;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class VersionSchemesTests
{
    [Fact]
    public void EveryKindHasOneSchemeFoundByItsName()
    {
        var names = new[] { "unknown", "deb", "rpm", "apk", "semver", "npm", "nuget", "pypi", "maven", "go", "windows", "chrome", "apple", "chromeos", "generic" };
        Assert.Equal(names.Length, VersionSchemes.All.Count);
        foreach (var kind in Enum.GetValues<VersionSchemeKind>())
        {
            var scheme = VersionSchemes.Get(kind);
            Assert.Equal(kind, scheme.Kind);
            Assert.Equal(names[(int)kind], scheme.Name);
            Assert.True(VersionSchemes.TryGet(scheme.Name.ToUpperInvariant(), out var byName));
            Assert.Same(scheme, byName);
            Assert.Equal(kind != VersionSchemeKind.Unknown, scheme.IsOrdered);
        }

        Assert.False(VersionSchemes.TryGet("cobol", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => VersionSchemes.Get((VersionSchemeKind)99));
    }

    [Theory]
    [InlineData("Debian:12", VersionSchemeKind.Deb)]
    [InlineData("Ubuntu:22.04:LTS", VersionSchemeKind.Deb)]
    [InlineData("Ubuntu:Pro:18.04:LTS", VersionSchemeKind.Deb)]
    [InlineData("Alpine:v3.19", VersionSchemeKind.Apk)]
    [InlineData("Rocky Linux:9", VersionSchemeKind.Rpm)]
    [InlineData("Red Hat:enterprise_linux:9::appstream", VersionSchemeKind.Rpm)]
    [InlineData("PyPI", VersionSchemeKind.Pypi)]
    [InlineData("npm", VersionSchemeKind.Npm)]
    [InlineData("NuGet", VersionSchemeKind.NuGet)]
    [InlineData("Maven", VersionSchemeKind.Maven)]
    [InlineData("Go", VersionSchemeKind.Go)]
    [InlineData("crates.io", VersionSchemeKind.SemVer)]
    [InlineData("RubyGems", VersionSchemeKind.Unknown)]
    [InlineData("GIT", VersionSchemeKind.Unknown)]
    [InlineData("", VersionSchemeKind.Unknown)]
    [InlineData(null, VersionSchemeKind.Unknown)]
    public void OsvEcosystems(string? ecosystem, VersionSchemeKind expected) => Assert.Equal(expected, VersionSchemes.FromOsvEcosystem(ecosystem));

    [Theory]
    [InlineData("deb", VersionSchemeKind.Deb)]
    [InlineData("RPM", VersionSchemeKind.Rpm)]
    [InlineData("apk", VersionSchemeKind.Apk)]
    [InlineData("npm", VersionSchemeKind.Npm)]
    [InlineData("nuget", VersionSchemeKind.NuGet)]
    [InlineData("pypi", VersionSchemeKind.Pypi)]
    [InlineData("maven", VersionSchemeKind.Maven)]
    [InlineData("golang", VersionSchemeKind.Go)]
    [InlineData("cargo", VersionSchemeKind.SemVer)]
    [InlineData("generic", VersionSchemeKind.Unknown)]
    [InlineData("gem", VersionSchemeKind.Unknown)]
    [InlineData("averyveryverylongpurltype", VersionSchemeKind.Unknown)]
    public void PurlTypes(string type, VersionSchemeKind expected) => Assert.Equal(expected, VersionSchemes.FromPurlType(type));

    [Fact]
    public void UnknownSchemeKnowsOnlyEquality()
    {
        var unknown = VersionSchemes.Unknown;
        Assert.False(unknown.IsOrdered);
        Assert.Equal(VersionRelation.Equal, unknown.Relate("1.0", "1.0"));
        Assert.Equal(VersionRelation.Unordered, unknown.Relate("1.0", "1.1"));
        Assert.Equal(VersionRelation.Unordered, unknown.Relate("1.0", "1.0.0"));
        Assert.Equal(VersionRelation.Unordered, unknown.Relate(unknown.Parse("a"), unknown.Parse("b")));
        Assert.Equal(unknown.Parse("x1"), unknown.Parse("x1"));
        Assert.Null(VersionRelation.Unordered.ToSign());
        Assert.Equal(-1, VersionRelation.Less.ToSign());
        Assert.Equal(VersionRelation.Less, VersionSchemes.Get(VersionSchemeKind.Deb).Relate("1", "2"));
    }

    [Fact]
    public void KeysOfDifferentSchemesNeverCompareEqual()
    {
        var deb = VersionSchemes.Get(VersionSchemeKind.Deb).Parse("1.0");
        var rpm = VersionSchemes.Get(VersionSchemeKind.Rpm).Parse("1.0");
        Assert.NotEqual(deb, rpm);
        Assert.NotEqual(0, deb.CompareTo(rpm));
        Assert.Equal(-deb.CompareTo(rpm), rpm.CompareTo(deb));
        Assert.True(default(VersionKey).IsEmpty);
        Assert.Equal("1.0", deb.Original);
        Assert.Equal("1.0", deb.ToString());
    }

    public static TheoryData<string> SchemeNames() => [.. VersionSchemes.All.Select(s => s.Name)];

    private static IEnumerable<string> HostileInputs()
    {
        yield return string.Empty;
        yield return " ";
        yield return "\t1.0";
        yield return "1.0 ";
        yield return "1.0\u0001";
        yield return "\u0000";
        yield return "\uD800";
        yield return "1.0\uDC00";
        yield return "1.0\uD83D\uDE00";
        yield return new string('9', 500);
        yield return "1." + new string('9', 500);
        yield return "v" + new string('0', 499) + "1";
        yield return string.Concat(Enumerable.Repeat("1.", 500_000));
        yield return string.Concat(Enumerable.Repeat("0.", 500_000)) + "1";
        yield return new string('9', 1_000_000);
        yield return new string('~', 1_000_000);
        yield return string.Concat(Enumerable.Repeat("a-", 500_000));
        yield return string.Concat(Enumerable.Repeat("é", 1_000_000));
        yield return new string('\uD800', 100_000);
    }

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void HostileInputNeverThrowsAndStaysLinear(string name)
    {
        Assert.True(VersionSchemes.TryGet(name, out var scheme));
        var watch = Stopwatch.StartNew();
        foreach (var input in HostileInputs())
        {
            var ok = scheme.TryParse(input, out var key, out var problem);
            Assert.True(ok ? problem is null && !key.IsEmpty : !string.IsNullOrEmpty(problem), $"{name}: '{VersionScheme.Shorten(input)}'");
            Assert.Equal(0, scheme.Compare(input, input));
            var sign = scheme.Compare(input, "1.0");
            Assert.Equal(-sign, scheme.Compare("1.0", input));
            Assert.InRange(sign, -1, 1);
        }

        // Around 10 MB of input per scheme; quadratic behaviour would take minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{name}: {watch.Elapsed}");
    }

    // Built in code: test-case serialisation would replace lone surrogates with U+FFFD.
    private static readonly (string Text, string Problem)[] NamedProblems =
    [
        ("", "empty version"),
        ("1\u0001", "control character at position 1"),
        ("\uD800", "lone surrogate at position 0"),
        ("1.0\uDC00", "lone surrogate at position 3"),
        ("1.0\uD800x", "lone surrogate at position 3"),
        ("1 0", "whitespace at position 1"),
    ];

    [Fact]
    public void ProblemsAreNamed()
    {
        foreach (var scheme in VersionSchemes.All.Where(s => s.Kind != VersionSchemeKind.Unknown))
        {
            foreach (var (text, expected) in NamedProblems)
            {
                Assert.False(scheme.TryParse(text, out _, out var problem));
                Assert.Equal(expected, problem);
            }
        }
    }

    [Fact]
    public void MegabyteVersionIsRejectedByParse()
    {
        var text = new StringBuilder().Insert(0, "1.", 600_000).Append('1').ToString();
        foreach (var scheme in VersionSchemes.All.Where(s => s.Kind != VersionSchemeKind.Unknown))
        {
            Assert.False(scheme.TryParse(text, out _, out var problem));
            Assert.Equal("version longer than 4096 characters", problem);
        }
    }

    private static readonly Dictionary<VersionSchemeKind, string[]> Samples = new()
    {
        [VersionSchemeKind.Unknown] = ["1.0", "1.1", "abc"],
        [VersionSchemeKind.Deb] = ["1:2.30-1ubuntu0.1", "2.30-1", "2.30~rc1-1", "1.2.3+dfsg-4+deb12u1", "1.é"],
        [VersionSchemeKind.Rpm] = ["1:9.0.87-1.el8_10.1", "9.0.87-1.el8_10", "1.0^git1-1", "1.0~rc1"],
        [VersionSchemeKind.Apk] = ["1.2.3-r0", "1.2.3_rc1-r1", "1.02_p4", "bad"],
        [VersionSchemeKind.SemVer] = ["1.2.3", "1.2.3-alpha.1", "1.2.3-alpha.beta+b", "v1"],
        [VersionSchemeKind.Npm] = ["v1.2.3", "1.2.3-rc.1", "=1.2.3beta", "x"],
        [VersionSchemeKind.NuGet] = ["1.0", "1.0.0.1-Beta.2", "1.0.0-beta.10+meta", "1..0"],
        [VersionSchemeKind.Pypi] = ["1.0", "1!2.0rc1.post2.dev3+local.7", "1.0.dev0", "1.0-foo"],
        [VersionSchemeKind.Maven] = ["1.0", "1.0-SNAPSHOT", "1.0.0-rc1", "2.0.a.0.b"],
        [VersionSchemeKind.Go] = ["v1.2.3", "v0.0.0-20191109021931-daa7c04131f5", "v2.0.0+incompatible", "1.2"],
        [VersionSchemeKind.Windows] = ["10.0.19045.4780", "10.0.22631.999", "10.0.26100", "x"],
        [VersionSchemeKind.Chrome] = ["120.0.6099.109", "99.0.4844.84", "1"],
        [VersionSchemeKind.Apple] = ["17.5.1", "16.5.1 (a)", "10.15.7"],
        [VersionSchemeKind.ChromeOs] = ["15917.71.0", "R120-15662.76.0", "R-1"],
        [VersionSchemeKind.Generic] = ["23.01", "128.0esr", "24.002.20933", "2.0rc1", "1.0.0.0.1"],
    };

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void ComparingAllocatesNothing(string name)
    {
        Assert.True(VersionSchemes.TryGet(name, out var scheme));
        var samples = Samples[scheme.Kind];
        var keys = samples.Select(s => scheme.TryParse(s, out var k, out _) ? k : default).Where(k => !k.IsEmpty).ToArray();
        var sink = 0;
        long allocated = 0;

        // Tiered JIT compilation allocates on this thread while methods are young (and under load that can take a
        // while), so warm up and then look for a round without allocation: code that allocates per call never has one.
        for (var round = 0; round < 20_000; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var a in samples)
            {
                foreach (var b in samples)
                {
                    sink += scheme.Compare(a, b);
                }
            }

            foreach (var a in keys)
            {
                foreach (var b in keys)
                {
                    sink += a.CompareTo(b) + (a == b ? 1 : 0);
                }
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round >= 1000 && allocated == 0)
            {
                return;
            }
        }

        Assert.Fail($"{name}: every round allocated, last {allocated} bytes (sink {sink})");
    }
}
