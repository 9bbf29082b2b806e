using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

public sealed record CveVersionChange(string At, string Status);

/// <summary>One CVE JSON 5 <c>affected[].versions[]</c> entry.</summary>
public sealed record CveVersionEntry(
    string Version,
    string Status,
    string? VersionType = null,
    string? LessThan = null,
    string? LessThanOrEqual = null,
    IReadOnlyList<CveVersionChange>? Changes = null)
{
    public bool IsRange => LessThan is not null || LessThanOrEqual is not null;

    public override string ToString() =>
        LessThan is not null ? $"{Status} {Version} <= v < {LessThan}"
        : LessThanOrEqual is not null ? $"{Status} {Version} <= v <= {LessThanOrEqual}"
        : $"{Status} {Version}";
}

/// <summary>One CVE JSON 5 <c>containers.cna.affected[]</c> entry, the part version matching needs.</summary>
public sealed record CveAffected(string? Vendor, string? Product, string? PackageName, string? DefaultStatus, IReadOnlyList<CveVersionEntry> Versions, IReadOnlyList<string> Cpes)
{
    public static bool TryParse(JsonElement affected, out CveAffected? result, out string? error)
    {
        result = null;
        if (affected.ValueKind != JsonValueKind.Object)
        {
            error = "affected entry is not an object";
            return false;
        }

        var versions = new List<CveVersionEntry>();
        if (affected.TryGetProperty("versions", out var vs) && vs.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in vs.EnumerateArray())
            {
                var version = Str(v, "version");
                var status = Str(v, "status");
                if (version is null || status is null)
                {
                    error = "a versions[] entry needs 'version' and 'status'";
                    return false;
                }

                var changes = new List<CveVersionChange>();
                if (v.TryGetProperty("changes", out var cs) && cs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in cs.EnumerateArray())
                    {
                        if (Str(c, "at") is not { } at || Str(c, "status") is not { } cst)
                        {
                            error = "a changes[] entry needs 'at' and 'status'";
                            return false;
                        }

                        changes.Add(new CveVersionChange(at, cst));
                    }
                }

                versions.Add(new CveVersionEntry(version, status, Str(v, "versionType"), Str(v, "lessThan"), Str(v, "lessThanOrEqual"), changes));
            }
        }

        var cpes = affected.TryGetProperty("cpes", out var cp) && cp.ValueKind == JsonValueKind.Array
            ? cp.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        result = new CveAffected(Str(affected, "vendor"), Str(affected, "product"), Str(affected, "packageName"), Str(affected, "defaultStatus"), versions, cpes);
        error = null;
        return true;

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}

/// <summary>
/// Evaluates CVE JSON 5 version statements with the algorithm in the CVE record schema: an exact entry matches by
/// equality, a range entry (<c>version</c> ≤ v &lt; <c>lessThan</c> or ≤ <c>lessThanOrEqual</c>) by order, with
/// <c>changes</c> applied in order; otherwise <c>defaultStatus</c> (absent = unknown). affected → Inside,
/// unaffected → Outside, unknown → Undecided. CNAs that write a range into <c>version</c> ("&lt; 0.14.10",
/// "&gt;= 0.10.0, &lt; 0.10.63") are read with the vendor-range reader and the repair is stated.
/// </summary>
public static class CveEvaluator
{
    /// <param name="scheme">Scheme for entries whose <c>versionType</c> is missing or "custom"; Unknown if null.</param>
    public static RangeMatch Evaluate(CveAffected affected, string version, VersionScheme? scheme = null)
    {
        ArgumentNullException.ThrowIfNull(affected);
        ArgumentNullException.ThrowIfNull(version);
        RangeMatch? undecided = null;
        foreach (var entry in affected.Versions)
        {
            var entryScheme = EntryScheme(entry, scheme);
            var log = new ComparisonLog(entryScheme);
            if (!entry.IsRange)
            {
                if (entry.Version.AsSpan().IndexOfAny("<>=") >= 0)
                {
                    var vendor = CsafVersionRange.Parse(entry.Version.Replace(",", "|", StringComparison.Ordinal), entryScheme);
                    if (vendor.Range is null)
                    {
                        undecided ??= log.Result(RangeVerdict.Undecided, $"version text '{entry.Version}' is not understood: {vendor.Problem}");
                        continue;
                    }

                    var m = vendor.Contains(version);
                    if (m.Verdict == RangeVerdict.Inside)
                    {
                        return m with { Verdict = Verdict(entry.Status), Rule = $"range written in 'version' ({entry.Status}): {m.Rule}" };
                    }

                    if (m.Verdict == RangeVerdict.Undecided)
                    {
                        undecided ??= m;
                    }

                    continue;
                }

                if (entry.Version == version || log.Relate(version, entry.Version) == VersionRelation.Equal)
                {
                    return log.Result(Verdict(entry.Status), $"exact entry '{entry}'");
                }

                continue;
            }

            if (!entryScheme.IsOrdered)
            {
                undecided ??= log.Result(RangeVerdict.Undecided, $"'{entry}': scheme '{entryScheme.Name}' knows equality only");
                continue;
            }

            if (!entryScheme.TryParse(version, out _, out var problem))
            {
                undecided ??= log.Result(RangeVerdict.Undecided, $"'{version}' is not a valid {entryScheme.Name} version: {problem}");
                continue;
            }

            var belowUpper = entry.LessThan is { } lt
                ? lt == "*" || log.Relate(version, lt) == VersionRelation.Less
                : log.Relate(version, entry.LessThanOrEqual!) is VersionRelation.Less or VersionRelation.Equal;
            var aboveLower = entry.Version is "0" or "*" || log.Relate(version, entry.Version) is VersionRelation.Greater or VersionRelation.Equal;
            if (!belowUpper || !aboveLower)
            {
                continue;
            }

            var status = entry.Status;
            var rule = $"range entry '{entry}'";
            if (entry.Changes is { Count: > 0 } changes)
            {
                var ordered = changes.ToList();
                ordered.Sort((a, b) => entryScheme.Compare(a.At, b.At));
                foreach (var change in ordered)
                {
                    if (log.Relate(version, change.At) is VersionRelation.Greater or VersionRelation.Equal)
                    {
                        status = change.Status;
                        rule = $"range entry '{entry}' changed to {change.Status} at {change.At}";
                    }
                }
            }

            return log.Result(Verdict(status), rule);
        }

        if (undecided is not null)
        {
            return undecided;
        }

        var defaultStatus = affected.DefaultStatus ?? "unknown";
        var fallback = affected.Versions.Count > 0 ? EntryScheme(affected.Versions[0], scheme) : scheme ?? VersionSchemes.Unknown;
        return new RangeMatch(Verdict(defaultStatus), fallback.Name, $"no entry matched; defaultStatus '{defaultStatus}'", []) { EqualityOnly = !fallback.IsOrdered };
    }

    private static VersionScheme EntryScheme(CveVersionEntry entry, VersionScheme? fallback) =>
        entry.VersionType is null or "custom" ? fallback ?? VersionSchemes.Unknown : RangeSchemes.ForCveVersionType(entry.VersionType);

    private static RangeVerdict Verdict(string status) => status switch
    {
        "affected" => RangeVerdict.Inside,
        "unaffected" => RangeVerdict.Outside,
        _ => RangeVerdict.Undecided,
    };
}
