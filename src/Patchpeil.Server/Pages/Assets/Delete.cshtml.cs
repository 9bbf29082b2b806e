using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == Id, HttpContext.RequestAborted);
        if (asset is null)
        {
            return NotFound();
        }

        Name = asset.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var asset = await db.Assets.SingleOrDefaultAsync(a => a.Id == Id, HttpContext.RequestAborted);
        if (asset is null)
        {
            return NotFound();
        }

        db.Assets.Remove(asset);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Deleted", asset.Name].Value;
        return Redirect("/assets");
    }
}
