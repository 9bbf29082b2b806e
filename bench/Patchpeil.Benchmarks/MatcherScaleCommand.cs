using System.Diagnostics;
using System.Globalization;
using Patchpeil.Core.Feeds.Debian;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Versions;

namespace Patchpeil.Benchmarks;

/// <summary>
/// Scale run of the matcher: real Debian security-tracker advisories (tests/fixtures/debian/DSA-list) copied under
/// renamed packages until there are ≥300,000 statements, 20,000 devices × 200 packages drawn from ~50,000 distinct
/// (source package, version) pairs. Prints index build, full re-match, re-match after one advisory / one device, memory.
/// Usage: matcher [--devices N] [--items N] [--distinct N] [--statements N] [--seed S] [--fixture PATH]
/// </summary>
internal static class MatcherScaleCommand
{
    public static int Run(ReadOnlySpan<string> args)
    {
        int devices = 20_000, items = 200, distinct = 50_000, statements = 300_000, seed = 42;
        var fixture = Path.Combine(FindRoot(), "tests", "fixtures", "debian", "DSA-list");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--devices": devices = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--items": items = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--distinct": distinct = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--statements": statements = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--fixture": fixture = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var fetched = DateTimeOffset.UtcNow;
        var records = DsaListReader.Read(File.ReadAllBytes(fixture), "DSA-list", fetched).Items;
        var perCopy = records.Sum(r => r.Affected.Count * Math.Max(1, r.Aliases.Count));
        var copies = (int)Math.Ceiling(statements / (double)perCopy);
        Console.WriteLine($"fixture: {records.Count} DSAs, {perCopy} statements per copy, {copies} copies (packages renamed per copy)");

        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        var matcher = new Matcher();
        var prepared = new List<PreparedAdvisory>();
        for (var c = 0; c < copies; c++)
        {
            foreach (var r in records)
            {
                var copy = c == 0 ? r : r with
                {
                    Id = $"{r.Id}~{c}",
                    Affected = [.. r.Affected.Select(a => a with { Package = a.Package! with { Name = $"{a.Package!.Name}~{c}" } })],
                };
                var p = AdvisoryStatements.FromOsv(copy);
                prepared.Add(p);
                matcher.LoadAdvisory(p);
            }
        }

        var advisoriesMs = sw.Elapsed.TotalMilliseconds;

        // The pool of distinct (identity, version) pairs: identities that advisories name, versions below, at and above a fix.
        var rng = new Random(seed);
        var fixes = prepared.SelectMany(p => p.Statements).Select(s => (s.Identity, Fixed: FixedOf(s.RangeText))).Where(x => x.Fixed is not null).DistinctBy(x => x.Identity).ToList();
        var pool = new List<(string Identity, string Version)>(distinct);
        var seen = new HashSet<(string, string)>();
        while (pool.Count < distinct)
        {
            var (identity, fixedVersion) = fixes[rng.Next(fixes.Count)];
            // 10 % just below the fix ('~' sorts before everything in dpkg), the rest at or after it.
            var version = rng.Next(10) switch { 0 => fixedVersion + "~old", < 5 => fixedVersion!, _ => fixedVersion + "+bench" + rng.Next(5).ToString(CultureInfo.InvariantCulture) };
            if (seen.Add((identity, version)))
            {
                pool.Add((identity, version));
            }
        }

        MatchAsset Device(int d, Random r)
        {
            var components = new MatchComponent[items];
            for (var k = 0; k < items; k++)
            {
                // Skewed: a few hundred package versions are on most devices, as on cloned school images.
                var index = r.Next(4) == 0 ? r.Next(pool.Count) : r.Next(Math.Min(pool.Count, 2_000));
                var (identity, version) = pool[index];
                components[k] = new MatchComponent([identity], identity, version, VersionSchemeKind.Deb);
            }

            return new MatchAsset("device-" + d.ToString(CultureInfo.InvariantCulture), "device " + d.ToString(CultureInfo.InvariantCulture), components);
        }

        sw.Restart();
        for (var d = 0; d < devices; d++)
        {
            matcher.LoadAsset(Device(d, rng));
        }

        var assetsMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        matcher.RematchAll();
        var firstMatchMs = sw.Elapsed.TotalMilliseconds;
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        var findings = matcher.AllFindings().Count();

        var full = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            sw.Restart();
            matcher.RematchAll();
            full.Add(sw.Elapsed.TotalMilliseconds);
        }

        // One revised advisory: the most widely installed identity's advisory, re-published.
        var popular = pool.Take(2_000).GroupBy(p => p.Identity).OrderByDescending(g => g.Count()).First().Key;
        var target = prepared.First(p => p.Statements.Any(s => s.Identity == popular));
        var revised = new List<double>();
        var evaluated = 0;
        for (var i = 0; i < 21; i++)
        {
            var again = AdvisoryStatements.FromOsv(ToRecord(target, records));
            sw.Restart();
            var delta = matcher.UpsertAdvisory(again);
            revised.Add(sw.Elapsed.TotalMilliseconds);
            evaluated = delta.VersionsEvaluated;
        }

        var device = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var asset = Device(i, new Random(seed + 1000 + i));
            sw.Restart();
            matcher.UpsertAsset(asset);
            device.Add(sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"statements {matcher.StatementCount:N0}, identities {matcher.IdentityCount:N0}, distinct versions {matcher.DistinctVersionCount:N0}, devices {matcher.AssetCount:N0} x {items} items, findings {findings:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index build: advisories {advisoriesMs:N0} ms + devices {assetsMs:N0} ms + first match {firstMatchMs:N0} ms = {advisoriesMs + assetsMs + firstMatchMs:N0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full re-match: {string.Join(" / ", full.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"re-match after one advisory: median {Median(revised):N2} ms ({evaluated} versions re-evaluated)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"re-match after one device: median {Median(device):N2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"matcher memory (managed heap growth, prepared advisories included): {(memoryAfter - memoryBefore) / 1024.0 / 1024.0:N0} MB"));
        GC.KeepAlive(prepared);
        return 0;
    }

    private static OsvRecord ToRecord(PreparedAdvisory advisory, IReadOnlyList<OsvRecord> records)
    {
        var id = advisory.Info.DocumentId;
        var tilde = id.IndexOf('~', StringComparison.Ordinal);
        var original = records.First(r => r.Id == (tilde < 0 ? id : id[..tilde]));
        var suffix = tilde < 0 ? null : id[tilde..];
        return suffix is null ? original : original with
        {
            Id = id,
            Affected = [.. original.Affected.Select(a => a with { Package = a.Package! with { Name = a.Package!.Name + suffix } })],
        };
    }

    private static string? FixedOf(string rangeText)
    {
        var at = rangeText.IndexOf("fixed ", StringComparison.Ordinal);
        return at < 0 ? null : rangeText[(at + 6)..].Split([',', ' ', '|'], StringSplitOptions.RemoveEmptyEntries)[0];
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Patchpeil.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
