using System.Globalization;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class DebSchemeTests
{
    private static readonly VersionScheme Deb = VersionSchemes.Get(VersionSchemeKind.Deb);

    [Fact]
    public void AptVersionsListConformance()
    {
        var path = VersionVectors.FixturePath("debian", "apt-versions.lst");
        var vectors = File.ReadAllLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (A: p[0], B: p[1], Expected: int.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
        VersionVectors.Run("deb/apt-versions.lst", vectors, 64, v => VersionVectors.CheckPair(Deb, v.A, v.B, v.Expected));
    }

    [Fact]
    public void AptVersionsCsvConformance()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("debian", "apt-versions.csv"), out var lines);
        Assert.Equal(64, lines);
        VersionVectors.Run("deb/apt-versions.csv", rows, 64, r => VersionVectors.CheckPair(Deb, r[0], r[1], int.Parse(r[2], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void UniversDebianConformance()
    {
        var path = VersionVectors.FixturePath("univers", "deb_version_python_pkg_test.json");
        var tests = VersTest.Load(path);
        VersionVectors.Run("deb/univers", tests, 16, t => t.Check(Deb));
        Assert.Equal(VersTest.CountTests(path), tests.Count);
    }

    [Fact]
    public void DpkgParseVectors()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("debian", "dpkg-parseversion-vectors.csv"), out var lines);
        VersionVectors.Run("deb/dpkg-parseversion", rows, 79, r =>
        {
            var (input, result) = (r[0], r[1]);
            var ok = DebScheme.TrySplit(input, out var epoch, out var upstream, out var revision, out var warning, out var problem);
            var parsed = Deb.TryParse(input, out _, out var parseProblem);
            var padded = input.Length > 0 && (char.IsWhiteSpace(input[0]) || char.IsWhiteSpace(input[^1]));
            if (result == "error")
            {
                return ok || parsed ? $"'{input}': expected error, got ok" : null;
            }

            if (!ok)
            {
                return $"'{input}': expected {result}, got error {problem}";
            }

            if (parsed == padded)
            {
                // TryParse rejects surrounding whitespace (apt would compare it as characters); everything else dpkg accepts, it accepts.
                return $"'{input}': TryParse {(parsed ? "accepted" : "rejected: " + parseProblem)}";
            }

            if (result.StartsWith("warning", StringComparison.Ordinal))
            {
                return warning is null ? $"'{input}': expected {result}, got no warning" : null;
            }

            var expectedEpoch = int.Parse(r[2], CultureInfo.InvariantCulture);
            return epoch == expectedEpoch && upstream == r[3] && revision == r[4]
                ? null
                : $"'{input}': got {epoch}/{upstream}/{revision}, expected {r[2]}/{r[3]}/{r[4]}";
        });
        Assert.Equal(79, lines);
    }

    [Theory]
    // apt's own answers for odd input, derived from its DoCmpVersion/CmpFragment code paths.
    [InlineData("1.0-", "1.0", -1)]          // empty revision is older than the implied "0"
    [InlineData("1.0-", "1.0-~", 1)]         // … but newer than one starting with '~'
    [InlineData("1.0-0", "1.0", 0)]
    [InlineData("0:1.0", "1.0", 0)]
    [InlineData("000:1.0", "1.0", 0)]
    [InlineData(":1.0", "1.0", 1)]           // a leading colon is part of the upstream version, not an epoch
    [InlineData("a:1", "1", 1)]              // non-numeric epoch compared like a version part
    [InlineData("1.00", "1.", 0)]
    [InlineData("1a0", "1a", 0)]
    [InlineData("-1", "1", -1)]              // a lone leading hyphen leaves an empty upstream and no revision: apt ignores the rest
    [InlineData("-1", "", 0)]
    [InlineData("-1", "-9", 0)]
    [InlineData("1:", "1:0", -1)]            // empty upstream is older than anything not starting with '~'
    [InlineData("1:", "1:~", 1)]
    [InlineData("", "~", 1)]
    [InlineData("", "0", -1)]
    [InlineData("", "", 0)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0", "1.0-0~", 1)]
    [InlineData("1.0", "1.0-0+b1", -1)]
    [InlineData("009", "9", 0)]
    [InlineData("2a", "21", -1)]
    [InlineData("1.2-5", "1.2-3-5", -1)]
    [InlineData("5:2", "304-2", 1)]
    [InlineData("1.é", "1.z", 1)]             // bytes ≥ 0x80 sort after letters
    [InlineData("1.é", "1.+", -1)]            // … and before other ASCII
    public void AptEdgeCases(string a, string b, int expected)
    {
        Assert.Equal(expected, Deb.Compare(a, b));
        Assert.Equal(-expected, Deb.Compare(b, a));
        if (Deb.TryParse(a, out var ka, out _) && Deb.TryParse(b, out var kb, out _))
        {
            Assert.Equal(expected, ka.CompareTo(kb));
        }
    }

    [Fact]
    public void FiveHundredDigitNumbersCompareExactly()
    {
        var big = "1" + new string('0', 499);
        var bigger = "1" + new string('0', 498) + "1";
        Assert.Null(VersionVectors.CheckPair(Deb, big, bigger, -1));
        Assert.Null(VersionVectors.CheckPair(Deb, "000" + big, big, 0));
        Assert.Equal(-1, Deb.Compare(big + ":1", bigger + ":0"));
        Assert.False(Deb.TryParse(big + ":1", out _, out var problem));
        Assert.Equal("epoch in version is too big", problem);
    }
}

public class DebSchemePropertyTests
{
    [Fact]
    public void OrderLawsHoldOnHostileInput() =>
        SchemeProperties.Check(
            VersionSchemes.Get(VersionSchemeKind.Deb),
            SchemeProperties.FromFragments("0", "00", "1", "9", "10", "~", ":", "-", ".", "+", "a", "Z", "rc", "é", " ", "\uD800", "ubuntu", "+deb12u1"));

    [Fact]
    public void EmbeddedNulIsNotTransitiveInAptAndIsRejectedByParse()
    {
        // apt gives NUL the weight of a digit inside a non-digit run, so "\0" equals both "1" and "2".
        var deb = VersionSchemes.Get(VersionSchemeKind.Deb);
        Assert.Equal(0, deb.Compare("\0", "1"));
        Assert.Equal(0, deb.Compare("\0", "2"));
        Assert.Equal(-1, deb.Compare("1", "2"));
        Assert.False(deb.TryParse("1\0", out _, out var problem));
        Assert.Equal("control character at position 1", problem);
    }
}

public class PeerDifferentialTests
{
    [Theory]
    [InlineData("apt-rpm-differential.tsv")]
    [InlineData("apt-rpm-differential-2.tsv")] // adds NUL, control characters, spaces, €, U+FFFD, long zero runs
    [InlineData("apt-rpm-differential-realistic.tsv")]
    public void MatchesLibaptAndLibrpmOnHostilePairs(string file)
    {
        var lines = File.ReadAllLines(VersionVectors.FixturePath("peers", file), System.Text.Encoding.UTF8).Skip(1).ToList();
        var rows = lines.Select(l => l.Split('\t')).ToList();
        var deb = VersionSchemes.Get(VersionSchemeKind.Deb);
        VersionVectors.Run($"deb/libapt-pkg-2.6.2-differential/{file}", rows, 20000, r =>
        {
            var expected = int.Parse(r[2], CultureInfo.InvariantCulture);
            var actual = deb.Compare(r[0], r[1]);
            if (actual != expected)
            {
                return $"apt({r[0]}, {r[1]}) = {expected}, we say {actual}";
            }

            // Where both texts parse, the keys must agree with apt too.
            return deb.TryParse(r[0], out var ka, out _) && deb.TryParse(r[1], out var kb, out _) && ka.CompareTo(kb) != expected
                ? $"key order differs from apt for ({r[0]}, {r[1]})"
                : null;
        });
        VersionVectors.Run($"rpm/librpm-4.18-rpmvercmp-differential/{file}", rows, 20000, r =>
        {
            var expected = int.Parse(r[3], CultureInfo.InvariantCulture);
            var actual = RpmScheme.VerCmp(r[0], r[1]);
            return actual == expected ? null : $"rpmvercmp({r[0]}, {r[1]}) = {expected}, we say {actual}";
        });
    }
}
