using System.Globalization;
using Patchpeil.Core.Feeds.Debian;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Matching;

namespace Patchpeil.FindingsScale;

/// <summary>
/// The matcher scale run's corpus (bench/Patchpeil.Benchmarks, <c>matcher</c>): the real Debian security-tracker
/// DSA list copied under renamed source packages until there are ≥ 300,000 statements, and a pool of ~50,000 distinct
/// (source package, version) pairs — 10 % just below a fix, the rest at or after it. Here each device also has a
/// Debian release (its inventory is stored as a dpkg report and read back through the server's own path), so it
/// draws only packages of its release.
/// </summary>
internal sealed class Corpus
{
    public required List<PreparedAdvisory> Advisories { get; init; }

    public required int Statements { get; init; }

    /// <summary>Per Debian release ("11"), the pool's (source package, version) pairs, most installed first.</summary>
    public required Dictionary<string, List<(string Package, string Version)>> PoolByRelease { get; init; }

    public required int PoolSize { get; init; }

    public static Corpus Build(string fixture, int statements, int distinct, int seed)
    {
        var records = DsaListReader.Read(File.ReadAllBytes(fixture), "DSA-list", DateTimeOffset.UnixEpoch).Items;
        var perCopy = records.Sum(r => r.Affected.Count * Math.Max(1, r.Aliases.Count));
        var copies = (int)Math.Ceiling(statements / (double)perCopy);
        var prepared = new List<PreparedAdvisory>(records.Count * copies);
        for (var c = 0; c < copies; c++)
        {
            foreach (var r in records)
            {
                var record = c == 0 ? r : r with
                {
                    Id = string.Create(CultureInfo.InvariantCulture, $"{r.Id}~{c}"),
                    Affected = [.. r.Affected.Select(a => a with { Package = a.Package! with { Name = string.Create(CultureInfo.InvariantCulture, $"{a.Package!.Name}~{c}") } })],
                };
                prepared.Add(AdvisoryStatements.FromOsv(record));
            }
        }

        // Identities are "osv:Debian:11/openssl~3": the release and the (renamed) source package.
        var rng = new Random(seed);
        var fixes = prepared.SelectMany(p => p.Statements)
            // Releases a dpkg report can name: "3.0"/"3.1" (woody, sarge) become "Debian:3" on the inventory side.
            .Where(s => s.Identity.StartsWith("osv:Debian:", StringComparison.Ordinal) && !s.Identity[11..s.Identity.IndexOf('/', StringComparison.Ordinal)].Contains('.', StringComparison.Ordinal))
            .Select(s => (s.Identity, Fixed: FixedOf(s.RangeText)))
            .Where(x => x.Fixed is not null)
            .DistinctBy(x => x.Identity).ToList();
        var pool = new List<(string Release, string Package, string Version)>(distinct);
        var seen = new HashSet<(string, string)>();
        while (pool.Count < distinct)
        {
            var (identity, fixedVersion) = fixes[rng.Next(fixes.Count)];
            var version = rng.Next(10) switch
            {
                0 => fixedVersion + "~old",
                < 5 => fixedVersion!,
                _ => fixedVersion + "+bench" + rng.Next(5).ToString(CultureInfo.InvariantCulture),
            };
            if (seen.Add((identity, version)))
            {
                var slash = identity.IndexOf('/', StringComparison.Ordinal);
                pool.Add((identity["osv:Debian:".Length..slash], identity[(slash + 1)..], version));
            }
        }

        return new Corpus
        {
            Advisories = prepared,
            Statements = prepared.Sum(p => p.Statements.Count),
            PoolByRelease = pool.GroupBy(p => p.Release, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => (p.Package, p.Version)).ToList(), StringComparer.Ordinal),
            PoolSize = pool.Count,
        };
    }

    /// <summary>One device: its Debian release and up to <paramref name="items"/> source packages of that release, skewed
    /// so that the first few hundred of each release's pool are on most devices (cloned school images).</summary>
    public (string Release, List<(string Package, string Version)> Items) Device(Random rng, int items)
    {
        var pick = rng.Next(PoolSize);
        var release = PoolByRelease.First().Key;
        foreach (var (r, list) in PoolByRelease.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (pick < list.Count)
            {
                release = r;
                break;
            }

            pick -= list.Count;
        }

        var sub = PoolByRelease[release];
        var common = Math.Max(1, Math.Min(sub.Count, 2_000 * sub.Count / PoolSize));
        var chosen = new List<(string, string)>(items);
        var packages = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; chosen.Count < Math.Min(items, sub.Count) && attempt < items * 4; attempt++)
        {
            var entry = sub[rng.Next(4) == 0 ? rng.Next(sub.Count) : rng.Next(common)];
            if (packages.Add(entry.Package))
            {
                chosen.Add(entry);
            }
        }

        return (release, chosen);
    }

    private static string? FixedOf(string rangeText)
    {
        var at = rangeText.IndexOf("fixed ", StringComparison.Ordinal);
        return at < 0 ? null : rangeText[(at + 6)..].Split([',', ' ', '|'], StringSplitOptions.RemoveEmptyEntries)[0];
    }
}
