using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Web;

/// <summary>
/// The confirm-then-delete page (UI.md: destructive actions ask on a page of their own). A subclass says how to
/// name the record, what still depends on it, and where to go afterwards.
/// </summary>
public abstract class DeletePageModel<T>(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
    where T : class, IAudited
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    protected PatchpeilDbContext Db { get; } = db;

    protected abstract string ReturnPath { get; }

    protected abstract string NameOf(T record);

    /// <summary>The message key explaining why the record cannot go yet, or null when it can.</summary>
    protected virtual Task<string?> InUseAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task<IActionResult> OnGetAsync()
    {
        var record = await Db.Set<T>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == Id, HttpContext.RequestAborted);
        if (record is null)
        {
            return NotFound();
        }

        Name = NameOf(record);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var record = await Db.Set<T>().SingleOrDefaultAsync(r => r.Id == Id, HttpContext.RequestAborted);
        if (record is null)
        {
            return NotFound();
        }

        Name = NameOf(record);
        if (await InUseAsync(HttpContext.RequestAborted) is { } reason)
        {
            ModelState.AddModelError("", Text[reason]);
            return Page();
        }

        Db.Set<T>().Remove(record);
        await Db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Notice"] = Text["Deleted", Name].Value;
        return Redirect(ReturnPath);
    }
}
