using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Inventory;

/// <summary>How Patchpeil reads one piece of installed software: identity, version scheme and release cycle.</summary>
/// <param name="CatalogId">The catalog entry that matched (the rule).</param>
/// <param name="Identity">CPE 2.3 formatted string with the version filled in.</param>
/// <param name="Scheme">The version scheme used to compare its versions.</param>
/// <param name="EndOfLifeProduct">endoflife.date product, if tracked there.</param>
/// <param name="EndOfLifeCycle">endoflife.date release cycle of this version, if it can be told.</param>
public sealed record Identification(string CatalogId, string Identity, VersionSchemeKind Scheme, string? EndOfLifeProduct, string? EndOfLifeCycle);

/// <summary>
/// The catalog (catalog.json beside this file, embedded): raw names such as "Mozilla Firefox (x64 nl)" or
/// "7-Zip 23.01 (x64)" to identities. A name no entry matches stays unmapped: Patchpeil never guesses.
/// </summary>
public sealed partial class SoftwareCatalog
{
    private readonly IReadOnlyList<Entry> _entries;

    private SoftwareCatalog(IReadOnlyList<Entry> entries) => _entries = entries;

    public static SoftwareCatalog Default { get; } = Load(typeof(SoftwareCatalog).Assembly.GetManifestResourceStream("Patchpeil.Core.Inventory.catalog.json")!);

    public int Count => _entries.Count;

    public static SoftwareCatalog Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var entries = new List<Entry>();
        foreach (var e in document.RootElement.GetProperty("entries").EnumerateArray())
        {
            var scheme = e.GetProperty("scheme").GetString()!;
            if (!VersionSchemes.TryGet(scheme, out var versionScheme))
            {
                throw new InvalidDataException($"Catalog entry {e.GetProperty("id").GetString()}: unknown scheme '{scheme}'.");
            }

            entries.Add(new Entry(
                e.GetProperty("id").GetString()!,
                new Regex(e.GetProperty("pattern").GetString()!, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)),
                e.TryGetProperty("publisher", out var p) ? p.GetString() : null,
                e.GetProperty("cpe").GetString()!,
                versionScheme.Kind,
                e.TryGetProperty("eol", out var eol) ? eol.GetString() : null,
                e.GetProperty("cycle").GetString()!));
        }

        return new SoftwareCatalog(entries);
    }

    /// <summary>The identification, or null when nothing in the catalog matches (unmapped, listed for review).</summary>
    public Identification? Identify(string name, string? version, string? publisher)
    {
        name = name.Trim();
        version = string.IsNullOrWhiteSpace(version) ? null : version.Trim();
        foreach (var entry in _entries)
        {
            var match = entry.Pattern.Match(name);
            if (!match.Success)
            {
                continue;
            }

            // A publisher, when both sides have one, must agree: "Zoom" by someone else is not Zoom.
            if (entry.Publisher is not null && !string.IsNullOrWhiteSpace(publisher)
                && !publisher.Contains(entry.Publisher, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return entry.Cycle == "windows" ? IdentifyWindows(entry, name, version) : Identified(entry, match, version);
        }

        return null;
    }

    private static Identification Identified(Entry entry, Match match, string? version)
    {
        var cycle = entry.Cycle switch
        {
            "major" => Segments(version, 1),
            "major.minor" => Segments(version, 2),
            "macos" => Segments(version, 1) is "10" ? Segments(version, 2) : Segments(version, 1),
            "year" => match.Groups.Cast<Group>().Skip(1).Select(g => g.Value).LastOrDefault(v => YearPattern().IsMatch(v)),
            _ => null,
        };
        return new Identification(entry.Id, Cpe(entry.Cpe, version), entry.Scheme, entry.EndOfLife, entry.EndOfLife is null ? null : cycle);
    }

    /// <summary>
    /// Windows: the build decides the release (the registry's ProductName says "Windows 10" on Windows 11), the
    /// edition decides the lifecycle (Education/Enterprise and Home/Pro end at different dates).
    /// </summary>
    private static Identification IdentifyWindows(Entry entry, string name, string? version)
    {
        var product = entry.Id == "windows-server" ? WindowsProduct.Server : WindowsProduct.Client;
        var edition = product == WindowsProduct.Server ? WindowsEdition.Server : EditionFromName(name);
        if (version is null || !WindowsReleases.TryParseBuild(version, out var build, out _))
        {
            return new Identification(entry.Id, Cpe(product == WindowsProduct.Server ? "cpe:2.3:o:microsoft:windows_server" : "cpe:2.3:o:microsoft:windows", version), entry.Scheme, entry.EndOfLife, null);
        }

        var candidates = WindowsReleases.ForBuild(build, product);
        var release = WindowsReleases.Find(build, edition, product) ?? (candidates.Count > 0 ? candidates[0] : null);
        var cpeProduct = release is null
            ? (product == WindowsProduct.Server ? "windows_server" : "windows")
            : string.Join('_', release.Name.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var cycle = WindowsReleases.Find(build, edition, product)?.Cycle;
        return new Identification(entry.Id, Cpe("cpe:2.3:o:microsoft:" + cpeProduct, version), entry.Scheme, release?.EndOfLifeProduct ?? entry.EndOfLife, cycle);
    }

    private static WindowsEdition EditionFromName(string name) =>
        name.Contains("LTSC", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.EnterpriseLtsc
        : name.Contains("Pro Education", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.ProEducation
        : name.Contains("Education", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.Education
        : name.Contains("Enterprise", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.Enterprise
        : name.Contains(" Pro", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.Pro
        : name.Contains("Home", StringComparison.OrdinalIgnoreCase) ? WindowsEdition.Home
        : WindowsEdition.Unknown;

    private static string? Segments(string? version, int count)
    {
        if (version is null)
        {
            return null;
        }

        var parts = NumberPrefix().Match(version).Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= count ? string.Join('.', parts.Take(count)) : null;
    }

    /// <summary>A CPE 2.3 formatted string from a `cpe:2.3:part:vendor:product` prefix, for administrators' mappings.</summary>
    public static string CpeWithVersion(string prefix, string? version) => Cpe(prefix, version);

    /// <summary>A CPE 2.3 formatted string: the catalog's part:vendor:product, the version escaped, the rest ANY.</summary>
    private static string Cpe(string prefix, string? version)
    {
        var escaped = new StringBuilder();
        foreach (var c in version ?? "*")
        {
            if (version is not null && !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{prefix}:{escaped}:*:*:*:*:*:*:*");
    }

    [GeneratedRegex(@"^\d+(\.\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPrefix();

    [GeneratedRegex(@"^(19|20)\d\d$", RegexOptions.CultureInvariant)]
    private static partial Regex YearPattern();

    private sealed record Entry(string Id, Regex Pattern, string? Publisher, string Cpe, VersionSchemeKind Scheme, string? EndOfLife, string Cycle);
}
