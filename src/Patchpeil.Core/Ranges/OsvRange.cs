using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

public enum OsvRangeType
{
    Semver,
    Ecosystem,
    Git,

    /// <summary>A type this version of the schema does not know; never evaluated.</summary>
    Other,
}

public enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

public readonly record struct OsvEvent(OsvEventKind Kind, string Version)
{
    public override string ToString() => Kind switch
    {
        OsvEventKind.Introduced => "introduced " + Version,
        OsvEventKind.Fixed => "fixed " + Version,
        OsvEventKind.LastAffected => "last_affected " + Version,
        _ => "limit " + Version,
    };
}

/// <summary>One OSV <c>affected[].ranges[]</c> entry, built from already-parsed data.</summary>
public sealed record OsvRange(OsvRangeType Type, IReadOnlyList<OsvEvent> Events, string? Repo = null);

/// <summary>One OSV <c>affected[]</c> entry: the package, its ranges and its explicit version list.</summary>
public sealed record OsvAffected(string? Ecosystem, string? Name, string? Purl, IReadOnlyList<OsvRange> Ranges, IReadOnlyList<string> Versions)
{
    /// <summary>Reads an <c>affected[]</c> JSON element; malformed events are errors, not guesses.</summary>
    public static bool TryParse(JsonElement affected, out OsvAffected? result, out string? error)
    {
        result = null;
        if (affected.ValueKind != JsonValueKind.Object)
        {
            error = "affected entry is not an object";
            return false;
        }

        string? ecosystem = null, name = null, purl = null;
        if (affected.TryGetProperty("package", out var package) && package.ValueKind == JsonValueKind.Object)
        {
            ecosystem = Str(package, "ecosystem");
            name = Str(package, "name");
            purl = Str(package, "purl");
        }

        var ranges = new List<OsvRange>();
        if (affected.TryGetProperty("ranges", out var rangesElement) && rangesElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in rangesElement.EnumerateArray())
            {
                var type = Str(r, "type") switch
                {
                    "SEMVER" => OsvRangeType.Semver,
                    "ECOSYSTEM" => OsvRangeType.Ecosystem,
                    "GIT" => OsvRangeType.Git,
                    _ => OsvRangeType.Other,
                };
                var events = new List<OsvEvent>();
                if (r.TryGetProperty("events", out var eventsElement) && eventsElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (var e in eventsElement.EnumerateArray())
                    {
                        if (e.ValueKind != JsonValueKind.Object)
                        {
                            error = "event is not an object";
                            return false;
                        }

                        var props = e.EnumerateObject().ToList();
                        if (props.Count != 1 || props[0].Value.ValueKind != JsonValueKind.String)
                        {
                            error = "an event must have exactly one string property";
                            return false;
                        }

                        OsvEventKind? kind = props[0].Name switch
                        {
                            "introduced" => OsvEventKind.Introduced,
                            "fixed" => OsvEventKind.Fixed,
                            "last_affected" => OsvEventKind.LastAffected,
                            "limit" => OsvEventKind.Limit,
                            _ => null,
                        };
                        if (kind is null)
                        {
                            error = $"unknown event '{props[0].Name}'";
                            return false;
                        }

                        events.Add(new OsvEvent(kind.Value, props[0].Value.GetString()!));
                    }
                }

                ranges.Add(new OsvRange(type, events, Str(r, "repo")));
            }
        }

        var versions = new List<string>();
        if (affected.TryGetProperty("versions", out var versionsElement) && versionsElement.ValueKind == JsonValueKind.Array)
        {
            versions.AddRange(versionsElement.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
        }

        result = new OsvAffected(ecosystem, name, purl, ranges, versions);
        error = null;
        return true;

        static string? Str(JsonElement e, string property) =>
            e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}

/// <summary>
/// Evaluates OSV ranges with the algorithm of the OSV schema ("Evaluation" section): a version is affected when it
/// is listed in <c>versions</c> or when, walking a range's events in version order below its limits, the last
/// applicable event is an introduced one.
/// </summary>
public static class OsvEvaluator
{
    /// <param name="scheme">Overrides the scheme derived from the range type and ecosystem.</param>
    public static RangeMatch Evaluate(OsvAffected affected, string version, VersionScheme? scheme = null)
    {
        ArgumentNullException.ThrowIfNull(affected);
        var ecosystemScheme = scheme ?? RangeSchemes.TryGet(VersionSchemes.FromOsvEcosystem(affected.Ecosystem));
        var listScheme = ecosystemScheme;
        foreach (var listed in affected.Versions)
        {
            if (listed == version || (listScheme.IsOrdered && listScheme.Relate(listed, version) == VersionRelation.Equal))
            {
                return new RangeMatch(RangeVerdict.Inside, listScheme.Name, $"listed in versions[] as '{listed}'", [$"{version} == {listed}"])
                {
                    EqualityOnly = !listScheme.IsOrdered,
                };
            }
        }

        RangeMatch? undecided = null;
        RangeMatch? outside = null;
        for (var i = 0; i < affected.Ranges.Count; i++)
        {
            var range = affected.Ranges[i];
            var rangeScheme = scheme ?? (range.Type == OsvRangeType.Semver ? RangeSchemes.TryGet(VersionSchemeKind.SemVer) : ecosystemScheme);
            var match = EvaluateRange(range, i, version, rangeScheme);
            switch (match.Verdict)
            {
                case RangeVerdict.Inside:
                    return match;
                case RangeVerdict.Undecided:
                    undecided ??= match;
                    break;
                default:
                    outside ??= match;
                    break;
            }
        }

        return undecided
            ?? outside
            ?? new RangeMatch(RangeVerdict.Outside, listScheme.Name, "no range and not listed in versions[]", []) { EqualityOnly = !listScheme.IsOrdered };
    }

