namespace Patchpeil.Core.Identities;

internal enum PurlRequirement
{
    Optional,
    Required,
    Prohibited,
}

/// <summary>
/// Per-type normalisation and validation from the purl type definitions (purl-spec types/*.json) as far as the
/// official test suite exercises them. Unknown types get the core rules only: a purl for a type we do not know is
/// still a valid purl.
/// </summary>
internal sealed record PurlTypeRules
{
    public bool LowercaseNamespace { get; init; }
    public bool LowercaseName { get; init; }
    public bool LowercaseVersion { get; init; }
    public bool PypiName { get; init; }
    public PurlRequirement Namespace { get; init; }
    public string[] RequiredQualifiers { get; init; } = [];

    /// <summary>git: the namespace is the host, the name is the rest of the path (may contain '/').</summary>
    public bool NameIsRepositoryPath { get; init; }

    public Func<PackageUrlParts, string?>? Validate { get; init; }

    public static readonly PurlTypeRules Default = new();

    private static readonly PurlTypeRules LowerBoth = new() { LowercaseNamespace = true, LowercaseName = true };

    private static readonly Dictionary<string, PurlTypeRules> Rules = new(StringComparer.Ordinal)
    {
        ["alpm"] = LowerBoth,
        ["apk"] = LowerBoth,
        ["bitbucket"] = LowerBoth,
        ["bitnami"] = new() { LowercaseName = true },
        ["brew"] = LowerBoth,
        ["cocoapods"] = new() { Namespace = PurlRequirement.Prohibited },
        ["composer"] = LowerBoth,
        ["cpan"] = new() { Validate = ValidateCpan },
        ["chrome-extension"] = new() { LowercaseName = true, Namespace = PurlRequirement.Prohibited, Validate = ValidateChromeExtension },
        ["deb"] = LowerBoth,
        ["git"] = new() { LowercaseNamespace = true, LowercaseName = true, NameIsRepositoryPath = true },
        ["github"] = LowerBoth,
        ["gitlab"] = LowerBoth,
        ["hex"] = LowerBoth,
        ["huggingface"] = new() { LowercaseVersion = true },
        ["julia"] = new() { Namespace = PurlRequirement.Prohibited, RequiredQualifiers = ["uuid"] },
        ["maven"] = new() { Namespace = PurlRequirement.Required },
        ["npm"] = LowerBoth,
        ["nuget"] = new() { Namespace = PurlRequirement.Prohibited },
        ["oci"] = new() { LowercaseName = true, Namespace = PurlRequirement.Prohibited },
        ["otp"] = new() { Namespace = PurlRequirement.Prohibited },
        ["pub"] = new() { LowercaseName = true },
        ["pypi"] = new() { LowercaseName = true, PypiName = true },
        ["qpkg"] = new() { LowercaseNamespace = true },
        ["swid"] = new() { RequiredQualifiers = ["tag_id"] },
        ["swift"] = new() { Namespace = PurlRequirement.Required },
        ["vcpkg"] = new() { Namespace = PurlRequirement.Prohibited },
        ["vscode-extension"] = new() { LowercaseNamespace = true, LowercaseName = true, Namespace = PurlRequirement.Required },
    };

    public static PurlTypeRules For(string type) => Rules.GetValueOrDefault(type, Default);

    private static string? ValidateCpan(PackageUrlParts p) =>
        p.Name.Contains("::", StringComparison.Ordinal)
            ? "cpan name must be a distribution name (with '-'), not a module name (with '::')"
            : null;

    private static string? ValidateChromeExtension(PackageUrlParts p)
    {
        if (p.Name.Length != 32 || p.Name.Any(c => c is < 'a' or > 'p'))
        {
            return "chrome-extension name must be a 32-character id of letters a-p";
        }

        if (p.Version is { } v)
        {
            var parts = v.Split('.');
            if (parts.Length > 4 || parts.Any(s => s.Length == 0 || !s.All(char.IsAsciiDigit)))
            {
                return "chrome-extension version must be one to four dot-separated integers";
            }
        }

        return null;
    }
}

/// <summary>Decoded components handed to per-type validators.</summary>
internal readonly record struct PackageUrlParts(string Type, string? Namespace, string Name, string? Version);
