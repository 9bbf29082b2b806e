using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools;

[Authorize(Policy = Policies.Write)]
public sealed class EditModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public SchoolForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is { } id)
        {
            var school = await db.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, HttpContext.RequestAborted);
            if (school is null)
            {
                return NotFound();
            }

            Input = new SchoolForm { Name = school.Name, Brin = school.Brin };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        School? school = null;
        if (Id is { } id && (school = await db.Schools.SingleOrDefaultAsync(s => s.Id == id, HttpContext.RequestAborted)) is null)
        {
            return NotFound();
        }

        var input = new SchoolInput(Input.Name, Input.Brin);
        var errors = InventoryValidation.ValidateSchool(input);
        await InventoryApi.UniqueBrinAsync(errors, db, input.Brin, Id, HttpContext.RequestAborted);
        ModelState.Clear();
        AddErrors(errors);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (school is null)
        {
            school = new School { Name = "", Brin = "" };
            db.Schools.Add(school);
        }

        school.Name = input.Name!.Trim();
        school.Brin = InventoryValidation.NormaliseBrin(input.Brin);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Saved", school.Name].Value;
        return Redirect("/schools");
    }
}

public sealed class SchoolForm
{
    public string? Name { get; set; }

    public string? Brin { get; set; }
}
