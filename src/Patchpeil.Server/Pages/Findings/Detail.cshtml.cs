using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Risk;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
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

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

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
}
