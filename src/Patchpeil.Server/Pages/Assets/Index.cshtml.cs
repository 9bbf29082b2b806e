using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Assets;

public sealed class IndexModel(PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public AssetQuery Query { get; private set; } = new();

    public PagedResult<Asset> Result { get; private set; } = new([], 1, 25, 0);

    public List<School> SchoolOptions { get; private set; } = [];

    public int PageCount => Math.Max(1, (Result.Total + Query.PageSize - 1) / Query.PageSize);

    public bool HasFilters => Query.Q is not null || Query.SchoolId is not null || Query.Kind is not null || Query.Criticality is not null || Query.NotSeenDays is not null;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(string? q, Guid? schoolId, AssetKind? kind, BivLevel? criticality, string? sort, bool desc = false, int page = 1, int pageSize = 25, int? notSeenDays = null)
    {
        Query = new AssetQuery(q, schoolId, kind, criticality, sort, desc, page, pageSize, notSeenDays).Normalised() with { Now = Now };
        Result = await Query.ExecuteAsync(db, HttpContext.RequestAborted);
        SchoolOptions = await db.Schools.AsNoTracking().OrderBy(s => s.Name).ToListAsync(HttpContext.RequestAborted);
    }

    /// <summary>CSV of exactly what the list shows (same filters and order), all pages.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? q, Guid? schoolId, AssetKind? kind, BivLevel? criticality, string? sort, bool desc = false, int? notSeenDays = null)
    {
        Query = new AssetQuery(q, schoolId, kind, criticality, sort, desc, NotSeenDays: notSeenDays).Normalised() with { Now = Now };
        var assets = await Query.Apply(db.Assets.AsNoTracking().Include(a => a.School).Include(a => a.Location)).ToListAsync(HttpContext.RequestAborted);
        var csv = new StringBuilder("name,kind,hostname,platform,owner,school,location,availability,integrity,confidentiality,internet_facing,tags,last_seen_utc,patch_level\n");
        foreach (var a in assets)
        {
            csv.AppendJoin(',', new[]
            {
                a.Name, a.Kind.ToString(), a.Hostname, a.Platform, a.Owner, a.School?.Name, a.Location?.Name,
                a.Availability.ToString(), a.Integrity.ToString(), a.Confidentiality.ToString(),
                a.InternetFacing ? "true" : "false", string.Join(';', a.Tags),
                a.LastSeenUtc?.ToString("O", CultureInfo.InvariantCulture), a.PatchLevel,
            }.Select(Csv.Cell)).Append('\n');
        }

        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "apparaten.csv");
    }

    public string Link(string? sort = null, bool? desc = null, int? page = null, int? pageSize = null, string? handler = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = Query.Q,
            ["schoolId"] = Query.SchoolId?.ToString(),
            ["kind"] = Query.Kind?.ToString(),
            ["criticality"] = Query.Criticality?.ToString(),
            ["notSeenDays"] = Query.NotSeenDays?.ToString(CultureInfo.InvariantCulture),
            ["sort"] = sort ?? Query.Sort,
            ["desc"] = (desc ?? Query.Descending) ? "true" : null,
            ["page"] = handler is null ? (page ?? Query.Page).ToString(CultureInfo.InvariantCulture) : null,
            ["pageSize"] = (pageSize ?? Query.PageSize).ToString(CultureInfo.InvariantCulture),
            ["handler"] = handler,
        };
        return "/assets" + Microsoft.AspNetCore.Http.QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }
}
