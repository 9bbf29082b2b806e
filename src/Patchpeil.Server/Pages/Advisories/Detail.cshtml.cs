using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Advisories;

public sealed class DetailModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public AdvisoryDetailDto Detail { get; private set; } = null!;

    /// <summary>"Getroffen hier": this organisation's findings decided by this document or about its vulnerabilities.</summary>
    public List<global::Patchpeil.Server.Findings.AssetFinding> AffectedHere { get; private set; } = [];

    public int AffectedTotal { get; private set; }

    public int AffectedAssets { get; private set; }

    public const int ShownAffected = 50;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await AdvisoriesApi.LoadDetailAsync(db, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }

        Detail = detail;
        var ct = HttpContext.RequestAborted;
        var documentId = detail.Advisory.DocumentId;
        var cves = detail.Vulnerabilities.Select(v => v.Id).Distinct().ToList();
        var affected = db.Set<global::Patchpeil.Server.Findings.AssetFinding>().AsNoTracking().Where(f => f.DocumentId == documentId || f.Subject == documentId || cves.Contains(f.Subject));
        AffectedTotal = await affected.CountAsync(ct);
        AffectedAssets = await affected.Select(f => f.AssetId).Distinct().CountAsync(ct);
        AffectedHere = await affected.Include(f => f.Asset).ThenInclude(a => a!.School)
            .OrderBy(f => f.State == Contracts.FindingState.Open || f.State == Contracts.FindingState.InProgress ? 0 : 1).ThenBy(f => f.Priority).ThenBy(f => f.Asset!.Name)
            .Take(ShownAffected).ToListAsync(ct);
        return Page();
    }

    /// <summary>The source document of the current revision, exactly as imported.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(Guid id)
    {
        var advisory = await db.Set<Advisory>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, HttpContext.RequestAborted);
        if (advisory is null)
        {
            return NotFound();
        }

        var revision = await db.Set<AdvisoryRevision>().AsNoTracking()
            .Where(r => r.AdvisoryId == id && r.ContentSha256 == advisory.ContentSha256)
            .Select(r => r.Content).FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (revision is null)
        {
            return NotFound();
        }

        var name = string.Concat(advisory.DocumentId.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_')) + ".json";
        return File(revision, "application/json", name);
    }
}
