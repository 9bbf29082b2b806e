using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages;

/// <summary>The dashboard answers "what needs me today?"; until findings exist it shows what Patchpeil knows about.</summary>
public sealed class IndexModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public int TotalAssets { get; private set; }

    public List<(AssetKind Kind, int Count)> ByKind { get; } = [];

    public List<SchoolSummary> Schools { get; private set; } = [];

    /// <summary>Devices and servers per school by operating-system family.</summary>
    public List<Dashboard.PlatformMix.SchoolMix> Mix { get; private set; } = [];

    /// <summary>The families that occur at all, in display order: the mix table's columns.</summary>
    public List<string> MixFamilies { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var kinds = await db.Assets.GroupBy(a => a.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(HttpContext.RequestAborted);
        ByKind.AddRange(kinds.OrderBy(k => k.Kind).Select(k => (k.Kind, k.Count)));
        TotalAssets = kinds.Sum(k => k.Count);
        Schools = await db.Schools.OrderBy(s => s.Name)
            .Select(s => new SchoolSummary(s.Id, s.Name, s.Brin,
                db.Assets.Count(a => a.SchoolId == s.Id),
                db.Assets.Count(a => a.SchoolId == s.Id && a.Criticality == BivLevel.High)))
            .ToListAsync(HttpContext.RequestAborted);
        Mix = await Dashboard.PlatformMix.ComputeAsync(db, HttpContext.RequestAborted);
        MixFamilies = Dashboard.PlatformMix.Families.Where(f => Mix.Any(m => m.Count(f) > 0)).ToList();
    }

    public sealed record SchoolSummary(Guid Id, string Name, string Brin, int Assets, int High);
}
