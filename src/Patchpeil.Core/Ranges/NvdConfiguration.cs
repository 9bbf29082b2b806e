using System.Text.Json;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>One NVD <c>cpeMatch</c>: criteria (may hold ANY and wildcards) and optional version bounds.</summary>
public sealed record NvdCpeMatch(
    bool Vulnerable,
    Cpe Criteria,
    string? VersionStartIncluding = null,
    string? VersionStartExcluding = null,
    string? VersionEndIncluding = null,
    string? VersionEndExcluding = null)
{
    public bool HasBounds => VersionStartIncluding is not null || VersionStartExcluding is not null || VersionEndIncluding is not null || VersionEndExcluding is not null;

    public override string ToString()
    {
        var bounds = new List<string>();
        if (VersionStartIncluding is not null)
        {
            bounds.Add(">=" + VersionStartIncluding);
        }

        if (VersionStartExcluding is not null)
        {
            bounds.Add(">" + VersionStartExcluding);
        }

        if (VersionEndIncluding is not null)
        {
            bounds.Add("<=" + VersionEndIncluding);
        }

        if (VersionEndExcluding is not null)
        {
            bounds.Add("<" + VersionEndExcluding);
        }

        return Criteria + (bounds.Count > 0 ? " " + string.Join(' ', bounds) : string.Empty) + (Vulnerable ? " (vulnerable)" : " (platform)");
    }
}

/// <summary>A configuration node: cpeMatch entries and nested nodes joined by AND/OR, optionally negated.</summary>
public sealed record NvdNode(bool IsAnd, bool Negate, IReadOnlyList<NvdCpeMatch> CpeMatch, IReadOnlyList<NvdNode> Children);

/// <summary>One entry of <c>configurations[]</c>; several configurations are alternatives (OR).</summary>
public sealed record NvdConfiguration(bool IsAnd, bool Negate, IReadOnlyList<NvdNode> Nodes)
{
    /// <summary>Reads the <c>configurations</c> array of an NVD CVE API 2.0 <c>cve</c> object.</summary>
    public static bool TryParseAll(JsonElement configurations, out List<NvdConfiguration> result, out string? error)
    {
        result = [];
        if (configurations.ValueKind != JsonValueKind.Array)
        {
            error = "configurations is not an array";
            return false;
        }

        foreach (var c in configurations.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("nodes", out var nodesElement) || nodesElement.ValueKind != JsonValueKind.Array)
            {
                error = "configuration without nodes";
                return false;
            }

            var nodes = new List<NvdNode>();
            foreach (var n in nodesElement.EnumerateArray())
            {
                if (!TryParseNode(n, 0, out var node, out error))
                {
                    return false;
                }

                nodes.Add(node!);
            }

            result.Add(new NvdConfiguration(ReadIsAnd(c), Bool(c, "negate"), nodes));
        }

        error = null;
        return true;
    }

    private static bool TryParseNode(JsonElement n, int depth, out NvdNode? node, out string? error)
    {
        node = null;
        if (depth > 32)
        {
            error = "configuration nodes nested too deeply";
            return false;
        }

        if (n.ValueKind != JsonValueKind.Object)
        {
            error = "node is not an object";
            return false;
        }

        var matches = new List<NvdCpeMatch>();
        if (n.TryGetProperty("cpeMatch", out var cm) && cm.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in cm.EnumerateArray())
            {
                var criteria = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("criteria", out var cr) && cr.ValueKind == JsonValueKind.String ? cr.GetString() : null;
                if (!Cpe.TryParse(criteria, out var cpe, out var cpeError))
                {
                    error = $"cpeMatch criteria '{criteria}': {cpeError}";
                    return false;
                }

                matches.Add(new NvdCpeMatch(
                    Bool(m, "vulnerable"),
                    cpe!,
                    Str(m, "versionStartIncluding"),
                    Str(m, "versionStartExcluding"),
                    Str(m, "versionEndIncluding"),
                    Str(m, "versionEndExcluding")));
            }
        }

        var children = new List<NvdNode>();
        if (n.TryGetProperty("children", out var ch) && ch.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in ch.EnumerateArray())
            {
                if (!TryParseNode(c, depth + 1, out var child, out error))
                {
                    return false;
                }

                children.Add(child!);
            }
        }

        node = new NvdNode(ReadIsAnd(n), Bool(n, "negate"), matches, children);
        error = null;
        return true;
    }

    private static bool ReadIsAnd(JsonElement e) => string.Equals(Str(e, "operator"), "AND", StringComparison.OrdinalIgnoreCase);

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Something installed: its CPE and, when the CPE does not carry it, the version to compare.</summary>
public sealed record InstalledCpe(Cpe Cpe, string? Version = null)
{
    /// <summary>The version used for range bounds: <see cref="Version"/>, else the CPE's version attribute.</summary>
    public string? EffectiveVersion =>
        Version ?? (Cpe.Version.Kind == CpeValueKind.Value ? Cpe.Version.Unquoted() : null);

