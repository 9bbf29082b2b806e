using System.Text.RegularExpressions;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;
using RangeOsv = Patchpeil.Core.Ranges;

namespace Patchpeil.Core.Matching;

/// <summary>An advisory turned into prepared statements, plus the facts that set priority.</summary>
public sealed record PreparedAdvisory(AdvisoryInfo Info, IReadOnlyList<Statement> Statements, IReadOnlyDictionary<string, decimal> MaxCvss)
{
    /// <summary>Product entries that named no identity the matcher can index (kept for the report, never guessed).</summary>
    public IReadOnlyList<string> Unindexed { get; init; } = [];
}

/// <summary>Turns parsed feed records (CSAF, OSV, CVE 5, NVD) into statements with their ranges parsed once.</summary>
public static partial class AdvisoryStatements
{
    // ---------------------------------------------------------------- OSV

    public static PreparedAdvisory FromOsv(OsvRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var vulnIds = VulnerabilityIds(record.Id, record.Aliases.Concat(record.Upstream));
        var distro = record.Affected.Any(a => a.Package is { } p && IdentityKeys.IsDistroEcosystem(p.EcosystemName));
        var info = new AdvisoryInfo("osv:" + record.Id, FeedSource.Osv, record.Id, record.Modified.ToString("O", System.Globalization.CultureInfo.InvariantCulture), distro ? EvidenceLevel.VendorOrDistro : EvidenceLevel.Osv, vulnIds);
        var statements = new List<Statement>();
        var unindexed = new List<string>();
        if (record.IsWithdrawn)
        {
            return new PreparedAdvisory(info, statements, new Dictionary<string, decimal>());
        }

        for (var i = 0; i < record.Affected.Count; i++)
        {
            var a = record.Affected[i];
            if (a.Package is null)
            {
                unindexed.Add($"affected[{i}]: no package");
                continue;
            }

            var converted = new RangeOsv.OsvAffected(
                a.Package.Ecosystem,
                a.Package.Name,
                a.Package.Purl,
                [.. a.Ranges.Select(r => new RangeOsv.OsvRange(
                    r.Type switch { "SEMVER" => OsvRangeType.Semver, "ECOSYSTEM" => OsvRangeType.Ecosystem, "GIT" => OsvRangeType.Git, _ => OsvRangeType.Other },
                    [.. r.Events.Select(e => new RangeOsv.OsvEvent((RangeOsv.OsvEventKind)(int)e.Kind, e.Value))],
                    r.Repo))],
                a.Versions);
            var scheme = RangeSchemes.TryGet(VersionSchemes.FromOsvEcosystem(a.Package.Ecosystem));
            var rangeText = string.Join(" | ", converted.Ranges.Select(r => $"{r.Type}: {string.Join(", ", r.Events)}"))
                + (a.Versions.Count > 0 ? $" | versions[{a.Versions.Count}]" : string.Empty);
            var identity = IdentityKeys.Osv(a.Package.Ecosystem, a.Package.Name);
            var fast = FastRanges.Osv(converted, scheme);
            Func<string, RangeMatch> slow = v => OsvEvaluator.Evaluate(converted, v, scheme); // one per affected entry, shared by its CVEs
            foreach (var vuln in vulnIds)
            {
                statements.Add(new Statement(info, vuln, identity, StatementKind.Affected, MatchConfidence.High, rangeText, scheme, slow)
                {
                    Fast = fast,
                });
            }
        }

        var cvss = new Dictionary<string, decimal>(StringComparer.Ordinal);
        return new PreparedAdvisory(info, statements, cvss) { Unindexed = unindexed };
    }

    // ---------------------------------------------------------------- CSAF

