using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Risk;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Findings;

/// <summary>One finding: why it was raised (the explanation), why this priority and deadline, its history, and what can be done.</summary>
public sealed class DetailModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public AssetFinding Finding { get; private set; } = null!;

    public List<FindingStateChange> History { get; private set; } = [];

    public IReadOnlyList<RiskReason> Reasons { get; private set; } = [];

    public IReadOnlyList<string> Comparisons { get; private set; } = [];

    /// <summary>The advisory page of the deciding document, when it is stored here.</summary>
    public Guid? AdvisoryId { get; private set; }

    public DateTime Now { get; private set; }

    [BindProperty]
    public TransitionForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    /// <summary>One transition through <see cref="FindingLifecycle"/>; a refusal is shown at the top and the input is kept.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, [FromServices] IPatchPolicyService policies, [FromServices] FindingsOptions options)
    {
        var ct = HttpContext.RequestAborted;
        if (!CanWrite)
        {
            return Forbid();
        }

        var finding = await db.Set<AssetFinding>().Include(f => f.Asset).SingleOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return NotFound();
        }

        var action = Input.Action ?? "";
        if (!FindingLifecycle.Actions.Contains(action, StringComparer.Ordinal))
        {
            return BadRequest();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var input = new FindingTransitionInput(
            Blank(Input.Reason), Blank(Input.Measures),
            Input.Expires is { } day ? TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(23, 59)), TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")) : null,
            Blank(Input.Justification));
        var actor = FindingsSetup.ActorOf(HttpContext, db.Request);
        if (FindingLifecycle.Check(finding, action, input, actor, now, options.MaxRiskAcceptance) is { } error)
        {
            ModelState.AddModelError("", Text[error.Key]);
            db.ChangeTracker.Clear();
            await LoadAsync(id);
            return Page();
        }

        FindingLifecycle.Apply(db, finding, action, input, actor, now, await policies.CurrentAsync(finding.OrganisationId, ct));
        await db.SaveChangesAsync(ct);
        TempData["Notice"] = Text["Findings_Done"].Value;
        return RedirectToPage(new { id });
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal async Task<bool> LoadAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        Now = time.GetUtcNow().UtcDateTime;
        var finding = await db.Set<AssetFinding>().AsNoTracking().Include(f => f.Asset).ThenInclude(a => a!.School).SingleOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return false;
        }

        Finding = finding;
        History = await db.Set<FindingStateChange>().AsNoTracking().Where(h => h.FindingId == id).OrderBy(h => h.Id).ToListAsync(ct);
        Reasons = finding.Reasons();
        Comparisons = finding.ComparisonList();
        AdvisoryId = await db.Set<Advisory>().AsNoTracking().Where(a => a.DocumentId == finding.DocumentId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        return true;
    }

    /// <summary>The transitions this finding's state allows, in the order the page offers them.</summary>
    public IEnumerable<string> Transitions()
    {
        var f = Finding;
        switch (f.State)
        {
            case FindingState.Open:
                yield return "start";
                break;
            case FindingState.Resolved:
                yield return "verify";
                break;
        }

        if (f.State is FindingState.Open or FindingState.InProgress)
        {
            if (f.AcceptancePending)
            {
                // Approving or rejecting is for an administrator other than the requester (FindingLifecycle checks both).
                if (IsAdmin)
                {
                    yield return "approve-risk";
                    yield return "reject-risk";
                }
            }
            else
            {
                yield return "accept-risk";
            }

            yield return "not-affected";
            yield return "false-positive";
        }

        if (f.State is FindingState.Resolved or FindingState.Verified or FindingState.RiskAccepted or FindingState.NotAffected or FindingState.FalsePositive)
        {
            yield return "reopen";
        }
    }

    public sealed class TransitionForm
    {
        public string? Action { get; set; }
        public string? Reason { get; set; }
        public string? Measures { get; set; }
        public DateOnly? Expires { get; set; }
        public string? Justification { get; set; }
    }
}
