using Microsoft.Extensions.Time.Testing;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.OsVersions;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Tests.Feeds;

namespace Patchpeil.Core.Tests.Matching;

public sealed class OsVersionMatchingTests
{
    private static FakeTimeProvider At(int year, int month, int day) => new(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero));

    private static OsVersionFeed Sofa(string name) => SofaReader.Read(Fixtures.Bytes("connectors", name), name, Fixtures.FetchedAt).Feed!;

    private static OsVersionFeed Gdmf() => GdmfReader.Read(Fixtures.Bytes("connectors", "gdmf-pmv.json"), "pmv.json", Fixtures.FetchedAt).Feed!;

    private static OsVersionFeed Chrome() => ChromeVersionReader.Read(Fixtures.Bytes("connectors", "versionhistory-chromeos-stable-releases.json"), "releases.json", Fixtures.FetchedAt).Feed!;

    private static Matcher MatcherWith(FakeTimeProvider clock, params OsVersionFeed[] feeds)
    {
        var matcher = new Matcher(new MatcherOptions { Clock = clock });
        matcher.SetLifecycles(OsVersionLifecycles.ToEolProducts(feeds));
        return matcher;
    }

    private static IReadOnlyList<Finding> Device(Matcher matcher, string platform, string version, string? model, string? channel = null)
    {
        var os = InventoryComponents.FromManagedDevice(SoftwareCatalog.Default, platform, version, model, channel);
        Assert.NotNull(os);
        var id = $"{platform}-{version}-{model}";
        matcher.UpsertAsset(new MatchAsset(id, id, [os]));
        return matcher.FindingsFor(id);
    }

    [Fact]
    public void Ipad_not_on_the_latest_release_of_its_line_is_behind_latest()
    {
        var matcher = MatcherWith(At(2026, 9, 14), Sofa("sofa-v2-ios-feed.json"));

        var behind = Assert.Single(Device(matcher, "iPadOS", "18.6", "iPad12,1"));
        Assert.Equal(FindingKind.BehindLatest, behind.Kind);
        Assert.Equal("sofa", behind.Evidence.Source);
        Assert.Contains("18.6.2", behind.Evidence.Rule, StringComparison.Ordinal);
        Assert.Empty(Device(matcher, "iPadOS", "18.6.2", "iPad12,1"));
    }

    [Fact]
    public void Jamf_reports_ipads_as_ios_and_the_model_makes_them_ipados()
    {
        var os = InventoryComponents.FromManagedDevice(SoftwareCatalog.Default, "iOS", "18.6", "iPad12,1");

        Assert.Equal(("ipados", "18|iPad12,1"), (os!.EndOfLifeProduct, os.EndOfLifeCycle));
        Assert.Contains(os.Identities, k => k.Contains("ipados", StringComparison.Ordinal));
    }

    [Fact]
    public void Older_line_ends_on_its_expiration_date_and_is_ending_soon_before_it()
    {
        var sofaAndGdmf = new[] { Sofa("sofa-v2-ios-feed.json"), Gdmf() };

        // iPadOS 16.7.12 (gdmf only) expires 2026-11-20; 18 is the newest line and never ends here.
        var before = Device(MatcherWith(At(2026, 9, 14), sofaAndGdmf), "iPadOS", "16.7.12", "iPad7,11");
        Assert.Equal([FindingKind.EndingSoon], before.Select(f => f.Kind));

        var after = Device(MatcherWith(At(2026, 11, 20), sofaAndGdmf), "iPadOS", "16.7.12", "iPad7,11");
        var ended = Assert.Single(after);
        Assert.Equal(FindingKind.EndOfSupport, ended.Kind);
        Assert.Contains("ended on 2026-11-20", ended.Evidence.Rule, StringComparison.Ordinal);

        Assert.Empty(Device(MatcherWith(At(2027, 6, 1), sofaAndGdmf), "iPadOS", "18.6.2", "iPad12,1"));
    }

    [Fact]
    public void Model_the_latest_release_no_longer_supports_is_end_of_support_not_behind()
    {
        var old = new OsRelease("18.6", "22G86", ["22G86"], new DateOnly(2026, 7, 29), null, true, 3, [], ["iPad7,5", "iPad12,1"], null);
        var latest = new OsRelease("18.6.2", "22G100", ["22G100"], new DateOnly(2026, 8, 20), null, true, 1, [], ["iPad12,1"], null);
        var feed = new OsVersionFeed(FeedSource.Sofa, [new OsLine("ipados", "18", "18", latest, [latest, old])],
            new Provenance(FeedSource.Sofa, "test", "rev", null, new string('0', 64), Fixtures.FetchedAt));
        var matcher = MatcherWith(At(2026, 9, 14), feed);

        var dropped = Assert.Single(Device(matcher, "iPadOS", "18.6", "iPad7,5"));
        Assert.Equal(FindingKind.EndOfSupport, dropped.Kind);
        Assert.Contains("iPad7,5", dropped.Evidence.Rule, StringComparison.Ordinal);
        Assert.Contains("2026-08-20", dropped.Evidence.Rule, StringComparison.Ordinal);

        // A model the sources do not know is judged by its line.
        Assert.Equal([FindingKind.BehindLatest], Device(matcher, "iPadOS", "18.6", "iPad99,9").Select(f => f.Kind));
        Assert.Equal([FindingKind.BehindLatest], Device(matcher, "iPadOS", "18.6", null).Select(f => f.Kind));
    }

    [Fact]
    public void Mac_behind_latest_by_board_id()
    {
        var matcher = MatcherWith(At(2026, 9, 14), Sofa("sofa-v2-macos-feed.json"));

        Assert.Equal([FindingKind.BehindLatest], Device(matcher, "macOS", "15.5", "J413AP").Select(f => f.Kind));
        Assert.Empty(Device(matcher, "macOS", "15.6.1", "J413AP"));
    }

    [Fact]
    public void Chromebook_not_on_current_stable_is_behind_latest()
    {
        var matcher = MatcherWith(At(2026, 9, 14), Chrome());

        var behind = Assert.Single(Device(matcher, "ChromeOS", "139.0.7258.160", null));
        Assert.Equal(FindingKind.BehindLatest, behind.Kind);
        Assert.Contains("139.0.7258.172", behind.Evidence.Rule, StringComparison.Ordinal);
        Assert.Empty(Device(matcher, "ChromeOS", "139.0.7258.172", null, "stable-channel"));
        // A channel the source has no data for gives no finding rather than a guess.
        Assert.Empty(Device(matcher, "ChromeOS", "120.0.6099.1", null, "lts"));
    }

    [Fact]
    public void Merge_lays_version_sources_over_endoflife_date_and_keeps_its_other_cycles()
    {
        var (eol, _) = EndOfLifeReader.ReadProduct(Fixtures.Bytes("endoflife", "api_v1", "ipados.json"), "ipados.json", Fixtures.FetchedAt);
        var merged = OsVersionLifecycles.Merge([eol!], OsVersionLifecycles.ToEolProducts([Sofa("sofa-v2-ios-feed.json")]));

        var ipados = merged.Single(p => p.Name == "ipados");
        Assert.Equal("18.6.2", ipados.Releases.Single(r => r.Name == "18").Latest!.Name);
        Assert.Equal(eol!.Releases.Single(r => r.Name == "15").EndOfLife, ipados.Releases.Single(r => r.Name == "15").EndOfLife);
        Assert.Contains(ipados.Releases, r => r.Name == "18|iPad12,1");
        Assert.Equal(FeedSource.Sofa, ipados.Provenance.Source);
        Assert.Contains(merged, p => p.Name == "ios");
    }
}
