using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Versions;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory;

/// <summary>How one raw component is read; all null = unmapped.</summary>
public sealed record ComponentIdentity(string? Identity, string? Scheme, string? EndOfLifeProduct, string? EndOfLifeCycle, string? Rule)
{
    public static readonly ComponentIdentity Unmapped = new(null, null, null, null, null);
}

/// <summary>
/// Turns raw components into identities, in a fixed order: a valid purl from the SBOM, then a CPE from the SBOM, then
/// the built-in catalog, then the organisation's own mappings. Nothing else: what none of these knows stays unmapped
/// and is listed for review.
/// </summary>
public sealed class ComponentIdentifier
{
    private readonly SoftwareCatalog _catalog;
    private readonly IReadOnlyList<(SoftwareMapping Mapping, Regex Name, Regex? Publisher)> _mappings;

    private ComponentIdentifier(SoftwareCatalog catalog, IReadOnlyList<(SoftwareMapping, Regex, Regex?)> mappings)
    {
        _catalog = catalog;
        _mappings = mappings;
    }

    /// <summary>The identifier for the current organisation (its mappings come through the tenant filter).</summary>
    public static async Task<ComponentIdentifier> LoadAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var mappings = await db.Set<SoftwareMapping>().AsNoTracking().OrderBy(m => m.CreatedUtc).ThenBy(m => m.Id).ToListAsync(cancellationToken);
        return new ComponentIdentifier(SoftwareCatalog.Default, mappings.Select(m => (m, Wildcard(m.NamePattern), m.PublisherPattern is null ? null : Wildcard(m.PublisherPattern))).ToList());
    }

    public ComponentIdentity Identify(string name, string? version, string? publisher, string? purl = null, string? cpe = null)
    {
        if (purl is not null && PackageUrl.TryParse(purl, PurlParseMode.Lenient, out var parsed, out _))
        {
            return new ComponentIdentity(parsed!.ToString(), VersionSchemes.Get(VersionSchemes.FromPurlType(parsed.Type)).Name, null, null, "purl");
        }

        if (cpe is not null && Cpe.TryParse(cpe, out var parsedCpe, out _))
        {
            return new ComponentIdentity(parsedCpe!.ToString(), VersionSchemes.Get(VersionSchemeKind.Generic).Name, null, null, "cpe");
        }

        if (_catalog.Identify(name, version, publisher) is { } found)
        {
            return new ComponentIdentity(found.Identity, VersionSchemes.Get(found.Scheme).Name, found.EndOfLifeProduct, found.EndOfLifeCycle, "catalog:" + found.CatalogId);
        }

        foreach (var (mapping, namePattern, publisherPattern) in _mappings)
        {
            if (namePattern.IsMatch(name.Trim()) && (publisherPattern is null || (publisher is not null && publisherPattern.IsMatch(publisher.Trim()))))
            {
                return new ComponentIdentity(WithVersion(mapping.Identity, version), mapping.Scheme, mapping.EndOfLifeProduct, null, "mapping:" + mapping.Id);
            }
        }

        return ComponentIdentity.Unmapped;
    }

    /// <summary>A CPE prefix gets the version in its version field; a purl gets `@version`.</summary>
    public static string WithVersion(string identity, string? version)
    {
        version = string.IsNullOrWhiteSpace(version) ? null : version.Trim();
        if (identity.StartsWith("cpe:2.3:", StringComparison.Ordinal))
        {
            return SoftwareCatalog.CpeWithVersion(identity, version);
        }

        if (version is null)
        {
            return identity;
        }

        var withVersion = identity + "@" + Uri.EscapeDataString(version);
        return PackageUrl.TryParse(withVersion, PurlParseMode.Lenient, out var purl, out _) ? purl!.ToString() : withVersion;
    }

    /// <summary>`*` matches anything; everything else literally, case-insensitive, the whole text.</summary>
    public static Regex Wildcard(string pattern) =>
        new("^" + string.Join(".*", pattern.Trim().Split('*').Select(Regex.Escape)) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// Re-reads stored components after the mappings changed: unmapped ones and those a given mapping identified.
    /// Set-based per distinct raw (name, version, publisher) so a mapping covering 10 000 rows is a few statements.
    /// </summary>
    public static async Task<int> ReidentifyAsync(PatchpeilDbContext db, Guid? mappingId, CancellationToken cancellationToken)
    {
        var identifier = await LoadAsync(db, cancellationToken);
        var rule = mappingId is null ? null : "mapping:" + mappingId;
        var candidates = db.Set<ImportedComponent>().Where(c => c.Identity == null || (rule != null && c.Rule == rule));
        var distinct = await candidates.Select(c => new { c.Name, c.Version, c.Publisher }).Distinct().ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var raw in distinct)
        {
            var id = identifier.Identify(raw.Name, raw.Version, raw.Publisher);
            changed += await candidates
                .Where(c => c.Name == raw.Name && c.Version == raw.Version && c.Publisher == raw.Publisher && c.Purl == null && c.Cpe == null)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(c => c.Identity, id.Identity).SetProperty(c => c.Scheme, id.Scheme)
                        .SetProperty(c => c.EndOfLifeProduct, id.EndOfLifeProduct).SetProperty(c => c.EndOfLifeCycle, id.EndOfLifeCycle)
                        .SetProperty(c => c.Rule, id.Rule),
                    cancellationToken);
        }

        return changed;
    }
}
