using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings.Connectors;

/// <summary>Instellingen → Koppelingen: every connector of the organisation with its state and last run.</summary>
public sealed class IndexModel(PatchpeilDbContext db, ConnectorRunner runner, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public sealed record Row(Connector Connector, int Devices, bool Running);

    public List<Row> Rows { get; private set; } = [];

    public IReadOnlyCollection<ConnectorKind> Kinds => runner.Sources.Select(s => s.Kind).Order().ToList();

    public async Task OnGetAsync()
    {
        var connectors = await db.Set<Connector>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(HttpContext.RequestAborted);
        var devices = await db.Set<ConnectorDeviceLink>().Where(l => l.DeletedUtc == null).GroupBy(l => l.ConnectorId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, HttpContext.RequestAborted);
        Rows = connectors.Select(c => new Row(c, devices.GetValueOrDefault(c.Id), runner.IsRunning(c.Id))).ToList();
    }
}
