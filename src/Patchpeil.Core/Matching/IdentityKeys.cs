using System.Text;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>
/// The identity keys advisories and inventory meet on. Each key is one string, interned to an integer by the matcher:
/// <list type="bullet">
/// <item><c>osv:Debian:12/openssl</c> — an OSV ecosystem (distribution release included, ":LTS" dropped) and package;
/// Debian/Ubuntu advisories name SOURCE packages, so dpkg items are keyed by their source package.</item>
/// <item><c>purl:rpm/redhat/openssl</c> — purl type, namespace and name, no version or qualifiers.</item>
/// <item><c>cpe:o:microsoft:windows_10_22h2</c> — CPE part, vendor and product.</item>
/// <item><c>name:vendor/product</c> — lower-cased vendor and product names (lowest confidence).</item>
/// </list>
/// </summary>
public static class IdentityKeys
{
    private static readonly Dictionary<string, string> PurlTypeToEcosystem = new(StringComparer.Ordinal)
    {
        ["npm"] = "npm",
        ["pypi"] = "PyPI",
        ["maven"] = "Maven",
        ["nuget"] = "NuGet",
        ["cargo"] = "crates.io",
        ["golang"] = "Go",
        ["gem"] = "RubyGems",
        ["composer"] = "Packagist",
        ["hex"] = "Hex",
        ["pub"] = "Pub",
        ["swift"] = "SwiftURL",
    };

    /// <summary>OSV ecosystem and name: "Ubuntu:22.04:LTS" → "osv:Ubuntu:22.04/openssh"; PyPI names normalised (PEP 503).</summary>
    public static string Osv(string ecosystem, string name)
    {
        var eco = NormalizeEcosystem(ecosystem);
        var n = eco == "PyPI" ? NormalizePypi(name) : name;
        return $"osv:{eco}/{n}";
    }

    public static string NormalizeEcosystem(string ecosystem)
    {
        var parts = ecosystem.Trim().Split(':')
            .Where(p => !string.Equals(p, "LTS", StringComparison.OrdinalIgnoreCase)).ToArray();
        return string.Join(':', parts);
    }

    /// <summary>A distribution ecosystem whose records speak about the distribution's own builds (backports).</summary>
    public static bool IsDistroEcosystem(string ecosystemName) => ecosystemName is "Debian" or "Ubuntu" or "Alpine" or "Red Hat"
        or "AlmaLinux" or "Rocky Linux" or "SUSE" or "openSUSE" or "Mageia" or "Wolfi" or "Chainguard" or "Photon OS" or "Azure Linux";

    public static string Purl(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        return purl.Namespace is null ? $"purl:{purl.Type}/{purl.Name}".ToLowerInvariant() : $"purl:{purl.Type}/{purl.Namespace}/{purl.Name}".ToLowerInvariant();
    }

    /// <summary>The OSV key of a language-ecosystem purl (npm, PyPI, Maven …), or null.</summary>
    public static string? OsvFromPurl(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        if (!PurlTypeToEcosystem.TryGetValue(purl.Type, out var eco))
        {
            return null;
        }

        var name = purl.Type switch
        {
            "maven" => purl.Namespace is null ? purl.Name : $"{purl.Namespace}:{purl.Name}",
            "npm" or "golang" or "composer" or "swift" => purl.Namespace is null ? purl.Name : $"{purl.Namespace}/{purl.Name}",
            _ => purl.Name,
        };
        return Osv(eco, name);
    }

    public static string Cpe(Cpe cpe)
    {
        ArgumentNullException.ThrowIfNull(cpe);
        return $"cpe:{cpe.Part.Unquoted()}:{cpe.Vendor.Unquoted()}:{cpe.Product.Unquoted()}".ToLowerInvariant();
    }

    /// <summary>True when the CPE names one concrete vendor and product (no ANY, no wildcards): only those are indexed.</summary>
    public static bool IsIndexable(Cpe cpe)
    {
        ArgumentNullException.ThrowIfNull(cpe);
        return cpe.Vendor.Kind == CpeValueKind.Value && !cpe.Vendor.HasWildcards && cpe.Product.Kind == CpeValueKind.Value && !cpe.Product.HasWildcards;
    }

    public static string Name(string vendor, string product) => $"name:{Simplify(vendor)}/{Simplify(product)}";

    /// <summary>Scheme an identity key implies: the OSV ecosystem's or the purl type's, else null.</summary>
    public static VersionSchemeKind? SchemeOf(string key)
    {
        if (key.StartsWith("osv:", StringComparison.Ordinal))
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return VersionSchemes.FromOsvEcosystem(key[4..slash]);
        }

        if (key.StartsWith("purl:", StringComparison.Ordinal))
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return VersionSchemes.FromPurlType(key[5..slash]);
        }

        return null;
    }

    /// <summary>The OSV ecosystem for an os-release ID and VERSION_ID ("debian", "12" → "Debian:12"), or null.</summary>
    public static string? DistroEcosystem(string? distributionId, string? distributionVersion)
    {
        if (string.IsNullOrWhiteSpace(distributionId) || string.IsNullOrWhiteSpace(distributionVersion))
        {
            return null;
        }

        return distributionId.Trim().ToLowerInvariant() switch
        {
            "debian" => "Debian:" + distributionVersion.Split('.')[0],
            "ubuntu" => "Ubuntu:" + distributionVersion.Trim(),
            "alpine" => "Alpine:v" + string.Join('.', distributionVersion.Split('.').Take(2)),
            "rocky" => "Rocky Linux:" + distributionVersion.Split('.')[0],
            "almalinux" => "AlmaLinux:" + distributionVersion.Split('.')[0],
            _ => null,
        };
    }

    private static string NormalizePypi(string name)
    {
        var sb = new StringBuilder(name.Length);
        var lastSep = false;
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is '-' or '_' or '.')
            {
                if (!lastSep)
                {
                    sb.Append('-');
                }

                lastSep = true;
            }
            else
            {
                sb.Append(c);
                lastSep = false;
            }
        }

        return sb.ToString();
    }

    private static string Simplify(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            sb.Append(char.IsWhiteSpace(c) ? '_' : c);
        }

        return sb.ToString();
    }
}
