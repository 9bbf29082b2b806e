using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent.Windows;

namespace Patchpeil.Agent.Tests;

/// <summary>The thin layer the Windows and macOS collectors run their tools through, run here with real programs.</summary>
public class ProcessRunnerTests
{
    private static readonly ProcessRunner Runner = new(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task OutputOfASuccessfulProgramIsReturned()
    {
        var output = await Runner.RunAsync("sh", ["-c", "printf 'a b\\n'; printf 'noise' >&2"], TestContext.Current.CancellationToken);
        Assert.Equal("a b\n", output);
    }

    [Fact]
    public async Task MissingOrFailingProgramsGiveNothing()
    {
        Assert.Null(await Runner.RunAsync("patchpeil-no-such-program", [], TestContext.Current.CancellationToken));
        Assert.Null(await Runner.RunAsync("sh", ["-c", "echo partial; exit 3"], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ProgramThatHangsIsStopped()
    {
        var runner = new ProcessRunner(TimeSpan.FromMilliseconds(200));
        Assert.Null(await runner.RunAsync("sleep", ["600"], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WindowsCollectorOffWindowsFindsNoRegistryAndSaysSo()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("On Windows reg.exe exists; this checks the path where it does not.");
        }

        var error = await Assert.ThrowsAsync<InputFormatException>(() => WindowsCollector.CollectAsync(Runner, new FakeTimeProvider(), TestContext.Current.CancellationToken));
        Assert.Contains("among 0 .reg file(s)", error.Reason, StringComparison.Ordinal);
    }
}
