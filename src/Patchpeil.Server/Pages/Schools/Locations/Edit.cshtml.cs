using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools.Locations;

[Authorize(Policy = Policies.Write)]
public sealed class EditModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public LocationForm Input { get; set; } = new();

    public List<SelectListItem> SchoolOptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? schoolId)
    {
        if (Id is { } id)
        {
            var location = await db.Locations.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, HttpContext.RequestAborted);
            if (location is null)
            {
                return NotFound();
            }

            Input = new LocationForm { SchoolId = location.SchoolId.ToString(), Name = location.Name, Address = location.Address };
        }
        else
        {
            Input.SchoolId = schoolId?.ToString();
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Location? location = null;
        if (Id is { } id && (location = await db.Locations.SingleOrDefaultAsync(l => l.Id == id, HttpContext.RequestAborted)) is null)
        {
            return NotFound();
        }

        var input = new LocationInput(Guid.TryParse(Input.SchoolId, out var s) ? s : null, Input.Name, Input.Address);
        ModelState.Clear();
        AddErrors(await InventoryValidation.ValidateLocationAsync(input, db, HttpContext.RequestAborted));
        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }

        if (location is null)
        {
            location = new Location { Name = "" };
            db.Locations.Add(location);
        }

        location.SchoolId = input.SchoolId!.Value;
        location.Name = input.Name!.Trim();
        location.Address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim();
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Saved", location.Name].Value;
        return Redirect("/schools");
    }

    private async Task LoadAsync() =>
        SchoolOptions = [new SelectListItem(Text["Choose"], ""), .. await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new SelectListItem(s.Name, s.Id.ToString())).ToListAsync(HttpContext.RequestAborted)];
}

public sealed class LocationForm
{
    public string? SchoolId { get; set; }

    public string? Name { get; set; }

    public string? Address { get; set; }
}
