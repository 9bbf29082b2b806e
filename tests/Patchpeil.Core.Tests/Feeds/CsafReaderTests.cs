using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;

namespace Patchpeil.Core.Tests.Feeds;

public class CsafReaderTests
{
    private static ParseResult<CsafDocument> Read(params string[] path) =>
        CsafReader.Read(Fixtures.Bytes(["csaf", .. path]), string.Join('/', path), Fixtures.FetchedAt);

    private static CsafDocument Document(params string[] path)
    {
        var result = Read(path);
        Assert.True(result.Quarantined.Count == 0, string.Join(" | ", result.Quarantined));
        return Assert.Single(result.Items);
    }

    public static TheoryData<string, int, int> RealDocuments() => new()
    {
        // file, products (incl. relationship products), vulnerabilities — counted from the files.
        { "cisa/csaf_files/IT/white/2024/va-24-201-01.json", 8, 3 },
        { "cisa/csaf_files/IT/white/2024/va-24-254-02.json", 3, 2 },
        { "cisa/csaf_files/OT/white/2017/icsa-17-010-01a.json", 2, 1 },
        { "cisa/csaf_files/OT/white/2019/icsa-19-211-01.json", 12, 11 },
        { "cisa/csaf_files/OT/white/2023/icsa-23-222-07.json", 154, 1 },
        { "cisa/csaf_files/OT/white/2024/icsa-24-235-03.json", 1391, 1 },
        { "redhat-siemens/rhsa-2024_3351.json", 407, 1 },
        { "redhat-siemens/rhsa-2024_3666.json", 19, 2 },
        { "redhat-siemens/RHBA-2024_1440.json", 30, 2 },
        { "redhat-siemens/ssa-054046.json", 138, 1 },
        { "oasis/csaf_2.0/examples/csaf/cisco-sa-20180328-smi2.json", 259, 1 },
        { "oasis/csaf_2.1/examples/csaf/rhsa-2022_0011.json", 25, 1 },
    };

    [Theory]
    [MemberData(nameof(RealDocuments))]
    public void RealDocumentCounts(string file, int products, int vulnerabilities)
    {
        var doc = Document(file.Split('/'));

        Assert.Equal(products, doc.Products.Count);
        Assert.Equal(vulnerabilities, doc.Vulnerabilities.Count);
        Assert.Equal(FeedSource.Csaf, doc.Provenance.Source);
        Assert.Equal(doc.Header.Tracking.Id, doc.Provenance.DocumentId);
        Assert.Equal(doc.Header.Tracking.Version, doc.Provenance.Revision);
    }

    [Fact]
    public void EveryCisaOasisAndVendorDocumentIsRead()
    {
        var files = Fixtures.Files("csaf").Select(f => Path.GetRelativePath(Fixtures.PathOf("csaf"), f))
            .Where(f => (f.StartsWith("cisa/", StringComparison.Ordinal) && f.Contains("/20", StringComparison.Ordinal))
                || f.StartsWith("redhat-siemens/", StringComparison.Ordinal) || f.Contains("/examples/csaf/", StringComparison.Ordinal))
            .ToList();
        var results = files.ToDictionary(f => f, f => Read(f.Split('/')), StringComparer.Ordinal);

        Assert.Equal(29 + 8 + 19 + 23, files.Count);
        var quarantined = results.Where(r => r.Value.Quarantined.Count > 0).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        // Two real Red Hat VEX files state version 1 while their revision history ends at 2 (mandatory test 6.1.16).
        Assert.Equal(["redhat-siemens/CVE-2023-20862.json", "redhat-siemens/cve-2023-0044.json"], quarantined);
        Assert.All(quarantined, f => Assert.True(results[f].Quarantined[0].HasCode("6.1.16")));
    }

