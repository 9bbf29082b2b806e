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
        var (counts, byKind) = await query.CountsAndKindsAsync(db, ct);
        var trend = await FindingFigures.GetAsync(query.FigureKey(db, "trend"), now, () => TrendAsync(db, now, ct));
        return new FindingsOverview(counts, byKind, trend);
    }

    /// <summary>Open at moment t: first seen by then, and not yet resolved or otherwise closed by then — all weeks in one pass.</summary>
    private static async Task<IReadOnlyList<TrendPoint>> TrendAsync(PatchpeilDbContext db, DateTime now, CancellationToken ct)
    {
        var at = Enumerable.Range(0, TrendWeeks).Select(i => now.AddDays(-7 * (TrendWeeks - 1 - i))).ToArray();
        if (at.Length != 8)
        {
            throw new InvalidOperationException("The trend query is written out for eight weeks.");
        }

        var (a0, a1, a2, a3, a4, a5, a6, a7) = (at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7]);
        var row = await db.Set<AssetFinding>().AsNoTracking().Where(f => f.FirstSeenUtc <= a7).GroupBy(f => 1).Select(g => new[]
        {
            g.Count(f => f.FirstSeenUtc <= a0 && (f.ResolvedUtc == null || f.ResolvedUtc > a0) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a0)),
            g.Count(f => f.FirstSeenUtc <= a1 && (f.ResolvedUtc == null || f.ResolvedUtc > a1) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a1)),
            g.Count(f => f.FirstSeenUtc <= a2 && (f.ResolvedUtc == null || f.ResolvedUtc > a2) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a2)),
            g.Count(f => f.FirstSeenUtc <= a3 && (f.ResolvedUtc == null || f.ResolvedUtc > a3) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a3)),
            g.Count(f => f.FirstSeenUtc <= a4 && (f.ResolvedUtc == null || f.ResolvedUtc > a4) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a4)),
            g.Count(f => f.FirstSeenUtc <= a5 && (f.ResolvedUtc == null || f.ResolvedUtc > a5) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a5)),
            g.Count(f => f.FirstSeenUtc <= a6 && (f.ResolvedUtc == null || f.ResolvedUtc > a6) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a6)),
            g.Count(f => (f.ResolvedUtc == null || f.ResolvedUtc > a7) && (f.State == FindingState.Open || f.State == FindingState.InProgress || f.State == FindingState.Resolved || f.State == FindingState.Verified || f.StateChangedUtc > a7)),
        }).FirstOrDefaultAsync(ct) ?? new int[8];
        return [.. at.Select((t, i) => new TrendPoint(t, row[i]))];
    }

    public int Kind(FindingKind kind) => ByKind.GetValueOrDefault(kind);
}

public sealed record TrendPoint(DateTime AtUtc, int Open);
