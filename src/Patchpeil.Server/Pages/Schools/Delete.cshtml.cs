using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Schools;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : DeletePageModel<School>(db, text)
{
    protected override string ReturnPath => "/schools";

    protected override string NameOf(School record) => record.Name;

    protected override async Task<string?> InUseAsync(CancellationToken cancellationToken) =>
        await Db.Locations.AnyAsync(l => l.SchoolId == Id, cancellationToken) || await Db.Assets.AnyAsync(a => a.SchoolId == Id, cancellationToken)
            ? "School_InUse"
            : null;
}
