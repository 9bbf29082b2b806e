using System.Text;
using Patchpeil.Core.Inventory;

namespace Patchpeil.Core.Tests.Inventory;

public class SbomReaderTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "sbom");

    // Component counts and how many carry a purl (the metadata component included), counted in the files with a separate script.
    [Theory]
    [InlineData("cyclonedx/RHEL-8.10.0.Z_curl@7.61.1-34.el8_10.2.json", 53, 42)]
    [InlineData("cyclonedx/openssl-3.0.7-18.el9_2.cdx_1.6.sbom.json", 38, 38)]
    [InlineData("cyclonedx/rhel-9.2-eus.cdx.json", 3, 1)]
    [InlineData("cyclonedx/simple.json", 9, 8)]
    [InlineData("cyclonedx/simple_1dot6.json", 9, 8)]
    [InlineData("cyclonedx/simple_with_purl_dep_ref.json", 8, 7)]
    [InlineData("cyclonedx/zookeeper-3.9.2-cyclonedx.json", 41, 41)]
    [InlineData("spdx/openssl-3.0.7-18.el9_2.spdx.json", 38, 38)]
    [InlineData("spdx/rhel-9.2-eus.spdx.json", 2, 1)]
    [InlineData("spdx/simple.json", 8, 7)]
    [InlineData("spdx/ubi9-micro-container-9.4-6.1716471860_amd64.spdx.json", 22, 22)]
    public void RealSbomsAreRead(string file, int components, int withPurl)
    {
        var result = SbomReader.Read(File.ReadAllBytes(Path.Combine(Folder, file)), file);
        Assert.Empty(result.Quarantined);
        Assert.Equal(components, result.Items.Count);
        Assert.Equal(withPurl, result.Items.Count(c => c.Purl is not null));
    }

    [Fact]
    public void RedHatRpmComponentsKeepTheirPurl()
    {
        var result = SbomReader.Read(File.ReadAllBytes(Path.Combine(Folder, "spdx", "openssl-3.0.7-18.el9_2.spdx.json")), "openssl");
        Assert.Contains(result.Items, c => c.Purl is { } p && p.StartsWith("pkg:rpm/redhat/openssl", StringComparison.Ordinal) && p.Contains("3.0.7-18.el9_2", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidPurlIsQuarantinedAndTheRestKept()
    {
        var result = SbomReader.Read(File.ReadAllBytes(Path.Combine(Folder, "cyclonedx", "invalid-purl.json")), "invalid-purl.json");
        var bad = Assert.Single(result.Quarantined);
        Assert.Equal(0, bad.Index);
        Assert.Contains(bad.Reasons, r => r.Code == "purl" && r.Path == "/components/0/purl");
        Assert.Equal("simple", Assert.Single(result.Items).Name);
    }

    [Theory]
    [InlineData("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\",\"components\":[]}", "unsupported")]
    [InlineData("{\"spdxVersion\":\"SPDX-3.0\"}", "unsupported")]
    [InlineData("{\"hello\":1}", "format")]
    [InlineData("{\"bomFormat\":\"CycloneDX\",", "json")]
    [InlineData("[]", "format")]
    public void UnreadableDocumentsAreRefusedWithAReason(string json, string code)
    {
        var result = SbomReader.Read(Encoding.UTF8.GetBytes(json), "x.json");
        Assert.Empty(result.Items);
        Assert.Equal(code, Assert.Single(result.Quarantined).Reasons[0].Code);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        var json = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":" + string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000)) + "}";
        var result = SbomReader.Read(Encoding.UTF8.GetBytes(json), "deep.json");
        Assert.Equal("json", Assert.Single(result.Quarantined).Reasons[0].Code);
    }

    [Fact]
    public void ComponentWithoutNameIsQuarantined()
    {
        var result = SbomReader.Read(Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"version\":\"1\"},{\"name\":\"ok\",\"version\":\"2\",\"cpe\":\"cpe:2.3:a:acme:ok:2:*:*:*:*:*:*:*\"}]}"), "x");
        Assert.Equal("ok", Assert.Single(result.Items).Name);
        Assert.Equal("cpe:2.3:a:acme:ok:2:*:*:*:*:*:*:*", result.Items[0].Cpe);
        Assert.Equal("/components/0/name", Assert.Single(result.Quarantined).Reasons[0].Path);
    }
}
