using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools;

public sealed class IndexModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<School> Schools { get; private set; } = [];

    public async Task OnGetAsync() =>
        Schools = await db.Schools.AsNoTracking().Include(s => s.Locations).OrderBy(s => s.Name).ToListAsync(HttpContext.RequestAborted);
}
