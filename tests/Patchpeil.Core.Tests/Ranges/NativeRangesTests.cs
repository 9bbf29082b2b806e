using Patchpeil.Core.Ranges;

namespace Patchpeil.Core.Tests.Ranges;

public class NativeRangesTests
{
    [Theory]
    [InlineData("nuget", "1.0", "vers:nuget/>=1.0")]
    [InlineData("nuget", "[1.0]", "vers:nuget/1.0")]
    [InlineData("nuget", "(1.0,)", "vers:nuget/>1.0")]
    [InlineData("nuget", "(,1.0]", "vers:nuget/<=1.0")]
    [InlineData("nuget", "[1.0, 2.0)", "vers:nuget/>=1.0|<2.0")]
    [InlineData("pypi", "~=1.4.5", "vers:pypi/>=1.4.5|<1.5")]
    [InlineData("pypi", "~=2.2", "vers:pypi/>=2.2|<3")]
    [InlineData("pypi", ">=1.0, !=1.3, <2", "vers:pypi/>=1.0|!=1.3|<2")]
    [InlineData("gem", "~> 2.0.8", "vers:gem/>=2.0.8|<2.1")]
    public void ConvertsNativeNotation(string type, string native, string expected)
    {
        Assert.True(NativeRanges.TryConvert(type, native, out var range, out var error), error);
        Assert.Equal(expected, range!.ToString());
    }

    [Theory]
    [InlineData("nuget", "[1.0")]
    [InlineData("nuget", "(1.0)")]
    [InlineData("nuget", "(,)")]
    [InlineData("nuget", "[1.0,2.0,3.0]")]
    [InlineData("pypi", "==1.2.*")]
    [InlineData("pypi", "~=1")]
    [InlineData("pypi", ">= 1.0 or 2.0")]
    [InlineData("conan", ">1.0")]
    public void UnsupportedOrBrokenNotationIsAnError(string type, string native)
    {
        Assert.False(NativeRanges.TryConvert(type, native, out _, out var error));
        Assert.NotNull(error);
    }
}
