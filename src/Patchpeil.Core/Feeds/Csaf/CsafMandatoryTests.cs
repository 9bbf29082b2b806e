using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchpeil.Core.Feeds.Csaf;

/// <summary>
/// The CSAF 2.0 mandatory tests (§6.1) that decide whether a document can be trusted structurally. Each failure is a
/// reason whose code is the test id ("6.1.6", "6.1.27.9") with the JSON Pointer of the offending value.
/// Not implemented: 6.1.11 (whether a CWE id exists and its name matches needs the CWE catalogue, which is not
/// embedded; the id format is checked by the schema). 6.1.9 checks the stated v3 severity against the stated score
/// and recomputes v3.x base scores; v2 scores are not recomputed.
/// </summary>
internal static partial class CsafMandatoryTests
{
    private static readonly string[] StatusCategories =
        ["first_affected", "first_fixed", "fixed", "known_affected", "known_not_affected", "last_affected", "recommended", "under_investigation", "unknown"];

    public static IReadOnlyList<QuarantineReason> Run(JsonElement root)
    {
        var r = new List<QuarantineReason>();
        void Fail(string test, string path, string message) => r.Add(new QuarantineReason(test, path, message));

        var document = Get(root, "document");
        var tree = Get(root, "product_tree");
        var vulns = Items(root, "vulnerabilities", "").ToList();

        // Definitions (6.1.1, 6.1.2, 6.1.3, 6.1.4, 6.1.5).
        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, path) in DefinedProducts(tree))
        {
            if (!defined.TryAdd(id, path))
            {
                Fail("6.1.2", path, $"product_id '{id}' is already defined at {defined[id]}");
            }
        }

        foreach (var (id, path) in ReferencedProducts(tree, vulns))
        {
            if (!defined.ContainsKey(id))
            {
                Fail("6.1.1", path, $"product_id '{id}' is not defined in the product tree");
            }
        }

        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var relationships = RelationshipLists.SelectMany(l => Items(tree, l, "/product_tree")).ToList();
        foreach (var (rel, rp) in relationships)
        {
            if (Str(Get(rel, "full_product_name"), "product_id") is { } id)
            {
                if (!edges.TryGetValue(id, out var list))
                {
                    edges[id] = list = [];
                }

                list.AddRange(RelationshipReferences(rel, rp).Select(x => x.Id));
            }
        }

        foreach (var (rel, rp) in relationships)
        {
            if (Str(Get(rel, "full_product_name"), "product_id") is { } id && Reaches(edges, id, id, []))
            {
                Fail("6.1.3", rp + "/full_product_name/product_id", $"product_id '{id}' is defined in terms of itself");
            }
        }

        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (g, gp) in Items(tree, "product_groups", "/product_tree"))
        {
            var id = Str(g, "group_id") ?? "";
            if (groups.ContainsKey(id))
            {
                Fail("6.1.5", gp + "/group_id", $"group_id '{id}' is already defined");
            }
            else
            {
                groups[id] = Strings(g, "product_ids").Select(x => x.Value).ToList();
            }
        }

        foreach (var (v, vp) in vulns)
        {
            foreach (var list in new[] { "remediations", "threats", "flags" })
            {
                foreach (var (item, ip) in Items(v, list, vp))
                {
                    foreach (var (gid, gp) in Strings(item, "group_ids", ip))
                    {
                        if (!groups.ContainsKey(gid))
                        {
                            Fail("6.1.4", gp, $"group_id '{gid}' is not defined in the product tree");
                        }
                    }
                }
            }
        }

        // Per vulnerability (6.1.6, 6.1.7, 6.1.9, 6.1.10, 6.1.23, 6.1.24, 6.1.29, 6.1.32, 6.1.33).
        var cves = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (v, vp) in vulns)
        {
            var status = Get(v, "product_status");
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (group, categories) in new[]
            {
                ("affected", new[] { "first_affected", "known_affected", "last_affected" }),
                ("not affected", new[] { "known_not_affected" }),
                ("fixed", new[] { "first_fixed", "fixed" }),
                ("under investigation", new[] { "under_investigation" }),
            })
            {
                foreach (var (id, ip) in categories.SelectMany(c => Strings(status, c, vp + "/product_status")).DistinctBy(x => x.Value))
                {
                    if (seen.TryGetValue(id, out var other))
                    {
                        Fail("6.1.6", ip, $"product '{id}' is both {other} and {group}");
                    }
                    else
                    {
                        seen[id] = group;
                    }
                }
            }

            var versions = new HashSet<(string, string)>();
            // CSAF 2.1 metrics may carry the same version from different sources; only one per source is a duplicate.
            var scoreBlocks = Items(v, "scores", vp).Select(x => (Scores: x.Element, Products: x.Element, x.Path, Source: ""))
                .Concat(Items(v, "metrics", vp).Select(x => (Scores: Get(x.Element, "content"), Products: x.Element, Path: x.Path + "/content", Source: Str(x.Element, "source") ?? "")));
            foreach (var (s, products, sp, source) in scoreBlocks)
            {
                foreach (var (cvss, cp, version) in Cvss(s, sp))
                {
                    foreach (var (product, pp) in Strings(products, "products", sp))
                    {
                        if (!versions.Add((product, version + " " + source)))
                        {
                            Fail("6.1.7", pp, $"product '{product}' has more than one CVSS v{version} score");
                        }
                    }

                    CheckCvss(cvss, cp, version, Fail);
                }
            }

            if (Str(v, "cve") is { } cve)
            {
                if (cves.TryGetValue(cve, out var first))
                {
                    Fail("6.1.23", vp + "/cve", $"{cve} is also used at {first}");
                }
                else
                {
                    cves[cve] = vp + "/cve";
                }
            }

            var involvements = new HashSet<(string, string)>();
            foreach (var (inv, ip) in Items(v, "involvements", vp))
            {
                if (!involvements.Add((Str(inv, "party") ?? "", Str(inv, "date") ?? "")))
                {
                    Fail("6.1.24", ip, $"party '{Str(inv, "party")}' is listed more than once for the same date");
                }
            }

            foreach (var (rem, rp) in Items(v, "remediations", vp))
            {
                if (Get(rem, "product_ids").ValueKind != JsonValueKind.Array && Get(rem, "group_ids").ValueKind != JsonValueKind.Array)
                {
                    Fail("6.1.29", rp, "remediation names no product_ids or group_ids");
                }
            }

            var flagged = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (flag, fp) in Items(v, "flags", vp))
            {
                if (Get(flag, "product_ids").ValueKind != JsonValueKind.Array && Get(flag, "group_ids").ValueKind != JsonValueKind.Array)
                {
                    Fail("6.1.32", fp, "flag names no product_ids or group_ids");
                }

                var members = Strings(flag, "product_ids").Select(x => x.Value)
                    .Concat(Strings(flag, "group_ids").SelectMany(g => groups.TryGetValue(g.Value, out var m) ? m : []))
                    .Distinct(StringComparer.Ordinal);
                foreach (var id in members)
                {
                    if (!flagged.Add(id))
                    {
                        Fail("6.1.33", fp, $"product '{id}' has more than one VEX justification flag");
                    }
                }
            }
        }

        DocumentTests(document, Fail);
        ProfileTests(root, document, tree, vulns, Fail);

        // 6.1.13 purl, 6.1.25 hash algorithms, 6.1.31 ranges in product_version.
        foreach (var (product, pp) in AllFullProductNames(tree))
        {
            var helper = Get(product, "product_identification_helper");
            if (Str(helper, "purl") is { } purl && !IsValidPurl(purl))
            {
                Fail("6.1.13", pp + "/product_identification_helper/purl", $"'{JsonFields.Shorten(purl)}' is not a valid purl");
            }

            foreach (var (hash, hp) in Items(helper, "hashes", pp + "/product_identification_helper"))
            {
                var algorithms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (fh, fhp) in Items(hash, "file_hashes", hp))
                {
                    if (!algorithms.Add(Str(fh, "algorithm") ?? ""))
                    {
                        Fail("6.1.25", fhp + "/algorithm", $"hash algorithm '{Str(fh, "algorithm")}' is used more than once");
                    }
                }
            }
        }

        foreach (var (branch, bp) in AllBranches(tree, "/product_tree"))
        {
            if (Str(branch, "category") == "product_version" && Str(branch, "name") is { } name && LooksLikeRange(name))
            {
                Fail("6.1.31", bp + "/name", $"product_version '{JsonFields.Shorten(name)}' contains a version range");
            }
        }

        return r;
    }

    private static void DocumentTests(JsonElement document, Action<string, string, string> fail)
    {
        var lang = Str(document, "lang");
        var sourceLang = Str(document, "source_lang");
        if (lang is not null && !IsValidLanguage(lang))
        {
            fail("6.1.12", "/document/lang", $"'{lang}' is not a valid language tag");
        }

        if (sourceLang is not null && !IsValidLanguage(sourceLang))
        {
            fail("6.1.12", "/document/source_lang", $"'{sourceLang}' is not a valid language tag");
        }

        if (Str(Get(document, "publisher"), "category") == "translator" && string.IsNullOrEmpty(sourceLang))
        {
            fail("6.1.15", "/document/source_lang", "a translator's document must name its source_lang");
        }

        if (lang is not null && sourceLang is not null && string.Equals(lang, sourceLang, StringComparison.OrdinalIgnoreCase))
        {
            fail("6.1.28", "/document/source_lang", "source_lang equals lang");
        }

        var tracking = Get(document, "tracking");
        var status = Str(tracking, "status");
        var version = Str(tracking, "version");
        var parsedVersion = version is null ? null : DocVersion.Parse(version);
        var history = Items(tracking, "revision_history", "/document/tracking")
            .Select(x => (Number: Str(x.Element, "number") ?? "", Date: ParseTime(Str(x.Element, "date")), x.Path))
            .ToList();
        // Equal dates are ordered by number, as the reference validators do.
        var sorted = history.OrderBy(h => h.Date).ThenBy(h => DocVersion.Parse(h.Number), Comparer<DocVersion?>.Create((a, b) => a is null || b is null ? 0 : DocVersion.Compare(a, b))).ToList();
        var parsed = sorted.Select(h => (h.Number, Version: DocVersion.Parse(h.Number), h.Path)).ToList();

        for (var i = 1; i < parsed.Count; i++)
        {
            if (parsed[i].Version is { } b && parsed[i - 1].Version is { } a && DocVersion.Compare(a, b) > 0)
            {
                fail("6.1.14", parsed[i].Path + "/number", $"revision {parsed[i].Number} is dated after {parsed[i - 1].Number} but numbered lower");
            }
        }

        if (parsedVersion is not null && parsed.Count > 0 && parsed[^1].Version is { } last)
        {
            var draft = status == "draft";
            if (!DocVersion.SameForLatest(parsedVersion, last, ignorePreRelease: draft))
            {
                fail("6.1.16", "/document/tracking/version", $"version {version} is not the number of the latest revision ({parsed[^1].Number})");
            }
        }

        if (parsedVersion is { } pv && (pv.Major == 0 || pv.PreRelease is not null) && status != "draft")
        {
            fail("6.1.17", "/document/tracking/status", $"version {version} requires status draft");
        }

        if (status is "final" or "interim")
        {
            foreach (var (number, v, path) in parsed)
            {
                if (v is { Major: 0 })
                {
                    fail("6.1.18", path + "/number", $"revision {number} is a pre-release number in a {status} document");
                }
            }

            if (parsedVersion?.PreRelease is not null)
            {
                fail("6.1.20", "/document/tracking/version", $"version {version} has a pre-release part in a {status} document");
            }
        }

        foreach (var (number, v, path) in parsed)
        {
            if (v?.PreRelease is not null)
            {
                fail("6.1.19", path + "/number", $"revision {number} has a pre-release part");
            }
        }

        if (parsed.Count > 0 && parsed.All(p => p.Version is not null))
        {
            var first = parsed[0].Version!;
            if (first.Major is not (0 or 1))
            {
                fail("6.1.21", parsed[0].Path + "/number", $"the first revision is {parsed[0].Number}, not 0 or 1");
            }

            for (var i = 1; i < parsed.Count; i++)
            {
                if (parsed[i].Version!.Major > parsed[i - 1].Version!.Major + 1)
                {
                    fail("6.1.21", parsed[i].Path + "/number", $"revisions between {parsed[i - 1].Number} and {parsed[i].Number} are missing");
                }
            }
        }

        var numbers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, _, path) in history)
        {
            if (!numbers.Add(number))
            {
                fail("6.1.22", path + "/number", $"revision {number} is listed more than once");
            }
        }

        var kinds = parsed.Select(p => p.Version?.IsInteger).Append(parsedVersion?.IsInteger).OfType<bool>().Distinct().Count();
        if (kinds > 1)
        {
            fail("6.1.30", "/document/tracking/version", "integer and semantic versions are mixed in version and revision_history");
        }

        if (Str(document, "category") is { } category && IsProhibitedCategory(category))
        {
            fail("6.1.26", "/document/category", $"category '{category}' is reserved or names another profile");
        }
    }

    private static void ProfileTests(JsonElement root, JsonElement document, JsonElement tree, List<(JsonElement Element, string Path)> vulns, Action<string, string, string> fail)
    {
        var category = Str(document, "category");
        var informative = category is "csaf_informational_advisory" or "csaf_security_incident_response";
        var advisory = category == "csaf_security_advisory";
        var vex = category == "csaf_vex";
        if (informative)
        {
            if (!Items(document, "notes", "").Any(n => Str(n.Element, "category") is "description" or "details" or "general" or "summary"))
            {
                fail("6.1.27.1", "/document/notes", "needs a note of category description, details, general or summary");
            }

            if (!Items(document, "references", "").Any(n => Str(n.Element, "category") is "external"))
            {
                fail("6.1.27.2", "/document/references", "needs a reference of category external");
            }
        }

        if (category == "csaf_informational_advisory" && Get(root, "vulnerabilities").ValueKind != JsonValueKind.Undefined)
        {
            fail("6.1.27.3", "/vulnerabilities", "an informational advisory must not have vulnerabilities");
        }

        if (!(advisory || vex))
        {
            return;
        }

        if (tree.ValueKind == JsonValueKind.Undefined)
        {
            fail("6.1.27.4", "/product_tree", "the profile requires a product_tree");
        }

        if (Get(root, "vulnerabilities").ValueKind == JsonValueKind.Undefined)
        {
            fail("6.1.27.11", "/vulnerabilities", "the profile requires vulnerabilities");
        }

        foreach (var (v, vp) in vulns)
        {
            if (Get(v, "notes").ValueKind == JsonValueKind.Undefined)
            {
                fail("6.1.27.5", vp + "/notes", "each vulnerability needs notes");
            }

            var status = Get(v, "product_status");
            if (advisory && status.ValueKind == JsonValueKind.Undefined)
            {
                fail("6.1.27.6", vp + "/product_status", "each vulnerability needs a product_status");
            }

            if (!vex)
            {
                continue;
            }

            if (!VexStatuses.Any(c => Get(status, c).ValueKind == JsonValueKind.Array))
            {
                fail("6.1.27.7", vp + "/product_status", "needs fixed, known_affected, known_not_affected or under_investigation");
            }

            if (Get(v, "cve").ValueKind == JsonValueKind.Undefined && Get(v, "ids").ValueKind == JsonValueKind.Undefined)
            {
                fail("6.1.27.8", vp, "needs a cve or ids");
            }

            var groups = Items(tree, "product_groups", "").ToDictionary(g => Str(g.Element, "group_id") ?? "", g => Strings(g.Element, "product_ids").Select(x => x.Value).ToList(), StringComparer.Ordinal);
            HashSet<string> Covered(IEnumerable<(JsonElement Element, string Path)> items) => items
                .SelectMany(i => Strings(i.Element, "product_ids").Select(x => x.Value)
                    .Concat(Strings(i.Element, "group_ids").SelectMany(g => groups.TryGetValue(g.Value, out var m) ? m : [])))
                .ToHashSet(StringComparer.Ordinal);

            var impact = Covered(Items(v, "flags", vp).Concat(Items(v, "threats", vp).Where(t => Str(t.Element, "category") == "impact")));
            foreach (var (id, ip) in Strings(status, "known_not_affected", vp + "/product_status"))
            {
                if (!impact.Contains(id))
                {
                    fail("6.1.27.9", ip, $"known_not_affected product '{id}' has no impact statement (flag or impact threat)");
                }
            }

            var action = Covered(Items(v, "remediations", vp));
            foreach (var (id, ip) in Strings(status, "known_affected", vp + "/product_status"))
            {
                if (!action.Contains(id))
                {
                    fail("6.1.27.10", ip, $"known_affected product '{id}' has no remediation");
                }
            }
        }
    }

    private static IEnumerable<(JsonElement Cvss, string Path, string Version)> Cvss(JsonElement score, string path)
    {
        if (Get(score, "cvss_v2") is { ValueKind: JsonValueKind.Object } v2)
        {
            yield return (v2, path + "/cvss_v2", "2.0");
        }

        if (Get(score, "cvss_v3") is { ValueKind: JsonValueKind.Object } v3)
        {
            yield return (v3, path + "/cvss_v3", Str(v3, "version") ?? "3");
        }

        if (Get(score, "cvss_v4") is { ValueKind: JsonValueKind.Object } v4)
        {
            yield return (v4, path + "/cvss_v4", "4.0");
        }
    }

    private static readonly Dictionary<string, (string Property, Dictionary<string, string> Values)> V3Metrics = new(StringComparer.Ordinal)
    {
        ["AV"] = ("attackVector", new(StringComparer.Ordinal) { ["N"] = "NETWORK", ["A"] = "ADJACENT_NETWORK", ["L"] = "LOCAL", ["P"] = "PHYSICAL" }),
        ["AC"] = ("attackComplexity", new(StringComparer.Ordinal) { ["L"] = "LOW", ["H"] = "HIGH" }),
        ["PR"] = ("privilegesRequired", new(StringComparer.Ordinal) { ["N"] = "NONE", ["L"] = "LOW", ["H"] = "HIGH" }),
        ["UI"] = ("userInteraction", new(StringComparer.Ordinal) { ["N"] = "NONE", ["R"] = "REQUIRED" }),
        ["S"] = ("scope", new(StringComparer.Ordinal) { ["U"] = "UNCHANGED", ["C"] = "CHANGED" }),
        ["C"] = ("confidentialityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["L"] = "LOW", ["H"] = "HIGH" }),
        ["I"] = ("integrityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["L"] = "LOW", ["H"] = "HIGH" }),
        ["A"] = ("availabilityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["L"] = "LOW", ["H"] = "HIGH" }),
    };

    private static readonly Dictionary<string, (string Property, Dictionary<string, string> Values)> V2Metrics = new(StringComparer.Ordinal)
    {
        ["AV"] = ("accessVector", new(StringComparer.Ordinal) { ["N"] = "NETWORK", ["A"] = "ADJACENT_NETWORK", ["L"] = "LOCAL" }),
        ["AC"] = ("accessComplexity", new(StringComparer.Ordinal) { ["L"] = "LOW", ["M"] = "MEDIUM", ["H"] = "HIGH" }),
        ["Au"] = ("authentication", new(StringComparer.Ordinal) { ["N"] = "NONE", ["S"] = "SINGLE", ["M"] = "MULTIPLE" }),
        ["C"] = ("confidentialityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["P"] = "PARTIAL", ["C"] = "COMPLETE" }),
        ["I"] = ("integrityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["P"] = "PARTIAL", ["C"] = "COMPLETE" }),
        ["A"] = ("availabilityImpact", new(StringComparer.Ordinal) { ["N"] = "NONE", ["P"] = "PARTIAL", ["C"] = "COMPLETE" }),
    };

    private static void CheckCvss(JsonElement cvss, string path, string version, Action<string, string, string> fail)
    {
        var vector = Str(cvss, "vectorString") ?? "";
        var metrics = vector.Split('/').Select(p => p.Split(':')).Where(p => p.Length == 2).GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        if (version == "4.0")
        {
            // CVSS v4 scores come from lookup tables, not a formula; consistency is left to the schema.
            return;
        }

        var table = version == "2.0" ? V2Metrics : V3Metrics;
        foreach (var (key, (property, values)) in table)
        {
            if (Str(cvss, property) is { } stated && metrics.TryGetValue(key, out var code) && values.TryGetValue(code, out var expected)
                && !string.Equals(stated, expected, StringComparison.Ordinal))
            {
                fail("6.1.10", path + "/" + property, $"{property} is {stated} but the vector says {key}:{code}");
            }
        }

        if (Get(cvss, "baseScore").ValueKind != JsonValueKind.Number)
        {
            return;
        }

        var score = Get(cvss, "baseScore").GetDecimal();
        if (version == "2.0")
        {
            if (Cvss2Base(metrics) is { } v2 && v2 != score)
            {
                fail("6.1.9", path + "/baseScore", $"baseScore {score.ToString(CultureInfo.InvariantCulture)} differs from {v2.ToString(CultureInfo.InvariantCulture)} computed from the vector");
            }

            return;
        }

        if (Str(cvss, "baseSeverity") is { } severity && !string.Equals(severity, Severity(score), StringComparison.Ordinal))
        {
            fail("6.1.9", path + "/baseSeverity", $"baseSeverity {severity} does not match baseScore {score.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Cvss3Base(metrics) is { } computed && computed != score)
        {
            fail("6.1.9", path + "/baseScore", $"baseScore {score.ToString(CultureInfo.InvariantCulture)} differs from {computed.ToString(CultureInfo.InvariantCulture)} computed from the vector");
        }
    }

    private static string Severity(decimal score) => score switch
    {
        0 => "NONE",
        < 4 => "LOW",
        < 7 => "MEDIUM",
        < 9 => "HIGH",
        _ => "CRITICAL",
    };

    /// <summary>CVSS v3.x base score (spec §7.1, with the v3.1 integer Roundup), or null when the vector is incomplete.</summary>
    internal static decimal? Cvss3Base(IReadOnlyDictionary<string, string> m)
    {
        double W(string key, params (string Code, double Weight)[] weights)
        {
            if (!m.TryGetValue(key, out var code))
            {
                return double.NaN;
            }

            foreach (var (c, w) in weights)
            {
                if (c == code)
                {
                    return w;
                }
            }

            return double.NaN;
        }

        var changed = m.TryGetValue("S", out var s) && s == "C";
        var av = W("AV", ("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2));
        var ac = W("AC", ("L", 0.77), ("H", 0.44));
        var pr = W("PR", ("N", 0.85), ("L", changed ? 0.68 : 0.62), ("H", changed ? 0.5 : 0.27));
        var ui = W("UI", ("N", 0.85), ("R", 0.62));
        var c = W("C", ("H", 0.56), ("L", 0.22), ("N", 0));
        var i = W("I", ("H", 0.56), ("L", 0.22), ("N", 0));
        var a = W("A", ("H", 0.56), ("L", 0.22), ("N", 0));
        if (double.IsNaN(av + ac + pr + ui + c + i + a) || !m.ContainsKey("S"))
        {
            return null;
        }

        var iss = 1 - ((1 - c) * (1 - i) * (1 - a));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0)
        {
            return 0;
        }

        return (decimal)RoundUp(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10));
    }

    /// <summary>CVSS v2 base score (v2 guide §3.2.1), or null when the vector is incomplete.</summary>
    internal static decimal? Cvss2Base(IReadOnlyDictionary<string, string> m)
    {
        static double W(IReadOnlyDictionary<string, string> m, string key, string codes, params double[] weights)
        {
            var i = m.TryGetValue(key, out var code) && code.Length == 1 ? codes.IndexOf(code[0], StringComparison.Ordinal) : -1;
            return i < 0 ? double.NaN : weights[i];
        }

        var av = W(m, "AV", "LAN", 0.395, 0.646, 1.0);
        var ac = W(m, "AC", "HML", 0.35, 0.61, 0.71);
        var au = W(m, "Au", "MSN", 0.45, 0.56, 0.704);
        var c = W(m, "C", "NPC", 0, 0.275, 0.660);
        var i = W(m, "I", "NPC", 0, 0.275, 0.660);
        var a = W(m, "A", "NPC", 0, 0.275, 0.660);
        if (double.IsNaN(av + ac + au + c + i + a))
        {
            return null;
        }

        var impact = 10.41 * (1 - ((1 - c) * (1 - i) * (1 - a)));
        var exploitability = 20 * av * ac * au;
        var f = impact == 0 ? 0 : 1.176;
        return Math.Round((decimal)(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f), 1, MidpointRounding.AwayFromZero);
    }

    private static double RoundUp(double value)
    {
        var intInput = (long)Math.Round(value * 100000);
        return intInput % 10000 == 0 ? intInput / 100000.0 : (Math.Floor(intInput / 10000.0) + 1) / 10.0;
    }

    private static bool Reaches(Dictionary<string, List<string>> edges, string from, string target, HashSet<string> visited)
    {
        if (!edges.TryGetValue(from, out var next) || !visited.Add(from))
        {
            return false;
        }

        return next.Any(n => n == target || Reaches(edges, n, target, visited));
    }

    private static IEnumerable<(string Id, string Path)> DefinedProducts(JsonElement tree) =>
        AllFullProductNames(tree).Select(p => (Str(p.Element, "product_id"), p.Path + "/product_id")).Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.Item2));

    private static IEnumerable<(JsonElement Element, string Path)> AllFullProductNames(JsonElement tree)
    {
        foreach (var (b, bp) in AllBranches(tree, "/product_tree"))
        {
            if (Get(b, "product") is { ValueKind: JsonValueKind.Object } p)
            {
                yield return (p, bp + "/product");
            }
        }

        foreach (var item in Items(tree, "full_product_names", "/product_tree"))
        {
            yield return item;
        }

        foreach (var list in RelationshipLists)
        {
            foreach (var (rel, rp) in Items(tree, list, "/product_tree"))
            {
                if (Get(rel, "full_product_name") is { ValueKind: JsonValueKind.Object } p)
                {
                    yield return (p, rp + "/full_product_name");
                }
            }
        }
    }

    /// <summary>CSAF 2.0 relationships and their CSAF 2.1 successor, product_paths.</summary>
    private static readonly string[] RelationshipLists = ["relationships", "product_paths"];

    /// <summary>Product ids a relationship (2.0) or product path (2.1) is built from.</summary>
    private static IEnumerable<(string Id, string Path)> RelationshipReferences(JsonElement rel, string rp)
    {
        foreach (var name in new[] { "product_reference", "relates_to_product_reference", "beginning_product_reference" })
        {
            if (Str(rel, name) is { } id)
            {
                yield return (id, rp + "/" + name);
            }
        }

        foreach (var (sub, sp) in Items(rel, "subpaths", rp))
        {
            if (Str(sub, "next_product_reference") is { } id)
            {
                yield return (id, sp + "/next_product_reference");
            }
        }
    }

    private static IEnumerable<(JsonElement Element, string Path)> AllBranches(JsonElement parent, string path)
    {
        foreach (var (b, bp) in Items(parent, "branches", path))
        {
            yield return (b, bp);
            foreach (var child in AllBranches(b, bp))
            {
                yield return child;
            }
        }
    }

    private static IEnumerable<(string Id, string Path)> ReferencedProducts(JsonElement tree, List<(JsonElement Element, string Path)> vulns)
    {
        foreach (var (g, gp) in Items(tree, "product_groups", "/product_tree"))
        {
            foreach (var x in Strings(g, "product_ids", gp))
            {
                yield return x;
            }
        }

        foreach (var list in RelationshipLists)
        {
            foreach (var (rel, rp) in Items(tree, list, "/product_tree"))
            {
                foreach (var reference in RelationshipReferences(rel, rp))
                {
                    yield return reference;
                }
            }
        }

        foreach (var (v, vp) in vulns)
        {
            foreach (var c in StatusCategories)
            {
                foreach (var x in Strings(Get(v, "product_status"), c, vp + "/product_status"))
                {
                    yield return x;
                }
            }

            foreach (var (list, field) in new[] { ("remediations", "product_ids"), ("threats", "product_ids"), ("flags", "product_ids"), ("scores", "products"), ("metrics", "products") })
            {
                foreach (var (item, ip) in Items(v, list, vp))
                {
                    foreach (var x in Strings(item, field, ip))
                    {
                        yield return x;
                    }
                }
            }
        }
    }

    private static readonly string[] VexStatuses = ["fixed", "known_affected", "known_not_affected", "under_investigation"];

    private static readonly string[] RangeWords = ["after", "all", "before", "earlier", "later", "prior", "versions"];

    private static bool LooksLikeRange(string name)
    {
        // Comparators anywhere, words as whole tokens: "after-eight" is a version name (OASIS known issue #825).
        var lower = name.ToLowerInvariant();
        return lower.Contains('<', StringComparison.Ordinal) || lower.Contains('>', StringComparison.Ordinal)
            || lower.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Any(t => RangeWords.Contains(t, StringComparer.Ordinal));
    }

    private static readonly string[] OtherProfiles =
        ["securityincidentresponse", "informationaladvisory", "securityadvisory", "vex"];

    private static bool IsProhibitedCategory(string category)
    {
        // CSAF 2.1 adds the deprecated/withdrawn/superseded profiles.
        if (category is "csaf_base" or "csaf_security_incident_response" or "csaf_informational_advisory" or "csaf_security_advisory" or "csaf_vex"
            or "csaf_deprecated_security_advisory" or "csaf_withdrawn" or "csaf_superseded")
        {
            return false;
        }

        if (category.StartsWith("csaf_", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var normalized = new string(category.Where(ch => ch != '-' && ch != '_' && !char.IsWhiteSpace(ch)).ToArray()).ToLowerInvariant();
        return OtherProfiles.Any(p => normalized == p || normalized == "csaf" + p);
    }

    private static readonly Lazy<HashSet<string>> Languages = new(() =>
        CultureInfo.GetCultures(CultureTypes.AllCultures)
            .SelectMany(c => new[] { c.TwoLetterISOLanguageName, c.ThreeLetterISOLanguageName, c.Name.Split('-')[0] })
            .Where(n => n.Length is 2 or 3)
            .Select(n => n.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal));

    /// <summary>BCP 47 primary language subtag must be a known ISO 639 code (private-use "x-…" and "i-…" accepted).</summary>
    private static bool IsValidLanguage(string tag)
    {
        var primary = tag.Split('-')[0].ToLowerInvariant();
        // qaa–qtz are ISO 639 codes reserved for local use and therefore valid.
        var localUse = primary.Length == 3 && primary[0] == 'q' && primary[1] is >= 'a' and <= 't' && char.IsAsciiLetterLower(primary[2]);
        return primary is "x" or "i" || localUse || (primary.Length is 2 or 3 && Languages.Value.Contains(primary)) || (primary.Length is >= 5 and <= 8 && primary.All(char.IsAsciiLetter));
    }

    [GeneratedRegex(@"^pkg:[A-Za-z\.\-\+][A-Za-z0-9\.\-\+]*/[^?#]+")]
    private static partial Regex PurlShape();

    /// <summary>Structural purl check (scheme, type, non-empty name); canonical-form checks belong to the purl code.</summary>
    internal static bool IsValidPurl(string purl)
    {
        if (!PurlShape().IsMatch(purl))
        {
            return false;
        }

        var path = purl[4..];
        var end = path.IndexOfAny(['?', '#']);
        path = end < 0 ? path : path[..end];
        var at = path.LastIndexOf('@');
        var withoutVersion = (at < 0 ? path : path[..at]).TrimEnd('/');
        var segments = withoutVersion.Split('/');
        return segments.Length >= 2 && segments[^1].Length > 0 && (at < 0 || at < path.Length - 1);
    }

    private static DateTimeOffset ParseTime(string? s) => s is not null && JsonFields.TryParseTime(s, out var t) ? t : DateTimeOffset.MinValue;

    private static JsonElement Get(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? v : default;

    private static string? Str(JsonElement obj, string name) => Get(obj, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static IEnumerable<(JsonElement Element, string Path)> Items(JsonElement obj, string name, string path)
    {
        if (Get(obj, name) is not { ValueKind: JsonValueKind.Array } array)
        {
            yield break;
        }

        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                yield return (e, JsonFields.Child(JsonFields.Child(path, name), i));
            }

            i++;
        }
    }

    private static IEnumerable<(string Value, string Path)> Strings(JsonElement obj, string name, string path = "")
    {
        if (Get(obj, name) is not { ValueKind: JsonValueKind.Array } array)
        {
            yield break;
        }

        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.String)
            {
                yield return (e.GetString()!, JsonFields.Child(JsonFields.Child(path, name), i));
            }

            i++;
        }
    }

    /// <summary>A CSAF version_t: an integer or semver; compared by CSAF's own rules, not the matcher's schemes.</summary>
    private sealed record DocVersion(bool IsInteger, long Major, long Minor, long Patch, string? PreRelease)
    {
        public static DocVersion? Parse(string s)
        {
            if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return new DocVersion(true, n, 0, 0, null);
            }

            var m = SemVer().Match(s);
            if (!m.Success)
            {
                return null;
            }

            return new DocVersion(false, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Success ? m.Groups[4].Value : null);
        }

        public static int Compare(DocVersion a, DocVersion b)
        {
            var c = (a.Major, a.Minor, a.Patch).CompareTo((b.Major, b.Minor, b.Patch));
            if (c != 0)
            {
                return c;
            }

            return (a.PreRelease, b.PreRelease) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => string.CompareOrdinal(a.PreRelease, b.PreRelease),
            };
        }

        public static bool SameForLatest(DocVersion document, DocVersion latest, bool ignorePreRelease) =>
            document.IsInteger == latest.IsInteger && (document.Major, document.Minor, document.Patch) == (latest.Major, latest.Minor, latest.Patch)
            && (ignorePreRelease || string.Equals(document.PreRelease, latest.PreRelease, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    private static partial Regex SemVer();
}
