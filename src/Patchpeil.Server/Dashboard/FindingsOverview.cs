using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;

namespace Patchpeil.Server.Dashboard;

/// <summary>
/// The dashboard's findings figures: the counts of <see cref="FindingQuery.CountsAsync"/>, the lifecycle kinds apart (each
/// links to its own filtered list), and the trend of open findings per week from FirstSeenUtc and the moment a finding
/// stopped asking for work — no extra table.
/// </summary>
public sealed record FindingsOverview(FindingCountsDto Counts, IReadOnlyDictionary<FindingKind, int> ByKind, IReadOnlyList<TrendPoint> Trend)
{
    public const int TrendWeeks = 8;

    public static async Task<FindingsOverview> ComputeAsync(PatchpeilDbContext db, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = new FindingQuery(Active: true) { Now = now };
        var counts = await query.CountsAsync(db, ct);
        var findings = db.Set<AssetFinding>().AsNoTracking();
        var byKind = (await findings.Where(f => f.State == FindingState.Open || f.State == FindingState.InProgress)
            .GroupBy(f => f.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(g => g.Key, g => g.Count);

        // Open at moment t: first seen by then, and not yet resolved or otherwise closed by then.
        var trend = new List<TrendPoint>();
        for (var week = TrendWeeks - 1; week >= 0; week--)
        {
            var at = now.AddDays(-7 * week);
            var open = await findings.CountAsync(f => f.FirstSeenUtc <= at
                && (f.ResolvedUtc == null || f.ResolvedUtc > at)
                && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > at), ct);
            trend.Add(new TrendPoint(at, open));
        }

        return new FindingsOverview(counts, byKind, trend);
    }

    public int Kind(FindingKind kind) => ByKind.GetValueOrDefault(kind);
}

public sealed record TrendPoint(DateTime AtUtc, int Open);
