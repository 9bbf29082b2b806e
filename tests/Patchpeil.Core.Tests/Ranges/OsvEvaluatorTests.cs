using System.Text.Json;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class OsvEvaluatorTests
{
    private static readonly VersionScheme Deb = VersionSchemes.Get(VersionSchemeKind.Deb);

    [Theory]
    [InlineData("1:8.9p1-3ubuntu0.6", RangeVerdict.Inside)]
    [InlineData("1:8.9p1-3ubuntu0.10", RangeVerdict.Outside)]
    [InlineData("1:8.9p1-3ubuntu0.11", RangeVerdict.Outside)]
    [InlineData("1:9.0p1-1", RangeVerdict.Outside)]
    [InlineData("8.9p1-3ubuntu0.99", RangeVerdict.Inside)] // no epoch means epoch 0: older than any 1:…
    public void UbuntuRecordIsEvaluatedWithDpkgOrder(string installed, RangeVerdict expected)
    {
        var affected = Load("UBUNTU-CVE-2024-6387.json")[0];
        Assert.Equal("Ubuntu:22.04:LTS", affected.Ecosystem);
        var match = OsvEvaluator.Evaluate(affected, installed);
        Assert.Equal(expected, match.Verdict);
        Assert.Equal("deb", match.Scheme);
        Assert.False(match.EqualityOnly);
        Assert.NotEmpty(match.Comparisons);
    }

    [Fact]
    public void VersionsListMatchesByEquality()
    {
        var affected = Load("USN-6859-1.json")[0];
        var match = OsvEvaluator.Evaluate(affected, "1:8.9p1-3ubuntu0.6");
        Assert.Equal(RangeVerdict.Inside, match.Verdict);
        Assert.Contains("versions[]", match.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.9", RangeVerdict.Outside)]
    [InlineData("1.0", RangeVerdict.Inside)]
    [InlineData("1.4", RangeVerdict.Inside)]
    [InlineData("1.5", RangeVerdict.Inside)]
    [InlineData("1.6", RangeVerdict.Outside)]
    [InlineData("2.0", RangeVerdict.Inside)]
    [InlineData("2.1", RangeVerdict.Outside)]
    [InlineData("3.0", RangeVerdict.Inside)]
    [InlineData("99", RangeVerdict.Inside)]
    public void EventsAreSortedAndWalked(string installed, RangeVerdict expected)
    {
        // Deliberately unsorted: the schema says to sort by version before walking.
        var range = new OsvRange(OsvRangeType.Ecosystem, [
            new(OsvEventKind.Introduced, "3.0"),
            new(OsvEventKind.LastAffected, "1.5"),
            new(OsvEventKind.Introduced, "1.0"),
            new(OsvEventKind.Fixed, "2.1"),
            new(OsvEventKind.Introduced, "2.0"),
        ]);
        var affected = new OsvAffected("Debian:12", "x", null, [range], []);
        Assert.Equal(expected, OsvEvaluator.Evaluate(affected, installed).Verdict);
    }

    [Theory]
    [InlineData("1.5", RangeVerdict.Inside)]
    [InlineData("2.0", RangeVerdict.Outside)]
    [InlineData("5.0", RangeVerdict.Outside)]
    public void LimitCapsTheRange(string installed, RangeVerdict expected)
    {
        var range = new OsvRange(OsvRangeType.Ecosystem, [new(OsvEventKind.Introduced, "0"), new(OsvEventKind.Limit, "2.0")]);
        Assert.Equal(expected, OsvEvaluator.Evaluate(new OsvAffected("Debian:12", "x", null, [range], []), installed).Verdict);
    }

    [Fact]
    public void GitRangesAreRecognisedButNotEvaluable()
    {
        var range = new OsvRange(OsvRangeType.Git, [new(OsvEventKind.Introduced, "0"), new(OsvEventKind.Fixed, "a1b2c3")], "https://github.com/x/y");
        var match = OsvEvaluator.Evaluate(new OsvAffected("GIT", null, null, [range], []), "a1b2c3");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.Contains("not evaluable", match.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownEcosystemIsEqualityOnly()
    {
        var range = new OsvRange(OsvRangeType.Ecosystem, [new(OsvEventKind.Introduced, "0"), new(OsvEventKind.Fixed, "2.0")]);
        var affected = new OsvAffected("SomethingNew", "x", null, [range], ["1.0"]);
        Assert.Equal(RangeVerdict.Inside, OsvEvaluator.Evaluate(affected, "1.0").Verdict);
        var match = OsvEvaluator.Evaluate(affected, "1.5");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.True(match.EqualityOnly);
    }

    [Fact]
    public void IntroducedZeroAloneAffectsEveryVersionEvenWithoutAnOrder()
    {
        var range = new OsvRange(OsvRangeType.Ecosystem, [new(OsvEventKind.Introduced, "0")]);
        var match = OsvEvaluator.Evaluate(new OsvAffected("SomethingNew", "x", null, [range], []), "whatever-1");
        Assert.Equal(RangeVerdict.Inside, match.Verdict);
        Assert.Contains("all versions", match.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void SemverRangesUseTheSemverSchemeWhenItExists()
    {
        var affected = Load("RUSTSEC-2021-0079.json")[0];
        Assert.Equal(OsvRangeType.Semver, affected.Ranges[0].Type);
        var match = OsvEvaluator.Evaluate(affected, "0.14.9");
        var semver = RangeSchemes.TryGet(VersionSchemeKind.SemVer);
        Assert.Equal(semver.IsOrdered ? RangeVerdict.Inside : RangeVerdict.Undecided, match.Verdict);
        Assert.Equal(semver.Name, match.Scheme);
    }

    [Fact]
    public void InvalidVersionIsUndecidedNotOutside()
    {
        var affected = Load("UBUNTU-CVE-2024-6387.json")[0];
        var match = OsvEvaluator.Evaluate(affected, "not a version\u0001");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
    }

    [Theory]
    [InlineData("""{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}""")]
    [InlineData("""{"ranges":[{"type":"ECOSYSTEM","events":[{"broken":"1"}]}]}""")]
    [InlineData("""{"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":1}]}]}""")]
    [InlineData("""[]""")]
    public void MalformedAffectedIsAnError(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.False(OsvAffected.TryParse(doc.RootElement, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void ThousandsOfEventsStayFast()
    {
        var events = new List<OsvEvent>();
        for (var i = 0; i < 5000; i++)
        {
            events.Add(new(OsvEventKind.Introduced, $"{i}.0"));
            events.Add(new(OsvEventKind.Fixed, $"{i}.5"));
        }

        var affected = new OsvAffected("Debian:12", "x", null, [new OsvRange(OsvRangeType.Ecosystem, events)], []);
        Assert.Equal(RangeVerdict.Inside, OsvEvaluator.Evaluate(affected, "4999.2").Verdict);
        Assert.Equal(RangeVerdict.Outside, OsvEvaluator.Evaluate(affected, "4999.7").Verdict);
    }

    internal static List<OsvAffected> Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IdentityFixtures.Path("osv", file)));
        return [.. doc.RootElement.GetProperty("affected").EnumerateArray().Select(a =>
        {
            Assert.True(OsvAffected.TryParse(a, out var parsed, out var error), error);
            return parsed!;
        })];
    }
}
