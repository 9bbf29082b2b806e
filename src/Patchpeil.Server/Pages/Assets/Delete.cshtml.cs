using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

[Authorize(Policy = Policies.Write)]
public sealed class DeleteModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : DeletePageModel<Asset>(db, text)
{
    protected override string ReturnPath => "/assets";

    protected override string NameOf(Asset record) => record.Name;
}
