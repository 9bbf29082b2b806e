using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Suppliers;

public sealed class EditModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid AssetId { get; set; }

    [BindProperty]
    public SupplierForm Input { get; set; } = new();

    public Asset? Asset { get; private set; }

    public List<SelectListItem> RosaOptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == AssetId, HttpContext.RequestAborted);
        if (Asset is null)
        {
            return NotFound();
        }

        if (await db.Set<SupplierRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.AssetId == AssetId, HttpContext.RequestAborted) is { } record)
        {
            Input = SupplierForm.From(record);
        }

        LoadOptions();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CanWrite)
        {
            return Forbid();
        }

        Asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == AssetId, HttpContext.RequestAborted);
        if (Asset is null)
        {
            return NotFound();
        }

        ModelState.Clear();
        var (input, dateErrors) = Input.ToInput();
        var errors = ImportsApi.ValidateSupplier(input, Asset);
        foreach (var field in dateErrors)
        {
            errors.Add(field, "Validation_Date");
        }

        AddErrors(errors);
        if (!ModelState.IsValid)
        {
            LoadOptions();
            return Page();
        }

        await ImportsApi.SaveSupplierAsync(AssetId, input, db, time, HttpContext.RequestAborted);
        TempData["Notice"] = Text["Saved", Asset.Name].Value;
        return Redirect("/suppliers");
    }

    private void LoadOptions() =>
        RosaOptions = Enum.GetValues<RosaStatus>().Select(r => new SelectListItem(Text[$"Rosa_{r}"], r.ToString())).ToList();
}

/// <summary>The form as posted: strings, so what the user typed comes back after an error. Dates as yyyy-MM-dd (input type=date).</summary>
public sealed class SupplierForm
{
    public string? Vendor { get; set; }
    public string? Product { get; set; }
    public string? Version { get; set; }
    public string? PatchCommitment { get; set; }
    public string? ContractReference { get; set; }
    public string? Rosa { get; set; } = nameof(RosaStatus.Unknown);
    public string? RosaValidUntil { get; set; }
    public string? NextReview { get; set; }

    public static SupplierForm From(SupplierRecord r) => new()
    {
        Vendor = r.Vendor,
        Product = r.Product,
        Version = r.Version,
        PatchCommitment = r.PatchCommitment,
        ContractReference = r.ContractReference,
        Rosa = r.Rosa.ToString(),
        RosaValidUntil = r.RosaValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        NextReview = r.NextReview?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public (SupplierInput Input, List<string> DateErrors) ToInput()
    {
        var errors = new List<string>();
        DateOnly? Date(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return d;
            }

            errors.Add(field);
            return null;
        }

        var input = new SupplierInput(Vendor, Product, Version, PatchCommitment, ContractReference,
            Enum.TryParse<RosaStatus>(Rosa, out var rosa) && Enum.IsDefined(rosa) ? rosa : RosaStatus.Unknown,
            Date(nameof(RosaValidUntil), RosaValidUntil), Date(nameof(NextReview), NextReview));
        return (input, errors);
    }
}
