using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

/// <summary>Revoking a device's agent asks first, on a page of its own (UI.md): the device can then never report or enroll again.</summary>
public sealed class RevokeAgentModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == Id, HttpContext.RequestAborted);
        if (asset is null || !await db.Set<AgentDevice>().AnyAsync(d => d.AssetId == Id && d.RevokedUtc == null, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        Name = asset.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var devices = await db.Set<AgentDevice>().Where(d => d.AssetId == Id && d.RevokedUtc == null).ToListAsync(HttpContext.RequestAborted);
        if (devices.Count == 0)
        {
            return NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        devices.ForEach(d => d.RevokedUtc = now);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Assets_AgentRevoked"].Value;
        return Redirect($"/assets/{Id}");
    }
}
