using System.Globalization;
using Patchpeil.Core.Cvss;

namespace Patchpeil.Core.Tests.Cvss;

/// <summary>
/// The Red Hat <c>cvss</c> library's test vectors and the CISA CSAF vector/score pairs, every line of every file.
/// The expected line counts are fixed here so that a truncated fixture or a loader that skips lines fails.
/// </summary>
public class CvssTestVectorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("vectors_simple2", 729)]
    [InlineData("vectors_calculator2", 3)]
    [InlineData("vectors_cvsslib2", 24)]
    [InlineData("vectors_simple3", 2592)]
    [InlineData("vectors_simple31", 2592)]
    [InlineData("vectors_calculator3", 2)]
    [InlineData("vectors_cvsslib3", 29)]
    [InlineData("vectors_simple4", 1058)]
    [InlineData("vectors_security4", 54)]
    [InlineData("vectors_supplemental4", 576)]
    [InlineData("vectors_threat4", 6)]
    public void RedHatVectorsScoreAsExpected(string file, int expectedLines)
    {
        var vectors = CvssFixtures.LoadRedHat(file);
        Assert.Equal(expectedLines, CvssFixtures.CountLines("redhat-cvss/" + file));
        Assert.Equal(expectedLines, vectors.Count);

        var failures = new List<string>();
        foreach (var expected in vectors)
        {
            if (Check(expected) is { } failure)
            {
                failures.Add($"{file}:{expected.Line.ToString(CultureInfo.InvariantCulture)} {expected.Vector}: {failure}");
            }
        }

        var passed = vectors.Count - failures.Count;
        output.WriteLine($"{file}: {vectors.Count} vectors loaded, {passed} passed, {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(25)));
    }

    [Fact]
    public void CisaCsafVectorsScoreAsTheAdvisoriesSay()
    {
        var lines = File.ReadAllLines(CvssFixtures.PathOf("cisa-csaf-cvss3-vector-score-pairs.csv"));
        Assert.Equal("vectorString,version,baseScore_in_advisory,baseSeverity_in_advisory,baseScore_recomputed_cvss31,check", lines[0].TrimEnd('\r'));
        var rows = lines.Skip(1).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        Assert.Equal(1265, rows.Count);
        Assert.Equal(CvssFixtures.CountLines("cisa-csaf-cvss3-vector-score-pairs.csv") - 1, rows.Count);

        var failures = new List<string>();
        var perVersion = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            Assert.Equal(6, row.Length);
            var (vectorString, version, score, severity) = (row[0], row[1], row[2], row[3]);
            perVersion[version] = perVersion.GetValueOrDefault(version) + 1;
            if (!CvssVector.TryParse(vectorString, out var vector, out var error))
            {
                failures.Add($"{vectorString}: {error}");
                continue;
            }

            var expectedScore = decimal.Parse(score, CultureInfo.InvariantCulture);
            var expectedVersion = version == "3.0" ? CvssVersion.Cvss30 : CvssVersion.Cvss31;
            if (vector.Version != expectedVersion || vector.BaseScore != expectedScore
                || !string.Equals(vector.Severity.ToString(), severity, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{vectorString}: expected {version} {score} {severity}, got {vector.Version} {CvssVector.FormatScore(vector.BaseScore)} {vector.Severity}");
            }
        }

        output.WriteLine($"CISA CSAF pairs: {rows.Count} loaded ({perVersion.GetValueOrDefault("3.0")} v3.0, {perVersion.GetValueOrDefault("3.1")} v3.1), {rows.Count - failures.Count} passed, {failures.Count} failed");
        Assert.Equal(608, perVersion.GetValueOrDefault("3.0"));
        Assert.Equal(657, perVersion.GetValueOrDefault("3.1"));
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(25)));
    }

    private static string? Check(ExpectedVector expected)
    {
        if (!CvssVector.TryParse(expected.Vector, out var vector, out var error))
        {
            return "parse failed: " + error;
        }

        var reparsed = CvssVector.Parse(vector.ToString());
        if (reparsed != vector || reparsed.Score != vector.Score || reparsed.EnvironmentalScore != vector.EnvironmentalScore)
        {
            return $"canonical form {vector} does not round-trip";
        }

        IReadOnlyList<decimal?> actual = vector.Version switch
        {
            CvssVersion.Cvss40 => [vector.Score],
            _ => [vector.BaseScore, vector.TemporalScore, vector.EnvironmentalScore],
        };
        if (actual.Count != expected.Scores.Count)
        {
            return $"file gives {expected.Scores.Count} scores, the {vector.Version} API {actual.Count}";
        }

        for (var i = 0; i < actual.Count; i++)
        {
            if (actual[i] != expected.Scores[i])
            {
                return $"expected ({string.Join(", ", expected.Scores.Select(Show))}), got ({string.Join(", ", actual.Select(Show))})";
            }
        }

        return null;
    }

    private static string Show(decimal? score) => score is { } s ? CvssVector.FormatScore(s) : "None";
}
