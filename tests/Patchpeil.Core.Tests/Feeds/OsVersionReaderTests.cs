using System.Text;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.OsVersions;

namespace Patchpeil.Core.Tests.Feeds;

public sealed class OsVersionReaderTests
{
    private static byte[] Fixture(string name) => Fixtures.Bytes("connectors", name);

    [Fact]
    public void Sofa_ios_feed_gives_one_line_each_for_ios_and_ipados_with_their_own_devices()
    {
        var (feed, quarantined) = SofaReader.Read(Fixture("sofa-v2-ios-feed.json"), "ios_data_feed.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        Assert.NotNull(feed);
        Assert.Equal(["ios", "ipados"], feed.Products);
        var ipados = feed.Lines.Single(l => l.Product == "ipados");
        Assert.Equal("18", ipados.Line);
        Assert.Equal("18.6.2", ipados.Latest.Version);
        Assert.Equal("22G100", ipados.Latest.Build);
        Assert.Equal(new DateOnly(2026, 8, 20), ipados.Latest.ReleaseDate);
        Assert.Equal(new DateOnly(2026, 11, 20), ipados.Latest.ExpirationDate);
        Assert.True(ipados.Latest.SecurityContent);
        Assert.Equal(["CVE-2025-43300"], ipados.Latest.ActivelyExploitedCves);
        Assert.Equal(["iPad12,1", "iPad12,2"], ipados.Latest.SupportedModels);
        Assert.Equal(["18.6.2", "18.6"], ipados.Releases.Select(r => r.Version));
        // 18.6 has SupportedDevices absent: it inherits Latest's devices; it lists no CVEs.
        Assert.Equal(["iPad12,1", "iPad12,2"], ipados.Releases[1].SupportedModels);
        Assert.False(ipados.Releases[1].SecurityContent);
        Assert.Equal(["iPhone14,7"], feed.Lines.Single(l => l.Product == "ios").Latest.SupportedModels);
        Assert.Equal("3f9c1e7a5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f", feed.Provenance.Revision);
    }

    [Fact]
    public void Sofa_macos_feed_keys_models_by_board_id_and_names_the_line_by_its_major()
    {
        var (feed, quarantined) = SofaReader.Read(Fixture("sofa-v2-macos-feed.json"), "macos_data_feed.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        var line = Assert.Single(feed!.Lines);
        Assert.Equal(("macos", "15", "Sequoia 15"), (line.Product, line.Line, line.Label));
        Assert.Equal("15.6.1", line.Latest.Version);
        Assert.Contains("J413AP", line.Latest.SupportedModels);
    }

    [Fact]
    public void Sofa_broken_line_is_quarantined_by_pointer_and_the_others_are_kept()
    {
        var text = Encoding.UTF8.GetString(Fixture("sofa-v2-ios-feed.json"));
        var broken = """{ "OSVersion": "17", "Latest": { "ProductVersion": "17.7.10", "ReleaseDate": "2026-08-20T00:00:00Z" } }""";
        var withBroken = text.Replace("\"OSVersions\": [", "\"OSVersions\": [" + broken + ",", StringComparison.Ordinal);

        var (feed, quarantined) = SofaReader.Read(Encoding.UTF8.GetBytes(withBroken), "ios_data_feed.json", Fixtures.FetchedAt);

        var q = Assert.Single(quarantined);
        Assert.Equal(0, q.Index);
        Assert.Contains(q.Reasons, r => r.Code == FeedReasonCodes.JsonRequired && r.Path == "/OSVersions/0/Latest/Build");
        Assert.Equal(["ios", "ipados"], feed!.Products);
        Assert.All(feed.Lines, l => Assert.Equal("18", l.Line));
    }

    [Fact]
    public void Sofa_truncated_file_is_refused_as_a_whole_naming_the_reason()
    {
        var bytes = Fixture("sofa-v2-ios-feed.json");
        var (feed, quarantined) = SofaReader.Read(bytes[..(bytes.Length / 2)], "ios_data_feed.json", Fixtures.FetchedAt);

        Assert.Null(feed);
        var q = Assert.Single(quarantined);
        Assert.Equal("ios_data_feed.json", q.Location);
        Assert.True(q.HasCode(FeedReasonCodes.JsonTruncated) || q.HasCode(FeedReasonCodes.JsonSyntax), q.ToString());
    }

    [Fact]
    public void Sofa_without_os_versions_or_with_wrong_types_names_the_field()
    {
        var (none, q1) = SofaReader.Read(Fixtures.Utf8("""{"UpdateHash":"x"}"""), "f.json", Fixtures.FetchedAt);
        Assert.Null(none);
        Assert.Contains(q1.Single().Reasons, r => r.Path == "/OSVersions" && r.Code == FeedReasonCodes.JsonRequired);

        var (feed, q2) = SofaReader.Read(Fixtures.Utf8("""{"UpdateHash":"x","OSVersions":[{"OSVersion":"18","Latest":{"ProductVersion":"18.1","Build":"22B83","ReleaseDate":"yesterday"}}]}"""), "f.json", Fixtures.FetchedAt);
        Assert.Empty(feed!.Lines);
        Assert.Contains(q2.Single().Reasons, r => r.Path == "/OSVersions/0/Latest/ReleaseDate" && r.Code == FeedReasonCodes.InvalidValue);
    }

    [Fact]
    public void Sofa_unknown_fields_and_empty_cve_details_are_accepted()
    {
        var json = """{"SchemaVersion":"2099.1","UpdateHash":"h","NewTopLevel":{"a":1},"OSVersions":[{"OSVersion":"26","Latest":{"ProductVersion":"26.0.1","Build":"23A355","ReleaseDate":"2026-09-29T00:00:00Z","CVEs":{"CVE-2026-1":{}},"Unexpected":true,"SupportedDevices":["iPad13,18"]},"SecurityReleases":[]}]}""";
        var (feed, quarantined) = SofaReader.Read(Fixtures.Utf8(json), "f.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        var line = Assert.Single(feed!.Lines);
        Assert.Equal(("ipados", "26", 1), (line.Product, line.Line, line.Latest.CveCount));
    }

    [Fact]
    public void Gdmf_groups_assets_by_product_and_line_and_drops_non_ipad_iphone_devices()
    {
        var (feed, quarantined) = GdmfReader.Read(Fixture("gdmf-pmv.json"), "pmv.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        Assert.Equal(["ios", "ipados", "macos"], feed!.Products);
        var ipados = feed.Lines.Where(l => l.Product == "ipados").Select(l => (l.Line, l.Latest.Version)).ToList();
        Assert.Equal([("18", "18.6.2"), ("16", "16.7.12")], ipados);
        Assert.Equal(["iPad7,11"], feed.Lines.Single(l => l.Product == "ipados" && l.Line == "16").Latest.SupportedModels);
        Assert.Null(feed.Lines[0].Latest.SecurityContent);
        Assert.Equal(new DateOnly(2026, 11, 20), feed.Lines.Single(l => l.Product == "macos").Latest.ExpirationDate);
    }

    [Fact]
    public void Gdmf_broken_asset_is_quarantined_with_its_pointer()
    {
        var json = """{"PublicAssetSets":{"iOS":[{"ProductVersion":"18.6.2","Build":"22G100","PostingDate":"2026-08-20","SupportedDevices":["iPad12,1"]},{"Build":"X","SupportedDevices":"iPad1,1"}]}}""";
        var (feed, quarantined) = GdmfReader.Read(Fixtures.Utf8(json), "pmv.json", Fixtures.FetchedAt);

        var q = Assert.Single(quarantined);
        Assert.Contains(q.Reasons, r => r.Path == "/PublicAssetSets/iOS/1/ProductVersion");
        Assert.Contains(q.Reasons, r => r.Path == "/PublicAssetSets/iOS/1/SupportedDevices" && r.Code == FeedReasonCodes.JsonType);
        Assert.Equal("18.6.2", Assert.Single(feed!.Lines).Latest.Version);
    }

    [Fact]
    public void VersionHistory_releases_give_the_served_stable_version_as_latest()
    {
        var (feed, quarantined) = ChromeVersionReader.Read(Fixture("versionhistory-chromeos-stable-releases.json"), "releases.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        var line = Assert.Single(feed!.Lines);
        Assert.Equal(("chromeos", "stable"), (line.Product, line.Line));
        Assert.Equal("139.0.7258.172", line.Latest.Version);
        Assert.Equal(new DateOnly(2026, 9, 2), line.Latest.ReleaseDate);
        Assert.False(line.Releases.Single(r => r.Version == "139.0.7258.160").Serving);
    }

    [Fact]
    public void VersionHistory_release_still_rolling_out_does_not_become_latest()
    {
        var json = """
            {"releases":[
              {"name":"chrome/platforms/chromeos/channels/stable/versions/140.0.7339.80/releases/1","serving":{"startTime":"2026-09-10T17:00:00Z"},"fraction":0.5,"version":"140.0.7339.80"},
              {"name":"chrome/platforms/chromeos/channels/stable/versions/139.0.7258.172/releases/2","serving":{"startTime":"2026-09-02T17:21:00Z"},"fraction":1,"version":"139.0.7258.172"},
              {"name":"chrome/platforms/win/channels/stable/versions/140.0.7339.81/releases/3","serving":{"startTime":"2026-09-02T17:21:00Z"},"fraction":1,"version":"140.0.7339.81"},
              {"name":"chrome/platforms/chromeos/channels/beta/versions/141.0.7390.20/releases/4","serving":{"startTime":"2026-09-09T17:21:00Z"},"fraction":1,"version":"141.0.7390.20"}
            ]}
            """;
        var (feed, quarantined) = ChromeVersionReader.Read(Fixtures.Utf8(json), "releases.json", Fixtures.FetchedAt);

        Assert.Equal("139.0.7258.172", feed!.Lines.Single(l => l.Line == "stable").Latest.Version);
        Assert.Equal("141.0.7390.20", feed.Lines.Single(l => l.Line == "beta").Latest.Version);
        var q = Assert.Single(quarantined);
        Assert.Equal(2, q.Index);
        Assert.Contains("not chromeos", q.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VersionHistory_versions_list_takes_the_highest_version()
    {
        var (feed, quarantined) = ChromeVersionReader.Read(Fixture("versionhistory-chromeos-stable-versions.json"), "versions.json", Fixtures.FetchedAt);

        Assert.Empty(quarantined);
        Assert.Equal("139.0.7258.172", Assert.Single(feed!.Lines).Latest.Version);
    }

    [Fact]
    public void VersionHistory_malformed_json_names_line_and_position()
    {
        var (feed, quarantined) = ChromeVersionReader.Read(Fixtures.Utf8("{\"releases\": [ {\"name\": } ]}"), "releases.json", Fixtures.FetchedAt);

        Assert.Null(feed);
        Assert.Contains("line 1", Assert.Single(quarantined).ToString(), StringComparison.Ordinal);
    }
}
