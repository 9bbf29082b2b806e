using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

public class RangeCommandsTests
{
    private static readonly VersionScheme Deb = VersionSchemes.Get(VersionSchemeKind.Deb);

    [Fact]
    public void WritesOneAnswerPerVersion()
    {
        var (code, output, error) = Run(Deb, "vers:deb/>=1:8.9p1-3|<1:8.9p1-3ubuntu0.10", "1:8.9p1-3ubuntu0.6\n1:8.9p1-3ubuntu0.10\n1:8.9p1-2\n");
        Assert.Equal(0, code);
        Assert.Equal("true\nfalse\nfalse\n", output);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void AcceptsVlsAndReportsRepairs()
    {
        var (code, output, error) = Run(VersionSchemes.Get(VersionSchemeKind.Generic), "vers:all/>=V7.80<V9.40", "8.0\n9.40\r\n");
        Assert.Equal(0, code);
        Assert.Equal("true\nfalse\n", output);
        Assert.StartsWith("range: read", error, StringComparison.Ordinal);
    }

    [Fact]
    public void VendorVPrefixIsIgnoredOnBothSides()
    {
        var (code, output, error) = Run(VersionSchemes.Get(VersionSchemeKind.SemVer), "<V4.3.8", "V4.3.7\n4.3.8\nv4.4.0\n");
        Assert.Equal(0, code);
        Assert.Equal("true\nfalse\nfalse\n", output);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void BadLinesAreReportedAndProcessingContinues()
    {
        var (code, output, error) = Run(Deb, ">=1.0|<2.0", "1.5\n\nabc def\n3.0\n");
        Assert.Equal(2, code);
        Assert.Equal("true\nfalse\n", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("line 2: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("line 3: ", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("vers:npm/<1.0")]
    [InlineData("vers:none/<1")]
    [InlineData("all versions before the fix")]
    [InlineData("<=2.x")]
    [InlineData("<")]
    public void BadRangeReturnsTwo(string range)
    {
        var (code, output, error) = Run(Deb, range, "1.0\n");
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("range: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSchemeDecidesEqualityOnly()
    {
        var (code, output, error) = Run(VersionSchemes.Unknown, "vers:generic/1.0|2.0", "1.0\n1.5\n");
        Assert.Equal(0, code);
        Assert.Equal("true\nfalse\n", output);
        Assert.Equal(string.Empty, error);

        (code, output, error) = Run(VersionSchemes.Unknown, "<2.0", "1.0\n");
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("equality only", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PathologicalInputStaysLinear()
    {
        var range = string.Join('|', Enumerable.Range(0, 5000).Select(i => $">={i}.0|<{i}.5"));
        var versions = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"{i}.{(i % 2 == 0 ? 2 : 7)}")) + "\n" + new string('9', 1_000_000) + "\n\u0001\n";
        var (code, output, error) = Run(Deb, range, versions);
        Assert.DoesNotContain("range:", error, StringComparison.Ordinal);
        Assert.Equal(2, code);
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("true", answers[0]);
        Assert.Equal("false", answers[1]);
        Assert.InRange(answers.Length, 2000, 2001); // the megabyte line may be answered or rejected by the scheme
    }

    private static (int Code, string Output, string Error) Run(VersionScheme scheme, string range, string input)
    {
        using var reader = new StringReader(input);
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var error = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        var code = RangeCommands.InRange(scheme, range, reader, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
