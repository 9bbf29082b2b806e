using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Feeds.OsVersions;

/// <summary>
/// Reads Apple's public versions document (<c>https://gdmf.apple.com/v2/pmv</c>), the source SOFA itself starts from.
/// Only <c>PublicAssetSets</c> is used (the meaning of <c>AssetSets</c> is not documented). The <c>iOS</c> set also holds
/// watchOS, tvOS and HomePod assets: only iPad (→ iPadOS) and iPhone/iPod (→ iOS) identifiers are kept. gdmf has no
/// CVE data, so <see cref="OsRelease.SecurityContent"/> stays unknown. A broken asset is quarantined, the rest kept.
/// </summary>
public static class GdmfReader
{
    public static bool LooksLike(JsonElement root) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("PublicAssetSets", out _);

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
            var sets = root.ValueKind == JsonValueKind.Object ? f.Obj(root, "", "PublicAssetSets") : null;
            if (sets is null && !f.HasErrors)
            {
                f.Error(root.ValueKind == JsonValueKind.Object ? FeedReasonCodes.JsonRequired : FeedReasonCodes.JsonType, "/PublicAssetSets",
                    root.ValueKind == JsonValueKind.Object ? "required field is missing" : "a gdmf document is a JSON object");
            }

            if (f.HasErrors || sets is not { } assetSets)
            {
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            var quarantined = new List<Quarantined>();
            var byLine = new Dictionary<(string Product, string Line), List<OsRelease>>();
            foreach (var set in assetSets.EnumerateObject())
            {
                var isMac = set.Name == "macOS";
                if (!isMac && set.Name != "iOS")
                {
                    continue; // visionOS, xrOS …: not devices a school board manages through Patchpeil
                }

                var setPath = JsonFields.Child("/PublicAssetSets", set.Name);
                if (set.Value.ValueKind != JsonValueKind.Array)
                {
                    quarantined.Add(new Quarantined(location, null, [new QuarantineReason(FeedReasonCodes.JsonType, setPath, $"expected array, found {set.Value.ValueKind.ToString().ToLowerInvariant()}")]));
                    continue;
                }

                var index = 0;
                foreach (var asset in set.Value.EnumerateArray())
                {
                    var path = JsonFields.Child(setPath, index);
                    var af = new JsonFields();
                    var release = asset.ValueKind == JsonValueKind.Object ? ReadAsset(af, asset, path) : null;
                    if (asset.ValueKind != JsonValueKind.Object)
                    {
                        af.Error(FeedReasonCodes.JsonType, path, "an asset must be an object");
                    }

                    if (af.HasErrors || release is null)
                    {
                        quarantined.Add(new Quarantined(location, index, af.Errors));
                        index++;
                        continue;
                    }

                    index++;
                    var line = OsProducts.AppleLine(release.Version)!;
                    if (isMac)
                    {
                        Add(byLine, OsProducts.MacOs, line, release);
                        continue;
                    }

                    foreach (var product in new[] { OsProducts.Ios, OsProducts.IPadOs })
                    {
                        var models = release.SupportedModels.Where(m => OsProducts.ForAppleMobileDevice(m) == product).ToList();
                        if (models.Count > 0)
                        {
                            Add(byLine, product, line, release with { SupportedModels = models });
                        }
                    }
                }
            }

            var scheme = VersionSchemes.Get(VersionSchemeKind.Apple);
            var versionOrder = Comparer<string>.Create((a, b) => scheme.Compare(a, b));
            var lines = byLine
                .OrderBy(kv => kv.Key.Product, StringComparer.Ordinal).ThenByDescending(kv => kv.Key.Line, versionOrder)
                .Select(kv =>
                {
                    var releases = kv.Value.OrderByDescending(r => r.Version, versionOrder).ThenByDescending(r => r.ReleaseDate ?? DateOnly.MinValue).ToList();
                    return new OsLine(kv.Key.Product, kv.Key.Line, kv.Key.Line, releases[0], releases);
                })
                .ToList();
            var provenance = new Provenance(FeedSource.Gdmf, location, null, null, Provenance.Sha256Hex(bytes), fetchedAt);
            return (new OsVersionFeed(FeedSource.Gdmf, lines, provenance), quarantined);
        }
    }

    private static void Add(Dictionary<(string, string), List<OsRelease>> byLine, string product, string line, OsRelease release)
    {
        if (!byLine.TryGetValue((product, line), out var list))
        {
            byLine[(product, line)] = list = [];
        }

        // Device-specific builds of one version are separate assets: they become one release with all builds.
        var same = list.FindIndex(r => r.Version == release.Version);
        if (same < 0)
        {
            list.Add(release);
            return;
        }

        var old = list[same];
        list[same] = old with
        {
            AllBuilds = [.. old.AllBuilds.Concat(release.AllBuilds).Distinct(StringComparer.Ordinal)],
            SupportedModels = [.. old.SupportedModels.Concat(release.SupportedModels).Distinct(StringComparer.Ordinal)],
            ReleaseDate = Min(old.ReleaseDate, release.ReleaseDate),
            ExpirationDate = Max(old.ExpirationDate, release.ExpirationDate),
        };
    }

    private static DateOnly? Min(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static OsRelease? ReadAsset(JsonFields f, JsonElement asset, string path)
    {
        var version = f.ReqStr(asset, path, "ProductVersion").Trim();
        var build = f.ReqStr(asset, path, "Build").Trim();
        var posted = SofaReader.LenientDate(f, asset, path, "PostingDate");
        var expiration = SofaReader.LenientDate(f, asset, path, "ExpirationDate");
        var models = f.Strs(asset, path, "SupportedDevices");
        if (f.HasErrors)
        {
            return null;
        }

        if (OsProducts.AppleLine(version) is null)
        {
            f.Error(FeedReasonCodes.InvalidValue, JsonFields.Child(path, "ProductVersion"), $"not an Apple OS version: '{JsonFields.Shorten(version)}'");
            return null;
        }

        return new OsRelease(version, build.Length == 0 ? null : build, build.Length == 0 ? [] : [build], posted, expiration, null, 0, [], models, null);
    }
}
