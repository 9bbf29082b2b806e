using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Lifecycle;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Lifecycle;

public sealed class IndexModel(PatchpeilDbContext db, LifecycleService lifecycle, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public sealed record ProductRow(string Name, string Label, string? Category, int Cycles, DateTime FetchedUtc);

    public IReadOnlyList<ProductRow> Products { get; private set; } = [];

    public string? Product { get; private set; }

    public string? ProductLabel { get; private set; }

    public IReadOnlyList<CycleLifecycle> Cycles { get; private set; } = [];

    public async Task OnGetAsync(string? product)
    {
        Products = await db.Set<LifecycleProduct>().AsNoTracking().OrderBy(p => p.Label)
            .Select(p => new ProductRow(p.Name, p.Label, p.Category, p.Cycles.Count, p.FetchedUtc)).ToListAsync(HttpContext.RequestAborted);
        if (product is not null && Products.FirstOrDefault(p => p.Name == product) is { } chosen)
        {
            Product = chosen.Name;
            ProductLabel = chosen.Label;
            Cycles = await lifecycle.CyclesAsync(chosen.Name, HttpContext.RequestAborted);
        }
    }
}
