using System.Diagnostics;
using System.Globalization;
using Patchpeil.Core.Versions;
using Patchpeil.Peers;

namespace Patchpeil.Benchmarks;

/// <summary>Runs the differential check against libapt-pkg, librpm and System.Version and prints what differs.</summary>
internal static class DiffCommand
{
    public static int Run(Options options)
    {
        var peers = PeerLibrary.TryLoad(out var reason);
        if (peers is null)
        {
            Console.Error.WriteLine($"peers unavailable: {reason}");
            return 2;
        }

        var harvest = VersionHarvest.FromMachine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peer library: {peers.Path}\nseed versions: {harvest.Versions.Count:N0} distinct from {harvest.SourcesRead.Count} files{(harvest.FromBuiltInSample ? " (built-in sample: no package lists found)" : "")}\nseed: {options.Seed}, pairs per scheme: {options.Pairs:N0}, malformed: {options.MalformedPercent}%\n"));

        var clean = true;
        var missing = false;
        foreach (var scheme in new[] { "deb", "rpm", "windows" })
        {
            if (options.Scheme is not null && !string.Equals(options.Scheme, scheme, StringComparison.Ordinal))
            {
                continue;
            }

            var kind = scheme switch
            {
                "deb" => VersionSchemeKind.Deb,
                "rpm" => VersionSchemeKind.Rpm,
                _ => VersionSchemeKind.Windows,
            };
            if (!VersionSchemes.All.Any(s => s.Kind == kind))
            {
                Console.WriteLine($"{scheme}: not implemented in Patchpeil.Core yet, skipped");
                missing = true;
                continue;
            }

            var stopwatch = Stopwatch.StartNew();
            var report = scheme switch
            {
                "deb" => DifferentialRunner.Run(VersionSchemes.Get(kind), "libapt-pkg", peers.DebCompare,
                    VersionCorpus.Deb(harvest.Versions, options.Pairs, options.Seed, options.MalformedPercent), options.Examples,
                    isWellFormed: VersionCorpus.IsValidDeb),
                "rpm" => DifferentialRunner.Run(VersionSchemes.Get(kind), "librpm", peers.RpmCompare,
                    VersionCorpus.Rpm(harvest.Versions, options.Pairs, options.Seed, options.MalformedPercent), options.Examples,
                    peers.RpmEvrCompare, VersionCorpus.IsValidRpm),
                _ => DifferentialRunner.Run(VersionSchemes.Get(kind), "System.Version", DifferentialRunner.SystemVersionCompare,
                    VersionCorpus.Windows(options.Pairs, options.Seed), options.Examples),
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Summary()} [{stopwatch.Elapsed.TotalSeconds:F1} s]"));
            if (scheme != "windows")
            {
                // Every harvested version plus as many mutated ones, sorted by key, neighbours checked by the peer.
                var pool = scheme == "deb"
                    ? VersionCorpus.Deb(harvest.Versions, harvest.Versions.Count, options.Seed + 1)
                    : VersionCorpus.Rpm(harvest.Versions, harvest.Versions.Count, options.Seed + 1);
                var sorted = DifferentialRunner.CheckSortedOrder(VersionSchemes.Get(kind), report.Peer,
                    scheme == "deb" ? peers.DebCompare : peers.RpmCompare,
                    pool.SelectMany(p => new[] { p.A, p.B }).Concat(scheme == "deb" ? harvest.Versions : []), options.Examples);
                Console.WriteLine(sorted.Summary());
                foreach (var example in sorted.Examples)
                {
                    Console.WriteLine($"  {example}");
                }

                clean &= sorted.IsClean;
            }

            foreach (var example in report.Examples.OrderBy(e => e.Kind.StartsWith("info", StringComparison.Ordinal)))
            {
                Console.WriteLine($"  {example}");
            }

            if (options.FixtureDirectory is not null && scheme != "windows")
            {
                var written = PeerFixture.Append(Path.Combine(options.FixtureDirectory, $"{scheme}.tsv"),
                    report.Examples.Where(e => e.Kind is "raw" or "key" or "raw-vs-key"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {written} new pairs added to {options.FixtureDirectory}/{scheme}.tsv"));
            }

            clean &= report.IsClean;
        }

        return clean ? (missing ? 3 : 0) : 1;
    }
}

/// <summary>Writes a corpus as tab-separated pairs, for inspection or for feeding other tools.</summary>
internal static class CorpusCommand
{
    public static int Run(Options options)
    {
        var harvest = VersionHarvest.FromMachine();
        var pairs = options.Scheme switch
        {
            "deb" or null => VersionCorpus.Deb(harvest.Versions, options.Pairs, options.Seed),
            "rpm" => VersionCorpus.Rpm(harvest.Versions, options.Pairs, options.Seed),
            "windows" => VersionCorpus.Windows(options.Pairs, options.Seed),
            _ => throw new ArgumentException($"unknown scheme {options.Scheme}"),
        };
        using var output = new StreamWriter(Console.OpenStandardOutput());
        foreach (var (a, b) in pairs)
        {
            output.Write(a);
            output.Write('\t');
            output.WriteLine(b);
        }

        return 0;
    }
}
