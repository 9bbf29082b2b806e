using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

public sealed class EditModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text, Patchpeil.Server.Findings.IFindingsJobs findings) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public AssetForm Input { get; set; } = new();

    public List<SelectListItem> KindOptions { get; private set; } = [];
    public List<SelectListItem> BivOptions { get; private set; } = [];
    public List<SelectListItem> SchoolOptions { get; private set; } = [];
    public List<SelectListItem> LocationOptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is { } id)
        {
            var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, HttpContext.RequestAborted);
            if (asset is null)
            {
                return NotFound();
            }

            Input = AssetForm.From(asset);
        }

        await LoadOptionsAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CanWrite)
        {
            return Forbid();
        }

        Asset? asset = null;
        if (Id is { } id)
        {
            asset = await db.Assets.SingleOrDefaultAsync(a => a.Id == id, HttpContext.RequestAborted);
            if (asset is null)
            {
                return NotFound();
            }
        }

        // Model binding errors (e.g. an unknown enum value) are replaced by our own, translated messages.
        ModelState.Clear();
        var input = Input.ToInput();
        AddErrors(await InventoryValidation.ValidateAssetAsync(input, db, HttpContext.RequestAborted));
        if (!ModelState.IsValid)
        {
            await LoadOptionsAsync();
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (asset is null)
        {
            asset = new Asset { Name = "", CreatedUtc = now };
            db.Assets.Add(asset);
        }

        asset.Apply(input);
        asset.UpdatedUtc = now;
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        await findings.AssetChangedAsync(asset.Id, HttpContext.RequestAborted);
        TempData["Notice"] = Text["Saved", asset.Name].Value;
        return Redirect("/assets");
    }

    private async Task LoadOptionsAsync()
    {
        KindOptions = [new SelectListItem(Text["Choose"], ""), .. Enum.GetValues<AssetKind>().Select(k => new SelectListItem(Text[$"Kind_{k}"], k.ToString()))];
        BivOptions = Enum.GetValues<BivLevel>().Select(b => new SelectListItem(Text[$"Biv_{b}"], b.ToString())).ToList();
        SchoolOptions = [new SelectListItem(Text["None"], ""), .. await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new SelectListItem(s.Name, s.Id.ToString())).ToListAsync(HttpContext.RequestAborted)];
        LocationOptions = [new SelectListItem(Text["None"], ""), .. await db.Locations.AsNoTracking().OrderBy(l => l.School!.Name).ThenBy(l => l.Name)
            .Select(l => new SelectListItem(l.School!.Name + " – " + l.Name, l.Id.ToString())).ToListAsync(HttpContext.RequestAborted)];
    }
}

/// <summary>The asset form as posted: strings, so that what the user typed comes back unchanged after an error.</summary>
public sealed class AssetForm
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Hostname { get; set; }
    public string? Platform { get; set; }
    public string? Owner { get; set; }
    public string? SchoolId { get; set; }
    public string? LocationId { get; set; }
    public string? Availability { get; set; } = nameof(BivLevel.Medium);
    public string? Integrity { get; set; } = nameof(BivLevel.Medium);
    public string? Confidentiality { get; set; } = nameof(BivLevel.Medium);
    public bool InternetFacing { get; set; }
    public string? Tags { get; set; }

    public static AssetForm From(Asset a) => new()
    {
        Name = a.Name,
        Kind = a.Kind.ToString(),
        Hostname = a.Hostname,
        Platform = a.Platform,
        Owner = a.Owner,
        SchoolId = a.SchoolId?.ToString(),
        LocationId = a.LocationId?.ToString(),
        Availability = a.Availability.ToString(),
        Integrity = a.Integrity.ToString(),
        Confidentiality = a.Confidentiality.ToString(),
        InternetFacing = a.InternetFacing,
        Tags = string.Join(", ", a.Tags),
    };

    public AssetInput ToInput() => new(
        Parse<AssetKind>(Kind), Name, Hostname, Platform, Owner,
        Guid.TryParse(SchoolId, out var s) ? s : null, Guid.TryParse(LocationId, out var l) ? l : null,
        Parse<BivLevel>(Availability), Parse<BivLevel>(Integrity), Parse<BivLevel>(Confidentiality), InternetFacing,
        (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static T? Parse<T>(string? value)
        where T : struct, Enum => Enum.TryParse<T>(value, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
}
