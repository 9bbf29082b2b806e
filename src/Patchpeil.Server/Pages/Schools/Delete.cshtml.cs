using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var school = await db.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id, HttpContext.RequestAborted);
        if (school is null)
        {
            return NotFound();
        }

        Name = school.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var school = await db.Schools.SingleOrDefaultAsync(s => s.Id == Id, HttpContext.RequestAborted);
        if (school is null)
        {
            return NotFound();
        }

        Name = school.Name;
        if (await db.Locations.AnyAsync(l => l.SchoolId == Id, HttpContext.RequestAborted) || await db.Assets.AnyAsync(a => a.SchoolId == Id, HttpContext.RequestAborted))
        {
            ModelState.AddModelError("", Text["School_InUse"]);
            return Page();
        }

        db.Schools.Remove(school);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Deleted", school.Name].Value;
        return Redirect("/schools");
    }
}
