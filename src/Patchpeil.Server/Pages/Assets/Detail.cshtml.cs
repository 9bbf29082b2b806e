using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

/// <summary>"Is this machine up to date?": operating system and patch level, installed software, report history, sources.</summary>
public sealed class DetailModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public const int ShownItems = 500;
    public const int ShownSnapshots = 50;

    public Asset Asset { get; private set; } = null!;

    public AgentDevice? Device { get; private set; }

    public AssetSnapshot? Latest { get; private set; }

    public SnapshotDetails? Details { get; private set; }

    public List<InventorySetItem> Items { get; private set; } = [];

    public int ItemTotal { get; private set; }

    public int MatchTotal { get; private set; }

    public List<AssetSnapshot> History { get; private set; } = [];

    public int HistoryTotal { get; private set; }

    public string? Q { get; private set; }

    /// <summary>This asset's open and in-progress findings, most urgent first (at most <see cref="ShownFindings"/>).</summary>
    public PagedResult<global::Patchpeil.Server.Findings.AssetFinding> Findings { get; private set; } = new([], 1, ShownFindings, 0);

    public int FindingsOverdue { get; private set; }

    public const int ShownFindings = 50;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(Guid id, string? q)
    {
        var ct = HttpContext.RequestAborted;
        var asset = await db.Assets.AsNoTracking().Include(a => a.School).Include(a => a.Location).SingleOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null)
        {
            return NotFound();
        }

        Asset = asset;
        Q = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 200)];
        var findingQuery = new global::Patchpeil.Server.Findings.FindingQuery(AssetId: id, Active: true, PageSize: ShownFindings).Normalised() with { Now = Now, PageSize = ShownFindings };
        Findings = await findingQuery.ExecuteAsync(db, ct);
        FindingsOverdue = await (findingQuery with { Overdue = true }).Filter(db.Set<global::Patchpeil.Server.Findings.AssetFinding>().AsNoTracking()).CountAsync(ct);
        Device = await db.Set<AgentDevice>().AsNoTracking().Where(d => d.AssetId == id).OrderByDescending(d => d.EnrolledUtc).FirstOrDefaultAsync(ct);
        var snapshots = db.Set<AssetSnapshot>().AsNoTracking().Where(s => s.AssetId == id);
        HistoryTotal = await snapshots.CountAsync(ct);
        History = await snapshots.OrderByDescending(s => s.ReceivedUtc).ThenByDescending(s => s.Id).Take(ShownSnapshots).ToListAsync(ct);
        Latest = History.FirstOrDefault();
        if (Latest is null)
        {
            return Page();
        }

        Details = Latest.DetailsJson is null ? null : JsonSerializer.Deserialize<SnapshotDetails>(Latest.DetailsJson, PatchpeilClient.JsonOptions);
        // One set holds at most a few thousand rows: filtering in memory is simple, portable and case-insensitive.
        var items = await db.Set<InventorySetItem>().AsNoTracking().Where(i => i.SetId == Latest.InventorySetId).ToListAsync(ct);
        ItemTotal = items.Count;
        var matches = Q is not { } needle ? items : items.Where(i =>
            i.Name.Contains(needle, StringComparison.OrdinalIgnoreCase)
            || (i.SourcePackage?.Contains(needle, StringComparison.OrdinalIgnoreCase) ?? false)
            || (i.Publisher?.Contains(needle, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
        MatchTotal = matches.Count;
        Items = matches.OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Architecture, StringComparer.Ordinal).Take(ShownItems).ToList();
        return Page();
    }

    public Task<IActionResult> OnPostRequestFullAsync(Guid id) => ChangeDeviceAsync(id, d => d.FullReportRequested = true, "Assets_FullRequested");

    private async Task<IActionResult> ChangeDeviceAsync(Guid id, Action<AgentDevice> change, string notice)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var device = await db.Set<AgentDevice>().Where(d => d.AssetId == id).OrderByDescending(d => d.EnrolledUtc).FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (device is null)
        {
            return NotFound();
        }

        change(device);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text[notice].Value;
        return Redirect($"/assets/{id}");
    }

    /// <summary>"3 dagen geleden" / "3 days ago".</summary>
    public string Ago(DateTime utc)
    {
        var span = Now - utc;
        return span.TotalMinutes < 1 ? Text["Ago_JustNow"]
            : span.TotalHours < 1 ? Text["Ago_Minutes", (int)span.TotalMinutes]
            : span.TotalDays < 1 ? Text["Ago_Hours", (int)span.TotalHours]
            : Text["Ago_Days", (int)span.TotalDays];
    }
}
