using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchpeil.Contracts;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.EndOfLife;
using EpssScore = Patchpeil.Core.Feeds.Epss.EpssScore;
using EpssReader = Patchpeil.Core.Feeds.Epss.EpssReader;
using Patchpeil.Core.Feeds.Kev;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Risk;
using Patchpeil.Server.Advisories;

namespace Patchpeil.Server.Cli;

/// <summary>
/// <c>patchpeil scan</c>: the Core matcher on one agent report or SBOM against feed files, with no server and no
/// database. Exit codes: 0 nothing at or above <c>--fail-on</c>, 1 findings at or above it, 2 bad usage or unreadable input.
/// </summary>
public static class ScanCommand
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Build()
    {
        var input = new Argument<string>("INPUT") { Description = "An agent report (JSON), a CycloneDX or an SPDX JSON SBOM." };
        var feeds = new Option<string>("--feeds") { Description = "Feed files: a file, a folder (recursive) or a .zip (CSAF, OSV, NVD, CVE 5, KEV, endoflife.date).", Required = true };
        var format = new Option<string>("--format") { Description = "table (default), json, csv or sarif.", DefaultValueFactory = _ => "table" };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding has this priority or higher (P1..P4)." };
        var asOf = new Option<string?>("--as-of") { Description = "The date end of support is judged on (yyyy-MM-dd); default today (UTC)." };
        var internet = new Option<bool>("--internet-facing") { Description = "Treat the machine as reachable from the internet (raises priorities; KEV or NCSC Urgent becomes urgent)." };
        var command = new Command("scan", "Match one agent report or SBOM against feed files, without server or database.") { input, feeds, format, failOn, asOf, internet };
        command.SetAction(r => Run(r.GetValue(input)!, r.GetValue(feeds)!, r.GetValue(format)!, r.GetValue(failOn), r.GetValue(asOf), Console.Out, Console.Error, r.GetValue(internet)));
        return command;
    }

    public static int Run(string inputPath, string feedsPath, string format, string? failOn, string? asOf, TextWriter output, TextWriter error, bool internetFacing = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        format = format.ToLowerInvariant();
        if (format is not ("table" or "json" or "csv" or "sarif"))
        {
            error.WriteLine($"--format: '{format}' is not one of table, json, csv, sarif");
            return 2;
        }

        Priority? threshold = null;
        if (failOn is not null)
        {
            if (!Enum.TryParse<Priority>(failOn, ignoreCase: true, out var p) || !Enum.IsDefined(p) || !failOn.StartsWith('P'))
            {
                error.WriteLine($"--fail-on: '{failOn}' is not one of P1, P2, P3, P4");
                return 2;
            }

            threshold = p;
        }

        var clock = TimeProvider.System;
        if (asOf is not null)
        {
            if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                error.WriteLine($"--as-of: '{asOf}' is not a date yyyy-MM-dd");
                return 2;
            }

            clock = new FixedClock(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }

        if (!File.Exists(inputPath))
        {
            error.WriteLine($"{inputPath}: no such file");
            return 2;
        }

        if (!File.Exists(feedsPath) && !Directory.Exists(feedsPath))
        {
            error.WriteLine($"--feeds: no such file or folder: {feedsPath}");
            return 2;
        }

        var (asset, inputProblem) = ReadInput(inputPath);
        if (asset is null)
        {
            error.WriteLine($"{inputPath}: {inputProblem}");
            return 2;
        }

        var matcher = new Matcher(new MatcherOptions { Clock = clock });
        var problems = new List<string>();
        var epss = new Dictionary<string, EpssScore>(StringComparer.OrdinalIgnoreCase);
        var loaded = LoadFeeds(feedsPath, matcher, problems, epss);
        foreach (var p in problems)
        {
            error.WriteLine($"quarantined: {p}");
        }

        matcher.LoadAsset(asset);
        matcher.RematchAll();
        // The matcher's own priority is the scan-only rule; the risk assessor is what the server uses. Without an asset
        // record the machine counts as BIV medium and internal unless --internet-facing says otherwise.
        var risk = new Dictionary<FindingKey, RiskAssessment>();
        var findings = matcher.FindingsFor(asset.AssetId).Select(f =>
            {
                var score = epss.GetValueOrDefault(f.Subject);
                var a = RiskAssessor.Assess(new RiskFactors(f.Kind, f.Cvss, null, score?.Epss, f.KnownExploited, null, 1, internetFacing, f.Evidence.Confidence, score?.Percentile));
                risk[f.Key] = a;
                return f with { Priority = a.Priority };
            })
            .OrderBy(f => f.Priority).ThenBy(f => f.Component, StringComparer.Ordinal).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
        switch (format)
        {
            case "json":
                WriteJson(output, asset, findings, risk, loaded, problems);
                break;
            case "csv":
                WriteCsv(output, findings);
                break;
            case "sarif":
                WriteSarif(output, inputPath, findings);
                break;
            default:
                WriteTable(output, asset, findings, risk, loaded);
                break;
        }

        return threshold is { } t && findings.Any(f => f.Priority <= t) ? 1 : 0;
    }

    private static (MatchAsset? Asset, string? Problem) ReadInput(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            return (null, e.Message);
        }

        var name = Path.GetFileName(path);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("operatingSystem", out _) && doc.RootElement.TryGetProperty("software", out _))
            {
                var report = doc.RootElement.Deserialize<AgentReport>(Web);
                return report is null ? (null, "empty agent report") : (FromReport(report), null);
            }
        }
        catch (JsonException e)
        {
            return (null, $"[json.syntax] line {e.LineNumber + 1}: {e.Message}");
        }

        var sbom = SbomReader.Read(bytes, name);
        if (sbom.Items.Count == 0)
        {
            return (null, sbom.Quarantined.Count > 0 ? string.Join("; ", sbom.Quarantined) : "neither an agent report nor an SBOM with components");
        }

        return (new MatchAsset(name, name, [.. sbom.Items.Select(InventoryComponents.FromSbom)]), null);
    }

    internal static MatchAsset FromReport(AgentReport report)
    {
        var os = report.OperatingSystem;
        var components = new List<MatchComponent>();
        if (InventoryComponents.FromOperatingSystem(SoftwareCatalog.Default, os.Family, os.Name, os.Edition, os.Version, os.Build, os.DistributionId, os.DistributionVersion) is { } osComponent)
        {
            components.Add(osComponent);
        }

        components.AddRange(report.Software.Select(s => InventoryComponents.FromPackage(SoftwareCatalog.Default, s.Source, s.Name, s.Version, s.Publisher, s.SourcePackage, s.SourceVersion, os.DistributionId, os.DistributionVersion)));
        var id = report.Device.HardwareUuid ?? report.Device.MachineId ?? report.Device.Hostname;
        return new MatchAsset(id, report.Device.Hostname, components);
    }

    /// <summary>Reads every feed file with the Core parsers; unreadable files are named in <paramref name="problems"/> and skipped.</summary>
    internal static int LoadFeeds(string path, Matcher matcher, List<string> problems, Dictionary<string, EpssScore>? epss = null)
    {
        var fetchedAt = DateTimeOffset.UtcNow;
        var lifecycles = new List<EolProduct>();
        var kev = new List<string>();
        var count = 0;
        foreach (var (name, bytes) in Files(path, problems))
        {
            count += LoadOne(name, bytes, fetchedAt, matcher, lifecycles, kev, epss, problems);
        }

        matcher.SetLifecycles(lifecycles);
        matcher.SetKnownExploited(kev);
        return count;
    }

    private static int LoadOne(string name, byte[] bytes, DateTimeOffset fetchedAt, Matcher matcher, List<EolProduct> lifecycles, List<string> kev, Dictionary<string, EpssScore>? epss, List<string> problems)
    {
        if (IsEndOfLife(bytes))
        {
            var (product, quarantined) = EndOfLifeReader.ReadProduct(bytes, name, fetchedAt);
            problems.AddRange(quarantined.Select(q => q.ToString()));
            if (product is not null)
            {
                lifecycles.Add(product);
                return 1;
            }

            return 0;
        }

        var (kind, problem) = FeedImporter.Detect(name, bytes);
        switch (kind)
        {
            case FeedSource.Csaf:
                return Load(CsafReader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromCsaf, matcher, problems);
            case FeedSource.Osv:
                return Load(OsvReader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromOsv, matcher, problems);
            case FeedSource.Cve5:
                return Load(Cve5Reader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromCve5, matcher, problems);
            case FeedSource.Nvd:
                using (var stream = new MemoryStream(bytes))
                {
                    var single = NvdReader.ReadCve(bytes, name, fetchedAt);
                    if (single.Items.Count > 0)
                    {
                        return Load(single, AdvisoryStatements.FromNvd, matcher, problems);
                    }

                    var page = NvdReader.ReadPageAsync(stream, fetchedAt).GetAwaiter().GetResult();
                    return Load(page.Vulnerabilities, AdvisoryStatements.FromNvd, matcher, problems);
                }

            case FeedSource.Kev:
                var catalog = name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? KevReader.ReadCsv(bytes, fetchedAt) : KevReader.ReadJson(bytes, fetchedAt);
                kev.AddRange(catalog.Entries.Items.Select(e => e.CveId));
                problems.AddRange(catalog.Entries.Quarantined.Select(q => q.ToString()));
                return catalog.Entries.Items.Count;
            case FeedSource.Epss:
                // EPSS does not change what matches, only the priority (RiskAssessor).
                using (var stream = new MemoryStream(bytes))
                {
                    var snapshot = EpssReader.ReadAsync(stream, fetchedAt).GetAwaiter().GetResult();
                    problems.AddRange(snapshot.Scores.Quarantined.Select(q => q.ToString()));
                    foreach (var score in snapshot.Scores.Items)
                    {
                        epss?.TryAdd(score.CveId, score);
                    }

                    return snapshot.Scores.Items.Count;
                }

            default:
                problems.Add($"{name}: {problem ?? "not a feed file"}");
                return 0;
        }
    }

    private static int Load<T>(ParseResult<T> result, Func<T, PreparedAdvisory> prepare, Matcher matcher, List<string> problems)
    {
        problems.AddRange(result.Quarantined.Select(q => q.ToString()));
        foreach (var item in result.Items)
        {
            var prepared = prepare(item);
            matcher.LoadAdvisory(prepared);
        }

        return result.Items.Count;
    }

    private static bool IsEndOfLife(byte[] bytes)
    {
        try
        {
            var node = JsonNode.Parse(bytes);
            return node is JsonObject o && o["result"] is JsonObject r && r["releases"] is JsonArray;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Files(string path, List<string> problems)
    {
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            : [path];
        foreach (var file in files)
        {
            if (!file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                yield return (Path.GetFileName(file), File.ReadAllBytes(file));
                continue;
            }

            List<(string, byte[])> entries = [];
            try
            {
                using var zip = ZipFile.OpenRead(file);
                foreach (var entry in zip.Entries.Where(e => e.Length > 0 && FeedImporter.IsSafeEntryName(e.FullName)).OrderBy(e => e.FullName, StringComparer.Ordinal))
                {
                    if (entry.Length > FeedReadOptions.Default.MaxBytes)
                    {
                        problems.Add($"{file}!{entry.FullName}: [zip.too-large] {entry.Length} bytes uncompressed");
                        continue;
                    }

                    using var s = entry.Open();
                    using var ms = new MemoryStream();
                    s.CopyTo(ms);
                    entries.Add(($"{Path.GetFileName(file)}!{entry.FullName}", ms.ToArray()));
                }
            }
            catch (InvalidDataException e)
            {
                problems.Add($"{file}: [zip.invalid] {e.Message}");
            }

            foreach (var entry in entries)
            {
                yield return entry;
            }
        }
    }

    // ---------------------------------------------------------------- output

    private static void WriteTable(TextWriter output, MatchAsset asset, List<Finding> findings, Dictionary<FindingKey, RiskAssessment> risk, int loaded)
    {
        output.WriteLine($"{asset.Name}: {asset.Components.Count} components, {loaded} feed records, {findings.Count} findings");
        foreach (var f in findings)
        {
            output.WriteLine($"{f.Priority}  {f.Kind,-18} {f.Component} {f.Version}  {f.Subject}  [{f.Evidence.Source} {f.Evidence.DocumentId}{(f.Evidence.Revision is null ? "" : " rev " + f.Evidence.Revision)}, {f.Evidence.Confidence}] {f.Evidence.Rule}  (why: {string.Join(", ", risk[f.Key].Reasons.Select(r => $"{r.Code} {r.Detail}"))})");
        }
    }

    private static void WriteJson(TextWriter output, MatchAsset asset, List<Finding> findings, Dictionary<FindingKey, RiskAssessment> risk, int loaded, List<string> problems)
    {
        var json = new JsonObject
        {
            ["asset"] = asset.Name,
            ["components"] = asset.Components.Count,
            ["feedRecords"] = loaded,
            ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject
            {
                ["key"] = f.Key.ToString(),
                ["priority"] = f.Priority.ToString(),
                ["kind"] = f.Kind.ToString(),
                ["component"] = f.Component,
                ["identity"] = f.Key.Component,
                ["version"] = f.Version,
                ["subject"] = f.Subject,
                ["cvss"] = f.Cvss,
                ["knownExploited"] = f.KnownExploited,
                ["urgent"] = risk[f.Key].Urgent,
                ["reasons"] = new JsonArray([.. risk[f.Key].Reasons.Select(r => (JsonNode)new JsonObject { ["code"] = r.Code, ["detail"] = r.Detail })]),
                ["evidence"] = new JsonObject
                {
                    ["source"] = f.Evidence.Source,
                    ["document"] = f.Evidence.DocumentId,
                    ["revision"] = f.Evidence.Revision,
                    ["range"] = f.Evidence.Range,
                    ["comparedVersion"] = f.Evidence.ComparedVersion,
                    ["rule"] = f.Evidence.Rule,
                    ["comparisons"] = new JsonArray([.. f.Evidence.Comparisons.Select(c => (JsonNode)JsonValue.Create(c))]),
                    ["confidence"] = f.Evidence.Confidence.ToString(),
                },
            })]),
            ["quarantined"] = new JsonArray([.. problems.Select(p => (JsonNode)JsonValue.Create(p))]),
        };
        output.WriteLine(json.ToJsonString(Indented));
    }

    private static void WriteCsv(TextWriter output, List<Finding> findings)
    {
        output.WriteLine("priority,kind,component,version,subject,source,document,revision,range,rule,confidence,key");
        foreach (var f in findings)
        {
            output.WriteLine(string.Join(',', new[] { f.Priority.ToString(), f.Kind.ToString(), f.Component, f.Version, f.Subject, f.Evidence.Source, f.Evidence.DocumentId, f.Evidence.Revision ?? "", f.Evidence.Range, f.Evidence.Rule, f.Evidence.Confidence.ToString(), f.Key.ToString() }.Select(Csv)));
        }

        static string Csv(string s) => s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    private static void WriteSarif(TextWriter output, string inputPath, List<Finding> findings)
    {
        var rules = findings.Select(f => f.Subject).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "patchpeil",
                        ["informationUri"] = "https://github.com/patchpeil/patchpeil",
                        ["rules"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
                        {
                            ["id"] = r,
                            ["shortDescription"] = new JsonObject { ["text"] = r },
                            ["helpUri"] = r.StartsWith("CVE-", StringComparison.Ordinal) ? $"https://www.cve.org/CVERecord?id={r}" : null,
                        })]),
                    },
                },
                ["results"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject
                {
                    ["ruleId"] = f.Subject,
                    ["ruleIndex"] = rules.IndexOf(f.Subject),
                    ["level"] = f.Priority switch { Priority.P1 or Priority.P2 => "error", Priority.P3 => "warning", _ => "note" },
                    ["message"] = new JsonObject { ["text"] = $"{f.Component} {f.Version}: {f.Kind} {f.Subject} — {f.Evidence.Rule} ({f.Evidence.Source} {f.Evidence.DocumentId})" },
                    ["locations"] = new JsonArray(new JsonObject
                    {
                        ["physicalLocation"] = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = Path.GetFileName(inputPath) } },
                        ["logicalLocations"] = new JsonArray(new JsonObject { ["name"] = f.Component, ["fullyQualifiedName"] = f.Key.Component, ["kind"] = "module" }),
                    }),
                    ["partialFingerprints"] = new JsonObject { ["patchpeilFindingKey/v1"] = f.Key.ToString() },
                    ["properties"] = new JsonObject
                    {
                        ["priority"] = f.Priority.ToString(),
                        ["kind"] = f.Kind.ToString(),
                        ["confidence"] = f.Evidence.Confidence.ToString(),
                        ["version"] = f.Version,
                    },
                })]),
            }),
        };
        output.WriteLine(sarif.ToJsonString(Indented));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
