using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchpeil.Core.Feeds.Csaf;

/// <summary>
/// Reads a CSAF document: size/depth/syntax guard, JSON schema (CSAF 2.0 with the FIRST CVSS schemas, offline), the
/// mandatory tests of §6.1 (<see cref="CsafMandatoryTests"/>), then maps it. A document failing any of these is returned
/// quarantined with all reasons (test id, JSON Pointer, message); nothing throws.
/// CSAF 2.1 documents are mapped forward-compatibly (metrics, cwes, product_paths, product_status.unknown) and validated
/// against the 2.1 schema (with CVSS v4 and SSVC schemas); the mandatory tests run as written for 2.0.
/// </summary>
public static partial class CsafReader
{
    public static async Task<ParseResult<CsafDocument>> ReadAsync(Stream stream, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null, IReadOnlySet<string>? tolerated = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? ParseResult.Refused<CsafDocument>(new Quarantined(location, null, [refusal!])) : Read(bytes, location, fetchedAt, options, tolerated);
    }

    /// <param name="tolerated">
    /// Mandatory test ids an administrator decided to accept for a source (e.g. "6.1.16": Red Hat VEX files state version 1
    /// while their revision history ends at 2). Such findings do not quarantine the document; they are kept in
    /// <see cref="CsafDocument.ToleratedFindings"/>. Schema and structural errors are never tolerated.
    /// </param>
    public static ParseResult<CsafDocument> Read(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null, IReadOnlySet<string>? tolerated = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return ParseResult.Refused<CsafDocument>(new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)]));
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return ParseResult.Refused<CsafDocument>(new Quarantined(location, null, [refusal!]));
        }

        using (doc)
        {
            var found = Validate(doc.RootElement);
            var toleratedFindings = tolerated is null ? [] : found.Where(r => IsMandatoryTest(r.Code) && tolerated.Contains(r.Code)).ToList();
            var reasons = found.Where(r => !toleratedFindings.Contains(r)).ToList();
            var f = new JsonFields();
            var document = reasons.Any(r => r.Code == FeedReasonCodes.JsonType) ? null : Map(f, doc.RootElement, Provenance.Sha256Hex(bytes), fetchedAt);
            var all = reasons.Concat(f.Errors).ToList();
            if (all.Count > 0 || document is null)
            {
                var id = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("document", out var d)
                    && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("tracking", out var t) && t.ValueKind == JsonValueKind.Object
                    && t.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : location;
                return ParseResult.Refused<CsafDocument>(new Quarantined(id, null, all));
            }

            return new ParseResult<CsafDocument>([document with { ToleratedFindings = toleratedFindings }], []);
        }
    }

    private static bool IsMandatoryTest(string code) => code.StartsWith("6.1.", StringComparison.Ordinal);

    /// <summary>Schema (2.0 or 2.1) and mandatory tests; empty when the document may be trusted structurally.</summary>
    public static IReadOnlyList<QuarantineReason> Validate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [new QuarantineReason(FeedReasonCodes.JsonType, "", "a CSAF document must be a JSON object")];
        }

        var version = root.TryGetProperty("document", out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("csaf_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var reasons = new List<QuarantineReason>();
        if (version is "2.0" or "2.1")
        {
            var validator = version == "2.0" ? SchemaValidator.Csaf20.Value : SchemaValidator.Csaf21.Value;
            foreach (var r in validator.Validate(root, maxReasons: 50))
            {
                reasons.Add(r);
                // Test 6.1.8 (invalid CVSS) is "the CVSS object is valid according to the referenced schema".
                if (CvssPath().IsMatch(r.Path))
                {
                    reasons.Add(r with { Code = "6.1.8" });
                }
            }
        }
        else
        {
            reasons.Add(new QuarantineReason(FeedReasonCodes.InvalidValue, "/document/csaf_version", $"unsupported CSAF version '{version}'"));
            return reasons;
        }

        // The mandatory tests read defensively, so they also run on schema-invalid input and add their own findings.
        reasons.AddRange(CsafMandatoryTests.Run(root));

        return reasons;
    }

    [GeneratedRegex(@"^/vulnerabilities/\d+/(scores/\d+/cvss_v[23]|metrics/\d+/content/cvss_v[234])")]
    private static partial Regex CvssPath();

    private static CsafDocument? Map(JsonFields f, JsonElement root, string sha, DateTimeOffset fetchedAt)
    {
        if (f.Obj(root, "", "document") is not { } d)
        {
            f.Error(FeedReasonCodes.JsonRequired, "/document", "required field is missing");
            return null;
        }

        const string dp = "/document";
        var pub = f.Obj(d, dp, "publisher") ?? default;
        var tr = f.Obj(d, dp, "tracking") ?? default;
        const string tp = "/document/tracking";
        var tracking = new CsafTracking(
            f.ReqStr(tr, tp, "id"), f.ReqStr(tr, tp, "version"), f.ReqStr(tr, tp, "status"),
            f.Time(tr, tp, "initial_release_date"), f.Time(tr, tp, "current_release_date"),
            f.Objs(tr, tp, "revision_history").Select(x => new CsafRevision(
                f.ReqStr(x.Element, x.Path, "number"), f.Time(x.Element, x.Path, "date"), f.Str(x.Element, x.Path, "summary") ?? "",
                f.Str(x.Element, x.Path, "legacy_version"))).ToList(),
            f.Strs(tr, tp, "aliases"));
        var distribution = f.Obj(d, dp, "distribution");
        var tlp = distribution is { } dist ? f.Obj(dist, dp + "/distribution", "tlp") : null;
        var severity = f.Obj(d, dp, "aggregate_severity") is { } s
            ? new CsafAggregateSeverity(f.ReqStr(s, dp + "/aggregate_severity", "text"), f.Str(s, dp + "/aggregate_severity", "namespace"))
            : null;
        var header = new CsafHeader(
            f.ReqStr(d, dp, "category"), f.ReqStr(d, dp, "csaf_version"), f.ReqStr(d, dp, "title"),
            f.Str(d, dp, "lang"), f.Str(d, dp, "source_lang"),
            new CsafPublisher(f.ReqStr(pub, dp + "/publisher", "category"), f.ReqStr(pub, dp + "/publisher", "name"),
                f.ReqStr(pub, dp + "/publisher", "namespace"), f.Str(pub, dp + "/publisher", "contact_details"),
                f.Str(pub, dp + "/publisher", "issuing_authority")),
            tracking, severity,
            tlp is { } t ? f.Str(t, dp + "/distribution/tlp", "label") : null,
            tlp is { } t2 ? f.Str(t2, dp + "/distribution/tlp", "url") : null,
            distribution is { } dist2 ? f.Str(dist2, dp + "/distribution", "text") : null,
            Notes(f, d, dp), References(f, d, dp));

        var products = new Dictionary<string, CsafProduct>(StringComparer.Ordinal);
        var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (f.Obj(root, "", "product_tree") is { } tree)
        {
            const string pp = "/product_tree";
            Branches(f, tree, pp, [], products);
            foreach (var (fpn, path) in f.Objs(tree, pp, "full_product_names"))
            {
                AddProduct(f, products, fpn, path, CsafProductOrigin.FullProductName, [], null);
            }

            foreach (var (rel, path) in f.Objs(tree, pp, "relationships"))
            {
                var relationship = new CsafRelationship(f.ReqStr(rel, path, "category"), f.ReqStr(rel, path, "product_reference"), f.ReqStr(rel, path, "relates_to_product_reference"));
                if (f.Obj(rel, path, "full_product_name") is { } fpn)
                {
                    AddProduct(f, products, fpn, path + "/full_product_name", CsafProductOrigin.Relationship, [], relationship);
                }
            }

            // CSAF 2.1 product_paths: beginning product, then subpaths; mapped to the first step's category and the last platform.
            foreach (var (path21, path) in f.Objs(tree, pp, "product_paths"))
            {
                var subpaths = f.Objs(path21, path, "subpaths").ToList();
                var relationship = new CsafRelationship(
                    subpaths.Count > 0 ? f.ReqStr(subpaths[0].Element, subpaths[0].Path, "category") : "",
                    f.ReqStr(path21, path, "beginning_product_reference"),
                    subpaths.Count > 0 ? f.ReqStr(subpaths[^1].Element, subpaths[^1].Path, "next_product_reference") : "");
                if (f.Obj(path21, path, "full_product_name") is { } fpn)
                {
                    AddProduct(f, products, fpn, path + "/full_product_name", CsafProductOrigin.Relationship, [], relationship);
                }
            }

            foreach (var (g, path) in f.Objs(tree, pp, "product_groups"))
            {
                groups.TryAdd(f.ReqStr(g, path, "group_id"), f.Strs(g, path, "product_ids"));
            }
        }

        var vulnerabilities = new List<CsafVulnerability>();
        foreach (var (v, vp) in f.Objs(root, "", "vulnerabilities"))
        {
            vulnerabilities.Add(Vulnerability(f, v, vp, groups));
        }

        var modified = tracking.CurrentReleaseDate;
        var provenance = new Provenance(FeedSource.Csaf, tracking.Id, tracking.Version, modified, sha, fetchedAt);
        return new CsafDocument(header, products, groups, vulnerabilities, NcscLabels.Find(header), provenance);
    }

    private static void Branches(JsonFields f, JsonElement parent, string path, List<CsafBranchStep> trail, Dictionary<string, CsafProduct> products)
    {
        foreach (var (b, bp) in f.Objs(parent, path, "branches"))
        {
            var step = new CsafBranchStep(f.ReqStr(b, bp, "category"), f.ReqStr(b, bp, "name"));
            var next = new List<CsafBranchStep>(trail) { step };
            if (f.Obj(b, bp, "product") is { } product)
            {
                AddProduct(f, products, product, bp + "/product", CsafProductOrigin.Branch, next, null);
            }

            Branches(f, b, bp, next, products);
        }
    }

    private static void AddProduct(JsonFields f, Dictionary<string, CsafProduct> products, JsonElement p, string path,
        CsafProductOrigin origin, IReadOnlyList<CsafBranchStep> trail, CsafRelationship? relationship)
    {
        var id = f.ReqStr(p, path, "product_id");
        CsafProductHelper? helper = null;
        if (f.Obj(p, path, "product_identification_helper") is { } h)
        {
            var hp = path + "/product_identification_helper";
            helper = new CsafProductHelper(
                f.Str(h, hp, "cpe"), f.Str(h, hp, "purl"), f.Strs(h, hp, "model_numbers"), f.Strs(h, hp, "serial_numbers"),
                f.Strs(h, hp, "skus"), f.Strs(h, hp, "sbom_urls"),
                f.Objs(h, hp, "hashes").Select(x => new CsafHash(f.ReqStr(x.Element, x.Path, "filename"),
                    f.Objs(x.Element, x.Path, "file_hashes").Select(fh => (f.ReqStr(fh.Element, fh.Path, "algorithm"), f.ReqStr(fh.Element, fh.Path, "value"))).ToList())).ToList(),
                f.Objs(h, hp, "x_generic_uris").Select(x => new CsafGenericUri(f.ReqStr(x.Element, x.Path, "namespace"), f.ReqStr(x.Element, x.Path, "uri"))).ToList());
        }

        // A duplicate id is test 6.1.2; the first definition wins so the rest of the mapping stays deterministic.
        products.TryAdd(id, new CsafProduct(id, f.ReqStr(p, path, "name"), origin, trail, helper, relationship, path));
    }

    private static CsafVulnerability Vulnerability(JsonFields f, JsonElement v, string vp, Dictionary<string, IReadOnlyList<string>> groups)
    {
        IReadOnlyList<string> Resolve(IReadOnlyList<string> ids, IReadOnlyList<string> gids) =>
            ids.Concat(gids.SelectMany(g => groups.TryGetValue(g, out var m) ? m : [])).Distinct(StringComparer.Ordinal).ToList();

        var ps = f.Obj(v, vp, "product_status") ?? default;
        var psp = vp + "/product_status";
        var status = new CsafProductStatus(
            f.Strs(ps, psp, "first_affected"), f.Strs(ps, psp, "first_fixed"), f.Strs(ps, psp, "fixed"),
            f.Strs(ps, psp, "known_affected"), f.Strs(ps, psp, "known_not_affected"), f.Strs(ps, psp, "last_affected"),
            f.Strs(ps, psp, "recommended"), f.Strs(ps, psp, "under_investigation"), f.Strs(ps, psp, "unknown"));

        var cwes = new List<CsafCwe>();
        if (f.Obj(v, vp, "cwe") is { } cwe)
        {
            cwes.Add(new CsafCwe(f.ReqStr(cwe, vp + "/cwe", "id"), f.ReqStr(cwe, vp + "/cwe", "name")));
        }

        cwes.AddRange(f.Objs(v, vp, "cwes").Select(x => new CsafCwe(f.ReqStr(x.Element, x.Path, "id"), f.ReqStr(x.Element, x.Path, "name"))));

        var scores = new List<CsafScore>();
        foreach (var (s, sp) in f.Objs(v, vp, "scores"))
        {
            scores.Add(new CsafScore(f.Strs(s, sp, "products"), Cvss(f, s, sp, "cvss_v2", "2.0"), Cvss(f, s, sp, "cvss_v3", null), null));
        }

        foreach (var (m, mp) in f.Objs(v, vp, "metrics"))
        {
            var content = f.Obj(m, mp, "content") ?? default;
            var cp = mp + "/content";
            scores.Add(new CsafScore(f.Strs(m, mp, "products"), Cvss(f, content, cp, "cvss_v2", "2.0"), Cvss(f, content, cp, "cvss_v3", null), Cvss(f, content, cp, "cvss_v4", "4.0")));
        }

        return new CsafVulnerability(
            f.Str(v, vp, "cve"), f.Str(v, vp, "title"),
            f.Objs(v, vp, "ids").Select(x => (f.ReqStr(x.Element, x.Path, "system_name"), f.ReqStr(x.Element, x.Path, "text"))).ToList(),
            cwes, Notes(f, v, vp), f.Time(v, vp, "discovery_date"), f.Time(v, vp, "release_date"), status,
            f.Objs(v, vp, "remediations").Select(x =>
            {
                var ids = f.Strs(x.Element, x.Path, "product_ids");
                var gids = f.Strs(x.Element, x.Path, "group_ids");
                var restart = f.Obj(x.Element, x.Path, "restart_required") is { } rr ? f.Str(rr, x.Path + "/restart_required", "category") : null;
                return new CsafRemediation(f.ReqStr(x.Element, x.Path, "category"), f.ReqStr(x.Element, x.Path, "details"), f.Str(x.Element, x.Path, "url"),
                    f.Time(x.Element, x.Path, "date"), ids, gids, Resolve(ids, gids), f.Strs(x.Element, x.Path, "entitlements"), restart);
            }).ToList(),
            scores,
            f.Objs(v, vp, "threats").Select(x =>
            {
                var ids = f.Strs(x.Element, x.Path, "product_ids");
                var gids = f.Strs(x.Element, x.Path, "group_ids");
                return new CsafThreat(f.ReqStr(x.Element, x.Path, "category"), f.ReqStr(x.Element, x.Path, "details"), f.Time(x.Element, x.Path, "date"), ids, gids, Resolve(ids, gids));
            }).ToList(),
            f.Objs(v, vp, "flags").Select(x =>
            {
                var ids = f.Strs(x.Element, x.Path, "product_ids");
                var gids = f.Strs(x.Element, x.Path, "group_ids");
                return new CsafFlag(f.ReqStr(x.Element, x.Path, "label"), f.Time(x.Element, x.Path, "date"), ids, gids, Resolve(ids, gids));
            }).ToList(),
            f.Objs(v, vp, "involvements").Select(x => new CsafInvolvement(f.ReqStr(x.Element, x.Path, "party"), f.ReqStr(x.Element, x.Path, "status"), f.Time(x.Element, x.Path, "date"), f.Str(x.Element, x.Path, "summary"))).ToList(),
            References(f, v, vp));
    }

    private static CvssScore? Cvss(JsonFields f, JsonElement parent, string path, string name, string? defaultVersion)
    {
        if (f.Obj(parent, path, name) is not { } c)
        {
            return null;
        }

        var p = path + "/" + name;
        return new CvssScore(f.Str(c, p, "version") ?? defaultVersion ?? "", f.ReqStr(c, p, "vectorString"), f.Num(c, p, "baseScore"), f.Str(c, p, "baseSeverity"));
    }

    private static List<CsafNote> Notes(JsonFields f, JsonElement parent, string path) =>
        f.Objs(parent, path, "notes").Select(x => new CsafNote(f.ReqStr(x.Element, x.Path, "category"), f.ReqStr(x.Element, x.Path, "text"),
            f.Str(x.Element, x.Path, "title"), f.Str(x.Element, x.Path, "audience"))).ToList();

    private static List<CsafReference> References(JsonFields f, JsonElement parent, string path) =>
        f.Objs(parent, path, "references").Select(x => new CsafReference(f.Str(x.Element, x.Path, "category"), f.ReqStr(x.Element, x.Path, "url"),
            f.ReqStr(x.Element, x.Path, "summary"))).ToList();
}
