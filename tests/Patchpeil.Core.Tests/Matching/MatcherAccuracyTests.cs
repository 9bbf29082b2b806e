using Microsoft.Extensions.Time.Testing;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Debian;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Tests.Feeds;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Matching;

public sealed class MatcherAccuracyTests
{
    private static readonly SoftwareCatalog Catalog = SoftwareCatalog.Default;
    private static readonly string[] ProbeVersions = ["0", "1.0", "8.0.0", "999"];

    private static OsvRecord Osv(params string[] path) => OsvReader.Read(Fixtures.Bytes(path), path[^1], Fixtures.FetchedAt).Items.Single();

    private static MatchAsset Linux(string id, string distro, string release, params (string Name, string Source, string Version)[] packages) =>
        new(id, id, [.. packages.Select(p => InventoryComponents.FromPackage(Catalog, "dpkg", p.Name, p.Version, null, p.Source, p.Version, distro, release))]);

    private static HashSet<string> Vulnerable(Matcher matcher, string assetId) =>
        [.. matcher.FindingsFor(assetId).Where(f => f.Kind == FindingKind.Vulnerable).Select(f => f.Subject)];

    [Fact]
    public void Ubuntu_osv_matches_source_package_per_release_with_backported_fix_versions()
    {
        var matcher = new Matcher();
        matcher.LoadAdvisory(AdvisoryStatements.FromOsv(Osv("osv", "ubuntu", "UBUNTU-CVE-2024-6387.json")));
        matcher.LoadAdvisory(AdvisoryStatements.FromOsv(Osv("osv", "ubuntu", "USN-6859-1.json")));
        matcher.LoadAsset(Linux("jammy-old", "ubuntu", "22.04", ("openssh-server", "openssh", "1:8.9p1-3ubuntu0.7")));
        matcher.LoadAsset(Linux("jammy-fixed", "ubuntu", "22.04", ("openssh-server", "openssh", "1:8.9p1-3ubuntu0.10")));
        matcher.LoadAsset(Linux("jammy-later", "ubuntu", "22.04", ("openssh-client", "openssh", "1:8.9p1-3ubuntu0.11")));
        matcher.LoadAsset(Linux("noble-old", "ubuntu", "24.04", ("openssh-server", "openssh", "1:9.6p1-3ubuntu13.2")));
        matcher.LoadAsset(Linux("noble-fixed", "ubuntu", "24.04", ("openssh-server", "openssh", "1:9.6p1-3ubuntu13.3")));
        // The jammy fix version on noble is older than noble's fix: only noble's own statement counts.
        matcher.LoadAsset(Linux("noble-jammy-version", "ubuntu", "24.04", ("openssh-server", "openssh", "1:8.9p1-3ubuntu0.10")));
        matcher.LoadAsset(Linux("focal", "ubuntu", "20.04", ("openssh-server", "openssh", "1:8.2p1-4ubuntu0.1")));
        matcher.RematchAll();

        Assert.Equal(["CVE-2024-6387"], Vulnerable(matcher, "jammy-old"));
        Assert.Empty(Vulnerable(matcher, "jammy-fixed"));
        Assert.Empty(Vulnerable(matcher, "jammy-later"));
        Assert.Equal(["CVE-2024-6387"], Vulnerable(matcher, "noble-old"));
        Assert.Empty(Vulnerable(matcher, "noble-fixed"));
        Assert.Equal(["CVE-2024-6387"], Vulnerable(matcher, "noble-jammy-version"));
        Assert.Empty(matcher.FindingsFor("focal"));

        var finding = matcher.FindingsFor("jammy-old").Single();
        Assert.Equal(new FindingKey("jammy-old", "osv:Ubuntu:22.04/openssh", "CVE-2024-6387"), finding.Key);
        Assert.Equal("1:8.9p1-3ubuntu0.7", finding.Evidence.ComparedVersion);
        Assert.Contains("1:8.9p1-3ubuntu0.10", finding.Evidence.Range, StringComparison.Ordinal);
        Assert.Equal(MatchConfidence.High, finding.Evidence.Confidence);
        Assert.NotEmpty(finding.Evidence.Comparisons);
    }

