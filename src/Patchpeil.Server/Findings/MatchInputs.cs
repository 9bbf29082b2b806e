using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Versions;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Lifecycle;

namespace Patchpeil.Server.Findings;

/// <summary>What the database knows, turned into matcher input. Runs as system (all organisations) from the matching job.</summary>
public static class MatchInputs
{
    /// <summary>The matcher's asset id for an asset: its Guid, so findings map back without a lookup.</summary>
    public static string AssetKey(Guid assetId) => assetId.ToString("D");

    /// <summary>Current revision of every advisory that is not withdrawn, with its content hash (to detect changes later).</summary>
    public static async IAsyncEnumerable<(string Key, string Sha256, IReadOnlyList<PreparedAdvisory> Prepared)> AdvisoriesAsync(
        PatchpeilDbContext db, IReadOnlyCollection<Guid>? only, List<string> problems, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var query = db.Set<Advisory>().AsNoTracking().Where(a => !a.Withdrawn);
        if (only is not null)
        {
            query = query.Where(a => only.Contains(a.Id));
        }

        // Streamed in id order, a page at a time: the whole corpus never sits in memory as bytes.
        Guid? after = null;
        while (true)
        {
            var page = query;
            if (after is { } last)
            {
                page = page.Where(a => a.Id.CompareTo(last) > 0);
            }

            var rows = await page.OrderBy(a => a.Id).Take(500)
                .Select(a => new
                {
                    a.Id,
                    a.Source,
                    a.DocumentId,
                    a.ContentSha256,
                    Content = db.Set<AdvisoryRevision>().Where(r => r.AdvisoryId == a.Id && r.ContentSha256 == a.ContentSha256).OrderByDescending(r => r.FetchedUtc).Select(r => new { r.Content, r.FileName, r.FetchedUtc }).FirstOrDefault(),
                })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                yield break;
            }

            foreach (var row in rows)
            {
                var key = AdvisoryPreparation.KeyOf(row.Source, row.DocumentId);
                if (row.Content is null)
                {
                    problems.Add($"{key}: no stored revision with the current content");
                    continue;
                }

                var prepared = AdvisoryPreparation.Prepare(AdvisoryPreparation.ToFeedSource(row.Source), row.Content.FileName ?? row.DocumentId, row.Content.Content,
                    new DateTimeOffset(row.Content.FetchedUtc, TimeSpan.Zero), problems);

                // A file may hold several documents (NVD pages): only this advisory's own.
                yield return (key, row.ContentSha256, [.. prepared.Where(p => p.Info.Key == key)]);
            }

            after = rows[^1].Id;
        }
    }

    public static async Task<List<string>> KnownExploitedAsync(PatchpeilDbContext db, CancellationToken ct) =>
        await db.Set<KevEntry>().AsNoTracking().Select(k => k.CveId).ToListAsync(ct);

    /// <summary>endoflife.date products as the Core reader would give them (dates as published; state computed with the clock).</summary>
    public static async Task<List<EolProduct>> LifecyclesAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        var products = await db.Set<LifecycleProduct>().AsNoTracking().Include(p => p.Cycles).ToListAsync(ct);
        return [.. products.Select(p => new EolProduct(
            p.Name, p.Label, Lines(p.Aliases), p.Category, [], null,
            [.. Lines(p.Identifiers).Select(i => i.Split(':', 2)).Where(x => x.Length == 2).Select(x => new EolIdentifier(x[0], x[1]))],
            [.. p.Cycles.Select(c => new EolRelease(c.Name, c.Codename, c.Label, c.ReleaseDate, c.IsLts, c.LtsFrom, c.ActiveSupport(), c.EndOfLife(), c.ExtendedSupport(),
                new LifecycleDate(c.DiscontinuedKind, c.DiscontinuedDate), c.Latest is null ? null : new EolLatest(c.Latest, c.LatestDate, c.LatestLink), null, null))],
            new Provenance(FeedSource.EndOfLife, p.Name, p.Revision, null, p.ContentSha256, new DateTimeOffset(p.FetchedUtc, TimeSpan.Zero))))];

        static string[] Lines(string? text) => text is null ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The current inventory of the given assets (or all): the latest agent snapshot, else the latest connector snapshot,
    /// plus imported SBOM/CSV components; with the organisation's own software mappings for what the catalog does not know.
    /// </summary>
    public static async Task<List<(MatchAsset Asset, Guid OrganisationId, Guid? SnapshotId)>> AssetsAsync(PatchpeilDbContext db, IReadOnlyCollection<Guid>? only, CancellationToken ct)
    {
        var assetsQuery = db.Assets.AsNoTracking();
        if (only is not null)
        {
            assetsQuery = assetsQuery.Where(a => only.Contains(a.Id));
        }

        var assets = await assetsQuery.Select(a => new { a.Id, a.OrganisationId, a.Name, a.UpdateExpiresOn, a.ModelIdentifier }).ToListAsync(ct);
        var ids = assets.Select(a => a.Id).ToList();
        var snapshotsQuery = db.Set<AssetSnapshot>().AsNoTracking();
        if (only is not null)
        {
            snapshotsQuery = snapshotsQuery.Where(s => ids.Contains(s.AssetId));
        }

        // Latest per asset and origin class; agent reports win over connector reports.
        var latest = await snapshotsQuery
            .GroupBy(s => new { s.AssetId, Agent = s.Origin == "agent" })
            .Select(g => g.OrderByDescending(s => s.ReceivedUtc).ThenByDescending(s => s.Id).First())
            .ToListAsync(ct);
        var chosen = latest.GroupBy(s => s.AssetId).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Origin == "agent").First());
        var setIds = chosen.Values.Select(s => s.InventorySetId).Distinct().ToList();
        var items = new Dictionary<Guid, List<InventorySetItem>>();
        foreach (var chunk in setIds.Chunk(500))
        {
            var rows = await db.Set<InventorySetItem>().AsNoTracking().Where(i => chunk.Contains(i.SetId)).ToListAsync(ct);
            foreach (var g in rows.GroupBy(i => i.SetId))
            {
                items[g.Key] = [.. g];
            }
        }

        var importedQuery = db.Set<ImportedComponent>().AsNoTracking();
        if (only is not null)
        {
            importedQuery = importedQuery.Where(c => ids.Contains(c.AssetId));
        }

        var imported = (await importedQuery.ToListAsync(ct)).GroupBy(c => c.AssetId).ToDictionary(g => g.Key, g => g.ToList());
        var mappings = (await db.Set<SoftwareMapping>().AsNoTracking().ToListAsync(ct)).GroupBy(m => m.OrganisationId).ToDictionary(g => g.Key, g => g.OrderBy(m => m.CreatedUtc).ThenBy(m => m.Id).ToList());

        var result = new List<(MatchAsset, Guid, Guid?)>(assets.Count);
        foreach (var a in assets)
        {
            var components = new List<MatchComponent>();
            var orgMappings = mappings.GetValueOrDefault(a.OrganisationId) ?? [];
            Guid? snapshotId = null;
            if (chosen.TryGetValue(a.Id, out var s))
            {
                snapshotId = s.Id;
                components.AddRange(FromInventory(s.OsFamily, s.OsName, s.OsEdition, s.OsVersion, s.OsBuild, s.DistributionId, s.DistributionVersion,
                    (items.GetValueOrDefault(s.InventorySetId) ?? []).Select(i => (i.Source, i.Name, i.Version, i.Publisher, i.SourcePackage, i.SourceVersion)), orgMappings));

                // A platform-managed iPad, iPhone, Mac or Chromebook: its OS line's lifecycle (latest release, end of
                // support) through the same catalog and cycles as the OS-version sources (ADR 0020). Windows from a
                // connector already came through FromOperatingSystem above.
                if (s.Origin != "agent" && InventoryComponents.FromManagedDevice(SoftwareCatalog.Default, s.OsFamily, s.OsVersion, a.ModelIdentifier) is { } managed)
                {
                    components.Add(managed);
                }
            }

            foreach (var c in imported.GetValueOrDefault(a.Id) ?? [])
            {
                components.Add(FromImported(c));
            }

            result.Add((new MatchAsset(AssetKey(a.Id), a.Name, components, a.UpdateExpiresOn), a.OrganisationId, snapshotId));
        }

        return result;
    }

    /// <summary>An operating system and its installed packages as matcher components (agent reports and snapshots alike).</summary>
    public static List<MatchComponent> FromInventory(string osFamily, string osName, string? edition, string? osVersion, string? osBuild, string? distributionId, string? distributionVersion,
        IEnumerable<(string Source, string Name, string Version, string? Publisher, string? SourcePackage, string? SourceVersion)> items, IReadOnlyList<SoftwareMapping>? mappings = null)
    {
        var components = new List<MatchComponent>();
        if (InventoryComponents.FromOperatingSystem(SoftwareCatalog.Default, osFamily, osName, edition, osVersion, osBuild, distributionId, distributionVersion) is { } os)
        {
            components.Add(os);
        }

        foreach (var i in items)
        {
            var component = InventoryComponents.FromPackage(SoftwareCatalog.Default, i.Source, i.Name, i.Version, i.Publisher, i.SourcePackage, i.SourceVersion, distributionId, distributionVersion);
            if (component.Identities.Count == 0 && mappings is { Count: > 0 } && Mapped(mappings, i.Name, i.Publisher) is { } mapping)
            {
                component = FromIdentity(i.Name, i.Version, mapping.Identity, mapping.Scheme, mapping.EndOfLifeProduct, null);
            }

            components.Add(component);
        }

        return components;
    }

    private static SoftwareMapping? Mapped(IReadOnlyList<SoftwareMapping> mappings, string name, string? publisher)
    {
        foreach (var m in mappings)
        {
            if (ComponentIdentifier.Wildcard(m.NamePattern).IsMatch(name.Trim())
                && (m.PublisherPattern is null || (publisher is not null && ComponentIdentifier.Wildcard(m.PublisherPattern).IsMatch(publisher.Trim()))))
            {
                return m;
            }
        }

        return null;
    }

    private static MatchComponent FromImported(ImportedComponent c)
    {
        if (c.Purl is not null || c.Cpe is not null)
        {
            var fromSbom = InventoryComponents.FromSbom(new SbomComponent(c.Name, c.Version, null, c.Purl, c.Cpe, c.Publisher, c.Origin));
            if (fromSbom.Identities.Count > 0)
            {
                return fromSbom with { EndOfLifeProduct = c.EndOfLifeProduct, EndOfLifeCycle = c.EndOfLifeCycle };
            }
        }

        return c.Identity is null
            ? new MatchComponent([], c.Name, c.Version ?? "", VersionSchemeKind.Unknown)
            : FromIdentity(c.Name, c.Version ?? "", c.Identity, c.Scheme, c.EndOfLifeProduct, c.EndOfLifeCycle);
    }

    /// <summary>A purl or CPE identity (from the catalog, a mapping or an import) as matcher keys.</summary>
    private static MatchComponent FromIdentity(string name, string version, string identity, string? schemeName, string? eolProduct, string? eolCycle)
    {
        var scheme = VersionSchemes.TryGet(schemeName, out var s) ? s.Kind : VersionSchemeKind.Unknown;
        var keys = new List<string>();
        string? cpeText = null;
        if (identity.StartsWith("pkg:", StringComparison.Ordinal) && PackageUrl.TryParse(identity, PurlParseMode.Lenient, out var purl, out _) && purl is not null)
        {
            keys.Add(IdentityKeys.Purl(purl));
            if (IdentityKeys.OsvFromPurl(purl) is { } osv)
            {
                keys.Add(osv);
            }
        }
        else if (Cpe.TryParse(identity, out var cpe, out _) && cpe is not null)
        {
            cpeText = identity;
            if (IdentityKeys.IsIndexable(cpe))
            {
                keys.Add(IdentityKeys.Cpe(cpe));
            }
        }

        return new MatchComponent(keys, name, version, scheme, cpeText, eolProduct, eolCycle);
    }
}
