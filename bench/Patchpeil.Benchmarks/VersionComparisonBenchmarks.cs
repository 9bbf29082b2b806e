using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Patchpeil.Core.Versions;
using Patchpeil.Peers;

namespace Patchpeil.Benchmarks;

/// <summary>
/// Comparisons per second on the same realistic pairs (from <see cref="VersionCorpus"/>): Patchpeil on raw strings,
/// Patchpeil on pre-parsed keys, and the C/C++ peers (libapt-pkg, librpm) both in one batched native call (the peer's
/// own speed) and with one P/Invoke transition per pair (what a .NET caller would pay). Each benchmark compares
/// <see cref="PairCount"/> pairs; the reported time is per comparison.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class VersionComparisonBenchmarks
{
    public const int PairCount = 10_000;

    /// <summary>Pairs in the cache-resident rows: 1,000 pairs are walked 10 times, so both sides stay in L1/L2.</summary>
    public const int CachedPairCount = 1_000;

    private PairSet _deb = null!;
    private PairSet _rpm = null!;
    private PairSet _windows = null!;
    private Version[] _windowsA = null!;
    private Version[] _windowsB = null!;
    private PeerLibrary _peers = null!;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Short enough for a shared 2-core machine (well under 5 minutes for everything), long enough for
            // stable means: each measured iteration runs the 10,000 pairs many times.
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1).WithId("Short10"));
            // Comparisons per second on one core (the benchmarks are single-threaded).
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }

    // One setup per scheme: BenchmarkDotNet runs every benchmark in its own process, and a scheme that is not built
    // yet then only fails its own benchmarks.
    [GlobalSetup(Targets = [nameof(Deb_LibAptPkg_Batch), nameof(Deb_LibAptPkg_PerCall), nameof(Deb_Patchpeil_Raw), nameof(Deb_Patchpeil_Key)])]
    public void SetupDeb()
    {
        _peers = LoadPeers();
        _deb = PairSet.Create(VersionSchemes.Get(VersionSchemeKind.Deb), VersionCorpus.Deb(Seeds(), PairCount * 2), PairCount);
    }

    [GlobalSetup(Targets = [nameof(DebCached_LibAptPkg_Batch), nameof(DebCached_Patchpeil_Raw), nameof(DebCached_Patchpeil_Key)])]
    public void SetupDebCached()
    {
        _peers = LoadPeers();
        _deb = PairSet.Create(VersionSchemes.Get(VersionSchemeKind.Deb), VersionCorpus.Deb(Seeds(), PairCount * 2), CachedPairCount);
    }

    [GlobalSetup(Targets = [nameof(Rpm_LibRpm_Batch), nameof(Rpm_LibRpm_PerCall), nameof(Rpm_Patchpeil_Raw), nameof(Rpm_Patchpeil_Key)])]
    public void SetupRpm()
    {
        _peers = LoadPeers();
        _rpm = PairSet.Create(VersionSchemes.Get(VersionSchemeKind.Rpm), VersionCorpus.Rpm(Seeds(), PairCount * 2), PairCount);
    }

    [GlobalSetup(Targets = [nameof(Windows_SystemVersion_Parse), nameof(Windows_SystemVersion_Parsed), nameof(Windows_Patchpeil_Raw), nameof(Windows_Patchpeil_Key)])]
    public void SetupWindows()
    {
        _windows = PairSet.Create(VersionSchemes.Get(VersionSchemeKind.Windows), VersionCorpus.Windows(PairCount * 2), PairCount);
        _windowsA = [.. _windows.A.Select(Version.Parse)];
        _windowsB = [.. _windows.B.Select(Version.Parse)];
    }

    // Only the set of the benchmark being run was created.
    [GlobalCleanup]
    public void Cleanup()
    {
        _deb?.Dispose();
        _rpm?.Dispose();
        _windows?.Dispose();
    }

    private static PeerLibrary LoadPeers() =>
        PeerLibrary.TryLoad(out var reason) ?? throw new InvalidOperationException($"peers unavailable: {reason}");

    private static IReadOnlyList<string> Seeds() => VersionHarvest.FromMachine().Versions;

    // ---- dpkg ----------------------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount, Description = "Deb: libapt-pkg, batch")]
    [BenchmarkCategory("Deb")]
    public long Deb_LibAptPkg_Batch() => _peers.DebCompareBatch(_deb.NativeA, _deb.NativeB, null);

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Deb: libapt-pkg, P/Invoke per pair")]
    [BenchmarkCategory("Deb")]
    public long Deb_LibAptPkg_PerCall()
    {
        long sum = 0;
        var a = _deb.NativeA.Pointers;
        var b = _deb.NativeB.Pointers;
        for (var i = 0; i < PairCount; i++)
        {
            sum += _peers.DebCompare(a[i], b[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Deb: Patchpeil raw strings")]
    [BenchmarkCategory("Deb")]
    public long Deb_Patchpeil_Raw() => _deb.CompareRaw();

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Deb: Patchpeil keys")]
    [BenchmarkCategory("Deb")]
    public long Deb_Patchpeil_Key() => _deb.CompareKeys();

    // ---- dpkg, the first 1,000 pairs walked 10 times: both sides fit in L1/L2, so this isolates the algorithm from
    // ---- memory traffic (a .NET string is UTF-16 plus a header, about 82 bytes per version against apt's 31).

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount, Description = "Deb in cache: libapt-pkg, batch")]
    [BenchmarkCategory("DebCached")]
    public long DebCached_LibAptPkg_Batch()
    {
        long sum = 0;
        for (var round = 0; round < PairCount / CachedPairCount; round++)
        {
            sum += _peers.DebCompareBatch(_deb.NativeA, _deb.NativeB, null);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Deb in cache: Patchpeil raw strings")]
    [BenchmarkCategory("DebCached")]
    public long DebCached_Patchpeil_Raw()
    {
        long sum = 0;
        for (var round = 0; round < PairCount / CachedPairCount; round++)
        {
            sum += _deb.CompareRaw();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Deb in cache: Patchpeil keys")]
    [BenchmarkCategory("DebCached")]
    public long DebCached_Patchpeil_Key()
    {
        long sum = 0;
        for (var round = 0; round < PairCount / CachedPairCount; round++)
        {
            sum += _deb.CompareKeys();
        }

        return sum;
    }

    // ---- rpm -----------------------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount, Description = "Rpm: librpm, batch")]
    [BenchmarkCategory("Rpm")]
    public long Rpm_LibRpm_Batch() => _peers.RpmCompareBatch(_rpm.NativeA, _rpm.NativeB, null);

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Rpm: librpm, P/Invoke per pair")]
    [BenchmarkCategory("Rpm")]
    public long Rpm_LibRpm_PerCall()
    {
        long sum = 0;
        var a = _rpm.NativeA.Pointers;
        var b = _rpm.NativeB.Pointers;
        for (var i = 0; i < PairCount; i++)
        {
            sum += _peers.RpmCompare(a[i], b[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Rpm: Patchpeil raw strings")]
    [BenchmarkCategory("Rpm")]
    public long Rpm_Patchpeil_Raw() => _rpm.CompareRaw();

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Rpm: Patchpeil keys")]
    [BenchmarkCategory("Rpm")]
    public long Rpm_Patchpeil_Key() => _rpm.CompareKeys();

    // ---- Windows (no native peer; System.Version is the managed reference) ----------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount, Description = "Windows: System.Version parse + compare")]
    [BenchmarkCategory("Windows")]
    public long Windows_SystemVersion_Parse()
    {
        long sum = 0;
        var a = _windows.A;
        var b = _windows.B;
        for (var i = 0; i < PairCount; i++)
        {
            sum += Version.Parse(a[i]).CompareTo(Version.Parse(b[i]));
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Windows: System.Version pre-parsed")]
    [BenchmarkCategory("Windows")]
    public long Windows_SystemVersion_Parsed()
    {
        long sum = 0;
        for (var i = 0; i < PairCount; i++)
        {
            sum += _windowsA[i].CompareTo(_windowsB[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Windows: Patchpeil raw strings")]
    [BenchmarkCategory("Windows")]
    public long Windows_Patchpeil_Raw() => _windows.CompareRaw();

    [Benchmark(OperationsPerInvoke = PairCount, Description = "Windows: Patchpeil keys")]
    [BenchmarkCategory("Windows")]
    public long Windows_Patchpeil_Key() => _windows.CompareKeys();

    /// <summary>
    /// The first corpus pairs that Patchpeil parses, as strings, keys and C strings. Both sides are laid out the same
    /// way: the peer's C strings are packed in one native block (all A, then all B), and the managed strings are
    /// copied in the same order right after each other, as a parser reading a package list would allocate them,
    /// rather than left scattered among the corpus generator's garbage.
    /// </summary>
    private sealed class PairSet : IDisposable
    {
        private readonly VersionScheme _scheme;
        private readonly VersionKey[] _keysA;
        private readonly VersionKey[] _keysB;

        private PairSet(VersionScheme scheme, List<(string A, string B, VersionKey KeyA, VersionKey KeyB)> pairs)
        {
            _scheme = scheme;
            A = [.. pairs.Select(p => new string(p.A.AsSpan()))];
            B = [.. pairs.Select(p => new string(p.B.AsSpan()))];
            _keysA = [.. pairs.Select(p => p.KeyA)];
            _keysB = [.. pairs.Select(p => p.KeyB)];
            NativeA = new NativeStrings(A);
            NativeB = new NativeStrings(B);
        }

        public string[] A { get; }

        public string[] B { get; }

        public NativeStrings NativeA { get; }

        public NativeStrings NativeB { get; }

        public static PairSet Create(VersionScheme scheme, IEnumerable<VersionPair> corpus, int count)
        {
            var pairs = new List<(string, string, VersionKey, VersionKey)>(count);
            foreach (var (a, b) in corpus)
            {
                if (scheme.TryParse(a, out var keyA, out _) && scheme.TryParse(b, out var keyB, out _))
                {
                    pairs.Add((a, b, keyA, keyB));
                    if (pairs.Count == count)
                    {
                        return new PairSet(scheme, pairs);
                    }
                }
            }

            throw new InvalidOperationException($"the corpus gave fewer than {count} pairs {scheme.Name} parses");
        }

        public long CompareRaw()
        {
            long sum = 0;
            var scheme = _scheme;
            var a = A;
            var b = B;
            for (var i = 0; i < a.Length; i++)
            {
                sum += scheme.Compare(a[i], b[i]);
            }

            return sum;
        }

        public long CompareKeys()
        {
            long sum = 0;
            var a = _keysA;
            var b = _keysB;
            for (var i = 0; i < a.Length; i++)
            {
                sum += a[i].CompareTo(b[i]);
            }

            return sum;
        }

        public void Dispose()
        {
            NativeA.Dispose();
            NativeB.Dispose();
        }
    }
}
