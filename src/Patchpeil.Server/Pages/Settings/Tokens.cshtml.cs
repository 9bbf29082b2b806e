using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings;

/// <summary>API tokens of the current organisation: created here, shown once, stored as a SHA-256 hash, revocable.</summary>
public sealed class TokensModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<ApiToken> Tokens { get; private set; } = [];

    public List<SelectListItem> RoleOptions { get; private set; } = [];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Only set in the response to the create request; never stored.</summary>
    public string? NewToken { get; private set; }

    [BindProperty]
    public TokenForm Input { get; set; } = new();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        ModelState.Clear();
        var name = Input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            ModelState.AddModelError("Input.Name", Text["Validation_Required"]);
        }
        else if (name.Length > 100 || name.Any(char.IsControl))
        {
            ModelState.AddModelError("Input.Name", Text["Validation_TooLong"]);
        }

        if (!Enum.TryParse<Role>(Input.Role, out var role) || !Enum.IsDefined(role))
        {
            ModelState.AddModelError("Input.Role", Text["Validation_Role"]);
        }

        DateTime? expires = null;
        if (!string.IsNullOrWhiteSpace(Input.ExpiresOn))
        {
            if (DateOnly.TryParseExact(Input.ExpiresOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                && date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > Now)
            {
                expires = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            }
            else
            {
                ModelState.AddModelError("Input.ExpiresOn", Text["Validation_Expiry"]);
            }
        }

        if (ModelState.IsValid)
        {
            var (token, prefix, hash) = ApiTokenFormat.Create();
            db.ApiTokens.Add(new ApiToken
            {
                UserId = db.Request.UserId!.Value,
                Name = name,
                Prefix = prefix,
                Hash = hash,
                Role = role,
                CreatedUtc = Now,
                ExpiresUtc = expires,
            });
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            NewToken = token;
            Input = new TokenForm();
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId, HttpContext.RequestAborted);
        if (token is null)
        {
            return NotFound();
        }

        token.RevokedUtc ??= Now;
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Tokens_Revoked", token.Name].Value;
        return Redirect("/settings/tokens");
    }

    private async Task LoadAsync()
    {
        Tokens = await db.ApiTokens.AsNoTracking().OrderByDescending(t => t.CreatedUtc).ToListAsync(HttpContext.RequestAborted);
        RoleOptions = Enum.GetValues<Role>().Select(r => new SelectListItem(Text[$"Role_{r}"], r.ToString())).ToList();
        Input.Role ??= nameof(Role.ITStaff);
    }
}

public sealed class TokenForm
{
    public string? Name { get; set; }

    public string? Role { get; set; }

    public string? ExpiresOn { get; set; }
}
