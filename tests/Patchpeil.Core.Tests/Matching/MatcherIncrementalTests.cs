using Patchpeil.Core.Feeds.Debian;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Tests.Feeds;

namespace Patchpeil.Core.Tests.Matching;

public sealed class MatcherIncrementalTests
{
    private static MatchAsset Host(string id, string release, string source, string version) =>
        new(id, id, [InventoryComponents.FromPackage(SoftwareCatalog.Default, "dpkg", source, version, null, source, version, "debian", release)]);

    private static List<OsvRecord> Dsa() => [.. DsaListReader.Read(Fixtures.Bytes("debian", "DSA-list"), "DSA-list", Fixtures.FetchedAt).Items];

    private static HashSet<string> Keys(IEnumerable<Finding> findings) => [.. findings.Select(f => $"{f.Key}|{f.Kind}")];

    [Fact]
    public void Revised_advisory_re_evaluates_only_its_identities_and_reports_the_change()
    {
        var records = Dsa();
        var matcher = new Matcher();
        foreach (var r in records)
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        matcher.LoadAsset(Host("a", "11", "openssl", "1.1.1n-0+deb11u3"));
        matcher.LoadAsset(Host("b", "11", "curl", "7.74.0-1.3+deb11u5"));
        matcher.RematchAll();
        Assert.Contains(matcher.FindingsFor("a"), f => f.Subject == "CVE-2023-0286");

        // DSA-5343-1 revised: the fix is now said to be in +deb11u2 (so u3 is no longer affected).
        var dsa = records.Single(r => r.Id == "DSA-5343-1");
        var revised = dsa with
        {
            Affected = [.. dsa.Affected.Select(a => a with { Ranges = [new OsvRange("ECOSYSTEM", null, [new OsvEvent(OsvEventKind.Introduced, "0"), new OsvEvent(OsvEventKind.Fixed, "1.1.1n-0+deb11u2")], null)] })],
        };
        var delta = matcher.UpsertAdvisory(AdvisoryStatements.FromOsv(revised));
        Assert.Equal(1, delta.VersionsEvaluated); // only openssl on Debian 11; curl untouched
        Assert.Contains(delta.Removed, f => f.Subject == "CVE-2023-0286" && f.Key.AssetId == "a");
        Assert.DoesNotContain(matcher.FindingsFor("a"), f => f.Subject == "CVE-2023-0286");

        // Same state as a fresh full match.
        var fresh = new Matcher();
        foreach (var r in records.Where(r => r.Id != "DSA-5343-1").Append(revised))
        {
            fresh.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        fresh.LoadAsset(Host("a", "11", "openssl", "1.1.1n-0+deb11u3"));
        fresh.LoadAsset(Host("b", "11", "curl", "7.74.0-1.3+deb11u5"));
        fresh.RematchAll();
        Assert.Equal(Keys(fresh.AllFindings()), Keys(matcher.AllFindings()));
    }

    [Fact]
    public void Upgraded_device_is_re_matched_alone_and_shares_cached_versions()
    {
        var matcher = new Matcher();
        foreach (var r in Dsa())
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        matcher.LoadAsset(Host("a", "11", "curl", "7.74.0-1.3+deb11u5"));
        matcher.LoadAsset(Host("b", "11", "curl", "7.74.0-1.3+deb11u5"));
        matcher.RematchAll();
        // Two devices, one version under its two keys (osv: and purl:deb): each pair evaluated once.
        Assert.Equal(2, matcher.DistinctVersionCount);
        Assert.Contains(matcher.FindingsFor("b"), f => f.Subject == "CVE-2023-23916");

        var delta = matcher.UpsertAsset(Host("b", "11", "curl", "7.74.0-1.3+deb11u7"));
        Assert.Equal(2, delta.VersionsEvaluated);
        Assert.Contains(delta.Removed, f => f.Subject == "CVE-2023-23916");
        Assert.Empty(delta.Added);
        Assert.Contains(matcher.FindingsFor("a"), f => f.Subject == "CVE-2023-23916");
        Assert.DoesNotContain(matcher.FindingsFor("b"), f => f.Subject == "CVE-2023-23916");

        // Back to the old version: the cached result is reused, nothing is evaluated again.
        var back = matcher.UpsertAsset(Host("b", "11", "curl", "7.74.0-1.3+deb11u5"));
        Assert.Equal(0, back.VersionsEvaluated);
        Assert.Contains(back.Added, f => f.Subject == "CVE-2023-23916");

        var removed = matcher.RemoveAsset("b");
        Assert.NotEmpty(removed.Removed);
        Assert.Empty(matcher.FindingsFor("b"));
    }

    [Fact]
    public void Finding_keys_are_stable_across_rematches()
    {
        var matcher = new Matcher();
        foreach (var r in Dsa())
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(r));
        }

        matcher.LoadAsset(Host("a", "11", "openssl", "1.1.1n-0+deb11u3"));
        matcher.RematchAll();
        var first = Keys(matcher.AllFindings());
        matcher.RematchAll();
        Assert.Equal(first, Keys(matcher.AllFindings()));
        Assert.All(matcher.AllFindings(), f => Assert.Equal("osv:Debian:11/openssl", f.Key.Component));
    }
}
