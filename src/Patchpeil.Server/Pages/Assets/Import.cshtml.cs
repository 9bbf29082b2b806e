using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Inventory;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

/// <summary>Upload of a CSV list or an SBOM, with a check-only mode and the result per row; the same service as the API.</summary>
[RequestSizeLimit(ImportService.MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportService.MaxUploadBytes)]
public sealed class ImportModel(PatchpeilDbContext db, ImportService imports, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty]
    public string? Kind { get; set; } = nameof(ImportKind.Csv);

    [BindProperty]
    public string? AssetId { get; set; }

    [BindProperty]
    public bool CheckOnly { get; set; }

    public ImportResultDto? Result { get; private set; }

    public List<InventoryImport> History { get; private set; } = [];

    public List<SelectListItem> AssetOptions { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public IActionResult OnGetTemplate(string? lang)
    {
        var english = string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase);
        return File(InventoryCsv.Template(english ? "en" : "nl"), "text/csv; charset=utf-8", english ? "inventory-template.csv" : "inventaris-sjabloon.csv");
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file)
    {
        var kind = Kind == nameof(ImportKind.Sbom) ? ImportKind.Sbom : ImportKind.Csv;
        Guid? assetId = Guid.TryParse(AssetId, out var a) ? a : null;
        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError("file", Text["Import_NoFile"]);
        }

        if (kind == ImportKind.Sbom && (assetId is null || !await db.Assets.AnyAsync(x => x.Id == assetId, HttpContext.RequestAborted)))
        {
            ModelState.AddModelError(nameof(AssetId), Text["Import_NeedsAsset"]);
        }

        if (ModelState.IsValid)
        {
            byte[] content;
            await using (var stream = file!.OpenReadStream())
            {
                content = await ImportsApi.ReadAllAsync(stream, HttpContext.RequestAborted);
            }

            Result = kind == ImportKind.Sbom
                ? await imports.ImportSbomAsync(assetId!.Value, file.FileName, content, CheckOnly, HttpContext.RequestAborted)
                : await imports.ImportCsvAsync(file.FileName, content, CheckOnly, HttpContext.RequestAborted);
            if (Result.Problems.Count > 0)
            {
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            }
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        History = await db.Set<InventoryImport>().AsNoTracking().OrderByDescending(i => i.CreatedUtc).ThenByDescending(i => i.Id).Take(20).ToListAsync(HttpContext.RequestAborted);
        AssetOptions = [new SelectListItem(Text["Choose"], ""), .. await db.Assets.AsNoTracking().OrderBy(x => x.Name).Take(2000)
            .Select(x => new SelectListItem(x.Name, x.Id.ToString())).ToListAsync(HttpContext.RequestAborted)];
    }
}
