using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Account;

public sealed class SignInModel(SignInManager<User> signIn, UserManager<User> users, PatchpeilDbContext db, IStringLocalizer<SharedResource> text)
    : PatchpeilPageModel(text)
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var email = Input.Email?.Trim() ?? "";
        if (email.Length == 0)
        {
            ModelState.AddModelError("Input.Email", Text["Validation_Required"]);
        }

        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", Text["Validation_Required"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.FindByEmailAsync(email);
        var result = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasswordSignInAsync(user, Input.Password!, isPersistent: false, lockoutOnFailure: true);
        db.Request.SetAnonymous(email.Length > 256 ? email[..256] : email);
        if (result.Succeeded)
        {
            db.RecordAudit("SignIn.Succeeded", nameof(User), user!.Id.ToString(), null, null, organisationId: null);
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        db.RecordAudit(result.IsLockedOut ? "SignIn.LockedOut" : "SignIn.Failed", nameof(User), user?.Id.ToString(), null, null, organisationId: null);
        await db.SaveChangesAsync(HttpContext.RequestAborted);

        // One message for unknown user and wrong password, so the page does not reveal who has an account.
        ModelState.AddModelError("", result.IsLockedOut ? Text["SignIn_LockedOut"] : Text["SignIn_Failed"]);
        return Page();
    }
}

public sealed class SignInInput
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
