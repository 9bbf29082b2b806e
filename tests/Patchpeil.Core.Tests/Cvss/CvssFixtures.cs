using System.Globalization;

namespace Patchpeil.Core.Tests.Cvss;

/// <summary>One line of a Red Hat vector file: the vector and its expected scores (null where the file says None).</summary>
public sealed record ExpectedVector(int Line, string Vector, IReadOnlyList<decimal?> Scores);

/// <summary>Reads the copied test-vector files (see tests/fixtures/cvss/SOURCES.md).</summary>
public static class CvssFixtures
{
    public static string PathOf(string relative) =>
        Path.Combine(AppContext.BaseDirectory, "fixtures", "cvss", relative);

    /// <summary>Number of lines in a file, counted independently of the parser below.</summary>
    public static int CountLines(string relative)
    {
        var text = File.ReadAllText(PathOf(relative));
        var newlines = text.Count(c => c == '\n');
        return text.EndsWith('\n') ? newlines : newlines + 1;
    }

    /// <summary>
    /// Parses <c>vector - (base, temporal, environmental)</c>, <c>vector - (score,)</c> and <c>vector - score</c>
    /// lines. Throws on a line it does not understand, so a format change fails loudly instead of skipping vectors.
    /// </summary>
    public static IReadOnlyList<ExpectedVector> LoadRedHat(string file)
    {
        var result = new List<ExpectedVector>();
        var lines = File.ReadAllLines(PathOf("redhat-cvss/" + file));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var separator = line.LastIndexOf(" - ", StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new InvalidDataException($"{file}:{i + 1}: no ' - ' separator in '{line}'.");
            }

            var scores = line[(separator + 3)..].Trim().TrimStart('(').TrimEnd(')')
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s == "None" ? (decimal?)null : decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ToList();
            if (scores.Count == 0)
            {
                throw new InvalidDataException($"{file}:{i + 1}: no scores in '{line}'.");
            }

            result.Add(new ExpectedVector(i + 1, line[..separator], scores));
        }

        return result;
    }
}
