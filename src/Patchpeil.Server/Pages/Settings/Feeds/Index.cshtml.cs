using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings.Feeds;

/// <summary>Beheer → Bronnen: every online source with its state and last run, so an administrator sees the truth at a glance.</summary>
public sealed class IndexModel(PatchpeilDbContext db, FeedSyncRunner runner, FeedSyncScheduler scheduler, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public sealed record Row(FeedSyncSource Source, FeedSyncRun? LastRun, bool Supported, bool Running);

    public List<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var sources = await db.Set<FeedSyncSource>().AsNoTracking().ToListAsync(HttpContext.RequestAborted);
        var runs = await FeedRuns.LatestPerSourceAsync(db, HttpContext.RequestAborted);
        Rows = sources
            .OrderByDescending(s => s.Enabled)
            .ThenBy(s => s.Kind)
            .ThenBy(s => s.Name, StringComparer.CurrentCulture)
            .Select(s => new Row(s, runs.GetValueOrDefault(s.Id), runner.Supports(s.Kind), runner.RunningSourceId == s.Id))
            .ToList();
    }

    public async Task<IActionResult> OnPostRunAsync(Guid sourceId)
    {
        var source = await db.Set<FeedSyncSource>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == sourceId, HttpContext.RequestAborted);
        if (source is null)
        {
            return NotFound();
        }

        if (!runner.Supports(source.Kind) || !source.Enabled)
        {
            TempData["Notice"] = Text["Feeds_NotSupported"].Value;
            return Redirect("/settings/feeds");
        }

        await FeedRuns.RequestAsync(db, scheduler, source, HttpContext.RequestAborted);
        TempData["Notice"] = Text["Feeds_RunRequested", source.Name].Value;
        return Redirect("/settings/feeds");
    }
}

/// <summary>What the feeds pages share.</summary>
internal static class FeedRuns
{
    public static async Task<Dictionary<Guid, FeedSyncRun>> LatestPerSourceAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var runs = db.Set<FeedSyncRun>();
        return await runs.AsNoTracking()
            .Where(r => r.StartedUtc == runs.Where(x => x.SourceId == r.SourceId).Max(x => x.StartedUtc))
            .ToDictionaryAsync(r => r.SourceId, cancellationToken);
    }

    /// <summary>Queues a run and writes who asked for it to the audit log.</summary>
    public static async Task RequestAsync(PatchpeilDbContext db, FeedSyncScheduler scheduler, FeedSyncSource source, CancellationToken cancellationToken)
    {
        db.RecordAudit("FeedSync.RunRequested", nameof(FeedSyncSource), source.Id.ToString(), null, $"key={source.Key}");
        await db.SaveChangesAsync(cancellationToken);
        scheduler.RequestRun(source.Id, db.Request.Actor);
    }
}
