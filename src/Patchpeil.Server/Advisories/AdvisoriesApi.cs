using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Advisories;

/// <summary>An advisory in a list.</summary>
public sealed record AdvisoryDto(
    Guid Id, string Source, string DocumentId, string Title, string? Publisher, string? Severity, string? NcscLabel,
    DateTime? PublishedUtc, DateTime? ModifiedUtc, string? Revision, bool Withdrawn, IReadOnlyList<string> Vulnerabilities);

/// <summary>
/// A vulnerability named by an advisory. CvssVersion/CvssVector/CvssScore are this advisory's own score; Chosen is the
/// score shown, picked by the documented rule from every source's score (<see cref="Scores"/>, chosen first; ADR 0009).
/// </summary>
public sealed record AdvisoryVulnerabilityDto(string Id, string? CvssVersion, string? CvssVector, string? CvssScore, bool Kev, decimal? Epss)
{
    public ScoreDto? Chosen => Scores.FirstOrDefault(s => s.Chosen);

    public IReadOnlyList<ScoreDto> Scores { get; init; } = [];
}

/// <summary>A product as the advisory publishes it; ranges are raw text.</summary>
public sealed record AffectedProductDto(string? Vendor, string Name, string? Identity, string Status, string? Range, string? FixedVersions, string? Remediation, string? RemediationUrl);

/// <summary>One advisory with its vulnerabilities, products and revisions.</summary>
public sealed record AdvisoryDetailDto(
    AdvisoryDto Advisory, IReadOnlyList<AdvisoryVulnerabilityDto> Vulnerabilities, IReadOnlyList<AffectedProductDto> Products,
    IReadOnlyList<AdvisoryRevisionDto> Revisions);

/// <summary>An imported revision of an advisory.</summary>
public sealed record AdvisoryRevisionDto(string? Revision, DateTime? ModifiedUtc, DateTime FetchedUtc, string ContentSha256);

public static class AdvisoriesApi
{
    public static WebApplication MapAdvisoriesApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("Advisories");
        api.MapGet("/advisories", async (PatchpeilDbContext db, string? q, string? product, AdvisorySource? source, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = ApiResults.Paging(page, pageSize);
            var query = new AdvisoryQuery(q, source, Page: p, Product: product).Normalised() with { PageSize = size };
            var result = await query.ExecuteAsync(db, ct);
            return TypedResults.Ok(new PagedResult<AdvisoryDto>(result.Items.Select(ToDto).ToList(), result.Page, result.PageSize, result.Total));
        });
        api.MapGet("/advisories/{id:guid}", async Task<Results<Ok<AdvisoryDetailDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await LoadDetailAsync(db, id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound());
        return app;
    }

    public static AdvisoryDto ToDto(Advisory a) => new(
        a.Id, a.Source.ToString(), a.DocumentId, a.Title, a.Publisher, a.Severity, a.NcscLabel, a.PublishedUtc, a.ModifiedUtc,
        a.CurrentRevision, a.Withdrawn, a.Vulnerabilities.Select(v => v.VulnerabilityId).ToList());

    /// <summary>The advisory with KEV and EPSS for its CVEs; shared by the detail page and the API.</summary>
    public static async Task<AdvisoryDetailDto?> LoadDetailAsync(PatchpeilDbContext db, Guid id, CancellationToken ct)
    {
        var a = await db.Set<Advisory>().AsNoTracking().AsSplitQuery()
            .Include(x => x.Vulnerabilities).Include(x => x.Products)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (a is null)
        {
            return null;
        }

        var ids = a.Vulnerabilities.Select(v => v.VulnerabilityId).ToList();
        var kev = (await db.Set<KevEntry>().AsNoTracking().Where(k => EF.Parameter(ids).Contains(k.CveId)).Select(k => k.CveId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var epss = await db.Set<EpssScore>().AsNoTracking().Where(e => EF.Parameter(ids).Contains(e.CveId)).ToDictionaryAsync(e => e.CveId, e => e.Score, StringComparer.Ordinal, ct);
        var scores = await AdvisoryScoreModel.ScoresForAsync(db, ids, ct);
        var revisions = await db.Set<AdvisoryRevision>().AsNoTracking().Where(r => r.AdvisoryId == id)
            .OrderByDescending(r => r.FetchedUtc).ThenByDescending(r => r.ModifiedUtc)
            .Select(r => new AdvisoryRevisionDto(r.Revision, r.ModifiedUtc, r.FetchedUtc, r.ContentSha256)).ToListAsync(ct);
        return new AdvisoryDetailDto(
            ToDto(a),
            a.Vulnerabilities.OrderBy(v => v.VulnerabilityId, StringComparer.Ordinal)
                .Select(v => new AdvisoryVulnerabilityDto(v.VulnerabilityId, v.CvssVersion, v.CvssVector, v.CvssScore, kev.Contains(v.VulnerabilityId), epss.TryGetValue(v.VulnerabilityId, out var e) ? e : null)
                {
                    Scores = scores.TryGetValue(v.VulnerabilityId, out var all) ? all : [],
                }).ToList(),
            a.Products.OrderBy(p => p.Vendor, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Status, StringComparer.Ordinal)
                .Select(p => new AffectedProductDto(p.Vendor, p.Name, p.Identity, p.Status, p.Range, p.FixedVersions, p.Remediation, p.RemediationUrl)).ToList(),
            revisions);
    }
}
