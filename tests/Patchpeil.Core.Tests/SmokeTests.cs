namespace Patchpeil.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void CoreAssemblyLoads() => Assert.Equal("Patchpeil.Core", typeof(Patchpeil.Core.CoreAssembly).Assembly.GetName().Name);
}
