namespace Patchpeil.Agent.CheckIn;

/// <summary>
/// The service's schedule: the first check-in after a random part of the jitter (a school's laptops switched on at
/// 08:30 must not all arrive at once), then every interval plus a random part of the jitter; sooner when the server
/// said when to retry (busy, or unreachable), but never in a tight loop. The same loop runs under systemd, launchd and
/// the Windows Service Control Manager; time and randomness are passed in so the schedule can be tested.
/// </summary>
public sealed class CheckInLoop(
    Func<CancellationToken, Task<UploadOutcome>> checkIn,
    ServiceOptions options,
    TimeProvider time,
    Func<double> random,
    Action<string, bool> log) : IDisposable
{
    /// <summary>A retry the server asked for is spread by up to this much, so devices refused together do not return together.</summary>
    public static readonly TimeSpan RetrySpread = TimeSpan.FromSeconds(30);

    private CancellationTokenSource? _stop;
    private Task? _running;

    /// <summary>Called with each wait once it has started (tests advance a fake clock by it).</summary>
    public Action<TimeSpan>? Waiting { get; init; }

    public TimeSpan FirstWait() => Spread(options.Jitter);

    /// <summary>The wait after a check-in: the interval plus jitter, or the server's retry time when that is sooner.</summary>
    public TimeSpan NextWait(TimeSpan? retryAfter)
    {
        var next = options.Interval + Spread(options.Jitter);
        return retryAfter is { } retry && retry < next ? TimeSpan.FromTicks(Math.Max(retry.Ticks, 0)) + Spread(RetrySpread) : next;
    }

    /// <summary>Checks in until <paramref name="stop"/> is cancelled; returns normally when stopped.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var wait = FirstWait();
        while (true)
        {
            var delay = Task.Delay(wait, time, stop);
            Waiting?.Invoke(wait);
            try
            {
                await delay;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            TimeSpan? retry;
            try
            {
                var outcome = await checkIn(stop);
                log(outcome.Problem ?? $"{outcome.Sent} report(s) sent{(outcome.Rejected > 0 ? $", {outcome.Rejected} refused" : "")}", outcome.Problem is not null);
                retry = outcome.RetryAfter;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or InputFormatException)
            {
                // Not enrolled, a full disk, an unreadable database: try again next interval rather than stop reporting for good.
                log($"check-in failed: {e.Message}", true);
                retry = null;
            }

            wait = NextWait(retry);
        }
    }

    /// <summary>Starts the loop in the background (the Windows service's OnStart must return quickly).</summary>
    public Task Start()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("The check-in loop is already running.");
        }

        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _running = Task.Run(() => RunAsync(token), CancellationToken.None);
        return _running;
    }

    /// <summary>Asks the loop to stop and waits for a check-in in progress to end; false when it did not end within <paramref name="timeout"/>.</summary>
    public bool Stop(TimeSpan timeout)
    {
        if (_running is null || _stop is null)
        {
            return true;
        }

        _stop.Cancel();
        try
        {
            return _running.Wait(timeout);
        }
        catch (AggregateException)
        {
            // The loop failed; the caller sees it through the task Start returned.
            return true;
        }
    }

    public void Dispose() => _stop?.Dispose();

    private TimeSpan Spread(TimeSpan upTo) => TimeSpan.FromSeconds(Math.Round(random() * upTo.TotalSeconds));
}
