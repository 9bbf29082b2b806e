using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Connectors;

/// <summary>Bound from <c>Connectors</c>.</summary>
public sealed class ConnectorOptions
{
    /// <summary>Run enabled connectors on their interval; "run now" works either way.</summary>
    public bool Schedule { get; set; } = true;

    /// <summary>How often the scheduler looks for due connectors.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The background job: runs due enabled connectors and "run now" requests one at a time. With several hosts on one
/// PostgreSQL database a due connector is claimed with a conditional update first, so only one host runs it.
/// </summary>
public sealed class ConnectorScheduler(IServiceScopeFactory scopes, ConnectorRunner runner, IOptions<ConnectorOptions> options, TimeProvider time, ILogger<ConnectorScheduler> logger)
    : BackgroundService
{
    private readonly Channel<(Guid ConnectorId, string Actor)> _requests = Channel.CreateUnbounded<(Guid, string)>();

    /// <summary>Queues a run; it starts as soon as the run in progress (if any) ends.</summary>
    public void RequestRun(Guid connectorId, string actor) => _requests.Writer.TryWrite((connectorId, actor));

    /// <summary>Looks for due connectors now instead of at the next poll (one was just enabled).</summary>
    public void Wake() => _requests.Writer.TryWrite((Guid.Empty, ""));

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A run still "running" long after any attempt could last was cut off by a stop or crash of its host.
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("connectors");
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            var stale = time.GetUtcNow().UtcDateTime.AddHours(-12);
            await db.Set<ConnectorRun>()
                .Where(r => r.Outcome == ConnectorRunOutcome.Running && r.StartedUtc < stale)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Outcome, ConnectorRunOutcome.Failed)
                    .SetProperty(r => r.Errors, "[connector.interrupted] the server stopped during this run; pages merged before it are kept"), cancellationToken);
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not close interrupted connector runs (database not migrated yet?)");
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
                    if (request.ConnectorId != Guid.Empty)
                    {
                        await runner.RunAsync(request.ConnectorId, request.Actor, stoppingToken);
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
                logger.LogError(e, "Connector scheduler pass failed");
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
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("connectors");
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            due = (await db.Set<Connector>().AsNoTracking()
                    .Where(c => c.Enabled && c.ProtectedSecret != null && (c.NextRunUtc == null || c.NextRunUtc <= now))
                    .OrderBy(c => c.NextRunUtc)
                    .Select(c => new { c.Id, c.Version, c.IntervalMinutes, c.Kind })
                    .ToListAsync(stoppingToken))
                .Where(c => runner.Supports(c.Kind))
                .Select(c => (c.Id, c.Version, c.IntervalMinutes))
                .ToList();
        }

        foreach (var (id, version, interval) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("connectors");
            var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
            var next = time.GetUtcNow().UtcDateTime.AddMinutes(Math.Max(1, interval));
            var claimed = await db.Set<Connector>()
                .Where(c => c.Id == id && c.Version == version)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.NextRunUtc, next).SetProperty(c => c.Version, Guid.NewGuid()), stoppingToken);
            if (claimed == 1)
            {
                await runner.RunAsync(id, "schedule", stoppingToken);
            }
        }
    }
}
