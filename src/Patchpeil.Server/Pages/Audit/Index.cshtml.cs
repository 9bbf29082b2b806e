using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Audit;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Audit;

/// <summary>The audit log for administrators and auditors: filter, export, and (administrators) verify the chain.</summary>
[Authorize(Policy = Policies.Audit)]
public sealed class IndexModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public AuditQuery Query { get; private set; } = new();

    public List<AuditEvent> Events { get; private set; } = [];

    public int Total { get; private set; }

    public int PageCount => Math.Max(1, (Total + Query.PageSize - 1) / Query.PageSize);

    public AuditVerification? Verification { get; private set; }

    public async Task OnGetAsync(string? action, string? actor, DateOnly? from, DateOnly? to, int page = 1)
    {
        Query = new AuditQuery(action, actor, from, to, Math.Max(1, page));
        var events = Query.Apply(db);
        Total = await events.CountAsync(HttpContext.RequestAborted);
        Events = await events.Skip((Query.Page - 1) * Query.PageSize).Take(Query.PageSize).ToListAsync(HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnGetCsvAsync(string? action, string? actor, DateOnly? from, DateOnly? to)
    {
        var events = await new AuditQuery(action, actor, from, to).Apply(db).ToListAsync(HttpContext.RequestAborted);
        return File(Encoding.UTF8.GetBytes(AuditQuery.ToCsv(events)), "text/csv; charset=utf-8", "auditlog.csv");
    }

    public async Task<IActionResult> OnPostVerifyAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        Verification = await AuditChain.VerifyAsync(db, HttpContext.RequestAborted);
        await OnGetAsync(null, null, null, null);
        return Page();
    }

    public string Link(int? page = null, string? handler = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["action"] = Query.Action,
            ["actor"] = Query.Actor,
            ["from"] = Query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = Query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["page"] = handler is null ? (page ?? Query.Page).ToString(CultureInfo.InvariantCulture) : null,
            ["handler"] = handler,
        };
        return "/audit" + QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }
}
