using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory;

/// <summary>Search, filters, sorting and paging of the asset list: one definition for the page, the API and the CSV export.</summary>
public sealed record AssetQuery(
    string? Q = null, Guid? SchoolId = null, AssetKind? Kind = null, BivLevel? Criticality = null,
    string? Sort = null, bool Descending = false, int Page = 1, int PageSize = 25, int? NotSeenDays = null)
{
    /// <summary>The moment "not seen for N days" counts back from; set by the caller from its TimeProvider.</summary>
    public DateTime Now { get; init; } = DateTime.UnixEpoch;

    public static readonly int[] PageSizes = [25, 50, 100, 200];

    /// <summary>Ten years: longer means "never", which the filter does not ask.</summary>
    public const int MaxNotSeenDays = 3650;
    public static readonly string[] SortKeys = ["name", "kind", "hostname", "school", "criticality", "lastseen"];

    public AssetQuery Normalised() => this with
    {
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 200)],
        Sort = Sort is not null && SortKeys.Contains(Sort, StringComparer.Ordinal) ? Sort : "name",
        Page = Math.Max(1, Page),
        PageSize = PageSizes.Contains(PageSize) ? PageSize : 25,
        NotSeenDays = NotSeenDays is > 0 and <= MaxNotSeenDays ? NotSeenDays : null,
    };

    public IQueryable<Asset> Apply(IQueryable<Asset> assets)
    {
        if (Q is { } q)
        {
            var needle = q.ToLowerInvariant();
            assets = assets.Where(a => a.SearchText.Contains(needle) || a.Tags.Contains(q));
        }

        if (SchoolId is { } schoolId)
        {
            assets = assets.Where(a => a.SchoolId == schoolId);
        }

        if (Kind is { } kind)
        {
            assets = assets.Where(a => a.Kind == kind);
        }

        if (Criticality is { } criticality)
        {
            assets = assets.Where(a => a.Criticality == criticality);
        }

        if (NotSeenDays is { } days)
        {
            // Only assets that report (agent, connector): one entered by hand was never expected to check in.
            var cutoff = Now.AddDays(-days);
            assets = assets.Where(a => a.LastSeenUtc != null && a.LastSeenUtc <= cutoff);
        }

        return (Sort, Descending) switch
        {
            ("kind", false) => assets.OrderBy(a => a.Kind).ThenBy(a => a.Name),
            ("kind", true) => assets.OrderByDescending(a => a.Kind).ThenBy(a => a.Name),
            ("hostname", false) => assets.OrderBy(a => a.Hostname).ThenBy(a => a.Name),
            ("hostname", true) => assets.OrderByDescending(a => a.Hostname).ThenBy(a => a.Name),
            ("school", false) => assets.OrderBy(a => a.School!.Name).ThenBy(a => a.Name),
            ("school", true) => assets.OrderByDescending(a => a.School!.Name).ThenBy(a => a.Name),
            ("criticality", false) => assets.OrderBy(a => a.Criticality).ThenBy(a => a.Name),
            ("criticality", true) => assets.OrderByDescending(a => a.Criticality).ThenBy(a => a.Name),
            ("lastseen", false) => assets.OrderBy(a => a.LastSeenUtc).ThenBy(a => a.Name),
            ("lastseen", true) => assets.OrderByDescending(a => a.LastSeenUtc).ThenBy(a => a.Name),
            (_, true) => assets.OrderByDescending(a => a.Name).ThenBy(a => a.Id),
            _ => assets.OrderBy(a => a.Name).ThenBy(a => a.Id),
        };
    }

    public async Task<PagedResult<Asset>> ExecuteAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var query = Apply(db.Assets.AsNoTracking().Include(a => a.School).Include(a => a.Location));
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip((Page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new PagedResult<Asset>(items, Page, PageSize, total);
    }
}
