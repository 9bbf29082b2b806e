using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Kev;

namespace Patchpeil.Core.Tests.Feeds;

public class KevReaderTests
{
    [Fact]
    public async Task JsonCatalogHas1404Entries()
    {
        await using var s = Fixtures.Open("kev", "known_exploited_vulnerabilities.json");
        var catalog = await KevReader.ReadJsonAsync(s, Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(catalog.Entries.Quarantined);
        Assert.Equal(1404, catalog.Entries.Items.Count);
        Assert.Equal(1404, catalog.StatedCount);
        Assert.Equal("2025.08.25", catalog.CatalogVersion);
        Assert.Equal(293, catalog.Entries.Items.Count(e => e.KnownRansomwareUse));
        var git = catalog.Entries.Items[0];
        Assert.Equal("CVE-2025-48384", git.CveId);
        Assert.Equal(new DateOnly(2025, 9, 15), git.DueDate);
        Assert.Equal(FeedSource.Kev, git.Provenance.Source);
        Assert.Equal("2025.08.25", git.Provenance.Revision);
        Assert.Equal("CVE-2025-48384", git.Provenance.RecordKey);
        Assert.Equal(64, git.Provenance.ContentSha256.Length);
        Assert.Equal(Fixtures.FetchedAt, git.Provenance.FetchedAt);
    }

    [Fact]
    public async Task CsvAndJsonAgreeOnEveryEntry()
    {
        var json = KevReader.ReadJson(Fixtures.Bytes("kev", "known_exploited_vulnerabilities.json"), Fixtures.FetchedAt);
        await using var s = Fixtures.Open("kev", "known_exploited_vulnerabilities.csv");
        var csv = await KevReader.ReadCsvAsync(s, Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(csv.Entries.Quarantined);
        Assert.Equal(1404, csv.Entries.Items.Count);
        for (var i = 0; i < 1404; i++)
        {
            var a = json.Entries.Items[i];
            var b = csv.Entries.Items[i];
            Assert.Equal(a.CveId, b.CveId);
            Assert.Equal(a.VendorProject, b.VendorProject);
            Assert.Equal(a.Product, b.Product);
            Assert.Equal(a.VulnerabilityName, b.VulnerabilityName);
            Assert.Equal(a.DateAdded, b.DateAdded);
            Assert.Equal(a.ShortDescription, b.ShortDescription);
            Assert.Equal(a.RequiredAction, b.RequiredAction);
            Assert.Equal(a.DueDate, b.DueDate);
            Assert.Equal(a.KnownRansomwareCampaignUse, b.KnownRansomwareCampaignUse);
            Assert.Equal(a.Notes, b.Notes);
            Assert.Equal(a.Cwes, b.Cwes);
        }
    }

    [Fact]
    public void CsvQuotingWithCommasQuotesAndNewlines()
    {
        var csv = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\r\n"
            + "CVE-2024-0001,\"Acme, Inc.\",Widget,\"The \"\"big\"\" one\",2024-01-02,\"line one\nline two, still\",Patch,2024-01-23,Known,,\"CWE-59, CWE-436\"\r\n"
            + "CVE-2024-0002,Acme,Widget,X,2024-13-45,d,a,,Unknown,,\r\n"
            + "CVE-2024-0003,Acme,Widget,X,2024-01-02,d\r\n";
        var result = KevReader.ReadCsv(Fixtures.Utf8(csv), Fixtures.FetchedAt).Entries;

        var entry = Assert.Single(result.Items);
        Assert.Equal("Acme, Inc.", entry.VendorProject);
        Assert.Equal("The \"big\" one", entry.VulnerabilityName);
        Assert.Equal("line one\nline two, still", entry.ShortDescription);
        Assert.Equal(["CWE-59", "CWE-436"], entry.Cwes);
        Assert.True(entry.KnownRansomwareUse);
        Assert.Equal(2, result.Quarantined.Count);
        Assert.Equal(1, result.Quarantined[0].Index);
        Assert.True(result.Quarantined[0].HasCode(FeedReasonCodes.InvalidValue));
        Assert.Equal(2, result.Quarantined[1].Index);
        Assert.Contains("line 5", result.Quarantined[1].Reasons[0].Path, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenEntryIsQuarantinedOthersKept()
    {
        var json = """
            {"catalogVersion":"1","count":3,"vulnerabilities":[
              {"cveID":"CVE-2024-0001","vendorProject":"A","product":"B","dateAdded":"2024-01-01","cwes":[]},
              {"cveID":42,"vendorProject":"A","product":"B","dateAdded":"2024-01-01"},
              {"cveID":"CVE-2024-0003","vendorProject":"A","product":"B","dateAdded":"2024-01-01","cwes":"CWE-1"}
            ]}
            """;
        var result = KevReader.ReadJson(Fixtures.Utf8(json), Fixtures.FetchedAt).Entries;

        Assert.Single(result.Items);
        Assert.Equal([1, 2], result.Quarantined.Select(q => q.Index!.Value));
        Assert.Contains(result.Quarantined[0].Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/vulnerabilities/1/cveID" });
        Assert.Contains(result.Quarantined[1].Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/vulnerabilities/2/cwes" });
    }

    [Fact]
    public void StatedCountDifferentFromListIsReported()
    {
        var json = """{"count":2,"vulnerabilities":[{"cveID":"CVE-2024-0001","vendorProject":"A","product":"B","dateAdded":"2024-01-01"}]}""";
        var result = KevReader.ReadJson(Fixtures.Utf8(json), Fixtures.FetchedAt).Entries;

        Assert.Single(result.Items);
        Assert.True(Assert.Single(result.Quarantined).HasCode(FeedReasonCodes.Mismatch));
    }
}
