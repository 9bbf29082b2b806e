using System.Text.Json;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Identities;

namespace Patchpeil.Core.Inventory;

/// <summary>One component of an SBOM: what a server, appliance or application contains.</summary>
/// <param name="Name">Component name.</param>
/// <param name="Version">Version, if stated.</param>
/// <param name="Group">CycloneDX group (Maven groupId, npm scope), if any.</param>
/// <param name="Purl">Canonical purl, if the SBOM gives a valid one.</param>
/// <param name="Cpe">CPE 2.3 formatted string, if given.</param>
/// <param name="Supplier">Supplier or publisher.</param>
/// <param name="Path">Where in the document it stands (JSON Pointer).</param>
public sealed record SbomComponent(string Name, string? Version, string? Group, string? Purl, string? Cpe, string? Supplier, string Path);

/// <summary>
/// Reads CycloneDX 1.4–1.6 and SPDX 2.2/2.3 JSON. A component whose name is missing or whose purl or CPE does not
/// parse is quarantined with its path and reason; the valid ones are kept.
/// </summary>
public static class SbomReader
{
    private static readonly string[] CycloneDxVersions = ["1.4", "1.5", "1.6"];

    public static ParseResult<SbomComponent> Read(byte[] json, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return ParseResult.Refused<SbomComponent>(new Quarantined(location, null, [new QuarantineReason("json", $"line {e.LineNumber + 1}", e.Message)]));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "bomFormat") == "CycloneDX")
            {
                var version = Text(root, "specVersion");
                return CycloneDxVersions.Contains(version, StringComparer.Ordinal)
                    ? ReadCycloneDx(root, location)
                    : ParseResult.Refused<SbomComponent>(new Quarantined(location, null, [new QuarantineReason("unsupported", "/specVersion", $"CycloneDX {version} is not supported (1.4–1.6 are)")]));
            }

            if (root.ValueKind == JsonValueKind.Object && Text(root, "spdxVersion") is { } spdx)
            {
                return spdx is "SPDX-2.2" or "SPDX-2.3"
                    ? ReadSpdx(root, location)
                    : ParseResult.Refused<SbomComponent>(new Quarantined(location, null, [new QuarantineReason("unsupported", "/spdxVersion", $"{spdx} is not supported (SPDX 2.2 and 2.3 JSON are)")]));
            }

            return ParseResult.Refused<SbomComponent>(new Quarantined(location, null, [new QuarantineReason("format", "", "neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion) JSON document")]));
        }
    }

    private static ParseResult<SbomComponent> ReadCycloneDx(JsonElement root, string location)
    {
        var items = new List<SbomComponent>();
        var quarantined = new List<Quarantined>();
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("component", out var main) && main.ValueKind == JsonValueKind.Object)
        {
            Add(main, "/metadata/component", null, items, quarantined, location);
        }

        if (root.TryGetProperty("components", out var components))
        {
            Walk(components, "/components", items, quarantined, location);
        }

        return new ParseResult<SbomComponent>(items, quarantined);
    }

    private static void Walk(JsonElement components, string path, List<SbomComponent> items, List<Quarantined> quarantined, string location)
    {
        if (components.ValueKind != JsonValueKind.Array)
        {
            quarantined.Add(new Quarantined(location, null, [new QuarantineReason("type", path, "components must be an array")]));
            return;
        }

        var i = 0;
        foreach (var component in components.EnumerateArray())
        {
            var here = $"{path}/{i}";
            Add(component, here, i, items, quarantined, location);
            if (component.ValueKind == JsonValueKind.Object && component.TryGetProperty("components", out var nested))
            {
                Walk(nested, here + "/components", items, quarantined, location);
            }

            i++;
        }
    }

    private static void Add(JsonElement c, string path, int? index, List<SbomComponent> items, List<Quarantined> quarantined, string location)
    {
        var supplier = c.ValueKind == JsonValueKind.Object && c.TryGetProperty("supplier", out var s) && s.ValueKind == JsonValueKind.Object ? Text(s, "name") : null;
        Keep(Text(c, "name"), Text(c, "version"), Text(c, "group"), Text(c, "purl"), Text(c, "cpe"), supplier ?? Text(c, "publisher"), path, index, items, quarantined, location);
    }

    private static ParseResult<SbomComponent> ReadSpdx(JsonElement root, string location)
    {
        var items = new List<SbomComponent>();
        var quarantined = new List<Quarantined>();
        if (!root.TryGetProperty("packages", out var packages) || packages.ValueKind != JsonValueKind.Array)
        {
            return new ParseResult<SbomComponent>(items, quarantined);
        }

        var i = 0;
        foreach (var package in packages.EnumerateArray())
        {
            string? purl = null, cpe = null;
            if (package.ValueKind == JsonValueKind.Object && package.TryGetProperty("externalRefs", out var refs) && refs.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in refs.EnumerateArray())
                {
                    switch (Text(r, "referenceType"))
                    {
                        case "purl": purl ??= Text(r, "referenceLocator"); break;
                        case "cpe23Type": cpe ??= Text(r, "referenceLocator"); break;
                    }
                }
            }

            var supplier = Text(package, "supplier");
            Keep(Text(package, "name"), Text(package, "versionInfo"), null, purl, cpe, supplier is "NOASSERTION" ? null : supplier, $"/packages/{i}", i, items, quarantined, location);
            i++;
        }

        return new ParseResult<SbomComponent>(items, quarantined);
    }

    private static void Keep(string? name, string? version, string? group, string? purl, string? cpe, string? supplier, string path, int? index,
        List<SbomComponent> items, List<Quarantined> quarantined, string location)
    {
        var reasons = new List<QuarantineReason>();
        if (string.IsNullOrWhiteSpace(name))
        {
            reasons.Add(new QuarantineReason("required", path + "/name", "a component needs a name"));
        }

        string? canonicalPurl = null;
        if (purl is not null)
        {
            if (PackageUrl.TryParse(purl, PurlParseMode.Lenient, out var parsed, out var error))
            {
                canonicalPurl = parsed!.ToString();
            }
            else
            {
                reasons.Add(new QuarantineReason("purl", path + "/purl", $"'{purl}' is not a valid purl: {error}"));
            }
        }

        string? canonicalCpe = null;
        if (cpe is not null)
        {
            if (Identities.Cpe.TryParse(cpe, out var parsed, out var error))
            {
                canonicalCpe = parsed!.ToString();
            }
            else
            {
                reasons.Add(new QuarantineReason("cpe", path + "/cpe", $"'{cpe}' is not a valid CPE: {error}"));
            }
        }

        if (reasons.Count > 0)
        {
            quarantined.Add(new Quarantined(location, index, reasons));
            return;
        }

        items.Add(new SbomComponent(name!.Trim(), version, group, canonicalPurl, canonicalCpe, supplier, path));
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
