using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Software;

/// <summary>What no rule identifies, most frequent first: the work list for new mappings. Nothing here is guessed.</summary>
public sealed class UnmappedModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<UnmappedSoftwareDto> Items { get; private set; } = [];

    public int Total { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public int PageCount => Math.Max(1, (Total + 49) / 50);

    public async Task OnGetAsync(int page = 1)
    {
        PageNumber = Math.Max(1, page);
        (Items, Total) = await ImportsApi.UnmappedAsync(db, PageNumber, 50, HttpContext.RequestAborted);
    }

    /// <summary>All of it as CSV; names come from uploaded files, so cells are neutralised against formula injection.</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        var (items, _) = await ImportsApi.UnmappedAsync(db, 1, int.MaxValue / 2, HttpContext.RequestAborted);
        var csv = new StringBuilder("name,publisher,occurrences,assets,example_version\n");
        foreach (var u in items)
        {
            csv.AppendJoin(',', new[] { u.Name, u.Publisher, u.Occurrences.ToString(CultureInfo.InvariantCulture), u.Assets.ToString(CultureInfo.InvariantCulture), u.ExampleVersion }
                .Select(Csv.Cell)).Append('\n');
        }

        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "niet-herkende-software.csv");
    }
}
