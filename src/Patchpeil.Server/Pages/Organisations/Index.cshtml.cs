using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Organisations;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Organisations;

public sealed class IndexModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<OrganisationDto> Mine { get; private set; } = [];

    public Guid? CurrentId => db.Request.OrganisationId;

    [BindProperty]
    public OrganisationInputForm Rename { get; set; } = new();

    [BindProperty]
    public OrganisationInputForm Create { get; set; } = new();

    public async Task OnGetAsync()
    {
        await LoadAsync();
        Rename.Name = Mine.FirstOrDefault(o => o.Id == CurrentId)?.Name;
    }

    /// <summary>Switching only ever selects among the user's own memberships; the middleware checks it again on every request.</summary>
    public async Task<IActionResult> OnPostSwitchAsync(Guid organisationId)
    {
        var mine = await OrganisationService.MineAsync(db, HttpContext.RequestAborted);
        var target = mine.FirstOrDefault(o => o.Id == organisationId);
        if (target is null)
        {
            return NotFound();
        }

        Response.Cookies.Append(CurrentOrganisationMiddleware.CookieName, target.Id.ToString(),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = Request.IsHttps });
        TempData["Notice"] = Text["Organisations_Switched", target.Name].Value;
        return Redirect("/");
    }

    public async Task<IActionResult> OnPostRenameAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        ModelState.Clear();
        AddErrors(OrganisationService.Validate(new OrganisationInput(Rename.Name)), "Rename");
        if (ModelState.IsValid)
        {
            var organisation = await db.Organisations.SingleAsync(o => o.Id == CurrentId, HttpContext.RequestAborted);
            organisation.Name = Rename.Name!.Trim();
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            TempData["Notice"] = Text["Saved", organisation.Name].Value;
            return Redirect("/organisations");
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        ModelState.Clear();
        AddErrors(OrganisationService.Validate(new OrganisationInput(Create.Name)), "Create");
        if (ModelState.IsValid)
        {
            var created = await OrganisationService.CreateAsync(db, Create.Name!.Trim(), time, HttpContext.RequestAborted);
            TempData["Notice"] = Text["Saved", created.Name].Value;
            return Redirect("/organisations");
        }

        await LoadAsync();
        Rename.Name = Mine.FirstOrDefault(o => o.Id == CurrentId)?.Name;
        return Page();
    }

    private async Task LoadAsync() => Mine = await OrganisationService.MineAsync(db, HttpContext.RequestAborted);
}

public sealed class OrganisationInputForm
{
    public string? Name { get; set; }
}
