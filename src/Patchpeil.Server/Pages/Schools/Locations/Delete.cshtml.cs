using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools.Locations;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var location = await db.Locations.AsNoTracking().SingleOrDefaultAsync(l => l.Id == Id, HttpContext.RequestAborted);
        if (location is null)
        {
            return NotFound();
        }

        Name = location.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var location = await db.Locations.SingleOrDefaultAsync(l => l.Id == Id, HttpContext.RequestAborted);
        if (location is null)
        {
            return NotFound();
        }

        Name = location.Name;
        if (await db.Assets.AnyAsync(a => a.LocationId == Id, HttpContext.RequestAborted))
        {
            ModelState.AddModelError("", Text["Location_InUse"]);
            return Page();
        }

        db.Locations.Remove(location);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Deleted", location.Name].Value;
        return Redirect("/schools");
    }
}
