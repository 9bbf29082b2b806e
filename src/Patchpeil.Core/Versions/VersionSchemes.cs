using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>The scheme singletons, looked up by kind or name, and the mapping from ecosystem names to schemes.</summary>
public static class VersionSchemes
{
    private static readonly VersionScheme?[] ByKind = Build();

    /// <summary>Every implemented scheme, in <see cref="VersionSchemeKind"/> order.</summary>
    public static IReadOnlyList<VersionScheme> All { get; } = [.. ByKind.OfType<VersionScheme>()];

    public static VersionScheme Unknown => ByKind[(int)VersionSchemeKind.Unknown]!;

    public static VersionScheme Get(VersionSchemeKind kind) =>
        (uint)kind < (uint)ByKind.Length && ByKind[(int)kind] is { } scheme
            ? scheme
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such version scheme");

    /// <summary>Looks a scheme up by its <see cref="VersionScheme.Name"/> (case-insensitive).</summary>
    public static bool TryGet(string? name, [NotNullWhen(true)] out VersionScheme? scheme)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                scheme = candidate;
                return true;
            }
        }

        scheme = null;
        return false;
    }

    /// <summary>
    /// Maps an OSV <c>affected[].package.ecosystem</c> value ("Debian:12", "Ubuntu:22.04:LTS", "PyPI", "Rocky Linux:9")
    /// to the scheme its versions follow; <see cref="VersionSchemeKind.Unknown"/> when we have no ordering for it.
    /// </summary>
    public static VersionSchemeKind FromOsvEcosystem(string? ecosystem)
    {
        if (string.IsNullOrWhiteSpace(ecosystem))
        {
            return VersionSchemeKind.Unknown;
        }

        var span = ecosystem.AsSpan().Trim();
        var colon = span.IndexOf(':');
        var name = colon >= 0 ? span[..colon] : span;
        return name switch
        {
            "Debian" or "Ubuntu" => VersionSchemeKind.Deb,
            "Red Hat" or "Rocky Linux" or "AlmaLinux" or "SUSE" or "openSUSE" or "Mageia" or "openEuler"
                or "Photon OS" or "Azure Linux" or "CentOS" or "Oracle Linux" or "Fedora" => VersionSchemeKind.Rpm,
            "Alpine" or "Wolfi" or "Chainguard" or "MinimOS" or "Alpaquita" or "BellSoft Hardened Containers" => VersionSchemeKind.Apk,
            "npm" => VersionSchemeKind.Npm,
            "NuGet" => VersionSchemeKind.NuGet,
            "PyPI" => VersionSchemeKind.Pypi,
            "Maven" => VersionSchemeKind.Maven,
            "Go" => VersionSchemeKind.Go,
            "crates.io" or "Hex" => VersionSchemeKind.SemVer,
            _ => VersionSchemeKind.Unknown,
        };
    }

    /// <summary>Maps a purl type ("deb", "rpm", "npm", "golang" …) to its scheme; Unknown when we have no ordering.</summary>
    public static VersionSchemeKind FromPurlType(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return VersionSchemeKind.Unknown;
        }

        // purl types are case-insensitive and canonically lower case.
        Span<char> lower = stackalloc char[16];
        if (type.Length > lower.Length)
        {
            return VersionSchemeKind.Unknown;
        }

        var written = type.AsSpan().ToLowerInvariant(lower);
        return lower[..written] switch
        {
            "deb" => VersionSchemeKind.Deb,
            "rpm" => VersionSchemeKind.Rpm,
            "apk" => VersionSchemeKind.Apk,
            "npm" => VersionSchemeKind.Npm,
            "nuget" => VersionSchemeKind.NuGet,
            "pypi" => VersionSchemeKind.Pypi,
            "maven" => VersionSchemeKind.Maven,
            "golang" => VersionSchemeKind.Go,
            "cargo" or "hex" => VersionSchemeKind.SemVer,
            _ => VersionSchemeKind.Unknown,
        };
    }

    private static VersionScheme?[] Build()
    {
        var schemes = new VersionScheme?[(int)VersionSchemeKind.Generic + 1];
        foreach (var scheme in new VersionScheme[]
        {
            new UnknownScheme(),
            new DebScheme(),
            new RpmScheme(),
            new SemVerScheme(),
            new NpmScheme(),
            new NuGetScheme(),
            new GoScheme(),
            new WindowsScheme(),
            new ChromeScheme(),
            new AppleScheme(),
            new ChromeOsScheme(),
            new GenericScheme(),
            new ApkScheme(),
            new PypiScheme(),
            new MavenScheme(),
        })
        {
            schemes[(int)scheme.Kind] = scheme;
        }

        return schemes;
    }
}
