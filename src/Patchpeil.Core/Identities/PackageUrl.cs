using System.Collections.ObjectModel;
using System.Text;

namespace Patchpeil.Core.Identities;

/// <summary>How strictly <see cref="PackageUrl.TryParse(string?, PurlParseMode, out PackageUrl?, out string?)"/> reads.</summary>
public enum PurlParseMode
{
    /// <summary>ECMA-427 as written: upper-case qualifier keys and duplicate keys are errors.</summary>
    Strict,

    /// <summary>
    /// For data from the wild: qualifier keys are lower-cased, a later duplicate key wins, and a second '?'
    /// (Ubuntu OSV writes <c>pkg:deb/ubuntu/openssh?arch=src?distro=jammy</c>) is read as '&amp;'.
    /// </summary>
    Lenient,
}

/// <summary>A package URL (ECMA-427). Components are stored decoded and normalised; <see cref="ToString"/> is canonical.</summary>
public sealed class PackageUrl : IEquatable<PackageUrl>
{
    /// <summary>Longer input is rejected: no real purl comes near this, and it bounds the work per call.</summary>
    public const int MaxLength = 64 * 1024;

    private static readonly ReadOnlyDictionary<string, string> NoQualifiers = new(new Dictionary<string, string>());

    private readonly string _canonical;

    private PackageUrl(string type, string? ns, string name, string? version, IReadOnlyDictionary<string, string> qualifiers, string? subpath)
    {
        Type = type;
        Namespace = ns;
        Name = name;
        Version = version;
        Qualifiers = qualifiers;
        Subpath = subpath;
        _canonical = BuildCanonical();
    }

    public string Type { get; }

    /// <summary>Decoded namespace, segments joined with '/'; null when absent.</summary>
    public string? Namespace { get; }

    public string Name { get; }

    public string? Version { get; }

    /// <summary>Decoded qualifier values by lower-case key, sorted by key (ordinal).</summary>
    public IReadOnlyDictionary<string, string> Qualifiers { get; }

    /// <summary>Decoded subpath, segments joined with '/'; null when absent.</summary>
    public string? Subpath { get; }

    public static PackageUrl Parse(string text) =>
        TryParse(text, PurlParseMode.Strict, out var purl, out var error) ? purl! : throw new FormatException(error);

    public static bool TryParse(string? text, out PackageUrl? purl, out string? error) =>
        TryParse(text, PurlParseMode.Strict, out purl, out error);

    public static bool TryParse(string? text, PurlParseMode mode, out PackageUrl? purl, out string? error)
    {
        purl = null;
        error = ParseCore(text, mode, ref purl);
        return error is null;
    }

    /// <summary>Builds a purl from decoded components (the "build" operation of the spec); normalises per type.</summary>
    public static bool TryCreate(
        string? type,
        string? ns,
        string? name,
        string? version,
        IEnumerable<KeyValuePair<string, string?>>? qualifiers,
        string? subpath,
        out PackageUrl? purl,
        out string? error)
    {
        purl = null;
        if (string.IsNullOrEmpty(type))
        {
            error = "type is required";
            return false;
        }

        if (!IsValidType(type))
        {
            error = "type must start with an ASCII letter and contain only letters, digits, '.' and '-'";
            return false;
        }

        foreach (var component in new[] { ns, name, version, subpath }.Concat(qualifiers?.Select(q => q.Value) ?? []))
        {
            if (component is not null && (PurlEncoding.HasUnpairedSurrogate(component) || component.Any(char.IsControl)))
            {
                error = "a component contains a control character or invalid UTF-16";
                return false;
            }
        }

        type = type.ToLowerInvariant();
        string? nsJoined = null;
        if (!string.IsNullOrEmpty(ns))
        {
            var segments = ns.Split('/', StringSplitOptions.RemoveEmptyEntries);
            nsJoined = segments.Length == 0 ? null : string.Join('/', segments);
        }

        if (name is not null)
        {
            name = name.Trim('/');
        }

        if (string.IsNullOrEmpty(name))
        {
            error = "name is required";
            return false;
        }

        var quals = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (qualifiers is not null)
        {
            foreach (var (key, value) in qualifiers)
            {
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                var lower = key.ToLowerInvariant();
                if (!IsValidQualifierKey(lower))
                {
                    error = $"invalid qualifier key '{key}'";
                    return false;
                }

                if (!quals.TryAdd(lower, value))
                {
                    error = $"duplicate qualifier key '{lower}'";
                    return false;
                }
            }
        }

        string? sub = null;
        if (!string.IsNullOrEmpty(subpath))
        {
            var segments = subpath.Split('/').Where(s => s.Length > 0 && s != "." && s != "..").ToArray();
            sub = segments.Length == 0 ? null : string.Join('/', segments);
        }

        return Finish(type, nsJoined, name, string.IsNullOrEmpty(version) ? null : version, quals, sub, out purl, out error);
    }

