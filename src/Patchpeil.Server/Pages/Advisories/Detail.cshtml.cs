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

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await AdvisoriesApi.LoadDetailAsync(db, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }

        Detail = detail;
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
