using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>Bound from <c>FeedSync</c>.</summary>
public sealed class FeedSyncOptions
{
    /// <summary>Run enabled sources on their interval; "run now" works either way.</summary>
    public bool Schedule { get; set; } = true;

    /// <summary>How often the scheduler looks for due sources.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The background job: puts the preconfigured sources in place at start, then runs due enabled sources and "run now"
/// requests one at a time. With several hosts on one PostgreSQL database a due source is claimed with a conditional
/// update first, so only one host runs it.
/// </summary>
public sealed class FeedSyncScheduler(IServiceScopeFactory scopes, FeedSyncRunner runner, IOptions<FeedSyncOptions> options, TimeProvider time, ILogger<FeedSyncScheduler> logger)
    : BackgroundService
{
    private readonly Channel<(Guid SourceId, string Actor)> _requests = Channel.CreateUnbounded<(Guid, string)>();

    /// <summary>Queues a run; it starts as soon as the run in progress (if any) ends.</summary>
    public void RequestRun(Guid sourceId, string actor) => _requests.Writer.TryWrite((sourceId, actor));

    /// <summary>Looks for due sources now instead of at the next poll (a source was just enabled).</summary>
    public void Wake() => _requests.Writer.TryWrite((Guid.Empty, ""));

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("feed-sync");
            await FeedSyncDefaults.EnsureAsync(scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>(), cancellationToken);

            // A run still "running" long after any attempt could last was cut off by a stop or crash of its host.
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            var stale = time.GetUtcNow().UtcDateTime.AddHours(-12);
            await db.Set<FeedSyncRun>()
                .Where(r => r.Outcome == FeedRunOutcome.Running && r.StartedUtc < stale)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Outcome, FeedRunOutcome.Failed)
                    .SetProperty(r => r.Errors, "[sync.interrupted] the server stopped during this run; nothing of it beyond the documents already stored was kept"), cancellationToken);
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
        {
            // Migrations not applied yet (Database:MigrateOnStart=false): the sources appear after `patchpeil migrate` and a restart.
            logger.LogWarning(e, "Could not put the preconfigured feed sources in place");
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_requests.Reader.TryRead(out var request))
                {
                    if (request.SourceId != Guid.Empty)
                    {
                        await runner.RunAsync(request.SourceId, request.Actor, stoppingToken);
                    }
                }

                if (options.Value.Schedule)
                {
                    await RunDueAsync(stoppingToken);
                }

                using var wait = new CancellationTokenSource(options.Value.PollInterval, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, wait.Token);
                try
                {
                    await _requests.Reader.WaitToReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Poll interval passed.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable; the job keeps going and tries again at the next poll.
                logger.LogError(e, "Feed sync scheduler pass failed");
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunDueAsync(CancellationToken stoppingToken)
    {
        List<(Guid Id, Guid Version, int Interval)> due;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("feed-sync");
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            due = (await db.Set<FeedSyncSource>().AsNoTracking()
                    .Where(s => s.Enabled && (s.NextRunUtc == null || s.NextRunUtc <= now))
                    .OrderBy(s => s.NextRunUtc)
                    .Select(s => new { s.Id, s.Version, s.IntervalMinutes, s.Kind })
                    .ToListAsync(stoppingToken))
                .Where(s => runner.Supports(s.Kind))
                .Select(s => (s.Id, s.Version, s.IntervalMinutes))
                .ToList();
        }

        foreach (var (id, version, interval) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("feed-sync");
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            var next = time.GetUtcNow().UtcDateTime.AddMinutes(Math.Max(1, interval));
            var claimed = await db.Set<FeedSyncSource>()
                .Where(s => s.Id == id && s.Version == version)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextRunUtc, next).SetProperty(s => s.Version, Guid.NewGuid()), stoppingToken);
            if (claimed == 1)
            {
                await runner.RunAsync(id, "schedule", stoppingToken);
            }
        }
    }
}
