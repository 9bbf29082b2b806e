using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// JSON Schema validation against schemas embedded in this assembly (offline: nothing is fetched).
/// The FIRST CVSS schemas that CSAF 2.0 references are draft-04, which JsonSchema.Net does not read; they use only
/// keywords whose meaning did not change in draft-07 (type, enum, pattern, required, $ref to definitions, minimum/maximum),
/// so they are registered as draft-07 under the exact URIs the CSAF schema references.
/// </summary>
internal sealed class SchemaValidator
{
    private readonly JsonSchema _schema;

    private SchemaValidator(JsonSchema schema) => _schema = schema;

    public static readonly Lazy<SchemaValidator> Csaf20 = new(() => Build("csaf-2.0.json",
        ("cvss-v2.0.json", "https://www.first.org/cvss/cvss-v2.0.json"),
        ("cvss-v3.0.json", "https://www.first.org/cvss/cvss-v3.0.json"),
        ("cvss-v3.1.json", "https://www.first.org/cvss/cvss-v3.1.json")));

    public static readonly Lazy<SchemaValidator> Osv = new(() => Build("osv.json"));

    private static SchemaValidator Build(string main, params (string Resource, string Uri)[] referenced)
    {
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        foreach (var (resource, uri) in referenced)
        {
            var node = JsonNode.Parse(Load(resource))!.AsObject();
            node.Remove("id");
            node.Remove("license"); // an annotation these schemas add; draft-07 builds reject unknown keywords
            node["$id"] = uri;
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
            var schema = JsonSchema.FromText(node.ToJsonString(), options, new Uri(uri));
            registry.Register(new Uri(uri), schema);
        }

        return new SchemaValidator(JsonSchema.FromText(Load(main), options));
    }

    private static string Load(string resource)
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("Patchpeil.Core.Feeds.Schemas." + resource)
            ?? throw new InvalidOperationException($"embedded schema {resource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Schema errors as reasons (code "schema", JSON Pointer of the instance, keyword message); empty when valid.</summary>
    public IReadOnlyList<QuarantineReason> Validate(JsonElement instance, int maxReasons = 20)
    {
        var results = _schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var reasons = new List<QuarantineReason>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null)
            {
                continue;
            }

            foreach (var (keyword, message) in detail.Errors)
            {
                reasons.Add(new QuarantineReason(FeedReasonCodes.Schema, detail.InstanceLocation.ToString(), $"{keyword}: {message}"));
            }
        }

        if (reasons.Count == 0)
        {
            reasons.Add(new QuarantineReason(FeedReasonCodes.Schema, "", "document does not match the schema"));
        }

        return reasons.Take(maxReasons).ToList();
    }
}
