using System.Text;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Osv;

namespace Patchpeil.Core.Tests.Feeds;

public class OsvReaderTests
{
    private static readonly string[] Broken = ["nointroduced-CVE-2023-41045.json"];

    public static TheoryData<string> RealRecords()
    {
        var data = new TheoryData<string>();
        foreach (var file in Fixtures.Files("osv").Where(f => !f.Contains("redhat/testdata/CSAF", StringComparison.Ordinal) && !Broken.Contains(Path.GetFileName(f))))
        {
            data.Add(Path.GetRelativePath(Fixtures.PathOf("osv"), file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealRecords))]
    public void EveryRealRecordParsesAndPassesTheSchema(string file)
    {
        if (file.EndsWith("schema.json", StringComparison.Ordinal) || file.EndsWith("ecosystems.json", StringComparison.Ordinal))
        {
            return;
        }

        var result = OsvReader.Read(Fixtures.Bytes("osv", file), file, Fixtures.FetchedAt);

        Assert.True(result.Quarantined.Count == 0, string.Join(" | ", result.Quarantined));
        var record = Assert.Single(result.Items);
        Assert.Equal(FeedSource.Osv, record.Provenance.Source);
        Assert.Equal(record.Id, record.Provenance.DocumentId);
    }

    [Fact]
    public void RealRecordCount()
    {
        var files = Fixtures.Files("osv").Where(f => f.Contains("/trustify/", StringComparison.Ordinal) || f.Contains("/ubuntu/", StringComparison.Ordinal)
            || f.Contains("/osv-linter/", StringComparison.Ordinal) || f.Contains("/redhat/testdata/OSV/", StringComparison.Ordinal)).Where(f => f.EndsWith(".json", StringComparison.Ordinal)).ToList();
        var parsed = files.Select(f => OsvReader.Read(File.ReadAllBytes(f), f, Fixtures.FetchedAt)).ToList();

        Assert.Equal(32, files.Count);
        Assert.Equal(31, parsed.Sum(p => p.Items.Count));
        Assert.Equal(1, parsed.Sum(p => p.Quarantined.Count));
    }

    [Fact]
    public void UbuntuRecordKeepsEcosystemRawAndSplit()
    {
        var record = OsvReader.Read(Fixtures.Bytes("osv", "ubuntu", "UBUNTU-CVE-2024-6387.json"), "u", Fixtures.FetchedAt).Items.Single();
        var affected = record.Affected[0];

        Assert.Equal("Ubuntu:22.04:LTS", affected.Package!.Ecosystem);
        Assert.Equal("Ubuntu", affected.Package.EcosystemName);
        Assert.Equal("22.04:LTS", affected.Package.EcosystemRelease);
        Assert.Equal("pkg:deb/ubuntu/openssh?arch=src?distro=jammy", affected.Package.Purl);
        var range = Assert.Single(affected.Ranges);
        Assert.Equal("ECOSYSTEM", range.Type);
        Assert.Equal([new OsvEvent(OsvEventKind.Introduced, "0"), new OsvEvent(OsvEventKind.Fixed, "1:8.9p1-3ubuntu0.10")], range.Events);
        Assert.Contains("openssh-server", affected.EcosystemSpecificJson, StringComparison.Ordinal);
        Assert.Equal("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", record.Severity[0].Score);
        Assert.Equal(["CVE-2024-6387", "USN-6859-1"], record.Related);
    }

    [Fact]
    public void EcosystemSplit()
    {
        Assert.Equal(("Debian", "12"), OsvPackage.Split("Debian:12"));
        Assert.Equal(("NuGet", null), OsvPackage.Split("NuGet"));
        Assert.Equal(("Alpine", "v3.18"), OsvPackage.Split("Alpine:v3.18"));
    }

    [Fact]
    public void RangeWithoutIntroducedIsQuarantined()
    {
        var result = OsvReader.Read(Fixtures.Bytes("osv", "osv-schema", "tools", "osv-linter", "testdata", "nointroduced-CVE-2023-41045.json"), "x", Fixtures.FetchedAt);

        Assert.Empty(result.Items);
        Assert.Contains(result.Quarantined[0].Reasons, r => r.Path == "/affected/0/ranges/0/events");
    }

    [Fact]
    public void ArrayOfRecordsQuarantinesOnlyTheBrokenOne()
    {
        var good = Encoding.UTF8.GetString(Fixtures.Bytes("osv", "trustify", "GHSA-2ccf-ffrj-m4qw.json"));
        var json = $$"""[{{good}}, {"id":"X-1","modified":"yesterday"}, {"id":42,"modified":"2024-01-01T00:00:00Z"}, {{good}}]""";
        var result = OsvReader.Read(Encoding.UTF8.GetBytes(json), "batch", Fixtures.FetchedAt);

        Assert.Equal(2, result.Items.Count);
        Assert.Equal([1, 2], result.Quarantined.Select(q => q.Index!.Value));
        Assert.Contains(result.Quarantined[0].Reasons, r => r is { Code: FeedReasonCodes.InvalidValue, Path: "/1/modified" });
        Assert.Contains(result.Quarantined[1].Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/2/id" });
    }

    [Fact]
    public void SchemaViolationIsReported()
    {
        var json = """{"id":"X-1","modified":"2024-01-01T00:00:00Z","severity":[{"type":"CVSS_V9","score":"x"}]}""";
        var result = OsvReader.Read(Encoding.UTF8.GetBytes(json), "x", Fixtures.FetchedAt);

        Assert.Contains(result.Quarantined.Single().Reasons, r => r.Code == FeedReasonCodes.Schema);
    }
}
