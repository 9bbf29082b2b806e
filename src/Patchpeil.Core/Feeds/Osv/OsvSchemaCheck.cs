using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Patchpeil.Core.Feeds.Osv;

/// <summary>
/// A fast yes/no check of one OSV record against the embedded OSV JSON schema (osv.json), written out by hand: the
/// general evaluator costs about 0.4–1 ms per record, this about a hundredth of that. The patterns and enumerations are
/// read from the embedded schema, so a schema update changes them too; the structure (which keyword sits where) is
/// this code. <see cref="OsvReader"/> accepts a record only when this check passes; when it fails, the general
/// evaluator runs and has the last word (and gives the reasons), so this check can only make a record cheaper to
/// accept, never accept one the schema rejects, provided it is never more lenient than the schema —
/// <c>OsvSchemaCheckTests</c> compares both verdicts on every fixture and thousands of mutated records.
/// Formats (date-time, uri) are annotations in the OSV schema as we evaluate it (not asserted), as here.
/// </summary>
internal static class OsvSchemaCheck
{
    private static readonly Lazy<Rules> Loaded = new(Load);

    public static bool IsValid(JsonElement record) => Loaded.Value.Record(record);

    private sealed class Rules
    {
        public required Regex Prefix { get; init; }
        public required Regex Timestamp { get; init; }
        public required Regex EcosystemWithSuffix { get; init; }
        public required Regex GitCommit { get; init; }
        public required Dictionary<string, Regex?> SeverityScore { get; init; }
        public required HashSet<string> UbuntuScores { get; init; }
        public required HashSet<string> RangeTypes { get; init; }
        public required HashSet<string> ReferenceTypes { get; init; }
        public required HashSet<string> CreditTypes { get; init; }

