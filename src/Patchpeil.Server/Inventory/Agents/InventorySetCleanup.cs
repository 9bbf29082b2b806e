using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// Removes inventory sets no snapshot and no device refers to any more: left behind when an asset is deleted, when a
/// clone's image changed, or once snapshot history is thinned out. Their items go with them (cascade). A check-in that
/// picks such a set by hash at the same moment loses its foreign key, retries (CheckIn's retry on DbUpdateException)
/// and writes the set again; a delete that loses the race to a new snapshot fails on the key and is tried next run.
/// </summary>
public sealed class InventorySetCleanup(IServiceScopeFactory scopes, TimeProvider time, ILogger<InventorySetCleanup> logger)
{
    /// <summary>Sets younger than this are left alone, whatever refers to them.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    public const int BatchSize = 500;

    /// <summary>Deletes unreferenced sets (all organisations) in batches; returns how many were removed.</summary>
    public async Task<int> RemoveUnusedAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("inventory-cleanup");
        var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
        var cutoff = time.GetUtcNow().UtcDateTime - Grace;
        var removed = 0;
        while (true)
        {
            var unused = Unused(db, cutoff);
            var batch = await unused.OrderBy(s => s.Id).Select(s => s.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            // Checked again in the DELETE itself: a snapshot may have taken one of them since the SELECT.
            var deleted = await Unused(db, cutoff).Where(s => batch.Contains(s.Id)).ExecuteDeleteAsync(ct);
            removed += deleted;
            if (batch.Count < BatchSize || deleted == 0)
            {
                break;
            }
        }

        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} inventory set(s) no snapshot refers to any more", removed);
        }

        return removed;
    }

    private static IQueryable<InventorySet> Unused(PatchpeilDbContext db, DateTime cutoff) =>
        db.Set<InventorySet>().Where(s => s.CreatedUtc < cutoff
            && !db.Set<AssetSnapshot>().Any(a => a.InventorySetId == s.Id)
            && !db.Set<AgentDevice>().Any(d => d.InventorySetId == s.Id));
}

/// <summary>Runs <see cref="InventorySetCleanup"/> every <see cref="AgentOptions.InventoryCleanupHours"/> (0: never), first one interval after start.</summary>
public sealed class InventorySetCleanupJob(InventorySetCleanup cleanup, IOptions<AgentOptions> options, TimeProvider time, ILogger<InventorySetCleanupJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.InventoryCleanupHours <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromHours(options.Value.InventoryCleanupHours);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await cleanup.RemoveUnusedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
            {
                logger.LogWarning(e, "Inventory set clean-up failed; trying again next interval");
            }
        }
    }
}
