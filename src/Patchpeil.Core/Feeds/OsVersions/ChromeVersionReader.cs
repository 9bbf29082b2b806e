using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Feeds.OsVersions;

/// <summary>
/// Reads Google VersionHistory API responses for ChromeOS (<c>/v1/chrome/platforms/chromeos/channels/{channel}/versions</c>
/// and <c>…/versions/all/releases</c>): one line per channel. From a releases list the channel's current version is the
/// newest release still served (no <c>serving.endTime</c>) that is fully rolled out (<c>fraction</c> 1); a newer release
/// still rolling out is listed but does not yet make devices "behind" (CONNECTORS.md 2.7). A versions list has no dates
/// or rollout data: its newest version counts. Releases of other platforms are quarantined, not guessed.
/// </summary>
public static class ChromeVersionReader
{
    private const string Prefix = "chrome/platforms/";

    public static bool LooksLike(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var name in new[] { "releases", "versions" })
        {
            if (root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var first = list.EnumerateArray().FirstOrDefault();
                return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    && n.GetString()!.StartsWith(Prefix, StringComparison.Ordinal);
            }
        }

        return false;
    }

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
            var isReleases = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("releases", out _);
            var listName = isReleases ? "releases" : "versions";
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(listName, out _))
            {
                f.Error(FeedReasonCodes.JsonRequired, "/releases", "a VersionHistory response has a 'releases' or 'versions' list");
            }

            var items = f.HasErrors ? [] : f.Arr(root, "", listName).ToList();
            if (f.HasErrors)
            {
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            var quarantined = new List<Quarantined>();
            var byChannel = new Dictionary<string, List<OsRelease>>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var (item, path) = items[i];
                var rf = new JsonFields();
                var (channel, release) = item.ValueKind == JsonValueKind.Object ? ReadItem(rf, item, path, isReleases) : (null, null);
                if (item.ValueKind != JsonValueKind.Object)
                {
                    rf.Error(FeedReasonCodes.JsonType, path, "an entry must be an object");
                }

                if (rf.HasErrors || channel is null || release is null)
                {
                    quarantined.Add(new Quarantined(location, i, rf.Errors));
                    continue;
                }

                if (!byChannel.TryGetValue(channel, out var list))
                {
                    byChannel[channel] = list = [];
                }

                list.Add(release);
            }

            var scheme = VersionSchemes.Get(VersionSchemeKind.Chrome);
            var order = Comparer<string>.Create((a, b) => scheme.Compare(a, b));
            var lines = new List<OsLine>();
            foreach (var (channel, list) in byChannel.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var releases = list.OrderByDescending(r => r.Version, order).ThenByDescending(r => r.ReleaseDate ?? DateOnly.MinValue).ToList();
                var latest = releases.FirstOrDefault(r => r.Serving && r.FullyRolledOut) ?? releases.FirstOrDefault(r => r.Serving) ?? releases[0];
                lines.Add(new OsLine(OsProducts.ChromeOs, channel, channel, latest, releases));
            }

            var provenance = new Provenance(FeedSource.ChromeVersions, location, null, null, Provenance.Sha256Hex(bytes), fetchedAt);
            return (new OsVersionFeed(FeedSource.ChromeVersions, lines, provenance), quarantined);
        }
    }

    private static (string? Channel, OsRelease? Release) ReadItem(JsonFields f, JsonElement item, string path, bool isRelease)
    {
        var name = f.ReqStr(item, path, "name");
        var version = f.ReqStr(item, path, "version").Trim();
        DateOnly? started = null;
        var serving = true;
        var rolledOut = true;
        if (isRelease)
        {
            if (f.Obj(item, path, "serving") is { } s)
            {
                var sp = JsonFields.Child(path, "serving");
                started = f.Time(s, sp, "startTime") is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null;
                serving = f.Time(s, sp, "endTime") is null;
            }

            rolledOut = (f.Num(item, path, "fraction") ?? 1m) >= 1m;
        }

        if (f.HasErrors)
        {
            return (null, null);
        }

        // chrome/platforms/{platform}/channels/{channel}/versions/{version}[/releases/{id}]
        var parts = name.Split('/');
        if (parts.Length < 6 || parts[0] != "chrome" || parts[1] != "platforms" || parts[3] != "channels")
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(path, "name"), $"not a VersionHistory resource name: '{JsonFields.Shorten(name)}'");
            return (null, null);
        }

        if (parts[2] != "chromeos")
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(path, "name"), $"platform '{JsonFields.Shorten(parts[2])}' is not chromeos");
            return (null, null);
        }

        if (!VersionSchemes.Get(VersionSchemeKind.Chrome).TryParse(version, out _, out var problem))
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(path, "version"), $"not a Chrome version: '{JsonFields.Shorten(version)}' ({problem})");
            return (null, null);
        }

        return (parts[4], new OsRelease(version, null, [], started, null, null, 0, [], [], null, rolledOut, serving));
    }
}
