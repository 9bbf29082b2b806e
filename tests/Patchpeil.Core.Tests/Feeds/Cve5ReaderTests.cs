using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Cve5;

namespace Patchpeil.Core.Tests.Feeds;

public class Cve5ReaderTests
{
    private static Cve5Record Read(string file) =>
        Assert.Single(Cve5Reader.Read(Fixtures.Bytes("cve5", file), file, Fixtures.FetchedAt).Items);

    [Fact]
    public void AllThirteenRecordsParse()
    {
        var files = Fixtures.Files("cve5").ToList();
        var results = files.Select(f => Cve5Reader.Read(File.ReadAllBytes(f), f, Fixtures.FetchedAt)).ToList();

        Assert.Equal(13, files.Count);
        Assert.All(results, r => Assert.True(r.Quarantined.Count == 0, string.Join(" | ", r.Quarantined)));
        Assert.Equal(13, results.Sum(r => r.Items.Count));
    }

    [Fact]
    public void CnaRangeWithLessThanIsKept()
    {
        var record = Read("CVE-2024-26308.json");
        var affected = Assert.Single(record.Cna!.Affected);

        Assert.Equal("https://repo.maven.apache.org/maven2/", affected.CollectionUrl);
        Assert.Equal("org.apache.commons:commons-compress", affected.PackageName);
        Assert.Equal("unaffected", affected.DefaultStatus);
        Assert.Equal(new Cve5Version("1.21", "affected", "semver", "1.26.0", null, []), affected.Versions[0] with { Changes = [] });
        Assert.Equal("CVE-2024-26308", record.Provenance.DocumentId);
        Assert.Equal(FeedSource.Cve5, record.Provenance.Source);
    }

    [Fact]
    public void CisaAdpKevAndSsvcHintsAreRead()
    {
        var record = Read("CVE-2023-44487.json");
        var cisa = record.Adp.Single(a => a.ProviderShortName == "CISA-ADP");

        Assert.Equal(new DateOnly(2023, 10, 10), cisa.Kev!.DateAdded);
        Assert.Equal("active", cisa.Ssvc!.Exploitation);
        Assert.Equal("yes", cisa.Ssvc.Automatable);
        Assert.Equal("partial", cisa.Ssvc.TechnicalImpact);
        Assert.Contains(cisa.Cvss, c => c is { Version: "3.1", BaseScore: 7.5m });
        Assert.Equal(["cpe:2.3:a:ietf:http:2.0:*:*:*:*:*:*:*"], cisa.Affected[0].Cpes);
        Assert.Equal("CWE-400", cisa.ProblemTypes[0].CweId);
    }

    [Fact]
    public void TextualSeverityIsKeptAsOtherMetric()
    {
        var record = Read("CVE-2024-26308.json");

        Assert.Contains(record.Cna!.OtherMetrics, m => m.Type == "Textual description of severity" && m.ContentJson.Contains("moderate", StringComparison.Ordinal));
    }

    [Fact]
    public void WrongTypeInAffectedIsQuarantined()
    {
        var json = """{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED"},"containers":{"cna":{"affected":[{"vendor":"a","product":"b","versions":[{"version":1,"status":"affected"}]}]}}}""";
        var result = Cve5Reader.Read(Fixtures.Utf8(json), "x", Fixtures.FetchedAt);

        Assert.Empty(result.Items);
        Assert.Contains(result.Quarantined[0].Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/containers/cna/affected/0/versions/0/version" });
        Assert.Equal("CVE-2024-0001", result.Quarantined[0].Location);
    }
}
