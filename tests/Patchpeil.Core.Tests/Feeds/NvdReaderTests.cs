using System.Text;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Nvd;

namespace Patchpeil.Core.Tests.Feeds;

public class NvdReaderTests
{
    private static Task<NvdPage> Read(byte[] bytes, FeedReadOptions? options = null) =>
        NvdReader.ReadPageAsync(new MemoryStream(bytes), Fixtures.FetchedAt, options, TestContext.Current.CancellationToken);

    [Fact]
    public async Task EnvelopeAndAllRecordsAreRead()
    {
        var page = await Read(Fixtures.Bytes("nvd", "constructed-api-2.0-response.json"));

        Assert.Empty(page.Vulnerabilities.Quarantined);
        Assert.Equal(6, page.TotalResults);
        Assert.Equal(6, page.ResultsPerPage);
        Assert.Equal(0, page.StartIndex);
        Assert.Equal("NVD_CVE", page.Format);
        Assert.Equal(page.TotalResults, page.Vulnerabilities.Items.Count);
        Assert.Equal(new DateTimeOffset(2025, 10, 25, 0, 0, 0, TimeSpan.Zero), page.Timestamp);
    }

    [Fact]
    public async Task WindowsBoundsAndAndConfigurationsAreKeptVerbatim()
    {
        var page = await Read(Fixtures.Bytes("nvd", "constructed-api-2.0-response.json"));
        var windows = page.Vulnerabilities.Items.Single(c => c.Id == "CVE-2024-38063");
        var win10 = windows.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.CpeMatch)
            .Single(m => m.Criteria.StartsWith("cpe:2.3:o:microsoft:windows_10_22h2:", StringComparison.Ordinal));
        Assert.Equal("10.0.19045.4780", win10.VersionEndExcluding);
        Assert.True(win10.Vulnerable);

        var tplink = page.Vulnerabilities.Items.Single(c => c.Id == "CVE-2023-1389");
        var and = Assert.Single(tplink.Configurations, c => c.Operator == "AND");
        Assert.Contains(and.Nodes.SelectMany(n => n.CpeMatch), m => !m.Vulnerable && m.Criteria.Contains(":h:tp-link:archer_ax21:", StringComparison.Ordinal));
        Assert.NotNull(tplink.Kev);

        var chrome = page.Vulnerabilities.Items.Single(c => c.Id == "CVE-2024-0519");
        Assert.Equal(new DateOnly(2024, 1, 17), chrome.Kev!.ExploitAdd);

        var citrix = page.Vulnerabilities.Items.Single(c => c.Id == "CVE-2024-8068");
        Assert.Contains(citrix.Metrics, m => m is { Version: "4.0", BaseScore: 5.1m, Type: "Secondary", Source: "secure@citrix.com" });
        Assert.Contains(citrix.Metrics, m => m is { Version: "3.1", Type: "Primary" });
        Assert.Equal("CWE-269", citrix.Weaknesses[0].Description[0].Value);
        Assert.Equal(FeedSource.Nvd, citrix.Provenance.Source);
        Assert.Equal("CVE-2024-8068", citrix.Provenance.DocumentId);
    }

    [Fact]
    public async Task BareRecordsMatchThePage()
    {
        var page = await Read(Fixtures.Bytes("nvd", "constructed-api-2.0-response.json"));
        foreach (var file in Fixtures.Files("nvd/cve-2.0-records"))
        {
            var single = NvdReader.ReadCve(File.ReadAllBytes(file), file, Fixtures.FetchedAt);
            var record = Assert.Single(single.Items);
            var fromPage = page.Vulnerabilities.Items.Single(c => c.Id == record.Id);
            Assert.Equal(fromPage.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.CpeMatch), record.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.CpeMatch));
            Assert.Equal(fromPage.Metrics, record.Metrics);
        }
    }

    [Fact]
    public async Task RecordWithWrongTypesIsQuarantinedByIndexOthersKept()
    {
        var json = """
            {"resultsPerPage":3,"startIndex":0,"totalResults":3,"format":"NVD_CVE","version":"2.0","timestamp":"2025-01-01T00:00:00.000",
             "vulnerabilities":[
               {"cve":{"id":"CVE-2024-0001","lastModified":"2024-01-01T00:00:00.000"}},
               {"cve":{"id":"CVE-2024-0002","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[{"vulnerable":"yes","criteria":"cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"}]}]}]}},
               {"cve":{"id":"CVE-2024-0003"}}
             ]}
            """;
        var page = await Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["CVE-2024-0001", "CVE-2024-0003"], page.Vulnerabilities.Items.Select(c => c.Id));
        var q = Assert.Single(page.Vulnerabilities.Quarantined);
        Assert.Equal(1, q.Index);
        Assert.Contains(q.Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/vulnerabilities/1/cve/configurations/0/nodes/0/cpeMatch/0/vulnerable" });
    }

    [Fact]
    public async Task PageWithFewerRecordsThanStatedIsFlagged()
    {
        var page = await Read(Encoding.UTF8.GetBytes("""{"resultsPerPage":2,"totalResults":2,"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}}]}"""));

        Assert.Single(page.Vulnerabilities.Items);
        Assert.True(Assert.Single(page.Vulnerabilities.Quarantined).HasCode(FeedReasonCodes.Mismatch));
    }

    [Fact]
    public async Task TruncatedPageKeepsTheRecordsBeforeTheCut()
    {
        var bytes = Fixtures.Bytes("nvd", "constructed-api-2.0-response.json");
        var page = await Read(bytes[..(bytes.Length * 2 / 3)]);

        Assert.InRange(page.Vulnerabilities.Items.Count, 1, 5);
        Assert.Contains(page.Vulnerabilities.Quarantined, q => q.Index is null && q.HasCode(FeedReasonCodes.JsonTruncated));
    }

    [Fact]
    public async Task MalformedJsonReportsLineAndPosition()
    {
        var page = await Read(Encoding.UTF8.GetBytes("{\"totalResults\":1,\n\"vulnerabilities\":[\n{\"cve\":{\"id\":\"CVE-2024-0001\"}},\n{\"cve\": {\"id\" \"x\"}}]}"));

        Assert.Single(page.Vulnerabilities.Items);
        var reason = Assert.Single(page.Vulnerabilities.Quarantined).Reasons[0];
        Assert.Equal(FeedReasonCodes.JsonSyntax, reason.Code);
        Assert.Contains("line 4", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargePageStreamsInSmallWindows()
    {
        var record = Encoding.UTF8.GetString(Fixtures.Bytes("nvd", "cve-2.0-records", "CVE-2024-38063.json"));
        var sb = new StringBuilder("{\"resultsPerPage\":2000,\"startIndex\":0,\"totalResults\":2000,\"vulnerabilities\":[");
        for (var i = 0; i < 2000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("{\"cve\":").Append(record).Append('}');
        }

        sb.Append("],\"timestamp\":\"2025-01-01T00:00:00.000\"}");
        var page = await Read(Encoding.UTF8.GetBytes(sb.ToString()), new FeedReadOptions { MaxBytes = 200L * 1024 * 1024 });

        Assert.Equal(2000, page.Vulnerabilities.Items.Count);
        Assert.Empty(page.Vulnerabilities.Quarantined);
        Assert.NotNull(page.Timestamp);
    }
}
