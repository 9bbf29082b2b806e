using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

/// <summary>The software imports put on one asset, as given and as Patchpeil reads it.</summary>
public sealed class ComponentsModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public Asset? Asset { get; private set; }

    public string? Q { get; private set; }

    public List<ImportedComponent> Components { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, string? q)
    {
        Asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, HttpContext.RequestAborted);
        if (Asset is null)
        {
            return NotFound();
        }

        Q = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var all = await ImportsApi.Components(db, id).ToListAsync(HttpContext.RequestAborted);
        Components = Q is null ? all : all.Where(c => c.Name.Contains(Q, StringComparison.OrdinalIgnoreCase) || (c.Publisher?.Contains(Q, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
        return Page();
    }
}
