using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>Maps the names ranges use (vers types, CVE-5 versionType) to the version schemes.</summary>
public static class RangeSchemes
{
    /// <summary>
    /// The scheme for a vers type: a scheme of that name ("deb", "semver", "generic" …), else the purl type mapping
    /// ("golang" → go, "cargo" → semver), else Unknown (equality only).
    /// </summary>
    public static VersionScheme ForVersType(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return VersionSchemes.Unknown;
        }

        if (VersionSchemes.TryGet(type, out var byName))
        {
            return byName;
        }

        return TryGet(VersionSchemes.FromPurlType(type));
    }

    /// <summary>CVE JSON 5 <c>versionType</c> ("semver", "rpm", "maven", "python", "custom" …) to a scheme.</summary>
    public static VersionScheme ForCveVersionType(string? versionType) => versionType?.ToLowerInvariant() switch
    {
        null or "" or "custom" or "git" => VersionSchemes.Unknown,
        "python" => TryGet(VersionSchemeKind.Pypi),
        var other => ForVersType(other),
    };

    /// <summary>The scheme for <paramref name="kind"/>, or Unknown while that kind has no implementation (never a guessed order).</summary>
    public static VersionScheme TryGet(VersionSchemeKind kind) =>
        VersionSchemes.All.FirstOrDefault(s => s.Kind == kind) ?? VersionSchemes.Unknown;
}
