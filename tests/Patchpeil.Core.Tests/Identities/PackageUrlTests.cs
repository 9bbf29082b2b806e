using Patchpeil.Core.Identities;

namespace Patchpeil.Core.Tests.Identities;

public class PackageUrlTests
{
    [Fact]
    public void UbuntuOsvDoubleQuestionMarkIsReadLeniently()
    {
        Assert.False(PackageUrl.TryParse("pkg:deb/ubuntu/openssh?arch=src?distro=jammy", out _, out _));
        Assert.True(PackageUrl.TryParse("pkg:deb/ubuntu/openssh?arch=src?distro=jammy", PurlParseMode.Lenient, out var purl, out _));
        Assert.Equal("openssh", purl!.Name);
        Assert.Equal("jammy", purl.Qualifiers["distro"]);
        Assert.Equal("pkg:deb/ubuntu/openssh?arch=src&distro=jammy", purl.ToString());
    }

    [Fact]
    public void RedHatRpmKeepsEpochAsQualifier()
    {
        var purl = PackageUrl.Parse("pkg:rpm/redhat/tomcat@9.0.87-1.el8_10.1?arch=noarch&epoch=1");
        Assert.Equal("9.0.87-1.el8_10.1", purl.Version);
        Assert.Equal("1", purl.Qualifiers["epoch"]);
    }

    [Fact]
    public void DebianVersionPlusIsEncoded()
    {
        Assert.True(PackageUrl.TryCreate("deb", "debian", "attr", "1:2.4.47-2+b1", [new("arch", "amd64")], null, out var purl, out _));
        Assert.Equal("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", purl!.ToString());
        Assert.Equal(purl, PackageUrl.Parse(purl.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("pkg:")]
    [InlineData("pkg:npm")]
    [InlineData("pkg:npm/")]
    [InlineData("pkg:npm/a%ZZ")]
    [InlineData("pkg:npm/a%C3")]
    [InlineData("pkg:npm/a\u0000b")]
    [InlineData("pkg:npm/a\nb")]
    [InlineData("pkg:npm/a?=x")]
    [InlineData("pkg:npm/a?k")]
    [InlineData("pkg:npm/a?k=1&k=2")]
    [InlineData("http://npm/a")]
    public void BadInputIsAnErrorNotAnException(string text)
    {
        Assert.False(PackageUrl.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void NullAndHugeInputAreErrors()
    {
        Assert.False(PackageUrl.TryParse(null, out _, out _));
        Assert.False(PackageUrl.TryParse("pkg:npm/" + new string('a', 2_000_000), out _, out var error));
        Assert.Contains("longer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ManySlashesAndQualifiersStayLinear()
    {
        var text = "pkg:generic/" + string.Join('/', Enumerable.Repeat("x", 20_000)) + "?" + string.Join('&', Enumerable.Range(0, 2000).Select(i => $"k{i}=v"));
        Assert.True(PackageUrl.TryParse(text, out var purl, out _));
        Assert.Equal(2000, purl!.Qualifiers.Count);
    }

    [Fact]
    public void BuildRejectsUnpairedSurrogatesInsteadOfReplacingThem()
    {
        // Not theory data: xunit's serialisation would replace the lone surrogate before the test sees it.
        Assert.False(PackageUrl.TryParse("pkg:npm/a\ud83dx", out _, out _));
        Assert.False(PackageUrl.TryParse("pkg:npm/a\ud83d", PurlParseMode.Lenient, out _, out _));
        Assert.False(PackageUrl.TryCreate("generic", null, "a\ud83d", null, null, null, out _, out var error));
        Assert.NotNull(error);
        Assert.True(PackageUrl.TryCreate("generic", null, "a\ud83d\ude00", null, null, null, out var purl, out _));
        Assert.Equal("pkg:generic/a%F0%9F%98%80", purl!.ToString());
    }

    [Fact]
    public void UnicodeNameRoundTrips()
    {
        Assert.True(PackageUrl.TryCreate("generic", null, "naïve café", "1.0", null, null, out var purl, out _));
        Assert.Equal("pkg:generic/na%C3%AFve%20caf%C3%A9@1.0", purl!.ToString());
        Assert.Equal("naïve café", PackageUrl.Parse(purl.ToString()).Name);
    }
}
