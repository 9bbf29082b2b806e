using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.OsVersions;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Lifecycle;

/// <summary>
/// The stored OS lines, as the matcher needs them (ADR 0020): SOFA preferred over gdmf for the same line, ChromeOS from
/// VersionHistory, laid over the endoflife.date products with <see cref="OsVersionLifecycles.Merge"/>.
/// </summary>
public sealed class OsVersionService(PatchpeilDbContext db)
{
    private static readonly FeedSource[] Preference = [FeedSource.Sofa, FeedSource.Gdmf, FeedSource.ChromeVersions];

    /// <summary>Stored lines grouped per source and product, in order of preference.</summary>
    public async Task<IReadOnlyList<OsVersionFeed>> FeedsAsync(CancellationToken cancellationToken = default)
    {
        var lines = await db.Set<OsVersionLine>().AsNoTracking().Include(l => l.Releases).ToListAsync(cancellationToken);
        return [.. lines
            .GroupBy(l => (l.Source, l.Product, l.ContentSha256))
            .OrderBy(g => Array.IndexOf(Preference, g.Key.Source)).ThenBy(g => g.Key.Product, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var provenance = new Provenance(g.Key.Source, first.FileName ?? g.Key.Source.ToString(), first.Revision, null, first.ContentSha256, new DateTimeOffset(first.FetchedUtc, TimeSpan.Zero));
                return new OsVersionFeed(g.Key.Source, [.. g.OrderBy(l => l.Line, StringComparer.Ordinal).Select(l => l.ToLine())], provenance);
            })];
    }

    /// <summary>endoflife.date products with the OS version sources laid over them; give the result to <see cref="Matcher.SetLifecycles"/>.</summary>
    public async Task<IReadOnlyList<EolProduct>> LifecyclesAsync(IEnumerable<EolProduct> endOfLifeDate, CancellationToken cancellationToken = default) =>
        OsVersionLifecycles.Merge(endOfLifeDate, OsVersionLifecycles.ToEolProducts(await FeedsAsync(cancellationToken)));
}
