using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Versions;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Software;

/// <summary>Administrators' mappings for software the built-in catalog does not know; each one is audited.</summary>
public sealed class MappingsModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty]
    public MappingForm Input { get; set; } = new();

    public List<SoftwareMapping> Mappings { get; private set; } = [];

    public List<SelectListItem> SchemeOptions { get; } =
        VersionSchemes.All.Where(s => s.Kind != VersionSchemeKind.Unknown).Select(s => new SelectListItem(s.Name, s.Name)).ToList();

    public async Task OnGetAsync(string? name, string? publisher)
    {
        Input = new MappingForm { NamePattern = name, PublisherPattern = publisher, Scheme = "generic" };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear();
        var (errors, mapping) = await ImportsApi.CreateMappingAsync(
            new SoftwareMappingInput(Input.NamePattern, Input.PublisherPattern, Input.Identity, Input.Scheme, Input.EndOfLifeProduct), db, time, HttpContext.RequestAborted);
        if (mapping is null)
        {
            AddErrors(errors);
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = Text["Saved", mapping.NamePattern].Value;
        return Redirect("/software/mappings");
    }

    private async Task LoadAsync() =>
        Mappings = await db.Set<SoftwareMapping>().AsNoTracking().OrderBy(m => m.NamePattern).ToListAsync(HttpContext.RequestAborted);
}

public sealed class MappingForm
{
    public string? NamePattern { get; set; }
    public string? PublisherPattern { get; set; }
    public string? Identity { get; set; }
    public string? Scheme { get; set; }
    public string? EndOfLifeProduct { get; set; }
}
