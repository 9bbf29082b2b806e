using Patchpeil.Core.Identities;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>
/// Turns inventory facts into <see cref="MatchComponent"/>s with their identity keys. Distribution packages are keyed
/// by their SOURCE package in the distribution release's OSV ecosystem ("Debian:12" is not "Debian:11"); applications
/// go through the software catalog (CPE, scheme, endoflife.date product and cycle); unknown applications get no
/// identity and are never guessed.
/// </summary>
public static class InventoryComponents
{
    /// <param name="source">dpkg, rpm, apk, windows-registry, macos-app …</param>
    public static MatchComponent FromPackage(SoftwareCatalog catalog, string source, string name, string version, string? publisher,
        string? sourcePackage, string? sourceVersion, string? distributionId, string? distributionVersion)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var distro = distributionId?.Trim().ToLowerInvariant();
        switch (source)
        {
            case "dpkg":
                {
                    var src = string.IsNullOrWhiteSpace(sourcePackage) ? name : sourcePackage;
                    var v = string.IsNullOrWhiteSpace(sourceVersion) ? version : sourceVersion;
                    var keys = new List<string>();
                    if (IdentityKeys.DistroEcosystem(distro, distributionVersion) is { } eco)
                    {
                        keys.Add(IdentityKeys.Osv(eco, src));
                    }

                    keys.Add($"purl:deb/{distro ?? "debian"}/{src}".ToLowerInvariant());
                    return new MatchComponent(keys, src == name ? name : $"{name} ({src})", v, VersionSchemeKind.Deb);
                }

            case "rpm":
                {
                    var ns = distro switch { "rhel" or "centos" => "redhat", null => "rpm", _ => distro };
                    var keys = new List<string> { $"purl:rpm/{ns}/{name}".ToLowerInvariant() };
                    if (IdentityKeys.DistroEcosystem(distro, distributionVersion) is { } eco)
                    {
                        keys.Add(IdentityKeys.Osv(eco, name));
                    }

                    return new MatchComponent(keys, name, version, VersionSchemeKind.Rpm);
                }

            case "apk":
                {
                    var src = string.IsNullOrWhiteSpace(sourcePackage) ? name : sourcePackage;
                    var keys = new List<string> { $"purl:apk/alpine/{src}" };
                    if (IdentityKeys.DistroEcosystem(distro, distributionVersion) is { } eco)
                    {
                        keys.Add(IdentityKeys.Osv(eco, src));
                    }

                    return new MatchComponent(keys, name, version, VersionSchemeKind.Apk);
                }

            default:
                return FromCatalog(catalog, name, version, publisher);
        }
    }

    /// <summary>An application or OS named as Windows/macOS show it, identified through the catalog.</summary>
    public static MatchComponent FromCatalog(SoftwareCatalog catalog, string name, string version, string? publisher)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var id = catalog.Identify(name, version, publisher);
        if (id is null)
        {
            return new MatchComponent([], name, version, VersionSchemeKind.Unknown);
        }

        var keys = new List<string>();
        string? cpeText = null;
        if (Cpe.TryParse(id.Identity, out var cpe, out _) && cpe is not null)
        {
            cpeText = id.Identity;
            if (IdentityKeys.IsIndexable(cpe))
            {
                keys.Add(IdentityKeys.Cpe(cpe));
            }
        }

        return new MatchComponent(keys, name, version, id.Scheme, cpeText, id.EndOfLifeProduct, id.EndOfLifeCycle);
    }

    /// <summary>The operating system as a component: Windows through the catalog (build → release, edition → lifecycle); Linux by distribution.</summary>
    public static MatchComponent? FromOperatingSystem(SoftwareCatalog catalog, string family, string name, string? edition, string? version, string? build, string? distributionId, string? distributionVersion)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (string.Equals(family, "windows", StringComparison.OrdinalIgnoreCase))
        {
            var display = edition is not null && !name.Contains(edition, StringComparison.OrdinalIgnoreCase) ? $"{name} {edition}" : name;
            return FromCatalog(catalog, display, build ?? version ?? string.Empty, "Microsoft");
        }

        var distro = distributionId?.Trim().ToLowerInvariant();
        if (distro is "debian" or "ubuntu" && !string.IsNullOrWhiteSpace(distributionVersion))
        {
            var cycle = distro == "debian" ? distributionVersion.Split('.')[0] : distributionVersion.Trim();
            return new MatchComponent([$"cpe:o:{(distro == "debian" ? "debian:debian_linux" : "canonical:ubuntu_linux")}"], name, distributionVersion.Trim(), VersionSchemeKind.Generic, null, distro, cycle);
        }

        return null;
    }

    /// <summary>
    /// The OS of a device a management platform reports (Jamf, Google Admin, Intune): macOS/iPadOS/iOS through the
    /// catalog (CPE, Apple scheme) with the lifecycle cycle narrowed to the device model (<see cref="OsVersionLifecycles.Cycle"/>);
    /// ChromeOS by its Chrome version on the channel's cycle (default "stable"). Null for other platforms or no version.
    /// </summary>
    /// <param name="platform">macOS, iPadOS, iOS or ChromeOS (case-insensitive); an iOS device whose model is an iPad counts as iPadOS.</param>
    /// <param name="osVersion">As reported ("18.6.2", "18.6.2 (a)", Chrome "139.0.7258.160").</param>
    /// <param name="modelIdentifier">Apple product type ("iPad12,1") or Mac board id ("J413AP"), when known.</param>
    /// <param name="channel">ChromeOS release channel, when known.</param>
    public static MatchComponent? FromManagedDevice(SoftwareCatalog catalog, string platform, string? osVersion, string? modelIdentifier, string? channel = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(platform);
        if (string.IsNullOrWhiteSpace(osVersion))
        {
            return null;
        }

        var version = osVersion.Trim();
        var p = platform.Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (p is "ios" && modelIdentifier?.StartsWith("iPad", StringComparison.Ordinal) == true)
        {
            p = "ipados";
        }

        switch (p)
        {
            case "macos" or "mac" or "osx":
            case "ipados":
            case "ios":
                {
                    var label = p switch { "ipados" => "iPadOS", "ios" => "iOS", _ => "macOS" };
                    var component = FromCatalog(catalog, $"{label} {version}", version, "Apple");
                    var line = Feeds.OsVersions.OsProducts.AppleLine(version);
                    return line is null ? component : component with { Display = label, EndOfLifeCycle = OsVersionLifecycles.Cycle(line, modelIdentifier) };
                }

            case "chromeos" or "chromiumos" or "chromeosflex":
                return new MatchComponent([], "ChromeOS", version, VersionSchemeKind.Chrome, null, Feeds.OsVersions.OsProducts.ChromeOs,
                    string.IsNullOrWhiteSpace(channel) ? "stable" : channel.Trim().ToLowerInvariant().Replace("-channel", "", StringComparison.Ordinal));
            default:
                return null;
        }
    }

    /// <summary>A CycloneDX/SPDX component: purl (and its OSV key for language ecosystems), CPE, version.</summary>
    public static MatchComponent FromSbom(SbomComponent component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var keys = new List<string>();
        var scheme = VersionSchemeKind.Unknown;
        var version = component.Version ?? string.Empty;
        if (component.Purl is { } purlText && PackageUrl.TryParse(purlText, PurlParseMode.Lenient, out var purl, out _) && purl is not null)
        {
            scheme = VersionSchemes.FromPurlType(purl.Type);
            version = component.Version ?? purl.Version ?? string.Empty;
            if (purl.Type is "deb" or "rpm" or "apk" && purl.Qualifiers.TryGetValue("distro", out var distroQualifier))
            {
                // syft: distro=debian-12, upstream=<source package>
                var dash = distroQualifier.LastIndexOf('-');
                var src = purl.Qualifiers.TryGetValue("upstream", out var upstream) ? upstream.Split(' ', '@')[0] : purl.Name;
                if (dash > 0 && IdentityKeys.DistroEcosystem(distroQualifier[..dash], distroQualifier[(dash + 1)..]) is { } eco)
                {
                    keys.Add(IdentityKeys.Osv(eco, src));
                }
            }

            keys.Add(IdentityKeys.Purl(purl));
            if (IdentityKeys.OsvFromPurl(purl) is { } osv)
            {
                keys.Add(osv);
            }
        }

        if (component.Cpe is { } cpeText && Cpe.TryParse(cpeText, out var cpe, out _) && cpe is not null && IdentityKeys.IsIndexable(cpe))
        {
            keys.Add(IdentityKeys.Cpe(cpe));
            if (scheme == VersionSchemeKind.Unknown)
            {
                scheme = NvdScheme(cpe);
            }
        }

        var display = component.Group is null ? component.Name : $"{component.Group}/{component.Name}";
        return new MatchComponent([.. keys.Distinct(StringComparer.Ordinal)], display, version, scheme, component.Cpe);
    }

    private static VersionSchemeKind NvdScheme(Cpe cpe) => Ranges.NvdEvaluator.DefaultScheme(cpe).Kind;
}
