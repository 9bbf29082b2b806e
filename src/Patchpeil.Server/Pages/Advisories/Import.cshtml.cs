using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Advisories;

/// <summary>Upload of feed files for schools without internet; the same importer as `patchpeil feeds import`.</summary>
[RequestSizeLimit(MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public sealed class ImportModel(FeedImporter importer, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public const long MaxUploadBytes = 50L * 1024 * 1024;

    public ImportSummary? Summary { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file)
    {
        if (file is null || file.Length == 0)
        {
            Error = Text["Advisories_ImportNoFile"];
            return Page();
        }

        await using var stream = file.OpenReadStream();
        Summary = await importer.ImportStreamAsync(Path.GetFileName(file.FileName), stream, cancellationToken: HttpContext.RequestAborted);
        return Page();
    }
}
