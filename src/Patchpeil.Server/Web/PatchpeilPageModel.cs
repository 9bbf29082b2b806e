using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Inventory;

namespace Patchpeil.Server.Web;

/// <summary>What every page needs: the texts in the user's language and the user's role in the current organisation.</summary>
public abstract class PatchpeilPageModel(IStringLocalizer<SharedResource> text) : PageModel
{
    protected IStringLocalizer<SharedResource> Text { get; } = text;

    public bool CanWrite => HasRole(Role.Administrator) || HasRole(Role.ITStaff);

    public bool IsAdmin => HasRole(Role.Administrator);

    protected bool HasRole(Role role) => User.HasClaim(ClaimTypes.Role, role.ToString());

    /// <summary>Puts validation errors beside their fields, translated, under the given prefix (e.g. "Input").</summary>
    protected void AddErrors(ValidationErrors errors, string prefix = "Input")
    {
        foreach (var (field, key) in errors.All)
        {
            ModelState.AddModelError(field.Length == 0 ? "" : $"{prefix}.{field}", Text[key]);
        }
    }
}
