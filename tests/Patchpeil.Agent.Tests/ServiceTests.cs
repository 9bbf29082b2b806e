using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent.CheckIn;

namespace Patchpeil.Agent.Tests;

/// <summary>The service's arguments and its schedule, on a fake clock: what runs the same under systemd, launchd and the Windows SCM.</summary>
public sealed class ServiceTests
{
    private const string Folder = "/var/lib/patchpeil-agent";

    [Fact]
    public void DefaultsAreHourlyWithFiveMinutesJitterInTheDefaultFolder()
    {
        var (options, error) = ServiceOptions.Parse(["service"], Folder);
        Assert.Null(error);
        Assert.Equal(new ServiceOptions(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), Folder, false), options);
    }

    [Fact]
    public void AllArgumentsAreRead()
    {
        var (options, error) = ServiceOptions.Parse(["service", "--interval", "7200", "--windows-service", "--jitter", "600", "--config", @"C:\ProgramData\Patchpeil\Agent"], Folder);
        Assert.Null(error);
        Assert.Equal(new ServiceOptions(TimeSpan.FromHours(2), TimeSpan.FromMinutes(10), @"C:\ProgramData\Patchpeil\Agent", true), options);
    }

    [Theory]
    [InlineData("--interval 59", "--interval \"59\" must be a whole number of seconds from 60 to 604800")]
    [InlineData("--interval 604801", "--interval \"604801\" must be a whole number of seconds from 60 to 604800")]
    [InlineData("--interval 1h", "--interval \"1h\" must be a whole number of seconds")]
    [InlineData("--interval -60", "--interval \"-60\" must be a whole number of seconds")]
    [InlineData("--jitter 1.5", "--jitter \"1.5\" must be a whole number of seconds, 0 or more")]
    [InlineData("--interval 600 --jitter 601", "--jitter 601 is longer than the interval (600 s)")]
    [InlineData("--interval", "--interval needs a value")]
    [InlineData("--interval 600 --interval 700", "--interval is given twice")]
    [InlineData("--intervall 600", "unknown argument \"--intervall\" for service")]
    [InlineData("/interval 600", "unknown argument \"/interval\" for service")]
    public void BadArgumentsAreRefusedWithTheirName(string arguments, string expected)
    {
        var (options, error) = ServiceOptions.Parse(["service", .. arguments.Split(' ')], Folder);
        Assert.Null(options);
        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultJitterShrinksToAShortInterval()
    {
        var (options, _) = ServiceOptions.Parse(["service", "--interval", "120"], Folder);
        Assert.Equal(TimeSpan.FromMinutes(2), options!.Jitter);
    }

    [Fact]
    public async Task WindowsServiceFlagIsRefusedOutsideWindows()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "on Windows the flag hands the process to the Service Control Manager");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await AgentCommands.ServiceAsync(["service", "--windows-service"], _ => throw new InvalidOperationException("must not collect"));
            Assert.Equal(2, code);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("--windows-service is for the Windows Service Control Manager", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WaitsAreTheIntervalPlusJitterOrTheServersRetryWhenSooner()
    {
        var options = new ServiceOptions(TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), Folder, false);
        var randoms = new Queue<double>([0.25, 0.5, 0.0, 0.999, 1.0 / 3]);
        using var loop = new CheckInLoop(_ => throw new InvalidOperationException(), options, new FakeTimeProvider(), randoms.Dequeue, (_, _) => { });

        Assert.Equal(TimeSpan.FromSeconds(150), loop.FirstWait());
        Assert.Equal(TimeSpan.FromSeconds(3600 + 300), loop.NextWait(null));

        // The server asked to come back in 2 minutes: 120 s plus up to 30 s spread (the interval's draw is taken first).
        Assert.Equal(TimeSpan.FromSeconds(120 + 30), loop.NextWait(TimeSpan.FromMinutes(2)));

        // A retry later than the next regular check-in is not waited for.
        Assert.Equal(TimeSpan.FromSeconds(3600 + 200), loop.NextWait(TimeSpan.FromHours(3)));
    }

    [Fact]
    public async Task LoopChecksInOnScheduleRetriesSoonerWhenAskedAndStopsWhenCancelled()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 7, 30, 0, TimeSpan.Zero));
        var options = new ServiceOptions(TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), Folder, false);
        var events = Channel.CreateUnbounded<string>();
        var outcomes = new Queue<UploadOutcome>(
        [
            new UploadOutcome(1, 0, 0, null, null),
            new UploadOutcome(0, 2, 0, TimeSpan.FromMinutes(1), "server unreachable; 2 report(s) queued"),
            new UploadOutcome(2, 0, 0, null, null),
        ]);
        var log = new List<(string, bool)>();
        using var stop = new CancellationTokenSource();
        using var loop = new CheckInLoop(
            _ =>
            {
                events.Writer.TryWrite("check-in at " + time.GetUtcNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
                return Task.FromResult(outcomes.Dequeue());
            },
            options,
            time,
            () => 0.5,
            (message, problem) => log.Add((message, problem)))
        {
            Waiting = wait => events.Writer.TryWrite("wait " + wait.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };

        var running = loop.RunAsync(stop.Token);
        async Task<string> Next() => await events.Reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("wait 300", await Next());
        time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(events.Reader.TryPeek(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("check-in at 07:35:00", await Next());
        Assert.Equal("wait 3900", await Next());
        time.Advance(TimeSpan.FromSeconds(3900));
        Assert.Equal("check-in at 08:40:00", await Next());

        // Unreachable: back after the server's minute plus half the 30 s spread, not after an hour.
        Assert.Equal("wait 75", await Next());
        time.Advance(TimeSpan.FromSeconds(75));
        Assert.Equal("check-in at 08:41:15", await Next());
        Assert.Equal("wait 3900", await Next());

        stop.Cancel();
        await running;
        Assert.False(events.Reader.TryPeek(out _));
        Assert.Equal([("1 report(s) sent", false), ("server unreachable; 2 report(s) queued", true), ("2 report(s) sent", false)], log);
    }

    [Fact]
    public async Task AFailedCheckInIsLoggedAndTriedAgainNextInterval()
    {
        var time = new FakeTimeProvider();
        var options = new ServiceOptions(TimeSpan.FromMinutes(10), TimeSpan.Zero, Folder, false);
        var waits = Channel.CreateUnbounded<TimeSpan>();
        var calls = 0;
        var log = new List<(string, bool)>();
        using var stop = new CancellationTokenSource();
        using var loop = new CheckInLoop(
            _ => ++calls == 1 ? throw new InvalidOperationException("This device is not enrolled") : Task.FromResult(new UploadOutcome(1, 0, 0, null, null)),
            options,
            time,
            () => 0.5,
            (message, problem) => log.Add((message, problem)))
        {
            Waiting = wait => waits.Writer.TryWrite(wait),
        };

        var running = loop.RunAsync(stop.Token);
        Assert.Equal(TimeSpan.Zero, await waits.Reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromMinutes(10), await waits.Reader.ReadAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(10), await waits.Reader.ReadAsync(TestContext.Current.CancellationToken));
        stop.Cancel();
        await running;
        Assert.Equal(2, calls);
        Assert.Equal([("check-in failed: This device is not enrolled", true), ("1 report(s) sent", false)], log);
    }

    [Fact]
    public async Task StartAndStopAsTheWindowsServiceDoesWaitForTheCheckInInProgress()
    {
        var options = new ServiceOptions(TimeSpan.FromMinutes(10), TimeSpan.Zero, Folder, false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        using var loop = new CheckInLoop(
            async ct =>
            {
                entered.SetResult();
                await release.Task;
                finished = true;
                return new UploadOutcome(1, 0, 0, null, null);
            },
            options,
            new FakeTimeProvider(),
            () => 0,
            (_, _) => { });

        var running = loop.Start();
        Assert.Throws<InvalidOperationException>(() => { _ = loop.Start(); });
        await entered.Task.WaitAsync(TestContext.Current.CancellationToken);

        // Stop cannot complete while the upload runs; it times out and says so.
        Assert.False(loop.Stop(TimeSpan.Zero));
        release.SetResult();
        Assert.True(loop.Stop(Timeout.InfiniteTimeSpan));
        Assert.True(finished);
        Assert.True(running.IsCompletedSuccessfully);
    }
}
