using System.Text.Json;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class CsafVersionRangeTests
{
    /// <summary>Every product_version_range name in the CSAF fixtures, with the reading we commit to.</summary>
    private static readonly Dictionary<string, (RangeConfidence Confidence, string? Range)> Corpus = new(StringComparer.Ordinal)
    {
        ["0 < 8.0.1"] = (RangeConfidence.Repaired, "vers:generic/<8.0.1"),
        ["0 < 9.8.12"] = (RangeConfidence.Repaired, "vers:generic/<9.8.12"),
        ["< 1.4.9"] = (RangeConfidence.Repaired, "vers:generic/<1.4.9"),
        ["< 2.26.2.4"] = (RangeConfidence.Repaired, "vers:generic/<2.26.2.4"),
        ["< 2.70"] = (RangeConfidence.Repaired, "vers:generic/<2.70"),
        ["< 2016 R2"] = (RangeConfidence.Repaired, "vers:generic/<2016%20R2"),
        ["< R9.85"] = (RangeConfidence.Repaired, "vers:generic/<R9.85"),
        ["< R9.90"] = (RangeConfidence.Repaired, "vers:generic/<R9.90"),
        ["<4.2"] = (RangeConfidence.Exact, "vers:generic/<4.2"),
        ["<= 1.9-40"] = (RangeConfidence.Repaired, "vers:generic/<=1.9-40"),
        ["<= 4.8.488.0"] = (RangeConfidence.Repaired, "vers:generic/<=4.8.488.0"),
        ["<=1.14.0"] = (RangeConfidence.Exact, "vers:generic/<=1.14.0"),
        ["<=2.x"] = (RangeConfidence.TextOnly, null),
        ["<=8.1.1.3"] = (RangeConfidence.Exact, "vers:generic/<=8.1.1.3"),
        ["<=A8"] = (RangeConfidence.Exact, "vers:generic/<=A8"),
        ["<=AD"] = (RangeConfidence.Exact, "vers:generic/<=AD"),
        ["<=BF"] = (RangeConfidence.Exact, "vers:generic/<=BF"),
        ["<=FB"] = (RangeConfidence.Exact, "vers:generic/<=FB"),
        ["<=LF"] = (RangeConfidence.Exact, "vers:generic/<=LF"),
        ["<=firmware_05"] = (RangeConfidence.Exact, "vers:generic/<=firmware_05"),
        ["<=firmware_07"] = (RangeConfidence.Exact, "vers:generic/<=firmware_07"),
        ["<=firmware_08"] = (RangeConfidence.Exact, "vers:generic/<=firmware_08"),
        ["<=firmware_17"] = (RangeConfidence.Exact, "vers:generic/<=firmware_17"),
        ["<=firmware_29"] = (RangeConfidence.Exact, "vers:generic/<=firmware_29"),
        ["<=firmware_32"] = (RangeConfidence.Exact, "vers:generic/<=firmware_32"),
        ["<=firmware_65"] = (RangeConfidence.Exact, "vers:generic/<=firmware_65"),
        ["<V19_Update_2"] = (RangeConfidence.Exact, "vers:generic/<19_Update_2"),
        ["<V2201.0009"] = (RangeConfidence.Exact, "vers:generic/<2201.0009"),
        ["<V2302.0003"] = (RangeConfidence.Exact, "vers:generic/<2302.0003"),
        ["<V3.7.3"] = (RangeConfidence.Exact, "vers:generic/<3.7.3"),
        ["<V35.0.262"] = (RangeConfidence.Exact, "vers:generic/<35.0.262"),
        ["<V35.1.250"] = (RangeConfidence.Exact, "vers:generic/<35.1.250"),
        ["<V36.0.169"] = (RangeConfidence.Exact, "vers:generic/<36.0.169"),
        ["<V4.1.3"] = (RangeConfidence.Exact, "vers:generic/<4.1.3"),
        ["<V5.4.0"] = (RangeConfidence.Exact, "vers:generic/<5.4.0"),
        ["<V7.4_SP1_Update_23"] = (RangeConfidence.Exact, "vers:generic/<7.4_SP1_Update_23"),
        ["<V7.5_SP2_Update_17"] = (RangeConfidence.Exact, "vers:generic/<7.5_SP2_Update_17"),
        ["<V8.0_Update_5"] = (RangeConfidence.Exact, "vers:generic/<8.0_Update_5"),
        [">4.2"] = (RangeConfidence.Exact, "vers:generic/>4.2"),
        [">=2003|<=2006"] = (RangeConfidence.Exact, "vers:generic/>=2003|<=2006"),
        [">=5.3|<=6.4"] = (RangeConfidence.Exact, "vers:generic/>=5.3|<=6.4"),
        [">=6.5"] = (RangeConfidence.Exact, "vers:generic/>=6.5"),
        [">=MCE_3.x_Cert_Edition"] = (RangeConfidence.TextOnly, null),
        ["All versions"] = (RangeConfidence.Repaired, "vers:all/*"),
        ["all versions"] = (RangeConfidence.Repaired, "vers:all/*"),
        ["vers:all/*"] = (RangeConfidence.Exact, "vers:all/*"),
        ["vers:all/<V2.1"] = (RangeConfidence.Repaired, "vers:generic/<2.1"),
        ["vers:all/<V2.2"] = (RangeConfidence.Repaired, "vers:generic/<2.2"),
        ["vers:all/<V2.4.8"] = (RangeConfidence.Repaired, "vers:generic/<2.4.8"),
        ["vers:all/<V2.9.7"] = (RangeConfidence.Repaired, "vers:generic/<2.9.7"),
        ["vers:all/<V21.9.7"] = (RangeConfidence.Repaired, "vers:generic/<21.9.7"),
        ["vers:all/<V3.0.3"] = (RangeConfidence.Repaired, "vers:generic/<3.0.3"),
        ["vers:all/<V3.1.4"] = (RangeConfidence.Repaired, "vers:generic/<3.1.4"),
        ["vers:all/<V3.2.19"] = (RangeConfidence.Repaired, "vers:generic/<3.2.19"),
        ["vers:all/<V3.3.19"] = (RangeConfidence.Repaired, "vers:generic/<3.3.19"),
        ["vers:all/<V3.5.20"] = (RangeConfidence.Repaired, "vers:generic/<3.5.20"),
        ["vers:all/<V31.1.4"] = (RangeConfidence.Repaired, "vers:generic/<31.1.4"),
        ["vers:all/<V7.0"] = (RangeConfidence.Repaired, "vers:generic/<7.0"),
        ["vers:all/<V9.2 SP2 Upd1"] = (RangeConfidence.Repaired, "vers:generic/<9.2%20SP2%20Upd1"),
        ["vers:all/>=V11.5.1|<V11.6.2"] = (RangeConfidence.Repaired, "vers:generic/>=11.5.1|<11.6.2"),
        ["vers:all/>=V2.0<V2.1"] = (RangeConfidence.Repaired, "vers:generic/>=2.0|<2.1"),
        ["vers:all/>=V3.0.1<V3.0.3"] = (RangeConfidence.Repaired, "vers:generic/>=3.0.1|<3.0.3"),
        ["vers:all/>=V30.0.0"] = (RangeConfidence.Repaired, "vers:generic/>=30.0.0"),
        ["vers:all/>=V5.4"] = (RangeConfidence.Repaired, "vers:generic/>=5.4"),
        ["vers:all/>=V5.4<V5.5 SP1"] = (RangeConfidence.Repaired, "vers:generic/>=5.4|<5.5%20SP1"),
        ["vers:generic/>4.2"] = (RangeConfidence.Exact, "vers:generic/>4.2"),
        ["vers:generic/>=1.0|<=2.3"] = (RangeConfidence.Exact, "vers:generic/>=1.0|<=2.3"),
        ["vers:generic/>=1.0|<=4.4"] = (RangeConfidence.Exact, "vers:generic/>=1.0|<=4.4"),
        ["vers:generic/>=2.7|<=2.8"] = (RangeConfidence.Exact, "vers:generic/>=2.7|<=2.8"),
        ["vers:generic/>=2.9|<=4.1"] = (RangeConfidence.Exact, "vers:generic/>=2.9|<=4.1"),
        ["vers:generic/>=4.5|<=5.0"] = (RangeConfidence.Exact, "vers:generic/>=4.5|<=5.0"),
        ["vers:npm/>=2.2.0|<2.3.0"] = (RangeConfidence.Exact, "vers:npm/>=2.2.0|<2.3.0"),
    };

    public static TheoryData<string> CorpusNames()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IdentityFixtures.Path("csaf", "product-version-ranges.json")));
        return [.. doc.RootElement.GetProperty("ranges").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void EveryFixtureRangeIsReadAsExpected(string name)
    {
        Assert.True(Corpus.TryGetValue(name, out var expected), $"no expectation for '{name}'");
        var parsed = CsafVersionRange.Parse(name);
        Assert.Equal(expected.Confidence, parsed.Confidence);
        Assert.Equal(expected.Range, parsed.Range?.ToString());
        Assert.Equal(parsed.Confidence == RangeConfidence.Repaired, parsed.Repairs.Count > 0);
        Assert.Equal(parsed.Confidence == RangeConfidence.TextOnly, parsed.Problem is not null);
    }

    [Fact]
    public void CorpusSummary()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IdentityFixtures.Path("csaf", "product-version-ranges.json")));
        var rows = doc.RootElement.GetProperty("ranges").EnumerateArray()
            .Select(r => (Parsed: CsafVersionRange.Parse(r.GetProperty("name").GetString()), Count: r.GetProperty("count").GetInt32())).ToList();
        foreach (var confidence in Enum.GetValues<RangeConfidence>())
        {
            TestContext.Current.SendDiagnosticMessage(
                $"CSAF ranges {confidence}: {rows.Count(r => r.Parsed.Confidence == confidence)} distinct, {rows.Where(r => r.Parsed.Confidence == confidence).Sum(r => r.Count)} occurrences");
        }

        Assert.Equal(72, rows.Count);
    }

    [Theory]
    // The forms FORMATS.md §1.6 reports across all CISA advisories.
    [InlineData(" <V4.3.8", RangeConfidence.Repaired, "vers:generic/<4.3.8")]
    [InlineData(" <1.000.0000.18.20190409", RangeConfidence.Repaired, "vers:generic/<1.000.0000.18.20190409")]
    [InlineData("<= 3.40 R5 build 571848", RangeConfidence.Repaired, "vers:generic/<=3.40%20R5%20build%20571848")]
    [InlineData(">=V7.80<V9.40", RangeConfidence.Repaired, "vers:generic/>=7.80|<9.40")]
    [InlineData("vers:all/>=V7.80<V9.40", RangeConfidence.Repaired, "vers:generic/>=7.80|<9.40")]
    [InlineData("vers:all/<V4.3.8", RangeConfidence.Repaired, "vers:generic/<4.3.8")]
    [InlineData("All versions < V4.33", RangeConfidence.Repaired, "vers:generic/<4.33")]
    [InlineData("all versions prior to 2.1", RangeConfidence.Repaired, "vers:generic/<2.1")]
    [InlineData("vers:generic/>=1.0|<=2.3", RangeConfidence.Exact, "vers:generic/>=1.0|<=2.3")]
    [InlineData("<=2.3|>=1.0", RangeConfidence.Repaired, "vers:generic/>=1.0|<=2.3")]
    [InlineData("Version 4.0 and later", RangeConfidence.TextOnly, null)]
    [InlineData("see vendor advisory", RangeConfidence.TextOnly, null)]
    [InlineData("< ", RangeConfidence.TextOnly, null)]
    [InlineData("<", RangeConfidence.TextOnly, null)]
    [InlineData("", RangeConfidence.TextOnly, null)]
    [InlineData("   ", RangeConfidence.TextOnly, null)]
    [InlineData("vers:none/<1", RangeConfidence.TextOnly, null)]
    [InlineData("<1.0\u0000", RangeConfidence.TextOnly, null)]
    [InlineData("<V1.*", RangeConfidence.TextOnly, null)]
    [InlineData("1.0 - 2.0", RangeConfidence.TextOnly, null)]
    public void VendorFormsFromTheWild(string name, RangeConfidence confidence, string? range)
    {
        var parsed = CsafVersionRange.Parse(name.Replace("\\u0000", "\u0000", StringComparison.Ordinal));
        Assert.Equal(confidence, parsed.Confidence);
        Assert.Equal(range, parsed.Range?.ToString());
    }

    [Fact]
    public void TextOnlyIsNeverAMatch()
    {
        var parsed = CsafVersionRange.Parse("All versions before the fix");
        Assert.Equal(RangeConfidence.TextOnly, parsed.Confidence);
        var match = parsed.Contains("1.0");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.Contains("not understood", match.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void RepairedRangeEvaluatesWithTheSchemeAndExplainsItself()
    {
        var deb = VersionSchemes.Get(VersionSchemeKind.Deb);
        var parsed = CsafVersionRange.Parse("vers:all/>=V7.80<V9.40", deb);
        Assert.Equal(RangeConfidence.Repaired, parsed.Confidence);
        var inside = parsed.Contains("V8.1");
        Assert.Equal(RangeVerdict.Inside, inside.Verdict);
        Assert.Equal("deb", inside.Scheme);
        Assert.Contains("repaired range", inside.Rule, StringComparison.Ordinal);
        Assert.Contains("7.80 < 8.1", inside.Comparisons);
        Assert.Equal(RangeVerdict.Outside, parsed.Contains("9.40").Verdict);
        Assert.Equal(RangeVerdict.Outside, parsed.Contains("7.79").Verdict);
    }

    [Fact]
    public void UnknownSchemeIsEqualityOnly()
    {
        var parsed = CsafVersionRange.Parse("<V4.3.8", VersionSchemes.Unknown);
        var match = parsed.Contains("4.3.6");
        Assert.Equal(RangeVerdict.Undecided, match.Verdict);
        Assert.True(match.EqualityOnly);
        Assert.Contains("equality only", match.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HostileInputIsBoundedAndNeverThrows()
    {
        Assert.Equal(RangeConfidence.TextOnly, CsafVersionRange.Parse(new string('<', 1_000_000)).Confidence);
        Assert.Equal(RangeConfidence.TextOnly, CsafVersionRange.Parse(null).Confidence);
        var many = string.Join('|', Enumerable.Range(0, 2000).Select(i => $">={i}.0|<{i}.5"));
        var parsed = CsafVersionRange.Parse(many, VersionSchemes.Get(VersionSchemeKind.Deb));
        Assert.Equal(RangeConfidence.Exact, parsed.Confidence);
        Assert.Equal(RangeVerdict.Inside, parsed.Contains("1999.2").Verdict);
        Assert.Equal(RangeVerdict.Outside, parsed.Contains("1999.7").Verdict);
    }
}
