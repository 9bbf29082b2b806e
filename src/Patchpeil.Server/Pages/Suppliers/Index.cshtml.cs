using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Suppliers;

/// <summary>The supplier register: every SaaS service and application, with who patches it and when it is reviewed next.</summary>
public sealed class IndexModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public sealed record Row(Asset Asset, SupplierRecord? Record);

    public List<Row> Rows { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        Today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var assets = await db.Assets.AsNoTracking().Where(a => a.Kind == AssetKind.Saas || a.Kind == AssetKind.Application).OrderBy(a => a.Name).ToListAsync(HttpContext.RequestAborted);
        var records = await db.Set<SupplierRecord>().AsNoTracking().ToDictionaryAsync(r => r.AssetId, HttpContext.RequestAborted);
        Rows = assets.Select(a => new Row(a, records.GetValueOrDefault(a.Id)))
            .OrderBy(r => r.Record?.NextReview ?? DateOnly.MinValue).ThenBy(r => r.Asset.Name, StringComparer.CurrentCulture).ToList();
    }
}