        public bool Record(JsonElement r)
        {
            if (r.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            bool hasId = false, hasModified = false, hasSeverity = false;
            JsonElement affected = default;
            foreach (var p in r.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("affected"u8))
                {
                    affected = v;
                }

                var ok = p.Name switch
                {
                    "schema_version" or "summary" or "details" => v.ValueKind == JsonValueKind.String,
                    "id" => (hasId = true) && Str(v, Prefix),
                    "modified" => (hasModified = true) && Str(v, Timestamp),
                    "published" or "withdrawn" => Str(v, Timestamp),
                    "aliases" => v.ValueKind == JsonValueKind.Null || Strings(v),
                    "related" or "upstream" => Strings(v),
                    "severity" => (hasSeverity = true) && Severity(v),
                    "affected" => v.ValueKind is JsonValueKind.Null or JsonValueKind.Array,
                    "references" => v.ValueKind == JsonValueKind.Null || Items(v, References),
                    "credits" => Items(v, Credit),
                    "database_specific" => v.ValueKind == JsonValueKind.Object,
                    _ => false, // additionalProperties: false
                };
                if (!ok)
                {
                    return false;
                }
            }

            if (!hasId || !hasModified)
            {
                return false;
            }

            if (affected.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in affected.EnumerateArray())
                {
                    if (!Affected(a, hasSeverity))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private bool Affected(JsonElement a, bool recordHasSeverity)
        {
            if (a.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var p in a.EnumerateObject())
            {
                var v = p.Value;
                var ok = p.Name switch
                {
                    "package" => Package(v),
                    // Top-level allOf: when the record has a severity, each affected's severity must be null.
                    "severity" => recordHasSeverity ? v.ValueKind == JsonValueKind.Null : Severity(v),
                    "ranges" => Items(v, Range),
                    "versions" => Strings(v),
                    "ecosystem_specific" or "database_specific" => v.ValueKind == JsonValueKind.Object,
                    _ => true,
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private bool Package(JsonElement p)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            bool ecosystem = false, name = false;
            foreach (var q in p.EnumerateObject())
            {
                var ok = q.Name switch
                {
                    "ecosystem" => (ecosystem = true) && Str(q.Value, EcosystemWithSuffix),
                    "name" => (name = true) && q.Value.ValueKind == JsonValueKind.String,
                    "purl" => q.Value.ValueKind == JsonValueKind.String,
                    _ => true,
                };
                if (!ok)
                {
                    return false;
                }
            }

            return ecosystem && name;
        }

        private bool Severity(JsonElement v)
        {
            if (v.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (v.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var s in v.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object
                    || !s.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                    || !s.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                var typeText = type.GetString()!;
                if (!SeverityScore.TryGetValue(typeText, out var pattern))
                {
                    return false;
                }

                var scoreText = score.GetString()!;
                if (pattern is null ? !UbuntuScores.Contains(scoreText) : !pattern.IsMatch(scoreText))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Range(JsonElement rg)
        {
            if (rg.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            bool hasType = false, hasRepo = false, git = false;
            JsonElement events = default;
            foreach (var p in rg.EnumerateObject())
            {
                if (p.NameEquals("type"u8))
                {
                    hasType = true;
                    git = p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals("GIT"u8);
                }

                var ok = p.Name switch
                {
                    "type" => p.Value.ValueKind == JsonValueKind.String && RangeTypes.Contains(p.Value.GetString()!),
                    "repo" => (hasRepo = true) && p.Value.ValueKind == JsonValueKind.String,
                    "events" => (events = p.Value).ValueKind == JsonValueKind.Array,
                    "database_specific" => p.Value.ValueKind == JsonValueKind.Object,
                    _ => true,
                };
                if (!ok)
                {
                    return false;
                }
            }

            if (!hasType || events.ValueKind != JsonValueKind.Array || (git && !hasRepo))
            {
                return false;
            }

            bool introduced = false, fixedSeen = false, lastAffected = false;
            var count = 0;
            foreach (var e in events.EnumerateArray())
            {
                count++;

                // items: an object matching exactly one of {introduced}, {fixed}, {last_affected}, {limit} (each a string).
                if (e.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                var matches = 0;
                foreach (var p in e.EnumerateObject())
                {
                    var kind = p.Name switch
                    {
                        "introduced" => 1,
                        "fixed" => 2,
                        "last_affected" => 3,
                        "limit" => 4,
                        _ => 0,
                    };
                    if (kind == 0)
                    {
                        continue;
                    }

                    if (p.Value.ValueKind != JsonValueKind.String || (git && !GitCommit.IsMatch(p.Value.GetString()!)))
                    {
                        return false; // That branch fails and no other can match on this name; a stricter reading is safe.
                    }

                    matches++;
                    introduced |= kind == 1;
                    fixedSeen |= kind == 2;
                    lastAffected |= kind == 3;
                }

                if (matches != 1)
                {
                    return false;
                }
            }

            // minItems 1, contains an introduced event, last_affected and fixed never together.
            return count >= 1 && introduced && !(fixedSeen && lastAffected);
        }

        private bool References(JsonElement x)
        {
            if (x.ValueKind != JsonValueKind.Object
                || !x.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !ReferenceTypes.Contains(type.GetString()!)
                || !x.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            return true;
        }

        private bool Credit(JsonElement x)
        {
            if (x.ValueKind != JsonValueKind.Object || !x.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (x.TryGetProperty("contact", out var contact) && !Strings(contact))
            {
                return false;
            }

            return !x.TryGetProperty("type", out var type) || (type.ValueKind == JsonValueKind.String && CreditTypes.Contains(type.GetString()!));
        }

        private static bool Str(JsonElement v, Regex pattern) => v.ValueKind == JsonValueKind.String && pattern.IsMatch(v.GetString()!);

        private static bool Strings(JsonElement v)
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var s in v.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.String)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Items(JsonElement v, Func<JsonElement, bool> item)
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var x in v.EnumerateArray())
            {
                if (!item(x))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static Rules Load()
    {
        using var stream = typeof(OsvSchemaCheck).Assembly.GetManifestResourceStream("Patchpeil.Core.Feeds.Schemas.osv.json")
            ?? throw new InvalidOperationException("embedded schema osv.json is missing from the build");
        var schema = JsonNode.Parse(stream)!.AsObject();
        var defs = schema["$defs"]!;
        var properties = schema["properties"]!;
        var affected = properties["affected"]!["items"]!["properties"]!;
        var range = affected["ranges"]!["items"]!;
        var severityRules = defs["severity"]!["items"]!["allOf"]!.AsArray();
        var gitEvents = range["allOf"]!.AsArray()
            .Select(rule => rule!["then"]?["properties"]?["events"]?["items"]?["oneOf"]?[0]?["properties"]?["introduced"]?["pattern"])
            .First(p => p is not null)!;

        var scores = new Dictionary<string, Regex?>(StringComparer.Ordinal);
        foreach (var rule in severityRules)
        {
            var type = rule!["if"]!["properties"]!["type"]!["const"]!.GetValue<string>();
            var score = rule["then"]!["properties"]!["score"]!;
            scores[type] = score["pattern"] is { } pattern ? Pattern(pattern) : null;
        }

        return new Rules
        {
            Prefix = Pattern(defs["prefix"]!["pattern"]!),
            Timestamp = Pattern(defs["timestamp"]!["pattern"]!),
            EcosystemWithSuffix = Pattern(defs["ecosystemWithSuffix"]!["pattern"]!),
            GitCommit = Pattern(gitEvents),
            SeverityScore = scores,
            UbuntuScores = Enum(severityRules.Select(r => r!["then"]!["properties"]!["score"]!["enum"]).First(e => e is not null)!),
            RangeTypes = Enum(range["properties"]!["type"]!["enum"]!),
            ReferenceTypes = Enum(properties["references"]!["items"]!["properties"]!["type"]!["enum"]!),
            CreditTypes = Enum(properties["credits"]!["items"]!["properties"]!["type"]!["enum"]!),
        };
    }

    private static Regex Pattern(JsonNode pattern) => new(pattern.GetValue<string>(), RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static HashSet<string> Enum(JsonNode values) => values.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
}
