using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Accounts;

/// <summary>
/// After authentication: decides the current organisation and the user's role in it, from the database on every
/// request (so a removed membership takes effect at once), and hands both to the DbContext's tenant filter.
/// Cookie users choose among their organisations with the switcher (a cookie checked against their memberships);
/// an API token is bound to one organisation and role.
/// </summary>
public sealed class CurrentOrganisationMiddleware(RequestDelegate next)
{
    public const string CookieName = "pp_org";

    public async Task InvokeAsync(HttpContext context, RequestContext request, PatchpeilDbContext db)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            request.SetAnonymous("anonymous");
            await next(context);
            return;
        }

        var name = principal.Identity.Name ?? userId.ToString();
        var isToken = principal.HasClaim(PatchpeilClaims.AuthMethod, PatchpeilClaims.TokenAuth);
        Guid? organisationId = null;
        if (isToken)
        {
            organisationId = Guid.Parse(principal.FindFirstValue(PatchpeilClaims.Organisation)!);
        }
        else
        {
            var memberships = await db.Memberships.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.UserId == userId)
                .OrderBy(m => m.Organisation!.Name)
                .Select(m => new { m.OrganisationId, m.Role })
                .ToListAsync(context.RequestAborted);
            var chosen = Guid.TryParse(context.Request.Cookies[CookieName], out var c) ? memberships.FirstOrDefault(m => m.OrganisationId == c) : null;
            chosen ??= memberships.FirstOrDefault();
            if (chosen is not null)
            {
                organisationId = chosen.OrganisationId;
                ((ClaimsIdentity)principal.Identity).AddClaim(new Claim(ClaimTypes.Role, chosen.Role.ToString()));
                ((ClaimsIdentity)principal.Identity).AddClaim(new Claim(PatchpeilClaims.Organisation, chosen.OrganisationId.ToString()));
            }
        }

        request.SetUser(userId, name, organisationId, isToken);
        await next(context);
    }
}
