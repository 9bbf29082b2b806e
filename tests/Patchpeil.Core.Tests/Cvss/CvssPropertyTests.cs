using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Patchpeil.Core.Cvss;

namespace Patchpeil.Core.Tests.Cvss;

/// <summary>Properties over generated vectors: canonical formatting round-trips and no input makes parsing throw.</summary>
public class CvssPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2_000);

    /// <summary>
    /// Any valid vector: every mandatory metric with a random value, each optional metric absent or random (Not
    /// Defined included), v2/v3 metrics shuffled because those versions allow any order, v4.0 in specification order.
    /// </summary>
    private static readonly Gen<string> ValidVectors =
        from spec in Gen.Elements(CvssSpec.V20, CvssSpec.V30, CvssSpec.V31, CvssSpec.V40)
        from parts in FsCheck.FSharp.Gen.SequenceToArray(spec.Metrics.Select(MetricPart))
        let present = parts.OfType<string>().ToArray()
        from ordered in spec.StrictOrder ? Gen.Constant(present) : Gen.Shuffle(present)
        select spec.Prefix is null ? string.Join('/', ordered) : spec.Prefix + "/" + string.Join('/', ordered);

    private static readonly char[] EditAlphabet = ['/', ':', 'A', 'N', 'X', 'H', 'L', 'S', 'C', 'V', '3', '.', '4', 'M', ' ', '\0', 'é'];

    /// <summary>Valid vectors with random character edits: nearly valid input is where parsers break.</summary>
    private static readonly Gen<string> MutatedVectors =
        from text in ValidVectors
        from count in Gen.Choose(1, 3)
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 2)
            from at in Gen.Choose(0, 1000)
            from c in Gen.Elements(EditAlphabet)
            select (kind, at, c),
            count)
        select edits.Aggregate(text, Edit);

    private static readonly Gen<string> ArbitraryStrings =
        Gen.ArrayOf(Gen.Frequency(
                (4, Gen.Elements(EditAlphabet)),
                (1, Gen.Choose(0, 0xFFFF).Select(i => (char)i))))
            .Select(chars => new string(chars));

    [Fact]
    public void CanonicalFormRoundTrips() =>
        Check.One(Config, Prop.ForAll(Arb.From(ValidVectors), text =>
        {
            Assert.True(CvssVector.TryParse(text, out var vector, out var error), $"{text}: {error}");
            var canonical = vector.ToString();
            var reparsed = CvssVector.Parse(canonical);
            Assert.Equal(vector, reparsed);
            Assert.Equal(vector.GetHashCode(), reparsed.GetHashCode());
            Assert.Equal(canonical, reparsed.ToString());
            Assert.Equal(
                (vector.Version, vector.BaseScore, vector.TemporalScore, vector.ThreatScore, vector.EnvironmentalScore, vector.Score, vector.Severity),
                (reparsed.Version, reparsed.BaseScore, reparsed.TemporalScore, reparsed.ThreatScore, reparsed.EnvironmentalScore, reparsed.Score, reparsed.Severity));
        }));

    [Fact]
    public void ScoresAreOneDecimalBetweenZeroAndTen() =>
        Check.One(Config, Prop.ForAll(Arb.From(ValidVectors), text =>
        {
            var vector = CvssVector.Parse(text);
            foreach (var score in new[] { vector.BaseScore, vector.TemporalScore, vector.ThreatScore, vector.EnvironmentalScore, vector.Score })
            {
                if (score is { } s)
                {
                    Assert.InRange(s, 0m, 10m);
                    Assert.Equal(decimal.Truncate(s * 10m), s * 10m);
                }
            }

            Assert.Equal(CvssVector.SeverityOf(vector.Version, vector.Score), vector.Severity);
        }));

    [Fact]
    public void InputAndCanonicalFormMatchTheFirstJsonSchemaPattern()
    {
        var patterns = new Dictionary<CvssVersion, Regex>
        {
            [CvssVersion.Cvss20] = SchemaPattern("cvss-v2.0.json"),
            [CvssVersion.Cvss30] = SchemaPattern("cvss-v3.0.json"),
            [CvssVersion.Cvss31] = SchemaPattern("cvss-v3.1.json"),
            [CvssVersion.Cvss40] = SchemaPattern("cvss-v4.0.json"),
        };
        Check.One(Config, Prop.ForAll(Arb.From(ValidVectors), text =>
        {
            var vector = CvssVector.Parse(text);
            Assert.Matches(patterns[vector.Version], text);
            Assert.Matches(patterns[vector.Version], vector.ToString());
        }));
    }

    [Fact]
    public void MutatedVectorsNeverThrow() =>
        Check.One(Config, Prop.ForAll(Arb.From(MutatedVectors), ParsesOrExplains));

    [Fact]
    public void ArbitraryStringsNeverThrow() =>
        Check.One(Config, Prop.ForAll(Arb.From(ArbitraryStrings), ParsesOrExplains));

    private static void ParsesOrExplains(string text)
    {
        if (CvssVector.TryParse(text, out var vector, out var error))
        {
            Assert.Null(error);
            Assert.Equal(vector, CvssVector.Parse(vector.ToString()));
        }
        else
        {
            Assert.Null(vector);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
    }

    private static Regex SchemaPattern(string file)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(CvssFixtures.PathOf("redhat-cvss/schemas/" + file)));
        var pattern = schema.RootElement.GetProperty("properties").GetProperty("vectorString").GetProperty("pattern").GetString();
        return new Regex(pattern!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }

    private static Gen<string?> MetricPart(CvssMetricDefinition metric)
    {
        var withValue = Gen.Elements(metric.Values.ToArray()).Select(v => (string?)(metric.Key + ":" + v));
        return metric.Mandatory
            ? withValue
            : Gen.Frequency((2, Gen.Constant<string?>(null)), (1, withValue));
    }

    private static string Edit(string text, (int Kind, int At, char C) edit)
    {
        var at = edit.At % (text.Length + 1);
        return edit.Kind switch
        {
            0 => text.Insert(at, edit.C.ToString()),
            1 when at < text.Length => text.Remove(at, 1),
            _ when at < text.Length => string.Concat(text.AsSpan(0, at), edit.C.ToString(), text.AsSpan(at + 1)),
            _ => text,
        };
    }
}
