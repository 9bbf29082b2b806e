using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// JSON Schema validation against schemas embedded in this assembly (offline: nothing is fetched).
/// The FIRST CVSS schemas that CSAF 2.0 references are draft-04, which JsonSchema.Net does not read; they use only
/// keywords whose meaning did not change in draft-07 (type, enum, pattern, required, $ref to definitions, minimum/maximum),
/// so they are registered as draft-07 under the exact URIs the CSAF schema references. Formats (date-time, uri …) are
/// asserted, not just annotated: a date that is not a date makes a document untrustworthy.
/// </summary>
internal sealed class SchemaValidator
{
    private readonly JsonSchema _schema;

    private SchemaValidator(JsonSchema schema) => _schema = schema;

    public static readonly Lazy<SchemaValidator> Csaf20 = new(() => Build("csaf-2.0.json",
        ("cvss-v2.0.json", "https://www.first.org/cvss/cvss-v2.0.json"),
        ("cvss-v3.0.json", "https://www.first.org/cvss/cvss-v3.0.json"),
        ("cvss-v3.1.json", "https://www.first.org/cvss/cvss-v3.1.json")).With(requireFormat: true));

    /// <summary>
    /// CSAF 2.1 and the FIRST CVSS v4 schema declare their own meta-schemas, which are 2020-12 plus the format-assertion
    /// vocabulary (and a "license" annotation). They are read as plain 2020-12 with format validation required.
    /// </summary>
    public static readonly Lazy<SchemaValidator> Csaf21 = new(() => Build("csaf-2.1.json",
        ("cvss-v2.0.json", "https://www.first.org/cvss/cvss-v2.0.json"),
        ("cvss-v3.0.json", "https://www.first.org/cvss/cvss-v3.0.json"),
        ("cvss-v3.1.json", "https://www.first.org/cvss/cvss-v3.1.json"),
        ("cvss-v4.0.json", "https://www.first.org/cvss/cvss-v4.0.json"),
        ("ssvc-selection-list-2.0.0.json", "https://certcc.github.io/SSVC/data/schema/v2/SelectionList_2_0_0.schema.json"),
        ("csaf-2.1-extension-metaschema.json", "https://docs.oasis-open.org/csaf/csaf/v2.1/schema/extension-metaschema.json"),
        ("csaf-2.1-extension-content.json", "https://docs.oasis-open.org/csaf/csaf/v2.1/schema/extension-content.json")).With(requireFormat: true));

    public static readonly Lazy<SchemaValidator> Osv = new(() => Build("osv.json"));

    private bool _requireFormat;

    private SchemaValidator With(bool requireFormat)
    {
        _requireFormat = requireFormat;
        return this;
    }

    private static SchemaValidator Build(string main, params (string Resource, string Uri)[] referenced)
    {
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        foreach (var (resource, uri) in referenced)
        {
            var node = Normalize(JsonNode.Parse(Load(resource))!.AsObject());
            node.Remove("id");
            node["$id"] = uri;
            var schema = JsonSchema.FromText(node.ToJsonString(), options, new Uri(uri));
            registry.Register(new Uri(uri), schema);
        }

        return new SchemaValidator(JsonSchema.FromText(Normalize(JsonNode.Parse(Load(main))!.AsObject()).ToJsonString(), options));
    }

    private static JsonObject Normalize(JsonObject node)
    {
        // "license" is an annotation these schemas add; builds reject unknown keywords.
        node.Remove("license");
        var dialect = node["$schema"]?.GetValue<string>() ?? "";
        if (dialect.Contains("draft-04", StringComparison.Ordinal))
        {
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
        }
        else if (!dialect.StartsWith("https://json-schema.org/", StringComparison.Ordinal) && !dialect.StartsWith("http://json-schema.org/", StringComparison.Ordinal))
        {
            node["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        }

        return node;
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
        var results = _schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = _requireFormat });
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
