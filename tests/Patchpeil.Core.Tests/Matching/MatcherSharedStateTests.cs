using Patchpeil.Core.Feeds.Debian;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Tests.Feeds;

namespace Patchpeil.Core.Tests.Matching;

/// <summary>
/// The matcher keeps one result per distinct component and materialises per-asset findings on demand; these tests
/// check that the deltas of incremental steps, applied one after the other, give exactly the findings a fresh full
/// match gives, with every asset that shares a component included.
/// </summary>
public sealed class MatcherSharedStateTests
{
    private static MatchAsset Host(string id, string release, params (string Name, string Source, string Version)[] packages) =>
        new(id, id, [.. packages.Select(p => InventoryComponents.FromPackage(SoftwareCatalog.Default, "dpkg", p.Name, p.Version, null, p.Source, p.Version, "debian", release))]);

    private static List<OsvRecord> Dsa() => [.. DsaListReader.Read(Fixtures.Bytes("debian", "DSA-list"), "DSA-list", Fixtures.FetchedAt).Items];

    private static Dictionary<FindingKey, string> State(IEnumerable<Finding> findings) =>
        findings.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => $"{g.First().Kind} {g.First().Priority}");

    private static void Apply(Dictionary<FindingKey, string> state, MatchDelta delta)
    {
        foreach (var f in delta.Removed)
        {
            Assert.True(state.Remove(f.Key), $"delta removes {f.Key}, which was not there");
        }

        foreach (var f in delta.Added)
        {
            state[f.Key] = $"{f.Kind} {f.Priority}";
        }
    }

    private static OsvRecord FixedIn(OsvRecord record, string version) => record with
    {
        Affected = [.. record.Affected.Select(a => a with { Ranges = [new OsvRange("ECOSYSTEM", null, [new OsvEvent(OsvEventKind.Introduced, "0"), new OsvEvent(OsvEventKind.Fixed, version)], null)] })],
    };

    [Fact]
    public void Deltas_of_incremental_steps_replayed_give_the_same_findings_as_a_fresh_match()
    {
        var records = Dsa();
        var matcher = new Matcher();
        foreach (var r in records)
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        (string, string, string) opensslU3 = ("libssl1.1", "openssl", "1.1.1n-0+deb11u3");
        MatchAsset[] hosts =
        [
            Host("a", "11", opensslU3),
            Host("b", "11", opensslU3),
            Host("c", "11", opensslU3, ("libcurl4", "curl", "7.74.0-1.3+deb11u5")),
            Host("d", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u4")),
            Host("e", "11", ("openssl", "openssl", "1.1.1n-0+deb11u3")), // another binary package of the same source version
            Host("f", "12", opensslU3),
        ];
        foreach (var h in hosts)
        {
            matcher.LoadAsset(h);
        }

        matcher.RematchAll();
        var state = State(matcher.AllFindings());
        Assert.Contains(new FindingKey("a", "osv:Debian:11/openssl", "CVE-2023-0286"), state.Keys);

        // DSA-5343-1 revised to "fixed in +deb11u2": u3 is no longer affected on any of the four Debian 11 hosts that have it.
        var dsa = records.Single(r => r.Id == "DSA-5343-1");
        var delta = matcher.UpsertAdvisory(AdvisoryStatements.FromOsv(FixedIn(dsa, "1.1.1n-0+deb11u2")));
        Assert.Equal(["a", "b", "c", "e"], delta.Removed.Where(f => f.Subject == "CVE-2023-0286").Select(f => f.Key.AssetId).Order());
        Assert.Empty(delta.Added);
        Apply(state, delta);
        Assert.Equal(state, State(matcher.AllFindings()));

        // Revised again to a fix no installed version reaches: d (u4) and the four u3 hosts are affected; Debian 12 is not.
        delta = matcher.UpsertAdvisory(AdvisoryStatements.FromOsv(FixedIn(dsa, "1.1.1n-0+deb11u9")));
        Assert.Equal(["a", "b", "c", "d", "e"], delta.Added.Where(f => f.Subject == "CVE-2023-0286").Select(f => f.Key.AssetId).Order());
        Apply(state, delta);
        Assert.Equal(state, State(matcher.AllFindings()));

        delta = matcher.UpsertAsset(Host("b", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u5"), ("libcurl4", "curl", "7.74.0-1.3+deb11u5")));
        Apply(state, delta);
        Assert.Equal(state, State(matcher.AllFindings()));

        delta = matcher.RemoveAsset("c");
        Apply(state, delta);
        Assert.Equal(state, State(matcher.AllFindings()));

        delta = matcher.RemoveAdvisory("osv:DSA-5365-1");
        Assert.Contains(delta.Removed, f => f.Key.AssetId == "b" && f.Key.Component == "osv:Debian:11/curl");
        Apply(state, delta);
        Assert.Equal(state, State(matcher.AllFindings()));

        // The same end state from scratch.
        var fresh = new Matcher();
        foreach (var r in records.Where(r => r.Id is not ("DSA-5343-1" or "DSA-5365-1")).Append(FixedIn(dsa, "1.1.1n-0+deb11u9")))
        {
            fresh.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        foreach (var h in hosts.Where(h => h.AssetId is not ("b" or "c")).Append(Host("b", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u5"), ("libcurl4", "curl", "7.74.0-1.3+deb11u5"))))
        {
            fresh.LoadAsset(h);
        }

        fresh.RematchAll();
        Assert.Equal(State(fresh.AllFindings()), state);
    }

    [Fact]
    public void Assets_with_the_same_component_share_one_result_and_one_explanation()
    {
        var matcher = new Matcher();
        foreach (var r in Dsa())
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        matcher.LoadAsset(Host("a", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u3")));
        matcher.LoadAsset(Host("b", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u3")));
        matcher.LoadAsset(Host("c", "11", ("openssl", "openssl", "1.1.1n-0+deb11u3")));
        matcher.RematchAll();

        // Two binary packages of one source version: two distinct components, one version under its two keys.
        Assert.Equal(2, matcher.DistinctComponentCount);
        Assert.Equal(2, matcher.DistinctVersionCount);
        var a = matcher.FindingsFor("a").Single(f => f.Subject == "CVE-2023-0286");
        var b = matcher.FindingsFor("b").Single(f => f.Subject == "CVE-2023-0286");
        var c = matcher.FindingsFor("c").Single(f => f.Subject == "CVE-2023-0286");
        Assert.Same(a.Evidence, b.Evidence);
        Assert.Equal("libssl1.1 (openssl)", a.Component);
        Assert.Equal("openssl", c.Component);
        Assert.Equal(a.Evidence.Rule, c.Evidence.Rule);

        matcher.RemoveAsset("a");
        matcher.RemoveAsset("b");
        Assert.Equal(1, matcher.DistinctComponentCount);
        Assert.Equal(2, matcher.DistinctVersionCount);
        matcher.RemoveAsset("c");
        Assert.Equal(0, matcher.DistinctComponentCount);
        Assert.Equal(0, matcher.DistinctVersionCount);
        Assert.Empty(matcher.AllFindings());
    }
}
