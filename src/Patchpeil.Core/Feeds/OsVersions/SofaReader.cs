using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Feeds.OsVersions;

/// <summary>
/// Reads the macadmins SOFA v2 feeds (<c>macos_data_feed.json</c>, <c>ios_data_feed.json</c>; schema in the sofa repo,
/// <c>v2/*_data_feed.schema.json</c>). Strict where Patchpeil decides on a value (each OS line needs a <c>Latest</c> with
/// <c>ProductVersion</c>, <c>Build</c> and <c>ReleaseDate</c>), lenient elsewhere: unknown fields are ignored (v2 is beta
/// and grows), CVE details may be empty objects, prose is never judged. A broken OS line or security release is
/// quarantined with its JSON Pointer; the others are kept. The iOS feed speaks for iOS and iPadOS at once: each line is
/// split by device identifier (iPad… → iPadOS, iPhone/iPod → iOS).
/// </summary>
public static class SofaReader
{
    /// <summary>True when the JSON root looks like a SOFA feed (used to detect the file kind).</summary>
    public static bool LooksLike(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("OSVersions", out _) && (root.TryGetProperty("UpdateHash", out _) || root.TryGetProperty("SchemaVersion", out _));

    public static (OsVersionFeed? Feed, IReadOnlyList<Quarantined> Quarantined) Read(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return (null, [new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)])]);
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return (null, [new Quarantined(location, null, [refusal!])]);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var f = new JsonFields();
            if (root.ValueKind != JsonValueKind.Object)
            {
                f.Error(FeedReasonCodes.JsonType, "", "a SOFA feed is a JSON object");
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            var hash = f.Str(root, "", "UpdateHash");
            var lastCheck = f.Time(root, "", "LastCheck");
            if (!root.TryGetProperty("OSVersions", out _))
            {
                f.Error(FeedReasonCodes.JsonRequired, "/OSVersions", "required field is missing");
            }

            var entries = f.Arr(root, "", "OSVersions").ToList();
            if (f.HasErrors)
            {
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            var lines = new List<OsLine>();
            var quarantined = new List<Quarantined>();
            for (var i = 0; i < entries.Count; i++)
            {
                var (entry, path) = entries[i];
                var lf = new JsonFields();
                var read = entry.ValueKind == JsonValueKind.Object ? ReadLine(lf, entry, path, location, quarantined) : null;
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    lf.Error(FeedReasonCodes.JsonType, path, "an OS version entry must be an object");
                }

                if (lf.HasErrors || read is null)
                {
                    quarantined.Add(new Quarantined(location, i, lf.Errors.Count > 0 ? lf.Errors : [new QuarantineReason(FeedReasonCodes.InvalidValue, path, "no OS line could be read")]));
                    continue;
                }

                lines.AddRange(read);
            }

            var provenance = new Provenance(FeedSource.Sofa, location, hash, lastCheck, Provenance.Sha256Hex(bytes), fetchedAt);
            return (new OsVersionFeed(FeedSource.Sofa, lines, provenance), quarantined);
        }
    }

    private static List<OsLine>? ReadLine(JsonFields f, JsonElement entry, string path, string location, List<Quarantined> quarantined)
    {
        var label = f.ReqStr(entry, path, "OSVersion");
        var latestElement = f.Obj(entry, path, "Latest");
        if (latestElement is null)
        {
            if (!f.HasErrors)
            {
                f.Error(FeedReasonCodes.JsonRequired, JsonFields.Child(path, "Latest"), "required field is missing");
            }

            return null;
        }

        var latestPath = JsonFields.Child(path, "Latest");
        var latest = ReadRelease(f, latestElement.Value, latestPath, null);
        var productName = f.Str(latestElement.Value, latestPath, "ProductName") ?? f.Str(latestElement.Value, latestPath, "UpdateName") ?? "";
        var line = OsProducts.AppleLine(latest?.Version);
        if (latest is not null && line is null)
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(latestPath, "ProductVersion"), $"not an Apple OS version: '{JsonFields.Shorten(latest.Version)}'");
        }

        if (f.HasErrors || latest is null || line is null)
        {
            return null;
        }

        // Security releases are kept one by one: a broken one is reported, the line keeps the others.
        var releases = new List<OsRelease> { latest };
        foreach (var (element, releasePath) in f.Arr(entry, path, "SecurityReleases"))
        {
            var rf = new JsonFields();
            var release = element.ValueKind == JsonValueKind.Object ? ReadRelease(rf, element, releasePath, latest.SupportedModels) : null;
            if (element.ValueKind != JsonValueKind.Object)
            {
                rf.Error(FeedReasonCodes.JsonType, releasePath, "a security release must be an object");
            }

            if (rf.HasErrors || release is null)
            {
                quarantined.Add(new Quarantined(location, null, rf.Errors));
                continue;
            }

            if (!releases.Any(r => r.Version == release.Version && r.Build == release.Build))
            {
                releases.Add(release);
            }
        }

        var scheme = VersionSchemes.Get(VersionSchemeKind.Apple);
        var ordered = releases
            .OrderByDescending(r => r.ReleaseDate ?? DateOnly.MinValue)
            .ThenByDescending(r => r.Version, Comparer<string>.Create((a, b) => scheme.Compare(a, b)))
            .ToList();
        var isMac = productName.Contains("macOS", StringComparison.OrdinalIgnoreCase) || entry.TryGetProperty("SupportedModels", out _);
        if (isMac)
        {
            return [new OsLine(OsProducts.MacOs, line, label, latest, ordered)];
        }

        // iOS and iPadOS share versions and builds; each product keeps only its own devices.
        var result = new List<OsLine>();
        foreach (var product in new[] { OsProducts.Ios, OsProducts.IPadOs })
        {
            OsRelease Only(OsRelease r) => r with { SupportedModels = [.. r.SupportedModels.Where(m => OsProducts.ForAppleMobileDevice(m) == product)] };
            var split = ordered.Select(Only).ToList();
            var anyModels = ordered.Any(r => r.SupportedModels.Count > 0);
            if (anyModels && split.All(r => r.SupportedModels.Count == 0))
            {
                continue; // e.g. an iOS line no iPad ever ran
            }

            result.Add(new OsLine(product, line, label, Only(latest), split));
        }

        return result;
    }

    private static OsRelease? ReadRelease(JsonFields f, JsonElement r, string path, IReadOnlyList<string>? inheritedModels)
    {
        var version = f.ReqStr(r, path, "ProductVersion").Trim();
        var build = f.ReqStr(r, path, "Build").Trim();
        if (!r.TryGetProperty("ReleaseDate", out _))
        {
            f.Error(FeedReasonCodes.JsonRequired, JsonFields.Child(path, "ReleaseDate"), "required field is missing");
        }

        var released = f.Time(r, path, "ReleaseDate");
        var allBuilds = f.Strs(r, path, "AllBuilds");
        var expiration = LenientDate(f, r, path, "ExpirationDate");
        var securityInfo = f.Str(r, path, "SecurityInfo");
        var exploited = f.Strs(r, path, "ActivelyExploitedCVEs");
        var cveObject = f.Obj(r, path, "CVEs");
        var uniqueCount = f.Int(r, path, "UniqueCVEsCount");
        var cveCount = (int)Math.Max(uniqueCount ?? 0, cveObject is { } cves ? cves.EnumerateObject().Count() : 0);
        var models = r.TryGetProperty("SupportedDevices", out var sd) && sd.ValueKind != JsonValueKind.Null
            ? f.Strs(r, path, "SupportedDevices")
            : inheritedModels ?? [];
        if (f.HasErrors)
        {
            return null;
        }

        if (version.Length == 0)
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(path, "ProductVersion"), "empty version");
            return null;
        }

        // SecurityInfo/CVEs present → Apple published security content; none listed → a release without security content.
        bool? security = cveObject is null && uniqueCount is null ? null : cveCount > 0;
        return new OsRelease(version, build.Length == 0 ? null : build, allBuilds.Count > 0 ? allBuilds : build.Length == 0 ? [] : [build],
            released is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null, expiration, security, cveCount, exploited, models, securityInfo);
    }

    /// <summary>Documented as a date; a date-time is accepted too (the day is kept).</summary>
    internal static DateOnly? LenientDate(JsonFields f, JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 10 } text && JsonFields.TryParseTime(text, out var time))
        {
            return DateOnly.FromDateTime(time.UtcDateTime);
        }

        return f.Date(obj, path, name);
    }
}