    public static PreparedAdvisory FromCsaf(CsafDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var tracking = document.Header.Tracking;
        var level = string.Equals(document.Header.Publisher.Category, "vendor", StringComparison.OrdinalIgnoreCase) ? EvidenceLevel.VendorOrDistro : EvidenceLevel.Csirt;
        var vulnIds = document.Vulnerabilities.Select((v, i) => VulnId(v, tracking.Id, i)).Distinct(StringComparer.Ordinal).ToList();
        var info = new AdvisoryInfo("csaf:" + tracking.Id, FeedSource.Csaf, tracking.Id, tracking.Version, level, vulnIds);
        var statements = new List<Statement>();
        var unindexed = new List<string>();
        var cvss = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var i = 0; i < document.Vulnerabilities.Count; i++)
        {
            var v = document.Vulnerabilities[i];
            var vuln = VulnId(v, tracking.Id, i);
            foreach (var score in v.Scores)
            {
                foreach (var s in new[] { score.CvssV4, score.CvssV3, score.CvssV2 })
                {
                    if (s?.BaseScore is { } b && (!cvss.TryGetValue(vuln, out var old) || b > old))
                    {
                        cvss[vuln] = b;
                    }
                }
            }

            var status = v.ProductStatus;
            void Add(IReadOnlyList<string> ids, StatementKind kind, string category)
            {
                foreach (var id in ids)
                {
                    AddCsafProduct(document, info, vuln, id, kind, category, statements, unindexed);
                }
            }

            Add(status.KnownAffected, StatementKind.Affected, "known_affected");
            Add(status.FirstAffected, StatementKind.Affected, "first_affected");
            Add(status.LastAffected, StatementKind.Affected, "last_affected");
            Add(status.Fixed, StatementKind.FixedFrom, "fixed");
            Add(status.FirstFixed, StatementKind.FixedFrom, "first_fixed");
            Add(status.KnownNotAffected, StatementKind.NotAffected, "known_not_affected");
            Add(status.UnderInvestigation, StatementKind.UnderInvestigation, "under_investigation");
        }