    public override string ToString() => Version is null ? Cpe.ToString() : $"{Cpe} @ {Version}";
}

/// <summary>
/// Evaluates NVD applicability statements against an inventory. A configuration is true when its nodes are
/// (AND: all, OR: any); a node is true when its cpeMatch entries and children are (per its operator, then
/// negated). A CVE applies when some configuration is true and at least one <c>vulnerable: true</c> cpeMatch
/// matched: a platform-only match (<c>vulnerable: false</c>, the hardware in an AND) never makes a CVE apply.
/// Unknown facts propagate as <see cref="RangeVerdict.Undecided"/> (three-valued logic).
/// </summary>
public static class NvdEvaluator
{
    /// <param name="schemeFor">The version scheme for a criteria CPE; <see cref="DefaultScheme"/> when null.</param>
    public static RangeMatch Evaluate(IEnumerable<NvdConfiguration> configurations, IReadOnlyList<InstalledCpe> installed, Func<Cpe, VersionScheme>? schemeFor = null)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        ArgumentNullException.ThrowIfNull(installed);
        schemeFor ??= DefaultScheme;
        var evidence = new List<string>();
        var anyUndecided = false;
        var index = 0;
        foreach (var configuration in configurations)
        {
            var context = new Context(installed, schemeFor, evidence);
            var values = configuration.Nodes.Select(n => EvaluateNode(n, context, negated: configuration.Negate)).ToList();
            var value = configuration.IsAnd ? And(values) : Or(values);
            if (configuration.Negate)
            {
                value = Not(value);
            }

            if (value == true && context.VulnerableHit is { } hit)
            {
                return new RangeMatch(RangeVerdict.Inside, hit.Scheme, $"configurations[{index}] applies: {hit.Rule}", [.. evidence]);
            }

            anyUndecided |= value is null || (value == true && context.VulnerableUndecided);
            index++;
        }

