using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Organisations;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages;

/// <summary>First start only: creates the first organisation and administrator, then disappears.</summary>
[AllowAnonymous]
public sealed class SetupModel(AccountService accounts, SetupState state, PatchpeilDbContext db, SignInManager<User> signIn, UserManager<User> users, IStringLocalizer<SharedResource> text)
    : PatchpeilPageModel(text)
{
    [BindProperty]
    public SetupInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() => await state.IsDoneAsync(db, HttpContext.RequestAborted) ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await state.IsDoneAsync(db, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        var errors = OrganisationService.Validate(new OrganisationInput(Input.OrganisationName));
        AddErrors(Rename(errors, "Name", "OrganisationName"));
        if (string.IsNullOrWhiteSpace(Input.Email) || !Input.Email.Contains('@', StringComparison.Ordinal))
        {
            ModelState.AddModelError("Input.Email", Text["Validation_Email"]);
        }

        if (string.IsNullOrEmpty(Input.Password) || Input.Password.Length < 12)
        {
            ModelState.AddModelError("Input.Password", Text["Validation_PasswordLength"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await accounts.SetupAsync(Input.OrganisationName!, Input.Email!, Input.Password!, HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Field.Length == 0 ? "" : $"Input.{error.Field}", error.Message);
            }

            return Page();
        }

        state.MarkDone();
        await signIn.SignInAsync((await users.FindByIdAsync(result.UserId!.Value.ToString()))!, isPersistent: false);
        return Redirect("/");
    }

    private static Inventory.ValidationErrors Rename(Inventory.ValidationErrors errors, string from, string to)
    {
        var renamed = new Inventory.ValidationErrors();
        foreach (var (field, key) in errors.All)
        {
            renamed.Add(field == from ? to : field, key);
        }

        return renamed;
    }
}

public sealed class SetupInput
{
    public string? OrganisationName { get; set; }

    public string? Email { get; set; }

    public string? Password { get; set; }
}