    [Fact]
    public void Debian_security_list_matches_deb11u_backports_and_keeps_releases_apart()
    {
        var list = DsaListReader.Read(Fixtures.Bytes("debian", "DSA-list"), "DSA-list", Fixtures.FetchedAt);
        Assert.True(list.Items.Count > 3000, $"read {list.Items.Count} advisories");
        var matcher = new Matcher();
        foreach (var record in list.Items)
        {
            matcher.LoadAdvisory(AdvisoryStatements.FromOsv(record));
        }

        // DSA-5343-1: openssl fixed in bullseye 1.1.1n-0+deb11u4 (CVE-2023-0286 and four more).
        matcher.LoadAsset(Linux("bullseye-u3", "debian", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u3")));
        matcher.LoadAsset(Linux("bullseye-u4", "debian", "11", ("libssl1.1", "openssl", "1.1.1n-0+deb11u4")));
        matcher.LoadAsset(Linux("bullseye-u5", "debian", "11", ("openssl", "openssl", "1.1.1n-0+deb11u5")));
        // The same version string on Debian 12 is not judged by Debian 11 statements.
        matcher.LoadAsset(Linux("bookworm", "debian", "12", ("libssl1.1", "openssl", "1.1.1n-0+deb11u3")));
        // DSA-5365-1: curl fixed in 7.74.0-1.3+deb11u7.
        matcher.LoadAsset(Linux("curl-u5", "debian", "11", ("libcurl4", "curl", "7.74.0-1.3+deb11u5")));
        matcher.LoadAsset(Linux("curl-u7", "debian", "11", ("libcurl4", "curl", "7.74.0-1.3+deb11u7")));
        matcher.RematchAll();

        var u3 = Vulnerable(matcher, "bullseye-u3");
        Assert.Superset(new HashSet<string> { "CVE-2023-0286", "CVE-2023-0215", "CVE-2022-4450", "CVE-2022-4304", "CVE-2022-2097" }, u3);
        Assert.Empty(Vulnerable(matcher, "bullseye-u4"));
        Assert.Empty(Vulnerable(matcher, "bullseye-u5"));
        Assert.Empty(matcher.FindingsFor("bookworm"));
        Assert.Contains("CVE-2023-23916", Vulnerable(matcher, "curl-u5"));
        Assert.Empty(Vulnerable(matcher, "curl-u7"));
        Assert.Equal("DSA-5343-1", matcher.FindingsFor("bullseye-u3").First(f => f.Subject == "CVE-2023-0286").Evidence.DocumentId);
    }

    [Fact]
    public void Distro_fixed_statement_overrides_an_nvd_upstream_range()
    {
        // NVD-style: upstream OpenSSH before 9.8p1 is affected; Ubuntu backported the fix to 8.9p1-3ubuntu0.10.
        var nvd = new NvdCve("CVE-2024-6387", null, null, null, "Analyzed", [], [], [], [], [
            new Core.Feeds.Nvd.NvdConfiguration(null, false, [new Core.Feeds.Nvd.NvdNode("OR", false, [
                new Core.Feeds.Nvd.NvdCpeMatch(true, "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", null, "8.5", null, null, "9.8")])])],
            [], null, new Core.Feeds.Provenance(Core.Feeds.FeedSource.Nvd, "CVE-2024-6387", null, null, "00", Fixtures.FetchedAt));
        var matcher = new Matcher();
        matcher.LoadAdvisory(AdvisoryStatements.FromNvd(nvd));
        matcher.LoadAdvisory(AdvisoryStatements.FromOsv(Osv("osv", "ubuntu", "UBUNTU-CVE-2024-6387.json")));
        MatchAsset Host(string id, string version) => new(id, id, [new MatchComponent(["osv:Ubuntu:22.04/openssh", "cpe:a:openbsd:openssh"], "openssh", version, VersionSchemeKind.Deb)]);
        matcher.LoadAsset(Host("patched", "1:8.9p1-3ubuntu0.10"));
        matcher.LoadAsset(Host("unpatched", "1:8.9p1-3ubuntu0.7"));
        // Only NVD knows this one (no distro key): NVD decides.
        matcher.LoadAsset(new MatchAsset("upstream", "upstream", [new MatchComponent(["cpe:a:openbsd:openssh"], "openssh", "9.7", VersionSchemeKind.Generic)]));
        matcher.RematchAll();

        Assert.Empty(matcher.FindingsFor("patched"));
        var unpatched = Assert.Single(matcher.FindingsFor("unpatched"));
        Assert.Equal("Osv", unpatched.Evidence.Source);
        var upstream = Assert.Single(matcher.FindingsFor("upstream"));
        Assert.Equal("Nvd", upstream.Evidence.Source);
        Assert.Equal(FindingKind.Vulnerable, upstream.Kind);
    }

    [Theory]
    [InlineData("10.0.19045.4651", true)]
    [InlineData("10.0.19045.4779", true)]
    [InlineData("10.0.19045.4780", false)]
    [InlineData("10.0.19045.5011", false)]
    public void Cve_2024_38063_against_windows_10_22h2_builds(string build, bool vulnerable)
    {
        var cve = NvdReader.ReadCve(Fixtures.Bytes("nvd", "cve-2.0-records", "CVE-2024-38063.json"), "CVE-2024-38063.json", Fixtures.FetchedAt).Items.Single();
        var matcher = new Matcher();
        matcher.LoadAdvisory(AdvisoryStatements.FromNvd(cve));
        var os = InventoryComponents.FromOperatingSystem(Catalog, "windows", "Windows 10 Education", "Education", "22H2", build, null, null)!;
        matcher.LoadAsset(new MatchAsset("pc", "pc", [os]));
        matcher.RematchAll();

        var findings = matcher.FindingsFor("pc").Where(f => f.Subject == "CVE-2024-38063").ToList();
        Assert.Equal(vulnerable, findings.Count == 1);
        if (vulnerable)
        {
            Assert.Contains("10.0.19045.4780", findings[0].Evidence.Range, StringComparison.Ordinal);
            Assert.Equal(build, findings[0].Evidence.ComparedVersion);
            Assert.Equal(Priority.P1, findings[0].Priority); // CVSS 9.8
        }
    }

    [Fact]
    public void Red_hat_csaf_and_the_same_statement_as_osv_give_the_same_findings()
    {
        // RHSA-2024:3666 fixes tomcat 1:9.0.87-1.el8_10.1 (CVE-2024-23672 and others); Red Hat's OSV export states the
        // same fix as an ECOSYSTEM range on the source package.
        var csaf = CsafReader.Read(Fixtures.Bytes("csaf", "redhat-siemens", "rhsa-2024_3666.json"), "rhsa-2024_3666.json", Fixtures.FetchedAt).Items.Single();
        var fromCsaf = AdvisoryStatements.FromCsaf(csaf);
        var cves = fromCsaf.Info.VulnerabilityIds;
        var osvJson = $$"""
            {"schema_version":"1.6.0","id":"RHSA-2024:3666","modified":"2024-06-05T00:00:00Z","upstream":[{{string.Join(',', cves.Select(c => $"\"{c}\""))}}],
             "affected":[{"package":{"ecosystem":"Red Hat:enterprise_linux:8::appstream","name":"tomcat"},
                          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:9.0.87-1.el8_10.1"}]}]}]}
            """;
        var osv = OsvReader.Read(Fixtures.Utf8(osvJson), "RHSA-2024_3666.osv.json", Fixtures.FetchedAt).Items.Single();

        HashSet<string> Run(PreparedAdvisory advisory, string key, string version)
        {
            var m = new Matcher();
            m.LoadAdvisory(advisory);
            m.LoadAsset(new MatchAsset("a", "a", [new MatchComponent([key], "tomcat", version, VersionSchemeKind.Rpm)]));
            m.RematchAll();
            return [.. m.FindingsFor("a").Where(f => f.Kind == FindingKind.Vulnerable).Select(f => f.Subject)];
        }

        foreach (var version in new[] { "1:9.0.62-27.el8_9.3", "1:9.0.87-1.el8_10", "1:9.0.87-1.el8_10.1", "1:9.0.87-2.el8_10" })
        {
            var a = Run(fromCsaf, "purl:rpm/redhat/tomcat", version);
            var b = Run(AdvisoryStatements.FromOsv(osv), "osv:Red Hat:enterprise_linux:8::appstream/tomcat", version);
            Assert.Equal(b, a);
        }

        Assert.NotEmpty(Run(fromCsaf, "purl:rpm/redhat/tomcat", "1:9.0.62-27.el8_9.3"));
        Assert.Empty(Run(fromCsaf, "purl:rpm/redhat/tomcat", "1:9.0.87-1.el8_10.1"));
    }

    [Fact]
    public void Cisa_csaf_ranges_match_when_readable_and_are_text_only_otherwise_never_widened()
    {
        var statements = new List<Statement>();
        foreach (var file in Fixtures.Files(Path.Combine("csaf", "cisa")))
        {
            var read = CsafReader.Read(File.ReadAllBytes(file), Path.GetFileName(file), Fixtures.FetchedAt);
            statements.AddRange(read.Items.SelectMany(d => AdvisoryStatements.FromCsaf(d).Statements));
        }

        Assert.NotEmpty(statements);
        foreach (var s in statements.Where(s => s.Confidence == MatchConfidence.Low))
        {
            Assert.All(ProbeVersions, v => Assert.NotEqual(RangeVerdict.Inside, s.Slow(v).Verdict));
        }

        var edgAll = statements.Where(s => s.Identity == IdentityKeys.Name("TopQuadrant", "TopBraid EDG")).ToList();
        Assert.NotEmpty(edgAll);
        var edg = edgAll[0];
        var matcher = new Matcher();
        matcher.LoadAdvisory(new PreparedAdvisory(edg.Advisory, edgAll, new Dictionary<string, decimal>()));
        matcher.LoadAsset(new MatchAsset("old", "old", [new MatchComponent([edg.Identity], "TopBraid EDG", "8.0.0", VersionSchemeKind.Generic)]));
        matcher.LoadAsset(new MatchAsset("new", "new", [new MatchComponent([edg.Identity], "TopBraid EDG", "8.0.1", VersionSchemeKind.Generic)]));
        matcher.RematchAll();
        Assert.NotEmpty(matcher.FindingsFor("old"));
        Assert.All(matcher.FindingsFor("old"), f => Assert.Equal(FindingKind.Vulnerable, f.Kind));
        Assert.Empty(matcher.FindingsFor("new"));
    }

    [Fact]
    public void Text_only_range_is_reported_unverified_not_matched()
    {
        var doc = CsafReader.Read(Fixtures.Bytes("csaf", "cisa", "csaf_files", "IT", "white", "2024", "va-24-254-02.json"), "x", Fixtures.FetchedAt).Items.Single();
        var prepared = AdvisoryStatements.FromCsaf(doc);
        var s = prepared.Statements.First(x => x.Kind == StatementKind.Affected);
        var broken = CsafVersionRange.Parse("versions before the spring release", RangeSchemes.TryGet(VersionSchemeKind.Generic));
        var textOnly = new PreparedAdvisory(prepared.Info, [new Statement(prepared.Info, s.VulnerabilityId, s.Identity, StatementKind.Affected, MatchConfidence.Low, broken.Original, s.Scheme, broken.Contains)], new Dictionary<string, decimal>());
        var matcher = new Matcher();
        matcher.LoadAdvisory(textOnly);
        matcher.LoadAsset(new MatchAsset("a", "a", [new MatchComponent([s.Identity], "TopBraid EDG", "8.0.0", VersionSchemeKind.Generic)]));
        matcher.RematchAll();
        var finding = Assert.Single(matcher.FindingsFor("a"));
        Assert.Equal(FindingKind.Unverified, finding.Kind);
        Assert.Equal(MatchConfidence.Low, finding.Evidence.Confidence);
        Assert.True(finding.Priority >= Priority.P3);
    }

    [Theory]
    [InlineData("Windows 11 Pro", "10.0.22631.4460", "2026-03-01", FindingKind.EndOfSupport)]
    [InlineData("Windows 11 Education", "10.0.22631.4460", "2026-03-01", null)]
    [InlineData("Windows 11 Enterprise", "10.0.22631.4460", "2026-09-01", FindingKind.EndingSoon)]
    [InlineData("Windows 11 Education", "10.0.22631.4460", "2026-11-10", FindingKind.EndOfSupport)]
    [InlineData("Windows 10 Pro", "10.0.19045.4780", "2025-10-14", FindingKind.EndOfSupport)]
    [InlineData("Windows 10 Education", "10.0.19045.4780", "2025-10-13", FindingKind.EndingSoon)]
    public void Windows_end_of_support_depends_on_edition_with_a_fixed_clock(string name, string build, string today, FindingKind? expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(today + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var (product, _) = EndOfLifeReader.ReadProduct(Fixtures.Bytes("endoflife", "api_v1", "windows.json"), "windows.json", Fixtures.FetchedAt);
        var matcher = new Matcher(new MatcherOptions { Clock = clock });
        matcher.SetLifecycles([product!]);
        matcher.LoadAsset(new MatchAsset("pc", "pc", [InventoryComponents.FromOperatingSystem(Catalog, "windows", name, null, null, build, null, null)!]));
        matcher.RematchAll();

        var lifecycle = matcher.FindingsFor("pc").Where(f => f.Kind is FindingKind.EndOfSupport or FindingKind.EndingSoon).ToList();
        Assert.Equal(expected, lifecycle.SingleOrDefault()?.Kind);
    }

    [Fact]
    public void Behind_latest_patch_of_a_supported_cycle_and_chromebook_update_expiry()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero));
        var (product, _) = EndOfLifeReader.ReadProduct(Fixtures.Bytes("endoflife", "api_v1", "postgresql.json"), "postgresql.json", Fixtures.FetchedAt);
        var cycle17 = product!.Releases.Single(r => r.Name == "17");
        var matcher = new Matcher(new MatcherOptions { Clock = clock });
        matcher.SetLifecycles([product]);
        matcher.LoadAsset(new MatchAsset("db-old", "db-old", [new MatchComponent([], "PostgreSQL", "17.0", VersionSchemeKind.Generic, null, "postgresql", "17")]));
        matcher.LoadAsset(new MatchAsset("db-new", "db-new", [new MatchComponent([], "PostgreSQL", cycle17.Latest!.Name, VersionSchemeKind.Generic, null, "postgresql", "17")]));
        matcher.LoadAsset(new MatchAsset("cb-expired", "cb", [], new DateOnly(2025, 6, 1)));
        matcher.LoadAsset(new MatchAsset("cb-ok", "cb", [], new DateOnly(2029, 6, 1)));
        matcher.RematchAll();

        var behind = Assert.Single(matcher.FindingsFor("db-old"));
        Assert.Equal(FindingKind.BehindLatest, behind.Kind);
        Assert.Contains(cycle17.Latest.Name, behind.Evidence.Rule, StringComparison.Ordinal);
        Assert.Empty(matcher.FindingsFor("db-new"));
        Assert.Equal(FindingKind.UpdateExpired, Assert.Single(matcher.FindingsFor("cb-expired")).Kind);
        Assert.Empty(matcher.FindingsFor("cb-ok"));
    }
}