        return anyUndecided
            ? new RangeMatch(RangeVerdict.Undecided, "mixed", "a configuration could not be decided", [.. evidence])
            : new RangeMatch(RangeVerdict.Outside, "mixed", "no configuration applies to the installed CPEs", [.. evidence]);
    }

    /// <summary>Microsoft Windows → windows, Google Chrome → chrome, otherwise generic (Unknown while not implemented).</summary>
    public static VersionScheme DefaultScheme(Cpe criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var vendor = criteria.Vendor.Unquoted();
        var product = criteria.Product.Unquoted();
        var kind = vendor == "microsoft" && product.StartsWith("windows", StringComparison.Ordinal) ? VersionSchemeKind.Windows
            : vendor == "google" && product == "chrome" ? VersionSchemeKind.Chrome
            : VersionSchemeKind.Generic;
        return RangeSchemes.TryGet(kind);
    }

    /// <summary>Whether one cpeMatch covers one installed item (name and version bounds).</summary>
    public static RangeMatch MatchOne(NvdCpeMatch match, InstalledCpe item, VersionScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(scheme);
        var log = new ComparisonLog(scheme);
        if (!match.Criteria.MatchesIgnoringVersion(item.Cpe))
        {
            return log.Result(RangeVerdict.Outside, $"{item.Cpe} is not {match.Criteria}");
        }

        var version = item.EffectiveVersion;
        if (!match.HasBounds)
        {
            var target = item.Version is null ? item.Cpe : item.Cpe.WithVersion(item.Version);
            var relation = Cpe.CompareAttribute(match.Criteria.Version, target.Version);
            return relation switch
            {
                CpeRelation.Equal or CpeRelation.Superset => log.Result(RangeVerdict.Inside, $"{match} matches {item} (CPE version '{match.Criteria.Version}' covers '{target.Version}')"),
                CpeRelation.Undefined => log.Result(RangeVerdict.Undecided, $"installed version '{target.Version}' has wildcards"),
                CpeRelation.Subset when target.Version.IsAny => log.Result(RangeVerdict.Undecided, $"installed version unknown; {match} needs '{match.Criteria.Version}'"),
                _ => log.Result(RangeVerdict.Outside, $"{match}: version '{target.Version}' is not '{match.Criteria.Version}'"),
            };
        }

        if (version is null)
        {
            return log.Result(RangeVerdict.Undecided, $"{match}: installed {item.Cpe} has no version to compare");
        }

        if (!scheme.IsOrdered)
        {
            return log.Result(RangeVerdict.Undecided, $"{match}: scheme '{scheme.Name}' knows equality only; cannot evaluate version bounds");
        }

        if (!scheme.TryParse(version, out _, out var problem))
        {
            return log.Result(RangeVerdict.Undecided, $"{match}: '{version}' is not a valid {scheme.Name} version: {problem}");
        }

        if (match.VersionStartIncluding is { } si && !Holds(log.Relate(version, si), VersionRelation.Greater, VersionRelation.Equal, out var u1))
        {
            return u1 ? log.Result(RangeVerdict.Undecided, $"{match}: cannot order '{version}' and '{si}'") : log.Result(RangeVerdict.Outside, $"{version} is below versionStartIncluding {si}");
        }

        if (match.VersionStartExcluding is { } se && !Holds(log.Relate(version, se), VersionRelation.Greater, VersionRelation.Greater, out var u2))
        {
            return u2 ? log.Result(RangeVerdict.Undecided, $"{match}: cannot order '{version}' and '{se}'") : log.Result(RangeVerdict.Outside, $"{version} is not above versionStartExcluding {se}");
        }

        if (match.VersionEndIncluding is { } ei && !Holds(log.Relate(version, ei), VersionRelation.Less, VersionRelation.Equal, out var u3))
        {
            return u3 ? log.Result(RangeVerdict.Undecided, $"{match}: cannot order '{version}' and '{ei}'") : log.Result(RangeVerdict.Outside, $"{version} is above versionEndIncluding {ei}");
        }

        if (match.VersionEndExcluding is { } ee && !Holds(log.Relate(version, ee), VersionRelation.Less, VersionRelation.Less, out var u4))
        {
            return u4 ? log.Result(RangeVerdict.Undecided, $"{match}: cannot order '{version}' and '{ee}'") : log.Result(RangeVerdict.Outside, $"{version} is not below versionEndExcluding {ee}");
        }

        return log.Result(RangeVerdict.Inside, $"{match} matches {item}");
    }

    private static bool Holds(VersionRelation actual, VersionRelation a, VersionRelation b, out bool unordered)
    {
        unordered = actual == VersionRelation.Unordered;
        return actual == a || actual == b;
    }

    private static bool? EvaluateNode(NvdNode node, Context context, bool negated)
    {
        var inverted = negated ^ node.Negate;
        var values = new List<bool?>();
        foreach (var m in node.CpeMatch)
        {
            bool? value = false;
            foreach (var item in context.Installed)
            {
                if (!m.Criteria.MatchesIgnoringVersion(item.Cpe))
                {
                    continue;
                }

                var result = MatchOne(m, item, context.SchemeFor(m.Criteria));
                context.Evidence.Add(result.ToString());
                if (result.Verdict == RangeVerdict.Outside)
                {
                    continue;
                }

                if (result.Verdict == RangeVerdict.Inside)
                {
                    value = true;
                    if (m.Vulnerable && !inverted)
                    {
                        context.VulnerableHit ??= result;
                    }

                    break;
                }

                value = null;
                if (m.Vulnerable && !inverted)
                {
                    context.VulnerableUndecided = true;
                }
            }

            values.Add(value);
        }

        values.AddRange(node.Children.Select(c => EvaluateNode(c, context, inverted)));
        var combined = node.IsAnd ? And(values) : Or(values);
        return node.Negate ? Not(combined) : combined;
    }

    private static bool? And(IEnumerable<bool?> values)
    {
        var result = (bool?)true;
        foreach (var v in values)
        {
            if (v == false)
            {
                return false;
            }

            if (v is null)
            {
                result = null;
            }
        }

        return result;
    }

    private static bool? Or(IEnumerable<bool?> values)
    {
        var result = (bool?)false;
        foreach (var v in values)
        {
            if (v == true)
            {
                return true;
            }

            if (v is null)
            {
                result = null;
            }
        }

        return result;
    }

    private static bool? Not(bool? value) => value is null ? null : !value.Value;

    private sealed class Context(IReadOnlyList<InstalledCpe> installed, Func<Cpe, VersionScheme> schemeFor, List<string> evidence)
    {
        public IReadOnlyList<InstalledCpe> Installed { get; } = installed;

        public Func<Cpe, VersionScheme> SchemeFor { get; } = schemeFor;

        public List<string> Evidence { get; } = evidence;

        public RangeMatch? VulnerableHit { get; set; }

        public bool VulnerableUndecided { get; set; }
    }
}
