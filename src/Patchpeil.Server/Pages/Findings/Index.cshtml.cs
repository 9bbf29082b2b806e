using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Findings;

/// <summary>Bevindingen: "what, where, by when?" — filters, grouping, paging and bulk transitions, all in the URL.</summary>
public sealed class IndexModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public static readonly string[] Groupings = ["advisory", "asset", "product"];

    /// <summary>The transitions offered for a selection: those that need no per-finding input beyond a reason.</summary>
    public static readonly string[] BulkActions = ["start", "verify", "reopen", "false-positive"];

    public FindingQuery Query { get; private set; } = new();

    /// <summary>"" (open and in progress, the default), "all", or a state name.</summary>
    public string StateFilter { get; private set; } = "";

    /// <summary>"" for the flat list, else advisory, asset or product.</summary>
    public string Group { get; private set; } = "";

    public PagedResult<AssetFinding> Result { get; private set; } = new([], 1, 25, 0);

    public PagedResult<FindingGroupDto>? Groups { get; private set; }

    public int OverdueCount { get; private set; }

    public List<School> SchoolOptions { get; private set; } = [];

    public List<string> SourceOptions { get; private set; } = [];

    public DateTime Now { get; private set; }

    public int Total => Groups?.Total ?? Result.Total;

    public int PageCount => Math.Max(1, (Total + Query.PageSize - 1) / Query.PageSize);

    public bool HasFilters => Query.SchoolId is not null || Query.AssetKind is not null || Query.Priority is not null || StateFilter.Length > 0
        || Query.Source is not null || Query.Kev is not null || Query.Overdue is not null || Query.Subject is not null || Query.Q is not null
        || Query.AssetId is not null || Query.ComponentKey is not null || Query.Kind is not null;

    public async Task OnGetAsync(
        Guid? schoolId, AssetKind? assetKind, Priority? priority, string? state, string? source, bool? kev, bool? overdue,
        string? subject, string? q, Guid? assetId, string? componentKey, FindingKind? kind, string? group, string? sort, bool desc = false, int page = 1, int pageSize = 25)
    {
        var ct = HttpContext.RequestAborted;
        Build(schoolId, assetKind, priority, state, source, kev, overdue, subject, q, assetId, componentKey, kind, sort, desc, page, pageSize);
        Group = group is not null && Groupings.Contains(group, StringComparer.Ordinal) ? group : "";
        var findings = db.Set<AssetFinding>().AsNoTracking();
        if (Group.Length == 0)
        {
            Result = await Query.ExecuteAsync(db, ct);
        }
        else
        {
            Groups = Group switch
            {
                "advisory" => await Query.ByAdvisoryAsync(db, ct),
                "asset" => await Query.ByAssetAsync(db, ct),
                _ => await Query.ByProductAsync(db, ct),
            };
        }

        OverdueCount = Query.Overdue == false ? 0 : await (Query with { Overdue = true }).CountAsync(db, ct);
        SchoolOptions = await db.Schools.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        SourceOptions = await FindingFigures.GetAsync(new FindingQuery().FigureKey(db, "sources"), Now, () => SourcesAsync(findings, ct));
    }

    /// <summary>
    /// One transition for the selected findings through <see cref="FindingLifecycle"/>, all or nothing (as the bulk API):
    /// every finding is checked first; if any cannot take the step, nothing changes and the page says how many.
    /// </summary>
    public async Task<IActionResult> OnPostBulkAsync(string? action, List<Guid>? ids, string? reason, string? returnUrl,
        [FromServices] IPatchPolicyService policies, [FromServices] FindingsOptions options)
    {
        var back = returnUrl is not null && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/findings", StringComparison.Ordinal) ? returnUrl : "/findings";
        if (!CanWrite)
        {
            return Forbid();
        }

        var ct = HttpContext.RequestAborted;
        ids = (ids ?? []).Distinct().ToList();
        if (action is null || !BulkActions.Contains(action, StringComparer.Ordinal) || ids.Count is 0 or > FindingsSetup.MaxBulk)
        {
            TempData["Error"] = Text["Findings_BulkNoneSelected"].Value;
            return LocalRedirect(back);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = FindingsSetup.ActorOf(HttpContext, db.Request);
        var input = new FindingTransitionInput(Reason: string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        var findings = await db.Set<AssetFinding>().Include(f => f.Asset).Where(f => ids.Contains(f.Id)).ToListAsync(ct);
        var refused = ids.Count - findings.Count + findings.Count(f => FindingLifecycle.Check(f, action, input, actor, now, options.MaxRiskAcceptance) is not null);
        if (refused > 0)
        {
            TempData["Error"] = Text["Findings_BulkFailed", refused].Value;
            return LocalRedirect(back);
        }

        var policy = await policies.CurrentAsync(findings[0].OrganisationId, ct);
        foreach (var f in findings)
        {
            FindingLifecycle.Apply(db, f, action, input, actor, now, policy);
        }

        await db.SaveChangesAsync(ct);
        TempData["Notice"] = Text["Findings_BulkDone", findings.Count].Value;
        return LocalRedirect(back);
    }

    /// <summary>CSV of exactly what the flat list shows (same filters and order), all pages.</summary>
    public async Task<IActionResult> OnGetCsvAsync(
        Guid? schoolId, AssetKind? assetKind, Priority? priority, string? state, string? source, bool? kev, bool? overdue,
        string? subject, string? q, Guid? assetId, string? componentKey, FindingKind? kind, string? sort, bool desc = false)
    {
        Build(schoolId, assetKind, priority, state, source, kev, overdue, subject, q, assetId, componentKey, kind, sort, desc, 1, 25);
        var rows = await Query.Apply(db.Set<AssetFinding>().AsNoTracking().Include(f => f.Asset).ThenInclude(a => a!.School)).ToListAsync(HttpContext.RequestAborted);
        var csv = new StringBuilder("priority,state,overdue,deadline_utc,asset,asset_kind,school,kind,component,version,subject,source,document,kev,cvss,first_seen_utc\n");
        foreach (var f in rows)
        {
            csv.AppendJoin(',', new[]
            {
                f.Priority.ToString(), f.State.ToString(), f.IsOverdue(Now) ? "true" : "false", f.DeadlineUtc?.ToString("O", CultureInfo.InvariantCulture),
                f.Asset?.Name, f.Asset?.Kind.ToString(), f.Asset?.School?.Name, f.Kind.ToString(), f.Component, f.Version, f.Subject, f.Source, f.DocumentId,
                f.KnownExploited ? "true" : "false", f.Cvss?.ToString(CultureInfo.InvariantCulture), f.FirstSeenUtc.ToString("O", CultureInfo.InvariantCulture),
            }.Select(Csv.Cell)).Append('\n');
        }

        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "bevindingen.csv");
    }

    private void Build(
        Guid? schoolId, AssetKind? assetKind, Priority? priority, string? state, string? source, bool? kev, bool? overdue,
        string? subject, string? q, Guid? assetId, string? componentKey, FindingKind? kind, string? sort, bool desc, int page, int pageSize)
    {
        Now = time.GetUtcNow().UtcDateTime;
        FindingState? stateValue = Enum.TryParse<FindingState>(state, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        StateFilter = stateValue?.ToString() ?? (state == "all" ? "all" : "");
        Query = new FindingQuery(
            schoolId, assetKind, priority, stateValue, source, kev, overdue, assetId, subject, kind, componentKey, q,
            Active: StateFilter.Length == 0, Sort: sort, Descending: desc, Page: page, PageSize: pageSize).Normalised() with
        { Now = Now };
    }

    public string Link(string? sort = null, bool? desc = null, int? page = null, int? pageSize = null, string? handler = null, string? group = null) =>
        LinkTo(Query, StateFilter, group ?? Group, sort, desc, page, pageSize, handler);

    /// <summary>The list URL for a query: used by this page, the dashboard, the asset and advisory pages.</summary>
    public static string LinkTo(FindingQuery query, string stateFilter = "", string group = "", string? sort = null, bool? desc = null, int? page = null, int? pageSize = null, string? handler = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string?>
        {
            ["schoolId"] = query.SchoolId?.ToString(),
            ["assetKind"] = query.AssetKind?.ToString(),
            ["priority"] = query.Priority?.ToString(),
            ["state"] = stateFilter.Length == 0 ? null : stateFilter,
            ["source"] = query.Source,
            ["kev"] = query.Kev is { } kev ? (kev ? "true" : "false") : null,
            ["overdue"] = query.Overdue is { } overdue ? (overdue ? "true" : "false") : null,
            ["subject"] = query.Subject,
            ["q"] = query.Q,
            ["assetId"] = query.AssetId?.ToString(),
            ["componentKey"] = query.ComponentKey,
            ["kind"] = query.Kind?.ToString(),
            ["group"] = group.Length == 0 ? null : group,
            ["sort"] = (sort ?? query.Sort) is { } s && s != "priority" ? s : null,
            ["desc"] = (desc ?? query.Descending) ? "true" : null,
            ["page"] = handler is null && (page ?? query.Page) > 1 ? (page ?? query.Page).ToString(CultureInfo.InvariantCulture) : null,
            ["pageSize"] = (pageSize ?? query.PageSize) is var size && size != 25 ? size.ToString(CultureInfo.InvariantCulture) : null,
            ["handler"] = handler,
        };
        return "/findings" + Microsoft.AspNetCore.Http.QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }

    /// <summary>
    /// The distinct sources, in order, by skipping from one to the next over the (organisation, source) index: a seek per
    /// source instead of reading every finding (at a million findings, DISTINCT took seconds).
    /// </summary>
    private static async Task<List<string>> SourcesAsync(IQueryable<AssetFinding> findings, CancellationToken ct)
    {
        var sources = new List<string>();
        string? last = null;
        while (sources.Count < 100)
        {
            var after = last;
            var next = after is null
                ? await findings.MinAsync(f => (string?)f.Source, ct)
                : await findings.Where(f => f.Source.CompareTo(after) > 0).MinAsync(f => (string?)f.Source, ct);
            if (next is null)
            {
                break;
            }

            sources.Add(next);
            last = next;
        }

        return sources;
    }
}
