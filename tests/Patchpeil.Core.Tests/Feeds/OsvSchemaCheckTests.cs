using System.Text.Json;
using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Osv;

namespace Patchpeil.Core.Tests.Feeds;

/// <summary>
/// The hand-written OSV check may only be stricter than the OSV JSON schema, never more lenient: a record it accepts is
/// stored without the general evaluator. Compared here with the general evaluator (JsonSchema.Net on the same embedded
/// schema) on every real record and on thousands of mutated ones.
/// </summary>
public class OsvSchemaCheckTests
{
    private static readonly JsonNode?[] Replacements = [JsonValue.Create(1), null, JsonValue.Create("x"), new JsonArray(), new JsonObject(), JsonValue.Create(true)];

    private static List<JsonObject> RealRecords()
    {
        var records = new List<JsonObject>();
        foreach (var file in Fixtures.Files("osv").Where(f => !f.Contains("CSAF", StringComparison.Ordinal) && !f.EndsWith("schema.json", StringComparison.Ordinal)))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllBytes(file)) is JsonObject record && record["id"] is not null)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // Not a record (a broken fixture for the reader tests).
            }
        }

        return records;
    }

    private static bool Reference(JsonNode record)
    {
        using var doc = JsonDocument.Parse(record.ToJsonString());
        return SchemaValidator.Osv.Value.Validate(doc.RootElement).Count == 0;
    }

    private static bool Fast(JsonNode record)
    {
        using var doc = JsonDocument.Parse(record.ToJsonString());
        return OsvSchemaCheck.IsValid(doc.RootElement);
    }

    [Fact]
    public void AgreesWithTheSchemaOnEveryRealRecord()
    {
        var records = RealRecords();
        Assert.True(records.Count >= 25, $"only {records.Count} fixture records");
        foreach (var record in records)
        {
            Assert.True(Reference(record) == Fast(record), $"{record["id"]}: schema says {Reference(record)}, the fast check {Fast(record)}");
        }

        Assert.Contains(records, Fast);
        Assert.Contains(records, r => !Reference(r)); // nointroduced-CVE-2023-41045 is invalid: both must say so
    }

    [Fact]
    public void IsNeverMoreLenientThanTheSchemaOnMutatedRecords()
    {
        var random = new Random(20261129);
        int compared = 0, rejectedByBoth = 0, acceptedByBoth = 0;
        foreach (var record in RealRecords().Where(Reference))
        {
            var mutations = Mutations(record).ToList();

            // Every targeted mutation, and a deterministic sample of the generic ones (the general evaluator is slow).
            foreach (var mutated in mutations.Where((_, i) => i < 12 || random.Next(4) == 0).Take(160))
            {
                var fast = Fast(mutated);
                var reference = Reference(mutated);
                Assert.False(fast && !reference, $"the fast check accepts what the schema rejects: {mutated.ToJsonString()}");
                compared++;
                rejectedByBoth += !fast && !reference ? 1 : 0;
                acceptedByBoth += fast && reference ? 1 : 0;
            }
        }

        Assert.True(compared > 2000, $"only {compared} mutations compared");
        Assert.True(rejectedByBoth > 500, $"only {rejectedByBoth} mutations rejected by both");
        Assert.True(acceptedByBoth > 200, $"only {acceptedByBoth} mutations accepted by both");
    }

    /// <summary>Targeted breakages of what the schema checks, then every property removed or replaced by another type.</summary>
    private static IEnumerable<JsonObject> Mutations(JsonObject record)
    {
        yield return With(record, r => r["id"] = "NOPE-2024-1");
        yield return With(record, r => r["modified"] = "yesterday");
        yield return With(record, r => r["published"] = "2024-01-01");
        yield return With(record, r => r["extra"] = "unknown top-level property");
        yield return With(record, r => r.Remove("modified"));
        yield return With(record, r => r["severity"] = new JsonArray(new JsonObject { ["type"] = "CVSS_V3", ["score"] = "CVSS:4.0/AV:N" }));
        yield return With(record, r => r["severity"] = new JsonArray(new JsonObject { ["type"] = "Ubuntu", ["score"] = "urgent" }));
        yield return With(record, r => r["references"] = new JsonArray(new JsonObject { ["type"] = "BLOG", ["url"] = "https://example.org" }));
        yield return With(record, r => r["credits"] = new JsonArray(new JsonObject { ["name"] = "x", ["type"] = "HERO" }));
        yield return With(record, r =>
        {
            if (Range(r) is { } range)
            {
                range["type"] = "GIT"; // a GIT range without a repo
                range.Remove("repo");
            }
        });
        yield return With(record, r =>
        {
            if (Range(r) is { } range)
            {
                range["type"] = "GIT";
                range["repo"] = "https://example.org/repo";
                range["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = "abc123" });
            }
        });
        yield return With(record, r =>
        {
            if (Range(r) is { } range)
            {
                range["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = "1" }, new JsonObject { ["last_affected"] = "2" });
            }
        });
        yield return With(record, r =>
        {
            if (Range(r) is { } range)
            {
                range["events"] = new JsonArray(new JsonObject { ["introduced"] = "0", ["fixed"] = "1" });
            }
        });
        yield return With(record, r =>
        {
            if (First(r["affected"]) is JsonObject affected)
            {
                affected["severity"] = new JsonArray(new JsonObject { ["type"] = "Ubuntu", ["score"] = "low" });
                r["severity"] = new JsonArray(new JsonObject { ["type"] = "Ubuntu", ["score"] = "low" });
            }
        });
        yield return With(record, r =>
        {
            if (First(r["affected"])?["package"] is JsonObject package)
            {
                package["ecosystem"] = "Nope";
            }
        });

        foreach (var path in Paths(record, []))
        {
            yield return With(record, r => Parent(r, path).Remove(path[^1]));
            foreach (var replacement in Replacements)
            {
                yield return With(record, r => Parent(r, path)[path[^1]] = replacement?.DeepClone());
            }
        }
    }

    private static JsonObject? Range(JsonObject r) => First(First(r["affected"])?["ranges"]) as JsonObject;

    private static JsonNode? First(JsonNode? node) => node is JsonArray { Count: > 0 } array ? array[0] : null;

    private static JsonObject With(JsonObject record, Action<JsonObject> change)
    {
        var copy = (JsonObject)record.DeepClone();
        change(copy);
        return copy;
    }

    /// <summary>Paths of object properties (arrays are walked through their first two elements).</summary>
    private static IEnumerable<string[]> Paths(JsonNode? node, string[] prefix)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                string[] path = [.. prefix, name];
                yield return path;
                foreach (var inner in Paths(value, path))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < Math.Min(array.Count, 2); i++)
            {
                foreach (var inner in Paths(array[i], [.. prefix, "#" + i]))
                {
                    yield return inner;
                }
            }
        }
    }

    private static JsonObject Parent(JsonObject root, string[] path)
    {
        JsonNode node = root;
        foreach (var part in path[..^1])
        {
            node = part.StartsWith('#') ? node[int.Parse(part[1..], System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        return (JsonObject)node;
    }
}
