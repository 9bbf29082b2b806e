using Patchpeil.Core.Cvss;

namespace Patchpeil.Core.Tests.Cvss;

public class CvssParsingTests
{
    private const string V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    private const string V40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    private const string V20 = "AV:N/AC:L/Au:N/C:P/I:P/A:P";

    [Theory]
    [InlineData(V20, CvssVersion.Cvss20)]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CvssVersion.Cvss30)]
    [InlineData(V31, CvssVersion.Cvss31)]
    [InlineData(V40, CvssVersion.Cvss40)]
    public void RecognisesEachVersion(string text, CvssVersion version)
    {
        Assert.True(CvssVector.TryParse(text, out var vector, out var error), error);
        Assert.Equal(version, vector.Version);
        Assert.Equal(text, vector.ToString());
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData("", "empty")]
    [InlineData(" ", "U+0020")]
    [InlineData("\t", "U+0009")]
    [InlineData(" " + V31, "U+0020 at position 0")]
    [InlineData(V31 + "\n", "U+000A")]
    [InlineData(V31 + "\0", "U+0000")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:\u001bH", "U+001B")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Ĥ", "U+0124")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", "Duplicate metric 'AV'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", "Duplicate metric 'E'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:N", "Duplicate metric 'SA'")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P/AV:N", "Duplicate metric 'AV'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "Unknown metric 'XX'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "Unknown metric 'AT' for CVSS 3.1")]
    [InlineData("CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Unknown metric 'av'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "Missing mandatory base metric 'A'")]
    [InlineData("CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Missing mandatory base metric 'AV'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "Missing mandatory base metric 'SA'")]
    [InlineData("AV:N/AC:L/C:P/I:P/A:P", "Missing mandatory base metric 'Au'")]
    [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Invalid value 'Q' for metric 'AV'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:", "Invalid value '' for metric 'E'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:ND", "Invalid value 'ND' for metric 'E'")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "Invalid value 'X' for metric 'E'")]
    [InlineData("CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Invalid value 'N:N' for metric 'AV'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "Invalid value 'S' for metric 'SI'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S", "Invalid value 'S' for metric 'MSC'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear", "Invalid value 'clear' for metric 'U'")]
    [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "Metric 'AV' (Attack Vector) is out of order")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N", "Metric 'VI' (Vulnerable System Integrity) is out of order")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", "Metric 'E' (Exploit Maturity) is out of order")]
    [InlineData("AV:N/CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "prefix must come first")]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "must start with 'CVSS:3.0/' or 'CVSS:3.1/'")]
    [InlineData("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Unsupported CVSS version '3.2'")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "Unsupported CVSS version '2.0'")]
    [InlineData("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Unknown metric 'cvss'")]
    [InlineData("CVSS:3.1", "no metrics")]
    [InlineData("CVSS:3.1/", "no metrics")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "Empty metric at position 9")]
    [InlineData("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Empty metric at position 2")]
    [InlineData("/", "Empty metric at position 1")]
    [InlineData("AV", "Metric 'AV' has no value")]
    [InlineData(":N", "has no name")]
    [InlineData("garbage", "Metric 'garbage' has no value")]
    [InlineData("{\"vectorString\":1}", "Unknown metric")]
    public void RejectsInvalidInputWithAnErrorNamingTheProblem(string? text, string expectedError)
    {
        Assert.False(CvssVector.TryParse(text, out var vector, out var error));
        Assert.Null(vector);
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsHugeInputWithoutScanningIt()
    {
        var huge = V31 + "/" + string.Concat(Enumerable.Repeat("E:X/", 250_000));
        Assert.False(CvssVector.TryParse(huge, out _, out var error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LongGarbageTokensAreShortenedInErrors()
    {
        var token = new string('Z', 400);
        Assert.False(CvssVector.TryParse(V31 + "/" + token + ":1", out _, out var error));
        Assert.True(error.Length < 120, error);
        Assert.Contains("Unknown metric 'ZZZZ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseThrowsFormatExceptionWithTheSameMessage()
    {
        var exception = Assert.Throws<FormatException>(() => CvssVector.Parse("CVSS:3.1/AV:N"));
        Assert.Contains("Missing mandatory base metric 'AC'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V3MetricsMayComeInAnyOrderAfterThePrefix()
    {
        var shuffled = CvssVector.Parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N");
        Assert.Equal(CvssVector.Parse(V31), shuffled);
        Assert.Equal(V31, shuffled.ToString());
        Assert.Equal(9.8m, shuffled.BaseScore);
    }

    [Fact]
    public void V2MetricsMayComeInAnyOrder()
    {
        var shuffled = CvssVector.Parse("A:P/I:P/C:P/Au:N/AC:L/AV:N");
        Assert.Equal(V20, shuffled.ToString());
    }

    [Fact]
    public void NotDefinedMetricsAreDroppedFromTheCanonicalForm()
    {
        // NVD writes every v4 metric, X included (CVE-2024-8068); the canonical form leaves them out.
        const string nvd = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X";
        var vector = CvssVector.Parse(nvd);
        Assert.Equal(V40, vector.ToString());
        Assert.Equal(CvssVector.Parse(V40), vector);
        Assert.Equal(CvssVector.Parse(V40).GetHashCode(), vector.GetHashCode());
        Assert.Equal("CVSS-B", vector.Nomenclature);

        Assert.Equal(V20, CvssVector.Parse(V20 + "/E:ND/RL:ND/RC:ND/CDP:ND/TD:ND/CR:ND/IR:ND/AR:ND").ToString());
        Assert.Equal(V31, CvssVector.Parse(V31 + "/E:X/RL:X/RC:X/CR:X/MAV:X/MS:X").ToString());
    }

    [Fact]
    public void SameMetricsInDifferentVersionsAreDifferentVectors()
    {
        var v30 = CvssVector.Parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        var v31 = CvssVector.Parse(V31);
        Assert.NotEqual(v30, v31);
        Assert.False(v30 == v31);
        Assert.True(v30 != v31);
    }

    [Fact]
    public void ExposesDefinedMetricsInSpecificationOrder()
    {
        var vector = CvssVector.Parse("CVSS:3.1/E:P/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:X");
        Assert.Equal("P", vector.GetMetric("E"));
        Assert.Null(vector.GetMetric("RL"));
        Assert.Null(vector.GetMetric("NOPE"));
        Assert.Equal(["AV", "AC", "PR", "UI", "S", "C", "I", "A", "E"], vector.Metrics.Select(m => m.Key));
    }

    [Fact]
    public void SupplementalMetricsKeepTheirMixedCaseValues()
    {
        var vector = CvssVector.Parse(V40 + "/S:P/AU:Y/R:I/V:C/RE:H/U:Amber");
        Assert.Equal("Amber", vector.GetMetric("U"));
        Assert.Equal(V40 + "/S:P/AU:Y/R:I/V:C/RE:H/U:Amber", vector.ToString());
        Assert.Equal(CvssVector.Parse(V40).Score, vector.Score);
    }
}