        return new PreparedAdvisory(info, statements, cvss) { Unindexed = unindexed };
    }

    private static string VulnId(CsafVulnerability v, string trackingId, int index) =>
        v.Cve ?? (v.Ids.Count > 0 ? v.Ids[0].Text : $"{trackingId}#{index}");

    private static void AddCsafProduct(CsafDocument document, AdvisoryInfo info, string vuln, string productId, StatementKind kind, string category, List<Statement> statements, List<string> unindexed)
    {
        if (!document.Products.TryGetValue(productId, out var product))
        {
            unindexed.Add($"{vuln} {category}: product_id '{productId}' is not in the product tree");
            return;
        }

        // A relationship ("openssl as component of RHEL 9") is matched by its component.
        var component = document.ComponentOf(productId) ?? product;
        var identities = new List<string>();
        string? version = null;
        var confidence = MatchConfidence.High;
        VersionScheme scheme = RangeSchemes.TryGet(VersionSchemeKind.Generic);
        if (component.Helper?.Purl is { } purlText && PackageUrl.TryParse(purlText, PurlParseMode.Lenient, out var purl, out _) && purl is not null)
        {
            identities.Add(IdentityKeys.Purl(purl));
            if (IdentityKeys.OsvFromPurl(purl) is { } osvKey)
            {
                identities.Add(osvKey);
            }

            scheme = RangeSchemes.TryGet(VersionSchemes.FromPurlType(purl.Type));
            version = purl.Version is null ? null
                : purl.Qualifiers.TryGetValue("epoch", out var epoch) && purl.Type == "rpm" ? $"{epoch}:{purl.Version}" : purl.Version;
        }

        if (component.Helper?.Cpe is { } cpeText && Cpe.TryParse(cpeText, out var cpe, out _) && cpe is not null && IdentityKeys.IsIndexable(cpe))
        {
            identities.Add(IdentityKeys.Cpe(cpe));
            if (identities.Count == 1)
            {
                scheme = NvdEvaluator.DefaultScheme(cpe);
            }

            if (version is null && cpe.Version.Kind == CpeValueKind.Value && !cpe.Version.HasWildcards)
            {
                version = cpe.Version.Unquoted();
            }
        }

        if (identities.Count == 0)
        {
            var vendor = component.Vendor;
            var name = component.ProductName ?? component.ProductFamily;
            if (vendor is null || name is null)
            {
                unindexed.Add($"{vuln} {category}: '{component.Name}' has no purl, no CPE and no vendor + product name branch");
                return;
            }

            identities.Add(IdentityKeys.Name(vendor, name));
            confidence = MatchConfidence.Medium;
        }

        var where = $"{category} {productId}";
        foreach (var identity in identities)
        {
            if (version is null && component.VersionRange is { } rangeText)
            {
                var range = CsafVersionRange.Parse(rangeText, scheme);
                var c = range.Confidence switch
                {
                    RangeConfidence.Exact => confidence,
                    RangeConfidence.Repaired => MatchConfidence.Medium,
                    _ => MatchConfidence.Low,
                };

                // A range read as "in range" means affected for affected categories, fixed/not affected for the others.
                var rangeKind = kind == StatementKind.FixedFrom ? StatementKind.NotAffected : kind;
                statements.Add(new Statement(info, vuln, identity, rangeKind, c, $"{where}: {rangeText.Trim()}", scheme, range.Contains));
                continue;
            }

            version ??= component.Version;
            if (version is null)
            {
                var all = new RangeMatch(RangeVerdict.Inside, scheme.Name, $"{where}: the product is named without a version: all versions", []);
                var allKind = kind == StatementKind.FixedFrom ? StatementKind.NotAffected : kind;
                statements.Add(new Statement(info, vuln, identity, allKind, confidence == MatchConfidence.High ? MatchConfidence.Medium : confidence, $"{where}: all versions", scheme, _ => all)
                {
                    Fast = _ => RangeVerdict.Inside,
                });
                continue;
            }

            var fixedOrExact = version;
            if (kind == StatementKind.FixedFrom)
            {
                statements.Add(new Statement(info, vuln, identity, kind, confidence, $"{where}: fixed in {fixedOrExact}", scheme, v => Compare(scheme, v, fixedOrExact, below: true, where))
                {
                    Fast = FastRanges.Below(scheme, fixedOrExact),
                });
            }
            else
            {
                statements.Add(new Statement(info, vuln, identity, kind, confidence, $"{where}: {fixedOrExact}", scheme, v => Compare(scheme, v, fixedOrExact, below: false, where))
                {
                    Fast = FastRanges.Exact(scheme, fixedOrExact),
                });
            }
        }
    }

    private static RangeMatch Compare(VersionScheme scheme, string version, string stated, bool below, string where)
    {
        var relation = string.Equals(version, stated, StringComparison.Ordinal) ? VersionRelation.Equal : scheme.Relate(version, stated);
        var comparison = $"{version} {relation switch { VersionRelation.Less => "<", VersionRelation.Equal => "==", VersionRelation.Greater => ">", _ => "?" }} {stated}";
        if (relation == VersionRelation.Unordered)
        {
            return new RangeMatch(RangeVerdict.Undecided, scheme.Name, $"{where}: cannot order {version} and {stated}", [comparison]) { EqualityOnly = !scheme.IsOrdered };
        }

        var inside = below ? relation == VersionRelation.Less : relation == VersionRelation.Equal;
        var rule = below ? (inside ? $"{where}: older than the fixed version {stated}" : $"{where}: at or after the fixed version {stated}") : $"{where}: version {stated}";
        return new RangeMatch(inside ? RangeVerdict.Inside : RangeVerdict.Outside, scheme.Name, rule, [comparison]);
    }

    // ---------------------------------------------------------------- CVE 5

    public static PreparedAdvisory FromCve5(Cve5Record record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var info = new AdvisoryInfo("cve5:" + record.CveId, FeedSource.Cve5, record.CveId, record.DateUpdated?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), EvidenceLevel.Cve, [record.CveId]);
        var statements = new List<Statement>();
        var unindexed = new List<string>();
        var cvss = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (record.IsRejected)
        {
            return new PreparedAdvisory(info, statements, cvss);
        }

        foreach (var container in record.Containers)
        {
            foreach (var s in container.Cvss)
            {
                if (s.BaseScore is { } b && (!cvss.TryGetValue(record.CveId, out var old) || b > old))
                {
                    cvss[record.CveId] = b;
                }
            }

            for (var i = 0; i < container.Affected.Count; i++)
            {
                var a = container.Affected[i];
                var converted = new CveAffected(a.Vendor, a.Product, a.PackageName, a.DefaultStatus,
                    [.. a.Versions.Select(v => new CveVersionEntry(v.Version, v.Status, v.VersionType, v.LessThan, v.LessThanOrEqual, [.. v.Changes.Select(c => new CveVersionChange(c.At, c.Status))]))],
                    a.Cpes);
                var identities = new List<(string Key, VersionScheme Scheme, MatchConfidence Confidence)>();
                foreach (var cpeText in a.Cpes)
                {
                    if (Cpe.TryParse(cpeText, out var cpe, out _) && cpe is not null && IdentityKeys.IsIndexable(cpe))
                    {
                        identities.Add((IdentityKeys.Cpe(cpe), NvdEvaluator.DefaultScheme(cpe), MatchConfidence.High));
                    }
                }

                if (a.PackageName is { } package && CollectionEcosystem(a.CollectionUrl) is { } eco)
                {
                    identities.Add((IdentityKeys.Osv(eco, package), RangeSchemes.TryGet(VersionSchemes.FromOsvEcosystem(eco)), MatchConfidence.High));
                }

                if (a.Vendor is { } vendor && a.Product is { } productName && !IsNa(vendor) && !IsNa(productName))
                {
                    identities.Add((IdentityKeys.Name(vendor, productName), RangeSchemes.TryGet(VersionSchemeKind.Generic), MatchConfidence.Medium));
                }

                if (identities.Count == 0)
                {
                    unindexed.Add($"{container.ProviderShortName} affected[{i}]: no CPE, package or vendor/product");
                    continue;
                }

                var text = $"{container.ProviderShortName ?? "cna"} affected[{i}]: {string.Join("; ", converted.Versions)} (default {a.DefaultStatus ?? "unknown"})";
                foreach (var (key, scheme, confidence) in identities.DistinctBy(x => x.Key))
                {
                    statements.Add(new Statement(info, record.CveId, key, StatementKind.Affected, confidence, text, scheme, v => CveEvaluator.Evaluate(converted, v, scheme)));
                }
            }
        }

        return new PreparedAdvisory(info, statements, cvss) { Unindexed = unindexed };

        static bool IsNa(string s) => s is "n/a" or "N/A" or "";
    }

    private static string? CollectionEcosystem(string? url) => url?.TrimEnd('/').ToLowerInvariant() switch
    {
        "https://registry.npmjs.org" or "https://www.npmjs.com" => "npm",
        "https://pypi.org" or "https://pypi.python.org" => "PyPI",
        "https://repo.maven.apache.org/maven2" or "https://repo1.maven.org/maven2" => "Maven",
        "https://www.nuget.org" or "https://api.nuget.org" => "NuGet",
        "https://crates.io" => "crates.io",
        "https://rubygems.org" => "RubyGems",
        "https://packagist.org" => "Packagist",
        "https://pkg.go.dev" or "https://proxy.golang.org" => "Go",
        _ => null,
    };

    // ---------------------------------------------------------------- NVD

    public static PreparedAdvisory FromNvd(NvdCve cve)
    {
        ArgumentNullException.ThrowIfNull(cve);
        var info = new AdvisoryInfo("nvd:" + cve.Id, FeedSource.Nvd, cve.Id, cve.LastModified?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), EvidenceLevel.Nvd, [cve.Id]);
        var statements = new List<Statement>();
        var unindexed = new List<string>();
        var cvss = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var m in cve.Metrics)
        {
            if (m.BaseScore is { } b && (!cvss.TryGetValue(cve.Id, out var old) || b > old))
            {
                cvss[cve.Id] = b;
            }
        }

        if (cve.IsRejected)
        {
            return new PreparedAdvisory(info, statements, cvss);
        }

        for (var c = 0; c < cve.Configurations.Count; c++)
        {
            var configuration = cve.Configurations[c];
            var converted = Convert(configuration, unindexed, c);
            if (converted is null)
            {
                continue;
            }

            var needsPlatform = converted.IsAnd || converted.Negate || converted.Nodes.Count > 1 || converted.Nodes.Any(n => n.Negate || (n.IsAnd && n.CpeMatch.Count > 1));
            foreach (var node in converted.Nodes)
            {
                foreach (var match in node.CpeMatch.Where(m => m.Vulnerable))
                {
                    if (!IdentityKeys.IsIndexable(match.Criteria))
                    {
                        unindexed.Add($"configurations[{c}]: {match.Criteria} has no concrete vendor and product");
                        continue;
                    }

                    var scheme = NvdEvaluator.DefaultScheme(match.Criteria);
                    var key = IdentityKeys.Cpe(match.Criteria);
                    var text = $"configurations[{c}]: {match}";
                    if (needsPlatform)
                    {
                        var configs = new[] { converted };
                        statements.Add(new Statement(info, cve.Id, key, StatementKind.Affected, MatchConfidence.Medium, text, scheme, v => NvdEvaluator.MatchOne(match, new InstalledCpe(match.Criteria.WithVersion(v)), scheme))
                        {
                            PlatformConfigurations = configs,
                        });
                        continue;
                    }

                    var matchCopy = match;
                    Func<VersionKey, RangeVerdict>? fast = match.HasBounds || match.Criteria.Version.Kind != CpeValueKind.Value
                        ? (match.Criteria.Version.Kind is CpeValueKind.Any || match.Criteria.Version.IsNotApplicable
                            ? FastRanges.Bounds(scheme, match.VersionStartIncluding, match.VersionStartExcluding, match.VersionEndIncluding, match.VersionEndExcluding)
                            : null)
                        : (match.Criteria.Version.HasWildcards ? null : FastRanges.Exact(scheme, match.Criteria.Version.Unquoted()));
                    statements.Add(new Statement(info, cve.Id, key, StatementKind.Affected, MatchConfidence.Medium, text, scheme, v => NvdEvaluator.MatchOne(matchCopy, new InstalledCpe(matchCopy.Criteria.WithVersion(v)), scheme))
                    {
                        Fast = fast,
                    });
                }
            }
        }

        return new PreparedAdvisory(info, statements, cvss) { Unindexed = unindexed };
    }

    private static Ranges.NvdConfiguration? Convert(Feeds.Nvd.NvdConfiguration configuration, List<string> problems, int index)
    {
        var nodes = new List<Ranges.NvdNode>();
        foreach (var node in configuration.Nodes)
        {
            var matches = new List<Ranges.NvdCpeMatch>();
            foreach (var m in node.CpeMatch)
            {
                if (!Cpe.TryParse(m.Criteria, out var cpe, out var error) || cpe is null)
                {
                    problems.Add($"configurations[{index}]: criteria '{m.Criteria}' is not a CPE: {error}");
                    return null;
                }

                matches.Add(new Ranges.NvdCpeMatch(m.Vulnerable, cpe, m.VersionStartIncluding, m.VersionStartExcluding, m.VersionEndIncluding, m.VersionEndExcluding));
            }

            nodes.Add(new Ranges.NvdNode(string.Equals(node.Operator, "AND", StringComparison.OrdinalIgnoreCase), node.Negate, matches, []));
        }

        return new Ranges.NvdConfiguration(string.Equals(configuration.Operator, "AND", StringComparison.OrdinalIgnoreCase), configuration.Negate, nodes);
    }

    // ---------------------------------------------------------------- shared

    /// <summary>The CVE ids among the id and aliases (a USN/DSA/GHSA speaks about CVEs), else the id itself.</summary>
    private static List<string> VulnerabilityIds(string id, IEnumerable<string> aliases)
    {
        var cves = new[] { id }.Concat(aliases)
            .Select(a => CvePattern().Match(a))
            .Where(m => m.Success)
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return cves.Count > 0 ? cves : [id];
    }

    [GeneratedRegex(@"CVE-\d{4}-\d{4,}", RegexOptions.CultureInvariant)]
    private static partial Regex CvePattern();
}
