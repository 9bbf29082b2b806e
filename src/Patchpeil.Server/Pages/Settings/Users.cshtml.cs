using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings;

/// <summary>Members of the current organisation and their roles. Administrators only (folder convention).</summary>
public sealed class UsersModel(PatchpeilDbContext db, AccountService accounts, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<MemberRow> Members { get; private set; } = [];

    public List<SelectListItem> RoleOptions { get; private set; } = [];

    [BindProperty]
    public AddUserForm Input { get; set; } = new();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAddAsync()
    {
        ModelState.Clear();
        var email = Input.Email?.Trim() ?? "";
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal) || email.Length > 256)
        {
            ModelState.AddModelError("Input.Email", Text["Validation_Email"]);
        }

        if (!Enum.TryParse<Role>(Input.Role, out var role) || !Enum.IsDefined(role))
        {
            ModelState.AddModelError("Input.Role", Text["Validation_Role"]);
        }

        if (!string.IsNullOrEmpty(Input.Password) && Input.Password.Length < 12)
        {
            ModelState.AddModelError("Input.Password", Text["Validation_PasswordLength"]);
        }

        if (ModelState.IsValid)
        {
            var result = await accounts.AddMemberAsync(email, Input.Password, db.Request.OrganisationId!.Value, role, HttpContext.RequestAborted);
            if (result.Succeeded)
            {
                TempData["Notice"] = Text["Users_Added", email].Value;
                return Redirect("/settings/users");
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Field.Length == 0 ? "" : $"Input.{error.Field}",
                    error.Field == "Password" && error.Message.StartsWith("A new user", StringComparison.Ordinal) ? Text["Validation_Required"] : error.Message);
            }
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid membershipId, Role role)
    {
        var membership = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, HttpContext.RequestAborted);
        if (membership is null || !Enum.IsDefined(role))
        {
            return NotFound();
        }

        if (membership.Role == Role.Administrator && role != Role.Administrator && await IsLastAdministratorAsync())
        {
            ModelState.AddModelError("", Text["Users_LastAdmin"]);
            await LoadAsync();
            return Page();
        }

        membership.Role = role;
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Users_RoleChanged", membership.User!.Email ?? ""].Value;
        return Redirect("/settings/users");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid membershipId)
    {
        var membership = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, HttpContext.RequestAborted);
        if (membership is null)
        {
            return NotFound();
        }

        if (membership.Role == Role.Administrator && await IsLastAdministratorAsync())
        {
            ModelState.AddModelError("", Text["Users_LastAdmin"]);
            await LoadAsync();
            return Page();
        }

        db.Memberships.Remove(membership);

        // The user's tokens for this organisation go with the membership.
        await db.ApiTokens.Where(t => t.UserId == membership.UserId && t.RevokedUtc == null)
            .ForEachAsync(t => t.RevokedUtc = time.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Users_Removed", membership.User!.Email ?? ""].Value;
        return Redirect("/settings/users");
    }

    private async Task<bool> IsLastAdministratorAsync() =>
        await db.Memberships.CountAsync(m => m.Role == Role.Administrator, HttpContext.RequestAborted) <= 1;

    private async Task LoadAsync()
    {
        var now = time.GetUtcNow();
        // SQLite cannot compare DateTimeOffset in SQL; the lockout check runs here on a handful of rows.
        Members = (await db.Memberships.AsNoTracking().OrderBy(m => m.User!.Email)
                .Select(m => new { m.Id, Email = m.User!.Email ?? "", m.Role, m.User.LockoutEnd })
                .ToListAsync(HttpContext.RequestAborted))
            .Select(m => new MemberRow(m.Id, m.Email, m.Role, m.LockoutEnd > now ? m.LockoutEnd : null)).ToList();
        RoleOptions = Enum.GetValues<Role>().Select(r => new SelectListItem(Text[$"Role_{r}"], r.ToString())).ToList();
        Input.Role ??= nameof(Role.ITStaff);
    }

    public sealed record MemberRow(Guid MembershipId, string Email, Role Role, DateTimeOffset? LockedUntil);
}

public sealed class AddUserForm
{
    public string? Email { get; set; }

    public string? Role { get; set; }

    public string? Password { get; set; }
}
