using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.OsVersions;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>
/// Maps the OS version sources (SOFA, gdmf, VersionHistory) onto the matcher's existing lifecycle rules (ADR 0020):
/// every OS line becomes an <see cref="EolRelease"/> cycle of the product (macos, ipados, ios, chromeos) whose
/// <c>Latest</c> is the release devices should be on, so "not on the latest of its line" is the matcher's BehindLatest.
/// <para>
/// End of support: the newest Apple line never ends; an older line ends on the gdmf <c>ExpirationDate</c> of its latest
/// release (the day Apple stops offering it; SOFA copies the date), unknown when no date is given. Per device model
/// there is an extra cycle <c>{line}|{model}</c> (see <see cref="Cycle"/>): its latest is the newest release that lists
/// the model, and when the line's latest release no longer lists the model it has ended on that release's date (the
/// device gets no more updates on this line). The matcher falls back from <c>{line}|{model}</c> to <c>{line}</c> when the
/// sources do not know the model. ChromeOS cycles are channels ("stable"); they never end here (a Chromebook's end is
/// its Auto Update Expiration, an asset rule).
/// </para>
/// </summary>
public static class OsVersionLifecycles
{
    /// <summary>Separates line and device model in a lifecycle cycle name ("18|iPad7,5").</summary>
    public const char ModelSeparator = '|';

    /// <summary>The lifecycle cycle a device is matched on: its line, narrowed to its model when known.</summary>
    public static string Cycle(string line, string? model) =>
        string.IsNullOrWhiteSpace(model) ? line : $"{line}{ModelSeparator}{model.Trim()}";

    /// <summary>
    /// One <see cref="EolProduct"/> per OS product. <paramref name="feeds"/> are in order of preference: a line given by
    /// an earlier feed (SOFA) wins over the same line from a later one (gdmf), which only fills lines the first lacks.
    /// </summary>
    public static IReadOnlyList<EolProduct> ToEolProducts(IEnumerable<OsVersionFeed> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var byProduct = new Dictionary<string, (List<OsLine> Lines, Provenance Provenance)>(StringComparer.Ordinal);
        foreach (var feed in feeds)
        {
            foreach (var line in feed.Lines)
            {
                if (!byProduct.TryGetValue(line.Product, out var entry))
                {
                    byProduct[line.Product] = entry = ([], feed.Provenance);
                }

                if (!entry.Lines.Any(l => l.Line == line.Line))
                {
                    entry.Lines.Add(line);
                }
            }
        }

        return [.. byProduct.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Product(kv.Key, kv.Value.Lines, kv.Value.Provenance))];
    }

    private static EolProduct Product(string product, List<OsLine> lines, Provenance provenance)
    {
        var cycles = new List<EolRelease>();
        var apple = product != OsProducts.ChromeOs;
        var scheme = VersionSchemes.Get(VersionSchemeKind.Apple);
        var newest = apple ? lines.Select(l => l.Line).Max(Comparer<string>.Create((a, b) => scheme.Compare(a, b))) : null;
        foreach (var line in lines)
        {
            var lineEnd = !apple || line.Line == newest
                ? new LifecycleDate(LifecycleKind.NotEnded, null)
                : line.Latest.ExpirationDate is { } expires ? new LifecycleDate(LifecycleKind.Date, expires) : new LifecycleDate(LifecycleKind.Unknown, null);
            var first = line.Releases.Select(r => r.ReleaseDate).Where(d => d is not null).Min();
            cycles.Add(Release(line.Line, line.Label, first, lineEnd, line.Latest));
            if (!apple)
            {
                continue;
            }

            foreach (var model in line.Models.Order(StringComparer.Ordinal))
            {
                var latestForModel = line.LatestFor(model)!;
                var dropped = line.Latest.SupportedModels.Count > 0 && !line.Latest.SupportedModels.Contains(model, StringComparer.Ordinal);
                var end = dropped
                    ? (line.Latest.ReleaseDate is { } d ? new LifecycleDate(LifecycleKind.Date, d) : new LifecycleDate(LifecycleKind.Ended, null))
                    : lineEnd;
                cycles.Add(Release(Cycle(line.Line, model), $"{line.Label} on {model}", first, end, latestForModel));
            }
        }

        return new EolProduct(product, OsProducts.Label(product), [], "os", [], null, [], cycles, provenance);
    }

    private static EolRelease Release(string name, string label, DateOnly? released, LifecycleDate end, OsRelease latest) =>
        new(name, null, label, released, false, null, LifecycleDate.NotApplicable, end, LifecycleDate.NotApplicable, LifecycleDate.NotApplicable,
            new EolLatest(latest.Version, latest.ReleaseDate, latest.SecurityInfo), null, null);

    /// <summary>
    /// endoflife.date products with the OS version products laid over them: a cycle the version sources know replaces
    /// endoflife.date's cycle of the same name (their latest version is fresher), keeping endoflife.date's end date when the
    /// sources cannot state one; every other cycle and product stays as it was.
    /// </summary>
    public static IReadOnlyList<EolProduct> Merge(IEnumerable<EolProduct> endOfLifeDate, IEnumerable<EolProduct> osVersions)
    {
        ArgumentNullException.ThrowIfNull(endOfLifeDate);
        ArgumentNullException.ThrowIfNull(osVersions);
        var result = endOfLifeDate.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var os in osVersions)
        {
            if (!result.TryGetValue(os.Name, out var eol))
            {
                result[os.Name] = os;
                continue;
            }

            var known = eol.Releases.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
            var cycles = new List<EolRelease>();
            foreach (var cycle in os.Releases)
            {
                var lineName = cycle.Name.Split(ModelSeparator)[0];
                cycles.Add(cycle.EndOfLife.Kind == LifecycleKind.Unknown && known.TryGetValue(lineName, out var stated) ? cycle with { EndOfLife = stated.EndOfLife } : cycle);
            }

            var replaced = os.Releases.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            cycles.AddRange(eol.Releases.Where(r => !replaced.Contains(r.Name)));
            // The version source decides latest and end for the lines it lists, so its provenance is the evidence cited.
            result[os.Name] = eol with { Releases = cycles, Provenance = os.Provenance };
        }

        return [.. result.Values];
    }
}
