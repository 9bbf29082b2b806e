using Patchpeil.Core.Ranges;

namespace Patchpeil.Core.Tests.Ranges;

public class NpmNativeRangeTests
{
    [Theory]
    [InlineData("^1.2.3", "vers:npm/>=1.2.3|<2.0.0")]
    [InlineData("^0.2.3", "vers:npm/>=0.2.3|<0.3.0")]
    [InlineData("^0.0.3", "vers:npm/>=0.0.3|<0.0.4")]
    [InlineData("~1.2.3", "vers:npm/>=1.2.3|<1.3.0")]
    [InlineData("~1", "vers:npm/>=1.0.0|<2.0.0")]
    [InlineData("1.2.x", "vers:npm/>=1.2.0|<1.3.0")]
    [InlineData("1.0.0 - 2.0.0", "vers:npm/>=1.0.0|<=2.0.0")]
    [InlineData(">= 1.1 < 2", "vers:npm/>=1.1.0|<2.0.0")]
    [InlineData("*", "vers:npm/*")]
    public void ExpandsNodeSemverSugar(string native, string expected)
    {
        Assert.True(NpmNativeRange.TryConvert(native, out var range, out var error), error);
        Assert.Equal(expected, range!.ToString());
    }

    [Theory]
    [InlineData("^a.b")]
    [InlineData(">=1.0.0 ||")]
    [InlineData("1.0.0 - ")]
    [InlineData("latest")]
    [InlineData(null)]
    public void UnreadableRangesAreErrors(string? native)
    {
        Assert.False(NpmNativeRange.TryConvert(native, out _, out var error));
        Assert.NotNull(error);
    }
}
