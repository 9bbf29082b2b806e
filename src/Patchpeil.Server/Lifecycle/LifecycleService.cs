using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Lifecycle;

/// <summary>A release cycle's dates with its state computed for today, and where the data came from.</summary>
public sealed record CycleLifecycle(
    string Product, string ProductLabel, string Cycle, string Label, DateOnly? ReleaseDate, bool IsLts,
    LifecycleDate ActiveSupport, LifecycleDate EndOfLife, LifecycleDate ExtendedSupport,
    string? Latest, DateOnly? LatestDate, EndOfLifeStatus Status, EndOfLifeStatus ExtendedStatus,
    string ContentSha256, DateTime FetchedUtc, string? Revision);

/// <summary>
/// Product + release cycle → lifecycle dates and state: what the matcher asks when it turns "Windows 10 22H2" or
/// "Ubuntu 20.04" into an end-of-support finding. The state is always computed from the stored dates with the
/// <see cref="TimeProvider"/>, never read from a cached flag.
/// </summary>
public sealed class LifecycleService(PatchpeilDbContext db, TimeProvider time)
{
    /// <summary>How far ahead "ending soon" looks.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(90);

    /// <summary>The cycle of a product, found by its slug or one of its aliases (case-insensitive); null when unknown.</summary>
    public async Task<CycleLifecycle?> FindAsync(string product, string cycle, CancellationToken cancellationToken = default)
    {
        var slug = product.Trim().ToLowerInvariant();
        var name = cycle.Trim().ToLowerInvariant();
        var found = await db.Set<LifecycleProduct>().AsNoTracking().Where(p => p.Name == slug).FirstOrDefaultAsync(cancellationToken)
            ?? (await db.Set<LifecycleProduct>().AsNoTracking().Where(p => p.Aliases != null && p.Aliases.Contains(slug)).ToListAsync(cancellationToken))
                .FirstOrDefault(p => p.Aliases!.Split('\n').Contains(slug, StringComparer.Ordinal));
        if (found is null)
        {
            return null;
        }

        var c = await db.Set<LifecycleCycle>().AsNoTracking().FirstOrDefaultAsync(c => c.ProductId == found.Id && c.Name == name, cancellationToken);
        return c is null ? null : Describe(found, c);
    }

    /// <summary>All cycles of a product, newest release first.</summary>
    public async Task<IReadOnlyList<CycleLifecycle>> CyclesAsync(string product, CancellationToken cancellationToken = default)
    {
        var found = await db.Set<LifecycleProduct>().AsNoTracking().Include(p => p.Cycles).FirstOrDefaultAsync(p => p.Name == product, cancellationToken);
        return found is null ? [] : found.Cycles
            .OrderByDescending(c => c.ReleaseDate).ThenByDescending(c => c.Name, StringComparer.Ordinal)
            .Select(c => Describe(found, c)).ToList();
    }

    public CycleLifecycle Describe(LifecycleProduct p, LifecycleCycle c)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return new CycleLifecycle(p.Name, p.Label, c.Name, c.Label, c.ReleaseDate, c.IsLts, c.ActiveSupport(), c.EndOfLife(), c.ExtendedSupport(),
            c.Latest, c.LatestDate, EolRelease.StateOf(c.EndOfLife(), today, Horizon), EolRelease.StateOf(c.ExtendedSupport(), today, Horizon),
            p.ContentSha256, p.FetchedUtc, p.Revision);
    }
}
