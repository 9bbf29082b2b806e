using System.Globalization;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Advisories;

public sealed class IndexModel(PatchpeilDbContext db, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public AdvisoryQuery Query { get; private set; } = new();

    public PagedResult<Advisory> Result { get; private set; } = new([], 1, 25, 0);

    public int PageCount => Math.Max(1, (Result.Total + Query.PageSize - 1) / Query.PageSize);

    /// <summary>Per advisory on this page: the highest of its vulnerabilities' chosen scores (ScoreChoice, across all sources).</summary>
    public Dictionary<Guid, ScoreDto> HighestScores { get; } = [];

    public bool HasFilters => Query.Q is not null || Query.Product is not null || Query.Source is not null || Query.Urgent || Query.Kev || Query.From is not null;

    public async Task OnGetAsync(string? q, string? product, AdvisorySource? source, bool urgent, bool kev, DateOnly? from, string? sort, bool desc = true, int page = 1, int pageSize = 25)
    {
        Query = new AdvisoryQuery(q, source, urgent, kev, from, sort, desc, page, pageSize, product).Normalised();
        Result = await Query.ExecuteAsync(db, HttpContext.RequestAborted);
        var chosen = await AdvisoryScoreModel.ScoresForAsync(db, Result.Items.SelectMany(a => a.Vulnerabilities.Select(v => v.VulnerabilityId)).ToList(), HttpContext.RequestAborted);
        foreach (var advisory in Result.Items)
        {
            var highest = advisory.Vulnerabilities
                .Select(v => chosen.GetValueOrDefault(v.VulnerabilityId)?.FirstOrDefault(s => s.Chosen))
                .Where(s => s?.BaseScore is not null)
                .MaxBy(s => s!.BaseScore);
            if (highest is not null)
            {
                HighestScores[advisory.Id] = highest;
            }
        }
    }

    public string Link(string? sort = null, bool? desc = null, int? page = null, int? pageSize = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = Query.Q,
            ["product"] = Query.Product,
            ["source"] = Query.Source?.ToString(),
            ["urgent"] = Query.Urgent ? "true" : null,
            ["kev"] = Query.Kev ? "true" : null,
            ["from"] = Query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["sort"] = sort ?? Query.Sort,
            ["desc"] = (desc ?? Query.Descending) ? "true" : "false",
            ["page"] = (page ?? Query.Page).ToString(CultureInfo.InvariantCulture),
            ["pageSize"] = (pageSize ?? Query.PageSize).ToString(CultureInfo.InvariantCulture),
        };
        return "/advisories" + Microsoft.AspNetCore.Http.QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }
}
