using System.Globalization;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class RpmSchemeTests
{
    private static readonly VersionScheme Rpm = VersionSchemes.Get(VersionSchemeKind.Rpm);

    [Fact]
    public void RpmvercmpConformance()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("rpm", "rpmvercmp.csv"), out var lines);
        Assert.Equal(91, lines);
        VersionVectors.Run("rpm/rpmvercmp", rows, 91, r =>
        {
            var expected = int.Parse(r[2], CultureInfo.InvariantCulture);
            var single = RpmScheme.VerCmp(r[0], r[1]);
            return single != expected
                ? $"rpmvercmp({r[0]}, {r[1]}) = {single}, expected {expected}"
                : VersionVectors.CheckPair(Rpm, r[0], r[1], expected);
        });
    }

    [Theory]
    [InlineData("1:1.0-1", "2.0-1", 1)]
    [InlineData("0:1.0-1", "1.0-1", 0)]
    [InlineData(":1.0-1", "1.0-1", 0)]               // empty epoch is epoch 0, as in rpm's parseEVR
    [InlineData("1.0-1.el8", "1.0-1.el8_10.1", -1)]
    [InlineData("1.0-2", "1.0.1-1", -1)]             // the release is split off, unlike a plain rpmvercmp
    [InlineData("1.0", "1.0-1", -1)]                 // missing release sorts before any release, as rpmverCmp does
    [InlineData("9.0.87-1.el8_10.1", "9.0.87-1.el8_10", 1)]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1.0^git1-1", "1.0-1", 1)]
    [InlineData("1.0^git1-1", "1.01-1", -1)]
    [InlineData("1.0\u03b1", "1.0", 0)]             // non-ASCII is a separator (rpm's commented-out α/β cases)
    [InlineData("1.0\u0000zzz", "1.0", 0)]          // a C string ends at NUL
    public void EvrEdgeCases(string a, string b, int expected)
    {
        Assert.Equal(expected, Rpm.Compare(a, b));
        Assert.Equal(-expected, Rpm.Compare(b, a));
        if (Rpm.TryParse(a, out var ka, out _) && Rpm.TryParse(b, out var kb, out _))
        {
            Assert.Equal(expected, ka.CompareTo(kb));
        }
    }

    [Fact]
    public void LongNumbersCompareExactly()
    {
        var big = new string('9', 500);
        Assert.Null(VersionVectors.CheckPair(Rpm, big, "1" + new string('0', 500), -1));
        Assert.Null(VersionVectors.CheckPair(Rpm, "000" + big, big, 0));
    }

    [Fact]
    public void OrderLawsHoldOnHostileInput() =>
        SchemeProperties.Check(Rpm, SchemeProperties.FromFragments("0", "1", "01", "10", "~", "^", ":", "-", ".", "_", "a", "Z", "el8", "rc", "\u03b1", "\u0000", " ", "\uDC00"));
}

public class RpmEvrDifferentialTests
{
    [Fact]
    public void MatchesLibrpmEvrComparisonWhenBothHaveReleases()
    {
        var rows = File.ReadAllLines(VersionVectors.FixturePath("peers", "rpm-evr-differential.tsv")).Skip(1).Select(l => l.Split('\t')).ToList();
        var rpm = VersionSchemes.Get(VersionSchemeKind.Rpm);
        VersionVectors.Run("rpm/librpm-4.18-rpmverCmp-differential", rows, 10000, r =>
            VersionVectors.CheckPair(rpm, r[0], r[1], int.Parse(r[2], CultureInfo.InvariantCulture)));
    }
}
