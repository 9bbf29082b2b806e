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

        // The renamed copies are the input (what a feed sync would have read); preparing and loading them is measured.
        var inputs = new List<OsvRecord>(records.Count * copies);
        for (var c = 0; c < copies; c++)
        {
            foreach (var r in records)
            {
                inputs.Add(c == 0 ? r : r with
                {
                    Id = $"{r.Id}~{c}",
                    Affected = [.. r.Affected.Select(a => a with { Package = a.Package! with { Name = $"{a.Package!.Name}~{c}" } })],
                });
            }
        }

        Console.WriteLine($"load average at start: {LoadAverage()}");
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var step = Step.Start();
        var matcher = new Matcher();
        var prepared = new List<PreparedAdvisory>(inputs.Count);
        foreach (var r in inputs)
        {
            var p = AdvisoryStatements.FromOsv(r);
            prepared.Add(p);
            matcher.LoadAdvisory(p);
        }

        var advisories = step.Stop();
        inputs.Clear();
        inputs.TrimExcess();

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

        // Devices are generated outside the measured step (the server reads them from its database).
        var assets = new List<MatchAsset>(devices);
        for (var d = 0; d < devices; d++)
        {
            assets.Add(Device(d, rng));
        }

        step = Step.Start();
        foreach (var asset in assets)
        {
            matcher.LoadAsset(asset);
        }

        var assetsStep = step.Stop();
        assets.Clear();
        assets.TrimExcess();
        step = Step.Start();
        matcher.RematchAll();
        var firstMatch = step.Stop();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);

        step = Step.Start();
        var findings = matcher.AllFindings().Count();
        var materialise = step.Stop();

        var full = new List<Measured>();
        for (var i = 0; i < 5; i++)
        {
            step = Step.Start();
            matcher.RematchAll();
            full.Add(step.Stop());
        }

        // One revised advisory: the most widely installed identity's advisory, re-published.
        var popular = pool.Take(2_000).GroupBy(p => p.Identity).OrderByDescending(g => g.Count()).First().Key;
        var target = prepared.First(p => p.Statements.Any(s => s.Identity == popular));
        // (a) re-published unchanged (the common case of a feed sync); (b) revised so that every installed version of the
        // identity flips between affected and fixed: the delta is fanned out to every device that has it.
        var revised = new List<Measured>();
        var evaluated = 0;
        for (var i = 0; i < 21; i++)
        {
            var again = AdvisoryStatements.FromOsv(ToRecord(target, records));
            step = Step.Start();
            var delta = matcher.UpsertAdvisory(again);
            revised.Add(step.Stop());
            evaluated = delta.VersionsEvaluated;
        }

        var flipped = new List<Measured>();
        var flipSizes = new List<int>();
        for (var i = 0; i < 21; i++)
        {
            var record = ToRecord(target, records);
            if (i % 2 == 0)
            {
                // Fixed in an epoch no installed version reaches: every version of the identity is affected.
                record = record with
                {
                    Affected = [.. record.Affected.Select(a => a with { Ranges = [new OsvRange("ECOSYSTEM", null, [new OsvEvent(OsvEventKind.Introduced, "0"), new OsvEvent(OsvEventKind.Fixed, "99:0")], null)] })],
                };
            }

            var again = AdvisoryStatements.FromOsv(record);
            step = Step.Start();
            var delta = matcher.UpsertAdvisory(again);
            flipped.Add(step.Stop());
            flipSizes.Add(delta.Added.Count + delta.Removed.Count);
        }

        var device = new List<Measured>();
        for (var i = 0; i < 21; i++)
        {
            var asset = Device(i, new Random(seed + 1000 + i));
            step = Step.Start();
            matcher.UpsertAsset(asset);
            device.Add(step.Stop());
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"machine: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}"));
        Console.WriteLine(string.Create(inv, $"statements {matcher.StatementCount:N0}, identities {matcher.IdentityCount:N0}, distinct versions {matcher.DistinctVersionCount:N0}, distinct components {matcher.DistinctComponentCount:N0}, devices {matcher.AssetCount:N0} x {items} items, findings {findings:N0}"));
        Console.WriteLine(string.Create(inv, $"index build: advisories {advisories} + devices {assetsStep} + first match {firstMatch} = {advisories.WallMs + assetsStep.WallMs + firstMatch.WallMs:N0} ms wall, {advisories.CpuMs + assetsStep.CpuMs + firstMatch.CpuMs:N0} ms CPU"));
        Console.WriteLine(string.Create(inv, $"full re-match: {string.Join(" / ", full)}"));
        Console.WriteLine(string.Create(inv, $"materialise all findings (not part of a re-match; what persisting them all would read): {materialise}"));
        Console.WriteLine(string.Create(inv, $"re-match after one advisory, re-published unchanged: median {Median(revised)} ({evaluated} versions re-evaluated)"));
        Console.WriteLine(string.Create(inv, $"re-match after one advisory, revised (findings flip): median {Median(flipped)}, {flipSizes.Min():N0}-{flipSizes.Max():N0} findings added or removed per delta"));
        Console.WriteLine(string.Create(inv, $"re-match after one device: median {Median(device)}"));
        Console.WriteLine(string.Create(inv, $"matcher memory (managed heap growth, prepared advisories included): {(memoryAfter - memoryBefore) / 1024.0 / 1024.0:N0} MB"));
        Console.WriteLine($"load average at end: {LoadAverage()}");
        GC.KeepAlive(prepared);
        return 0;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Wall time and the CPU time (user + system) the whole process used meanwhile, GC threads included.</summary>
    private readonly record struct Measured(double WallMs, double CpuMs)
    {
        public override string ToString() => WallMs < 100
            ? string.Create(CultureInfo.InvariantCulture, $"{WallMs:N2} ms wall ({CpuMs:N1} ms CPU)")
            : string.Create(CultureInfo.InvariantCulture, $"{WallMs:N0} ms wall ({CpuMs:N0} ms CPU)");
    }

    private readonly struct Step
    {
        private readonly long _started;
        private readonly TimeSpan _cpu;

        private Step(long started, TimeSpan cpu)
        {
            _started = started;
            _cpu = cpu;
        }

        public static Step Start()
        {
            using var process = Process.GetCurrentProcess();
            return new Step(Stopwatch.GetTimestamp(), process.TotalProcessorTime);
        }

        public Measured Stop()
        {
            var wall = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
            using var process = Process.GetCurrentProcess();
            return new Measured(wall, (process.TotalProcessorTime - _cpu).TotalMilliseconds);
        }
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

    private static Measured Median(List<Measured> values) => values.OrderBy(v => v.WallMs).ElementAt(values.Count / 2);

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
