using FsCheck;
using FsCheck.Fluent;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class VersRangeTests
{
    private static readonly VersionScheme Deb = VersionSchemes.Get(VersionSchemeKind.Deb);

    [Fact]
    public void BinarySearchContainmentEqualsTheSpecsPairwiseWalk()
    {
        var comparators = new[] { VersComparator.Equal, VersComparator.NotEqual, VersComparator.Less, VersComparator.LessOrEqual, VersComparator.Greater, VersComparator.GreaterOrEqual };
        var constraint = Gen.Zip(Gen.Elements(comparators), Gen.Choose(0, 30));
        var ranges = Gen.Choose(1, 12).SelectMany(n => constraint.ArrayOf(n));
        var cases = Gen.Zip(ranges, Gen.Choose(0, 31)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(cases, t =>
        {
            // Distinct versions, sorted: the shape a parsed vers has; comparator sequences may be invalid on purpose.
            var distinct = t.Item1.DistinctBy(c => c.Item2).OrderBy(c => c.Item2).Select(c => new VersConstraint(c.Item1, c.Item2 + ".0")).ToList();
            Assert.True(VersRange.TryCreate("deb", Deb, distinct, out var range, out _));
            var version = t.Item2 + ".0";
            var expected = Reference(distinct, version);
            return (range!.Contains(version).Verdict == RangeVerdict.Inside) == expected;
        }));
    }

    [Theory]
    [InlineData("vers:deb/>=1.0|>=1.5|<2.0", "vers:deb/>=1.0|<2.0")]
    [InlineData("vers:deb/<1.0|<=2.0", "vers:deb/<=2.0")]
    [InlineData("vers:deb/1.0|<2.0", "vers:deb/<2.0")]
    [InlineData("vers:deb/>1.0|2.0|>=3.0", "vers:deb/>1.0")]
    [InlineData("vers:deb/!=1.5|>=1.0|>=1.2|<2.0", "vers:deb/>=1.0|!=1.5|<2.0")]
    [InlineData("vers:deb/>=1.0|<2.0", "vers:deb/>=1.0|<2.0")]
    public void SimplificationRemovesRedundantConstraints(string input, string expected)
    {
        Assert.True(VersRange.TryParse(input, VersParseMode.Lenient, null, out var range, out var error), error);
        var simplified = range!.Simplify();
        Assert.Equal(expected, simplified.ToString());
        Assert.Null(VersRange.ValidateComparators(simplified.Constraints));

        // Simplification reads the constraints as a union of intervals; a valid range keeps its meaning exactly.
        if (VersRange.ValidateComparators(range.Constraints) is null)
        {
            foreach (var v in new[] { "0.5", "1.0", "1.1", "1.5", "2.0", "2.5", "3.0", "4.0" })
            {
                Assert.Equal(range.Contains(v).Verdict, simplified.Contains(v).Verdict);
            }
        }
    }

    [Theory]
    [InlineData("vers:deb/ >=1.0 | <2.0 ", "vers:deb/>=1.0|<2.0")]
    [InlineData("VERS:Deb/|<2.0|>=1.0||", "vers:deb/>=1.0|<2.0")]
    [InlineData("vers:deb/=1.0", "vers:deb/1.0")]
    public void LenientParseRepairsAndSaysSo(string input, string expected)
    {
        Assert.False(VersRange.TryParse(input, out _, out _));
        Assert.True(VersRange.TryParse(input, VersParseMode.Lenient, null, out var range, out var error), error);
        Assert.Equal(expected, range!.ToString());
        Assert.NotEmpty(range.Repairs);
    }

    [Theory]
    [InlineData("vers:deb/>=1.0|<2.0", true)]
    [InlineData("vers:deb/1.0|1.0", false)]
    [InlineData("vers:deb/>=1.0|>=1.5", false)]
    [InlineData("vers:deb/<1.0|1.0", false)]
    [InlineData("vers:deb/1.0|<2.0", false)]
    [InlineData("vers:deb/*|1.0", false)]
    [InlineData("vers:all/<1.0", false)]
    [InlineData("vers:deb/", false)]
    [InlineData("vers:deb", false)]
    [InlineData("vers:3deb/1", false)]
    [InlineData("vers:deb/1.0%3e", false)]
    [InlineData("vers:deb/1.0%3E", true)]
    [InlineData("vers:deb/<", false)]
    [InlineData("vers:deb/1.0\u0000", false)]
    [InlineData("vers:deb/1.0\u00e9", false)]
    public void CanonicalParseRejectsNonCanonicalInput(string input, bool valid)
    {
        Assert.Equal(valid, VersRange.TryParse(input, out _, out var error));
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void RoundTripsEncodedVersions()
    {
        Assert.True(VersRange.TryCreate("generic", VersionSchemes.Unknown, [new(VersComparator.Equal, "a|b%c")], out var range, out _));
        Assert.Equal("vers:generic/a%7Cb%25c", range!.ToString());
        Assert.True(VersRange.TryParse(range.ToString(), out var back, out _));
        Assert.Equal("a|b%c", back!.Constraints[0].Version);
    }

    [Fact]
    public void ThousandsOfConstraintsParseAndEvaluateQuickly()
    {
        var text = "vers:deb/" + string.Join('|', Enumerable.Range(0, 20_000).Select(i => $">={i}.0|<{i}.5"));
        Assert.True(VersRange.TryParse(text, out var range, out var error), error);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(RangeVerdict.Inside, range!.Contains($"{i * 7}.2").Verdict);
            Assert.Equal(RangeVerdict.Outside, range.Contains($"{i * 7}.7").Verdict);
        }

        Assert.Equal(40_000, range!.Simplify().Constraints.Count);
    }

    [Fact]
    public void OversizedInputIsAnError()
    {
        Assert.False(VersRange.TryParse("vers:deb/" + new string('1', VersRange.MaxLength), out _, out var error));
        Assert.Contains("longer", error, StringComparison.Ordinal);
        Assert.False(VersRange.TryParse(null, out _, out _));
    }

    /// <summary>The containment algorithm exactly as the vers specification writes it.</summary>
    private static bool Reference(List<VersConstraint> constraints, string v)
    {
        bool Eq(string a) => Deb.Compare(v, a) == 0;
        bool Lt(string a) => Deb.Compare(v, a) < 0;
        bool Gt(string a) => Deb.Compare(v, a) > 0;
        if (constraints.Any(c => c.Comparator is VersComparator.Equal or VersComparator.LessOrEqual or VersComparator.GreaterOrEqual && Eq(c.Version)))
        {
            return true;
        }

        if (constraints.Any(c => c.Comparator == VersComparator.NotEqual && Eq(c.Version)))
        {
            return false;
        }

        var rest = constraints.Where(c => c.Comparator is not (VersComparator.Equal or VersComparator.NotEqual)).ToList();
        if (rest.Count == 1)
        {
            return (rest[0].IsUpper && Lt(rest[0].Version)) || (rest[0].IsLower && Gt(rest[0].Version));
        }

        for (var i = 0; i + 1 < rest.Count; i++)
        {
            var (current, next) = (rest[i], rest[i + 1]);
            if (i == 0 && current.IsUpper && Lt(current.Version))
            {
                return true;
            }

            if (i + 2 == rest.Count && next.IsLower && Gt(next.Version))
            {
                return true;
            }

            if (current.IsLower && next.IsUpper && Gt(current.Version) && Lt(next.Version))
            {
                return true;
            }
        }

        return false;
    }
}
