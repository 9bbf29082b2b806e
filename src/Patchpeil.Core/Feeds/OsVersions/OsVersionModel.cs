namespace Patchpeil.Core.Feeds.OsVersions;

/// <summary>
/// The operating systems whose current versions come from a version source rather than from endoflife.date alone. The
/// names are the endoflife.date product slugs the software catalog already uses, so the matcher's lifecycle rules apply
/// to them unchanged (ADR 0020).
/// </summary>
public static class OsProducts
{
    public const string MacOs = "macos";
    public const string IPadOs = "ipados";
    public const string Ios = "ios";
    public const string ChromeOs = "chromeos";

    public static readonly IReadOnlyList<string> All = [MacOs, IPadOs, Ios, ChromeOs];

    public static string Label(string product) => product switch
    {
        MacOs => "macOS",
        IPadOs => "iPadOS",
        Ios => "iOS",
        ChromeOs => "ChromeOS",
        _ => product,
    };

    /// <summary>
    /// The OS line of an Apple version: the major version ("18.6.2" → "18"), and for Mac OS X / macOS 10 the first two
    /// parts ("10.15.7" → "10.15"), the same rule the software catalog uses for its lifecycle cycle.
    /// </summary>
    public static string? AppleLine(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        var parts = version.Trim().Split('.', ' ', '(');
        if (parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit))
        {
            return null;
        }

        return parts[0] == "10" && parts.Length > 1 && parts[1].Length > 0 && parts[1].All(char.IsAsciiDigit) ? $"10.{parts[1]}" : parts[0];
    }

    /// <summary>Which product an Apple device identifier belongs to: iPad → iPadOS, iPhone/iPod → iOS, null for watches, TVs, HomePods.</summary>
    public static string? ForAppleMobileDevice(string identifier) =>
        identifier.StartsWith("iPad", StringComparison.Ordinal) ? IPadOs
        : identifier.StartsWith("iPhone", StringComparison.Ordinal) || identifier.StartsWith("iPod", StringComparison.Ordinal) ? Ios
        : null;
}

/// <summary>One release of an OS line as a version source states it.</summary>
/// <param name="Version">The product version ("18.6.2", "139.0.7258.172").</param>
/// <param name="Build">The main build ("22G100"); null for ChromeOS.</param>
/// <param name="AllBuilds">Every build of this release (device-specific builds included); a device build in this list is on the release.</param>
/// <param name="ExpirationDate">Apple gdmf: the date Apple stops offering the release (SOFA copies it); null when not given.</param>
/// <param name="SecurityContent">True when the source lists security content (CVEs), false when it says none, null when it cannot say (gdmf, ChromeOS).</param>
/// <param name="SupportedModels">Apple product types (iPad12,1) or Mac board ids (J413AP) the release installs on; empty when not stated.</param>
/// <param name="FullyRolledOut">ChromeOS: served to all devices of the channel (fraction 1); Apple: always true.</param>
/// <param name="Serving">ChromeOS: still served (no end time); Apple: always true.</param>
public sealed record OsRelease(
    string Version,
    string? Build,
    IReadOnlyList<string> AllBuilds,
    DateOnly? ReleaseDate,
    DateOnly? ExpirationDate,
    bool? SecurityContent,
    int CveCount,
    IReadOnlyList<string> ActivelyExploitedCves,
    IReadOnlyList<string> SupportedModels,
    string? SecurityInfo,
    bool FullyRolledOut = true,
    bool Serving = true);

/// <summary>
/// One OS line: a major version of macOS/iPadOS/iOS ("18"), or a ChromeOS channel ("stable"), with its releases newest
/// first and the one devices should be on.
/// </summary>
/// <param name="Product">One of <see cref="OsProducts"/>.</param>
/// <param name="Line">"18", "15", "10.15", or a ChromeOS channel name.</param>
/// <param name="Label">As the source names it ("Sequoia 15", "18", "stable").</param>
/// <param name="Latest">The release devices of this line should be on.</param>
/// <param name="Releases">All releases the source lists for the line, newest first (includes <paramref name="Latest"/>).</param>
public sealed record OsLine(string Product, string Line, string Label, OsRelease Latest, IReadOnlyList<OsRelease> Releases)
{
    /// <summary>The newest release that lists <paramref name="model"/>, or null when no release of the line does.</summary>
    public OsRelease? LatestFor(string model) => Releases.FirstOrDefault(r => r.SupportedModels.Contains(model, StringComparer.Ordinal));

    /// <summary>Every model any release of the line names.</summary>
    public IEnumerable<string> Models => Releases.SelectMany(r => r.SupportedModels).Distinct(StringComparer.Ordinal);
}

/// <summary>What one source file said: its lines, and the parts that could not be read.</summary>
public sealed record OsVersionFeed(FeedSource Source, IReadOnlyList<OsLine> Lines, Provenance Provenance)
{
    /// <summary>The products this file speaks for: a re-import replaces exactly these lines of this source.</summary>
    public IReadOnlyList<string> Products => [.. Lines.Select(l => l.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
