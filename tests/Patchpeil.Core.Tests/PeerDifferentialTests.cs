using Patchpeil.Core.Versions;
using Patchpeil.Peers;

namespace Patchpeil.Core.Tests;

/// <summary>
/// Compares Patchpeil's version order with the reference implementations on a seeded corpus built from the
/// machine's Debian package lists: libapt-pkg for dpkg versions, librpm for RPM EVRs, System.Version for Windows
/// builds. Needs bench/peers/out/libpatchpeil_peers.so (built on demand when g++, libapt-pkg-dev and librpm-dev are
/// installed); skips with the reason otherwise. bench/peers/run-diff.sh runs the same check on millions of pairs.
/// </summary>
public class PeerDifferentialTests
{
    private const int PairsPerScheme = 200_000;

    // Share of pairs with one malformed side; on those only the raw comparison (defined for any text) must agree.
    private const int MalformedPercent = 2;

    private static readonly Lazy<HarvestResult> Harvest = new(VersionHarvest.FromMachine);

    private static readonly Lazy<(PeerLibrary? Library, string Reason)> Peers = new(() =>
    {
        var library = PeerLibrary.TryLoad(out var reason);
        return (library, reason);
    });

    [Fact]
    public void DebOrderMatchesLibAptPkg()
    {
        var peers = RequirePeers();
        var scheme = RequireScheme(VersionSchemeKind.Deb);
        var report = DifferentialRunner.Run(scheme, "libapt-pkg", peers.DebCompare,
            VersionCorpus.Deb(Harvest.Value.Versions, PairsPerScheme, malformedPercent: MalformedPercent),
            isWellFormed: VersionCorpus.IsValidDeb);
        AssertClean(report);
    }

    [Fact]
    public void DebVersionsSortedByKeyAreInLibAptPkgOrder()
    {
        var peers = RequirePeers();
        var scheme = RequireScheme(VersionSchemeKind.Deb);
        var versions = Harvest.Value.Versions
            .Concat(VersionCorpus.Deb(Harvest.Value.Versions, 20_000).SelectMany(p => new[] { p.A, p.B }));
        AssertClean(DifferentialRunner.CheckSortedOrder(scheme, "libapt-pkg", peers.DebCompare, versions));
    }

    [Fact]
    public void RpmOrderMatchesLibRpm()
    {
        var peers = RequirePeers();
        var scheme = RequireScheme(VersionSchemeKind.Rpm);
        var report = DifferentialRunner.Run(scheme, "librpm", peers.RpmCompare,
            VersionCorpus.Rpm(Harvest.Value.Versions, PairsPerScheme, malformedPercent: MalformedPercent),
            peerReference: peers.RpmEvrCompare, isWellFormed: VersionCorpus.IsValidRpm);
        AssertClean(report);
    }

    [Fact]
    public void RpmVersionsSortedByKeyAreInLibRpmOrder()
    {
        var peers = RequirePeers();
        var scheme = RequireScheme(VersionSchemeKind.Rpm);
        var versions = VersionCorpus.Rpm(Harvest.Value.Versions, 40_000).SelectMany(p => new[] { p.A, p.B });
        AssertClean(DifferentialRunner.CheckSortedOrder(scheme, "librpm", peers.RpmCompare, versions));
    }

    [Fact]
    public void WindowsOrderMatchesSystemVersion()
    {
        var scheme = RequireScheme(VersionSchemeKind.Windows);
        var report = DifferentialRunner.Run(scheme, "System.Version", DifferentialRunner.SystemVersionCompare,
            VersionCorpus.Windows(PairsPerScheme));
        AssertClean(report);
    }

    [Theory]
    [InlineData("deb.tsv", VersionSchemeKind.Deb)]
    [InlineData("rpm.tsv", VersionSchemeKind.Rpm)]
    public void RecordedPeerAnswersHold(string file, VersionSchemeKind kind)
    {
        var scheme = RequireScheme(kind);
        var answers = PeerFixture.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "versions-diff", file)).ToArray();
        var live = Peers.Value.Library;
        var failures = new List<string>();
        foreach (var (a, b, peer, line) in answers)
        {
            if (live is not null)
            {
                var now = kind == VersionSchemeKind.Deb ? live.DebCompare(a, b) : live.RpmCompare(a, b);
                if (now != peer)
                {
                    failures.Add($"{file}:{line}: '{a}' vs '{b}': the installed peer says {now}, the fixture {peer}");
                }
            }

            var raw = Math.Sign(scheme.Compare(a, b));
            if (raw != peer)
            {
                failures.Add($"{file}:{line}: '{a}' vs '{b}': peer {peer}, Compare {raw}");
            }

            if (scheme.TryParse(a, out var keyA, out _) && scheme.TryParse(b, out var keyB, out _) &&
                keyA.CompareTo(keyB) is var key && key != peer)
            {
                failures.Add($"{file}:{line}: '{a}' vs '{b}': peer {peer}, key {key}");
            }
        }

        Assert.NotEmpty(answers);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void CorpusIsReproducibleAndValid()
    {
        var seeds = VersionHarvest.SampleVersions;
        var first = VersionCorpus.Deb(seeds, 2_000).Concat(VersionCorpus.Rpm(seeds, 2_000)).ToArray();
        var second = VersionCorpus.Deb(seeds, 2_000).Concat(VersionCorpus.Rpm(seeds, 2_000)).ToArray();

        Assert.Equal(first, second);
        Assert.All(first.Take(2_000), p => Assert.True(VersionCorpus.IsValidDeb(p.A) && VersionCorpus.IsValidDeb(p.B), $"{p}"));
        Assert.All(first.Skip(2_000), p => Assert.True(VersionCorpus.IsValidRpm(p.A) && VersionCorpus.IsValidRpm(p.B), $"{p}"));
        Assert.NotEqual(first, VersionCorpus.Deb(seeds, 2_000, seed: 1).Concat(VersionCorpus.Rpm(seeds, 2_000, seed: 1)));
    }

    private static PeerLibrary RequirePeers()
    {
        var (library, reason) = Peers.Value;
        if (library is null)
        {
            Assert.Skip($"libapt-pkg/librpm peers unavailable: {reason}");
        }

        return library;
    }

    private static VersionScheme RequireScheme(VersionSchemeKind kind)
    {
        var scheme = VersionSchemes.All.FirstOrDefault(s => s.Kind == kind);
        if (scheme is null)
        {
            Assert.Skip($"the {kind} version scheme is not implemented in Patchpeil.Core yet");
        }

        return scheme;
    }

    private static void AssertClean(DifferentialReport report)
    {
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(report.Summary());
        foreach (var example in report.Examples.OrderBy(e => e.Kind.StartsWith("info", StringComparison.Ordinal)))
        {
            output?.WriteLine(example.ToString());
        }

        Assert.True(report.Pairs > 0, "the corpus was empty");
        Assert.True(report.IsClean,
            report.Summary() + Environment.NewLine +
            string.Join(Environment.NewLine, report.Examples.Where(e => !e.Kind.StartsWith("info", StringComparison.Ordinal)).Take(30)));
    }
}