    /// <summary>Lenient parse followed by canonical output; the "validate"/roundtrip operation of the test suite.</summary>
    public static bool TryCanonicalize(string? text, out string canonical, out string? error)
    {
        if (TryParse(text, PurlParseMode.Lenient, out var purl, out error))
        {
            canonical = purl!.ToString();
            return true;
        }

        canonical = string.Empty;
        return false;
    }

    public override string ToString() => _canonical;

    public bool Equals(PackageUrl? other) => other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as PackageUrl);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    /// <summary>The same package ignoring version, qualifiers and subpath.</summary>
    public bool IsSamePackage(PackageUrl other) =>
        string.Equals(Type, other.Type, StringComparison.Ordinal)
        && string.Equals(Namespace, other.Namespace, StringComparison.Ordinal)
        && string.Equals(Name, other.Name, StringComparison.Ordinal);

    private static string? ParseCore(string? text, PurlParseMode mode, ref PackageUrl? purl)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "purl is empty";
        }

        if (text.Length > MaxLength)
        {
            return $"purl is longer than {MaxLength} characters";
        }

        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return "purl contains a control character";
            }

            if (c == ' ' && mode == PurlParseMode.Strict)
            {
                return "purl contains an unencoded space";
            }
        }

        if (PurlEncoding.HasUnpairedSurrogate(text))
        {
            return "purl is not valid UTF-16 (unpaired surrogate)";
        }

        var remainder = text.AsSpan();
        if (mode == PurlParseMode.Strict && remainder.Count('?') > 1)
        {
            return "more than one unencoded '?'";
        }

        if (mode == PurlParseMode.Lenient)
        {
            remainder = remainder.Trim();
        }

        // subpath
        string? subpath = null;
        var hash = remainder.LastIndexOf('#');
        if (mode == PurlParseMode.Lenient)
        {
            hash = remainder.IndexOf('#');
        }

        if (hash >= 0)
        {
            var parts = new List<string>();
            foreach (var range in remainder[(hash + 1)..].Split('/'))
            {
                if (!PurlEncoding.TryDecode(remainder[(hash + 1)..][range], out var seg, out var err))
                {
                    return "subpath: " + err;
                }

                if (seg.Length == 0 || seg == "." || seg == "..")
                {
                    continue;
                }

                if (seg.Contains('/', StringComparison.Ordinal))
                {
                    return "subpath segment contains '/'";
                }

                parts.Add(seg);
            }

            subpath = parts.Count == 0 ? null : string.Join('/', parts);
            remainder = remainder[..hash];
        }

        // qualifiers
        var qualifiers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var question = mode == PurlParseMode.Lenient ? remainder.IndexOf('?') : remainder.LastIndexOf('?');
        if (question >= 0)
        {
            var qs = remainder[(question + 1)..];
            remainder = remainder[..question];
            foreach (var range in qs.SplitAny(mode == PurlParseMode.Lenient ? "&?" : "&"))
            {
                var pair = qs[range];
                if (pair.IsEmpty)
                {
                    continue;
                }

                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    return eq == 0 ? "qualifier without a key" : $"qualifier '{pair}' has no '='";
                }

                var key = pair[..eq].ToString();
                if (mode == PurlParseMode.Lenient)
                {
                    key = key.ToLowerInvariant();
                }

                if (!IsValidQualifierKey(key))
                {
                    return $"invalid qualifier key '{key}' (lower-case ASCII letters, digits, '.', '-', '_'; starting with a letter)";
                }

                if (!PurlEncoding.TryDecode(pair[(eq + 1)..], out var value, out var err))
                {
                    return $"qualifier '{key}': {err}";
                }

                if (value.Length == 0)
                {
                    continue;
                }

                if (qualifiers.ContainsKey(key) && mode == PurlParseMode.Strict)
                {
                    return $"duplicate qualifier key '{key}'";
                }

                qualifiers[key] = value;
            }
        }

        // scheme
        var colon = remainder.IndexOf(':');
        if (colon < 0)
        {
            return "missing 'pkg:' scheme";
        }

        if (!remainder[..colon].Equals("pkg", StringComparison.OrdinalIgnoreCase))
        {
            return "scheme must be 'pkg'";
        }

        remainder = remainder[(colon + 1)..].TrimStart('/');

        // type
        var slash = remainder.IndexOf('/');
        if (slash < 0)
        {
            return "missing type (expected pkg:<type>/<name>)";
        }

        var type = remainder[..slash].ToString();
        if (!IsValidType(type))
        {
            return $"invalid type '{type}'";
        }

        type = type.ToLowerInvariant();
        remainder = remainder[(slash + 1)..];

        // version: the last '@' after the last '/', so that an npm scope '@angular/x' is not read as a version
        string? version = null;
        var lastSlash = remainder.LastIndexOf('/');
        var at = remainder.LastIndexOf('@');
        if (at > lastSlash)
        {
            if (!PurlEncoding.TryDecode(remainder[(at + 1)..], out var v, out var err))
            {
                return "version: " + err;
            }

            version = v.Length == 0 ? null : v;
            remainder = remainder[..at];
        }

        if (mode == PurlParseMode.Strict && remainder.EndsWith('/'))
        {
            // "pkg:swift/github.com/Alamofire/@5.4.3": the name is empty, the slash is not decoration.
            return "name is empty";
        }

        remainder = remainder.TrimEnd('/');
        var rules = PurlTypeRules.For(type);
        string name;
        string? ns;
        var segments = new List<string>();
        foreach (var range in remainder.Split('/'))
        {
            var raw = remainder[range];
            if (raw.IsEmpty)
            {
                continue;
            }

            if (!PurlEncoding.TryDecode(raw, out var seg, out var err))
            {
                return "name/namespace: " + err;
            }

            segments.Add(seg);
        }

        if (segments.Count == 0)
        {
            return "name is required";
        }

        if (rules.NameIsRepositoryPath && segments.Count > 1)
        {
            ns = segments[0];
            name = string.Join('/', segments.Skip(1));
        }
        else
        {
            name = segments[^1];
            if (segments.Count > 1 && segments.Take(segments.Count - 1).Any(s => s.Contains('/', StringComparison.Ordinal)))
            {
                return "namespace segment contains '/'";
            }

            ns = segments.Count > 1 ? string.Join('/', segments.Take(segments.Count - 1)) : null;
        }

        if (name.Length == 0)
        {
            return "name is required";
        }

        return Finish(type, ns, name, version, qualifiers, subpath, out purl, out var error) ? null : error;
    }

    private static bool Finish(
        string type,
        string? ns,
        string name,
        string? version,
        SortedDictionary<string, string> qualifiers,
        string? subpath,
        out PackageUrl? purl,
        out string? error)
    {
        purl = null;
        var rules = PurlTypeRules.For(type);
        if (rules.LowercaseNamespace && ns is not null)
        {
            ns = ns.ToLowerInvariant();
        }

        var lowerName = rules.LowercaseName
            || (type == "mlflow" && qualifiers.TryGetValue("repository_url", out var repo) && repo.Contains("databricks", StringComparison.OrdinalIgnoreCase));
        if (lowerName)
        {
            name = name.ToLowerInvariant();
        }

        if (rules.PypiName)
        {
            name = name.Replace('_', '-');
        }

        if (rules.LowercaseVersion && version is not null)
        {
            version = version.ToLowerInvariant();
        }

        if (rules.Namespace == PurlRequirement.Required && ns is null)
        {
            error = $"type '{type}' requires a namespace";
            return false;
        }

        if (rules.Namespace == PurlRequirement.Prohibited && ns is not null)
        {
            error = $"type '{type}' does not allow a namespace";
            return false;
        }

        foreach (var required in rules.RequiredQualifiers)
        {
            if (!qualifiers.ContainsKey(required))
            {
                error = $"type '{type}' requires the '{required}' qualifier";
                return false;
            }
        }

        if (rules.Validate?.Invoke(new PackageUrlParts(type, ns, name, version)) is { } problem)
        {
            error = problem;
            return false;
        }

        IReadOnlyDictionary<string, string> q = qualifiers.Count == 0 ? NoQualifiers : new ReadOnlyDictionary<string, string>(qualifiers);
        purl = new PackageUrl(type, ns, name, version, q, subpath);
        error = null;
        return true;
    }

    private string BuildCanonical()
    {
        var sb = new StringBuilder("pkg:");
        sb.Append(Type).Append('/');
        if (Namespace is not null)
        {
            AppendSegments(sb, Namespace);
            sb.Append('/');
        }

        if (PurlTypeRules.For(Type).NameIsRepositoryPath)
        {
            AppendSegments(sb, Name);
        }
        else
        {
            sb.Append(PurlEncoding.Encode(Name));
        }

        if (Version is not null)
        {
            sb.Append('@').Append(PurlEncoding.Encode(Version));
        }

        if (Qualifiers.Count > 0)
        {
            sb.Append('?');
            var first = true;
            foreach (var (key, value) in Qualifiers)
            {
                if (!first)
                {
                    sb.Append('&');
                }

                first = false;
                sb.Append(key).Append('=').Append(PurlEncoding.Encode(value));
            }
        }

        if (Subpath is not null)
        {
            sb.Append('#');
            AppendSegments(sb, Subpath);
        }

        return sb.ToString();
    }

    private static void AppendSegments(StringBuilder sb, string joined)
    {
        var first = true;
        foreach (var seg in joined.Split('/'))
        {
            if (!first)
            {
                sb.Append('/');
            }

            first = false;
            sb.Append(PurlEncoding.Encode(seg));
        }
    }

    internal static bool IsValidType(ReadOnlySpan<char> type)
    {
        if (type.IsEmpty || !char.IsAsciiLetter(type[0]))
        {
            return false;
        }

        foreach (var c in type)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidQualifierKey(string key)
    {
        if (key.Length == 0 || !char.IsAsciiLetterLower(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '.' && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
