using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools.Locations;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : DeletePageModel<Location>(db, text)
{
    protected override string ReturnPath => "/schools";

    protected override string NameOf(Location record) => record.Name;

    protected override async Task<string?> InUseAsync(CancellationToken cancellationToken) =>
        await Db.Assets.AnyAsync(a => a.LocationId == Id, cancellationToken) ? "Location_InUse" : null;
}
