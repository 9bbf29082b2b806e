using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories;

/// <summary>Search, filters, sorting and paging of the advisory list: one definition for the page and the API.</summary>
public sealed record AdvisoryQuery(
    string? Q = null, AdvisorySource? Source = null, bool Urgent = false, bool Kev = false, DateOnly? From = null,
    string? Sort = null, bool Descending = true, int Page = 1, int PageSize = 25, string? Product = null)
{
    public static readonly int[] PageSizes = [25, 50, 100, 200];
    public static readonly string[] SortKeys = ["published", "id", "title", "source"];

    public AdvisoryQuery Normalised() => this with
    {
        Q = Clean(Q),
        Product = Clean(Product),
        Sort = Sort is not null && SortKeys.Contains(Sort, StringComparer.Ordinal) ? Sort : "published",
        Page = Math.Max(1, Page),
        PageSize = PageSizes.Contains(PageSize) ? PageSize : 25,
    };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim()[..Math.Min(text.Trim().Length, 200)];

    public IQueryable<Advisory> Apply(PatchpeilDbContext db)
    {
        var advisories = db.Set<Advisory>().AsNoTracking();
        if (Q is { } q)
        {
            var needle = q.ToLowerInvariant();
            advisories = advisories.Where(a => a.SearchText.Contains(needle));
        }

        if (Product is { } product)
        {
            // Vendor, product name or identity (purl/CPE) of any product the advisory speaks about, case-insensitive.
            // EF Core translates ToLower/Contains to SQL (lower(...) and instr/strpos); the culture analyzers do not apply.
            var needle = product.ToLowerInvariant();
#pragma warning disable CA1304, CA1307, CA1311, CA1862
            advisories = advisories.Where(a => a.Products.Any(p => p.Name.ToLower().Contains(needle)
                || (p.Vendor != null && p.Vendor.ToLower().Contains(needle))
                || (p.Identity != null && p.Identity.ToLower().Contains(needle))));
#pragma warning restore CA1304, CA1307, CA1311, CA1862
        }

        if (Source is { } source)
        {
            advisories = advisories.Where(a => a.Source == source);
        }

        if (Urgent)
        {
            advisories = advisories.Where(a => a.NcscLabel == "Urgent");
        }

        if (Kev)
        {
            var kev = db.Set<KevEntry>();
            advisories = advisories.Where(a => a.Vulnerabilities.Any(v => kev.Any(k => k.CveId == v.VulnerabilityId)));
        }

        if (From is { } from)
        {
            var fromUtc = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            advisories = advisories.Where(a => a.PublishedUtc >= fromUtc);
        }

        return (Sort, Descending) switch
        {
            ("id", false) => advisories.OrderBy(a => a.DocumentId).ThenBy(a => a.Id),
            ("id", true) => advisories.OrderByDescending(a => a.DocumentId).ThenBy(a => a.Id),
            ("title", false) => advisories.OrderBy(a => a.Title).ThenBy(a => a.Id),
            ("title", true) => advisories.OrderByDescending(a => a.Title).ThenBy(a => a.Id),
            ("source", false) => advisories.OrderBy(a => a.Source).ThenBy(a => a.DocumentId),
            ("source", true) => advisories.OrderByDescending(a => a.Source).ThenBy(a => a.DocumentId),
            (_, false) => advisories.OrderBy(a => a.PublishedUtc).ThenBy(a => a.DocumentId),
            _ => advisories.OrderByDescending(a => a.PublishedUtc).ThenBy(a => a.DocumentId),
        };
    }

    public async Task<PagedResult<Advisory>> ExecuteAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var query = Apply(db);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Include(a => a.Vulnerabilities).Skip((Page - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new PagedResult<Advisory>(items, Page, PageSize, total);
    }
}
