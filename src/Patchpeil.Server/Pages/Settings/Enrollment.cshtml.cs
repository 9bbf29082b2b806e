using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings;

/// <summary>Enrollment secrets for the agent: created here, shown once, stored as a SHA-256 hash, expiring, revocable.</summary>
public sealed class EnrollmentModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public List<EnrollmentSecret> Secrets { get; private set; } = [];

    public Dictionary<Guid, string> SchoolNames { get; private set; } = [];

    public List<SelectListItem> SchoolOptions { get; private set; } = [];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Only set in the response to the create request; never stored.</summary>
    public string? NewSecret { get; private set; }

    public string ServerUrl => $"{Request.Scheme}://{Request.Host}";

    [BindProperty]
    public EnrollmentForm Input { get; set; } = new();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        ModelState.Clear();
        DateTime? expires = null;
        if (!string.IsNullOrWhiteSpace(Input.ExpiresOn))
        {
            if (DateOnly.TryParseExact(Input.ExpiresOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                expires = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            }
            else
            {
                ModelState.AddModelError("Input.ExpiresOn", Text["Validation_SecretExpiry"]);
            }
        }

        Guid? schoolId = Guid.TryParse(Input.SchoolId, out var s) ? s : null;
        var errors = await AgentApi.ValidateSecretAsync(new EnrollmentSecretInput(Input.Name, schoolId, expires), db, Now, HttpContext.RequestAborted);
        foreach (var (field, keys) in errors)
        {
            var name = field switch { "expiresUtc" => "ExpiresOn", "schoolId" => "SchoolId", _ => "Name" };
            foreach (var key in keys)
            {
                ModelState.AddModelError($"Input.{name}", Text[key]);
            }
        }

        if (ModelState.IsValid)
        {
            var (secret, row) = AgentApi.NewSecret(Input.Name!.Trim(), schoolId, expires ?? Now.AddDays(AgentApi.DefaultSecretDays), Now);
            db.Set<EnrollmentSecret>().Add(row);
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            NewSecret = secret;
            Input = new EnrollmentForm();
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid secretId)
    {
        var row = await db.Set<EnrollmentSecret>().SingleOrDefaultAsync(t => t.Id == secretId, HttpContext.RequestAborted);
        if (row is null)
        {
            return NotFound();
        }

        row.RevokedUtc ??= Now;
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Enrollment_Revoked", row.Name].Value;
        return Redirect("/settings/enrollment");
    }

    private async Task LoadAsync()
    {
        Secrets = await db.Set<EnrollmentSecret>().AsNoTracking().OrderByDescending(t => t.CreatedUtc).ToListAsync(HttpContext.RequestAborted);
        var schools = await db.Schools.AsNoTracking().OrderBy(x => x.Name).ToListAsync(HttpContext.RequestAborted);
        SchoolNames = schools.ToDictionary(x => x.Id, x => x.Name);
        SchoolOptions = [new SelectListItem(Text["Enrollment_NoSchool"], ""), .. schools.Select(x => new SelectListItem(x.Name, x.Id.ToString()))];
    }
}

public sealed class EnrollmentForm
{
    public string? Name { get; set; }

    public string? SchoolId { get; set; }

    public string? ExpiresOn { get; set; }
}