    [Fact]
    public void ToleratedTestIdLetsADocumentThroughWithTheFindingKept()
    {
        var result = CsafReader.Read(Fixtures.Bytes("csaf", "redhat-siemens", "cve-2023-0044.json"), "rh", Fixtures.FetchedAt, tolerated: new HashSet<string>(StringComparer.Ordinal) { "6.1.16" });

        var doc = Assert.Single(result.Items);
        Assert.Equal("6.1.16", Assert.Single(doc.ToleratedFindings).Code);

        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "redhat-siemens", "cve-2023-0044.json"))!;
        node["document"]!["tracking"]!["status"] = "published";
        var schemaBroken = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "rh", Fixtures.FetchedAt, tolerated: new HashSet<string>(StringComparer.Ordinal) { "6.1.16", FeedReasonCodes.Schema });
        Assert.Empty(schemaBroken.Items);
    }

    [Fact]
    public void RedHatRelationshipResolvesToComponentAndPlatform()
    {
        var doc = Document("redhat-siemens", "rhsa-2024_3666.json");
        var vulnerability = doc.Vulnerabilities.Single(v => v.Cve == "CVE-2024-23672");
        const string id = "AppStream-8.10.0.Z.MAIN.EUS:tomcat-1:9.0.87-1.el8_10.1.noarch";

        Assert.Contains(id, vulnerability.ProductStatus.Fixed);
        Assert.Equal(9, vulnerability.ProductStatus.Fixed.Count);
        var product = doc.Products[id];
        Assert.Equal(CsafProductOrigin.Relationship, product.Origin);
        Assert.Equal("default_component_of", product.Relationship!.Category);
        Assert.Equal("pkg:rpm/redhat/tomcat@9.0.87-1.el8_10.1?arch=noarch&epoch=1", doc.ComponentOf(id)!.Helper!.Purl);
        Assert.StartsWith("cpe:/a:redhat:", doc.PlatformOf(id)!.Helper!.Cpe, StringComparison.Ordinal);
        Assert.Equal("Red Hat", doc.ComponentOf(id)!.Vendor);

        var fix = vulnerability.Remediations.Single(r => r.Category == "vendor_fix");
        Assert.Equal("https://access.redhat.com/errata/RHSA-2024:3666", fix.Url);
        Assert.Contains(id, fix.ResolvedProductIds);
        Assert.Equal("Important", doc.Header.AggregateSeverity!.Text);
        Assert.Equal("WHITE", doc.Header.TlpLabel);
        Assert.Contains(vulnerability.Threats, t => t is { Category: "impact", Details: "Important" });
    }

    [Fact]
    public void CisaVersionRangeTextIsKeptVerbatim()
    {
        var doc = Document("cisa", "csaf_files", "OT", "white", "2017", "icsa-17-010-01a.json");

        var coresight = doc.Products["CSAFPID-0002"];
        Assert.Equal("< 2016 R2", coresight.VersionRange);
        Assert.Equal("OSIsoft LLC", coresight.Vendor);
        Assert.Equal("PI Coresight", coresight.ProductName);
        Assert.Null(coresight.Version);
        Assert.Equal("2016 R2 (when deployed using the PI AF Services 2016 R2 integrated install kit)", doc.Products["CSAFPID-0001"].Version);
        var v = Assert.Single(doc.Vulnerabilities);
        Assert.Equal(["CSAFPID-0001", "CSAFPID-0002"], v.ProductStatus.KnownAffected);
        Assert.Equal(["vendor_fix", "mitigation"], v.Remediations.Select(r => r.Category));
        var score = Assert.Single(v.Scores);
        Assert.Equal(new CvssScore("3.0", "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:H", 6.1m, "MEDIUM"), score.CvssV3);
        Assert.Equal("final", doc.Header.Tracking.Status);
        Assert.Equal(2, doc.Header.Tracking.RevisionHistory.Count);
        Assert.Equal("vers:all/<V2.9.7", Document("cisa", "csaf_files", "OT", "white", "2023", "icsa-23-222-07.json").Products["1"].VersionRange);
        Assert.Equal("0 < 8.0.1", Document("cisa", "csaf_files", "IT", "white", "2024", "va-24-254-02.json").Products["CSAFPID-0002"].VersionRange);
    }

    [Fact]
    public void LeadingSpaceInARangeSurvives()
    {
        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "cisa", "csaf_files", "OT", "white", "2017", "icsa-17-010-01a.json"))!;
        node["product_tree"]!["branches"]![0]!["branches"]![1]!["branches"]![0]!["name"] = " <1.000.0000.18.20190409";
        var result = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "x", Fixtures.FetchedAt);

        Assert.Equal(" <1.000.0000.18.20190409", Assert.Single(result.Items).Products["CSAFPID-0002"].VersionRange);
    }

    [Fact]
    public void SiemensModelNumbersAreKept()
    {
        var doc = Document("redhat-siemens", "ssa-054046.json");

        Assert.Equal(124, doc.Products.Values.Sum(p => p.Helper?.ModelNumbers.Count ?? 0));
    }

    [Fact]
    public void VexFlagsAndGroupsResolve()
    {
        var doc = Document("oasis", "csaf_2.0", "examples", "csaf", "csaf_vex", "2022-evd-uc-05-001.json");

        Assert.Equal("csaf_vex", doc.Header.Category);
        var v = Assert.Single(doc.Vulnerabilities);
        Assert.All(v.Flags, f => Assert.NotEmpty(f.ResolvedProductIds));
    }

    [Fact]
    public void Csaf21MetricsAndProductPathsAreRead()
    {
        var doc = Document("oasis", "csaf_2.1", "examples", "csaf", "rhsa-2022_0011.json");

        Assert.Equal("2.1", doc.Header.CsafVersion);
        const string id = "7Server-7.6.AUS:telnet-1:0.17-65.el7_6.src";
        Assert.Equal("telnet-1:0.17-65.el7_6.src", doc.Products[id].Relationship!.ProductReference);
        Assert.Equal("7Server-7.6.AUS", doc.PlatformOf(id)!.ProductId);
        Assert.NotEmpty(doc.Vulnerabilities[0].Cwes);

        var cisco = Document("oasis", "csaf_2.1", "examples", "csaf", "cisco-sa-20180328-smi2.json");
        Assert.Contains(cisco.Vulnerabilities[0].Scores, s => s.CvssV3 is { Version: "3.0" } && s.Products.Count > 0);
    }

    [Fact]
    public void ContradictingStatusIsQuarantinedNotThrown()
    {
        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "cisa", "csaf_files", "OT", "white", "2017", "icsa-17-010-01a.json"))!;
        node["vulnerabilities"]![0]!["product_status"]!["known_not_affected"] = new JsonArray("CSAFPID-0001");
        node["vulnerabilities"]![0]!["product_status"]!["fixed"] = new JsonArray("CSAFPID-0404");
        var result = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "x", Fixtures.FetchedAt);

        Assert.Empty(result.Items);
        var q = Assert.Single(result.Quarantined);
        Assert.Equal("ICSA-17-010-01A", q.Location);
        Assert.Contains(q.Reasons, r => r is { Code: "6.1.6", Path: "/vulnerabilities/0/product_status/known_not_affected/0" });
        Assert.Contains(q.Reasons, r => r is { Code: "6.1.1", Path: "/vulnerabilities/0/product_status/fixed/0" });
    }

    [Fact]
    public void SchemaViolationNamesThePath()
    {
        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "cisa", "csaf_files", "OT", "white", "2017", "icsa-17-010-01a.json"))!;
        node["document"]!["tracking"]!["status"] = "published";
        var result = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "x", Fixtures.FetchedAt);

        Assert.Contains(Assert.Single(result.Quarantined).Reasons, r => r is { Code: FeedReasonCodes.Schema, Path: "/document/tracking/status" });
    }

    [Theory]
    [InlineData("/document/tracking/status", "published")]
    [InlineData("/document/tracking/current_release_date", "last tuesday")]
    public void Csaf21SchemaIsEnforced(string jsonPath, string value)
    {
        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "oasis", "csaf_2.1", "examples", "csaf", "bsi-2022-0001.json"))!;
        var parts = jsonPath.Trim('/').Split('/');
        var parent = parts[..^1].Aggregate(node, (n, p) => n[p]!);
        parent[parts[^1]] = value;
        var result = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "x", Fixtures.FetchedAt);

        Assert.Contains(Assert.Single(result.Quarantined).Reasons, r => r.Code == FeedReasonCodes.Schema && r.Path == jsonPath);
    }

    [Fact]
    public void Cvss3BaseScoreMatchesEveryCisaScore()
    {
        foreach (var file in Fixtures.Files("csaf/cisa"))
        {
            var result = CsafReader.Read(File.ReadAllBytes(file), file, Fixtures.FetchedAt);
            Assert.DoesNotContain(result.Quarantined.SelectMany(q => q.Reasons), r => r.Code == "6.1.9");
        }
    }
}
