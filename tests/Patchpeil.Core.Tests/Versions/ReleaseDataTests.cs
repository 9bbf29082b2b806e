using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>
/// Real published versions (endoflife.date release-data): every one parses, and within one major line the version
/// order follows the release dates (a later patch never sorts below an earlier one).
/// </summary>
public class ReleaseDataTests
{
    [Theory]
    [InlineData("firefox.json", "generic", 654)]
    [InlineData("macos.json", "apple", 234)]
    [InlineData("ios.json", "apple", 285)]
    public void PublishedVersionsParseAndFollowReleaseDates(string file, string schemeName, int count)
    {
        Assert.True(VersionSchemes.TryGet(schemeName, out var scheme));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(VersionVectors.FixturePath("release-data", file)));
        var versions = doc.RootElement.GetProperty("versions").EnumerateObject()
            .Select(v => (Name: v.Name, Date: v.Value.GetProperty("date").GetString()!))
            .ToList();

        VersionVectors.Run($"{schemeName}/release-data/{file} (parse)", versions, count, v =>
            scheme.TryParse(v.Name, out _, out var problem) ? null : $"{v.Name}: {problem}");

        // Pairs inside one major line (and, for Firefox, one train: ESR x.y vs rapid x.0.z) released on different days.
        var pairs = versions
            .GroupBy(v => Line(v.Name))
            .SelectMany(g => g.OrderBy(v => v.Date, StringComparer.Ordinal).Zip(g.OrderBy(v => v.Date, StringComparer.Ordinal).Skip(1)))
            .Where(p => string.CompareOrdinal(p.First.Date, p.Second.Date) < 0)
            .ToList();
        VersionVectors.Run($"{schemeName}/release-data/{file} (date order within a line)", pairs, pairs.Count, p =>
            scheme.Compare(p.First.Name, p.Second.Name) < 0 ? null : $"{p.First.Name} ({p.First.Date}) !< {p.Second.Name} ({p.Second.Date})");
        Assert.True(pairs.Count > count / 4, "too few same-line pairs: the grouping is broken");
    }

    private static string Line(string version)
    {
        var parts = version.Split('.');
        return parts.Length > 2 ? $"{parts[0]}.{parts[1]}" : parts[0];
    }
}