    public static RangeMatch EvaluateRange(OsvRange range, int index, string version, VersionScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(range);
        var log = new ComparisonLog(scheme);
        var label = $"ranges[{index}] ({range.Type.ToString().ToUpperInvariant()})";
        if (range.Type == OsvRangeType.Git)
        {
            return log.Result(RangeVerdict.Undecided, $"{label}: GIT ranges are commit hashes and need the repository graph; not evaluable");
        }

        if (range.Type == OsvRangeType.Other)
        {
            return log.Result(RangeVerdict.Undecided, $"{label}: unknown range type");
        }

        if (!range.Events.Any(e => e.Kind == OsvEventKind.Introduced))
        {
            return log.Result(RangeVerdict.Undecided, $"{label}: no 'introduced' event (invalid range)");
        }

        if (range.Events.All(IsSentinel))
        {
            // introduced "0" with no fix: every version is affected, whatever the order.
            return log.Result(RangeVerdict.Inside, $"{label}: introduced 0 with no fixed, last_affected or limit: all versions");
        }

        if (!scheme.IsOrdered)
        {
            return log.Result(RangeVerdict.Undecided, $"{label}: scheme '{scheme.Name}' knows equality only; events need an order");
        }

        if (!scheme.TryParse(version, out _, out var problem))
        {
            return log.Result(RangeVerdict.Undecided, $"{label}: '{Shorten(version)}' is not a valid {scheme.Name} version: {problem}");
        }

        foreach (var e in range.Events)
        {
            if (IsSentinel(e))
            {
                continue;
            }

            if (!scheme.TryParse(e.Version, out _, out problem))
            {
                return log.Result(RangeVerdict.Undecided, $"{label}: event '{e}' is not a valid {scheme.Name} version: {problem}");
            }
        }

        var limits = range.Events.Where(e => e.Kind == OsvEventKind.Limit && e.Version != "*").ToList();
        if (limits.Count > 0 && !limits.Any(l => log.Relate(version, l.Version) == VersionRelation.Less))
        {
            return log.Result(RangeVerdict.Outside, $"{label}: at or above every limit");
        }

        var sorted = range.Events.Where(e => e.Kind != OsvEventKind.Limit).ToList();
        sorted.Sort((a, b) =>
        {
            var za = a.Kind == OsvEventKind.Introduced && a.Version == "0";
            var zb = b.Kind == OsvEventKind.Introduced && b.Version == "0";
            return za || zb ? zb.CompareTo(za) : scheme.Compare(a.Version, b.Version);
        });

        var affected = false;
        OsvEvent? decisive = null;
        foreach (var e in sorted)
        {
            if (e.Kind == OsvEventKind.Introduced)
            {
                if (e.Version == "0" || log.Relate(version, e.Version) is VersionRelation.Greater or VersionRelation.Equal)
                {
                    affected = true;
                    decisive = e;
                }
                else
                {
                    break; // sorted: no later event applies to this version
                }
            }
            else if (e.Kind == OsvEventKind.Fixed)
            {
                if (log.Relate(version, e.Version) is VersionRelation.Greater or VersionRelation.Equal)
                {
                    affected = false;
                    decisive = e;
                }
                else
                {
                    break;
                }
            }
            else if (e.Kind == OsvEventKind.LastAffected)
            {
                if (log.Relate(version, e.Version) == VersionRelation.Greater)
                {
                    affected = false;
                    decisive = e;
                }
                else
                {
                    break;
                }
            }
        }

        var events = string.Join(", ", range.Events);
        return affected
            ? log.Result(RangeVerdict.Inside, $"{label} [{events}]: after '{decisive}' with no later fixed/last_affected at or below it")
            : log.Result(RangeVerdict.Outside, decisive is null ? $"{label} [{events}]: before the first introduced" : $"{label} [{events}]: not affected after '{decisive}'");
    }

    private static bool IsSentinel(OsvEvent e) =>
        (e.Kind == OsvEventKind.Introduced && e.Version == "0") || (e.Kind == OsvEventKind.Limit && e.Version == "*");

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}
