using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Software;

/// <summary>Confirm, then remove a mapping; what it identified is read again (and may become unmapped).</summary>
public sealed class DeleteMappingModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var mapping = await db.Set<SoftwareMapping>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, HttpContext.RequestAborted);
        if (mapping is null)
        {
            return NotFound();
        }

        Name = mapping.NamePattern;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        var name = await db.Set<SoftwareMapping>().Where(m => m.Id == id).Select(m => m.NamePattern).SingleOrDefaultAsync(HttpContext.RequestAborted);
        if (name is null || !await ImportsApi.DeleteMappingAsync(id, db, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        TempData["Notice"] = Text["Deleted", name].Value;
        return Redirect("/software/mappings");
    }
}
