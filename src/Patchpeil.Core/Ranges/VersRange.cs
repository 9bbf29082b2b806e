using System.Text;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

public enum VersComparator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

public readonly record struct VersConstraint(VersComparator Comparator, string Version)
{
    public bool IsLower => Comparator is VersComparator.Greater or VersComparator.GreaterOrEqual;

    public bool IsUpper => Comparator is VersComparator.Less or VersComparator.LessOrEqual;

    public static string Symbol(VersComparator comparator) => comparator switch
    {
        VersComparator.Equal => string.Empty,
        VersComparator.NotEqual => "!=",
        VersComparator.Less => "<",
        VersComparator.LessOrEqual => "<=",
        VersComparator.Greater => ">",
        VersComparator.GreaterOrEqual => ">=",
        _ => "?",
    };

    /// <summary>Canonical text: comparator (none for equality) and the percent-encoded version.</summary>
    public override string ToString() => Symbol(Comparator) + VersRange.EncodeVersion(Version);
}

public enum VersParseMode
{
    /// <summary>The current vers specification: non-canonical input (whitespace, stray pipes, unsorted, duplicates) is an error.</summary>
    Canonical,

    /// <summary>
    /// Ingest mode (the 2025 .rst rules): whitespace is removed, empty constraints dropped, '=' accepted,
    /// scheme and type lower-cased and constraints sorted by version. Every repair is reported.
    /// </summary>
    Lenient,
}

/// <summary>A parsed vers (VErsion Range Specifier), package-url/vers-spec.</summary>
public sealed class VersRange
{
    public const int MaxLength = 1024 * 1024;

    private IReadOnlyList<VersConstraint>? _bounds;

    private static readonly System.Buffers.SearchValues<char> Whitespace = System.Buffers.SearchValues.Create(" \t\r\n\f\v");
    private static readonly System.Buffers.SearchValues<char> Encoded = System.Buffers.SearchValues.Create("><=!*|% ");
    private static readonly System.Buffers.SearchValues<char> ComparatorChars = System.Buffers.SearchValues.Create("<>=!*|");

    private VersRange(string type, VersionScheme scheme, IReadOnlyList<VersConstraint> constraints, bool isStar, IReadOnlyList<string> repairs)
    {
        Type = type;
        Scheme = scheme;
        Constraints = constraints;
        IsStar = isStar;
        Repairs = repairs;
    }

    /// <summary>The vers type (versioning scheme name), lower case: "npm", "deb", "all" …</summary>
    public string Type { get; }

    /// <summary>The version scheme the type maps to; Unknown (equality only) when none is implemented.</summary>
    public VersionScheme Scheme { get; }

    public IReadOnlyList<VersConstraint> Constraints { get; }

    /// <summary>The range is '*' (all versions).</summary>
    public bool IsStar { get; }

    /// <summary>What lenient parsing changed; empty for canonical input.</summary>
    public IReadOnlyList<string> Repairs { get; }

    public static bool TryParse(string? text, out VersRange? range, out string? error) =>
        TryParse(text, VersParseMode.Canonical, null, out range, out error);

    /// <summary>Parses a vers. <paramref name="scheme"/> overrides the scheme derived from the vers type.</summary>
    public static bool TryParse(string? text, VersParseMode mode, VersionScheme? scheme, out VersRange? range, out string? error)
    {
        range = null;
        var repairs = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            error = "vers is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"vers is longer than {MaxLength} characters";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && !char.IsWhiteSpace(c))
            {
                error = "vers contains a control character";
                return false;
            }

            if (c > '~')
            {
                error = "vers contains a non-ASCII character";
                return false;
            }
        }

        if (text.AsSpan().IndexOfAny(Whitespace) >= 0)
        {
            if (mode == VersParseMode.Canonical)
            {
                error = "non-canonical vers: whitespace is not permitted";
                return false;
            }

            text = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
            repairs.Add("removed whitespace");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = "missing 'vers:' scheme";
            return false;
        }

        var uriScheme = text[..colon];
        if (uriScheme != "vers")
        {
            if (mode == VersParseMode.Canonical || !uriScheme.Equals("vers", StringComparison.OrdinalIgnoreCase))
            {
                error = "scheme must be 'vers' (lower case)";
                return false;
            }

            repairs.Add("lower-cased 'vers:'");
        }

        var specifier = text.AsSpan(colon + 1);
        var slash = specifier.IndexOf('/');
        if (slash < 0)
        {
            error = "missing '/' after the vers type";
            return false;
        }

        var type = specifier[..slash].ToString();
        if (!Identities.PackageUrl.IsValidType(type))
        {
            error = $"invalid vers type '{type}'";
            return false;
        }

        if (type.Any(char.IsAsciiLetterUpper))
        {
            if (mode == VersParseMode.Canonical)
            {
                error = "non-canonical vers: the type must be lower case";
                return false;
            }

            type = type.ToLowerInvariant();
            repairs.Add("lower-cased the type");
        }

        scheme ??= RangeSchemes.ForVersType(type);
        var body = specifier[(slash + 1)..];
        if (body.IsEmpty)
        {
            error = "vers has no constraints";
            return false;
        }

        if (mode == VersParseMode.Lenient)
        {
            var trimmed = body.Trim('|');
            if (trimmed.Length != body.Length)
            {
                repairs.Add("removed leading/trailing '|'");
            }

            body = trimmed;
            if (body.IsEmpty)
            {
                error = "vers has no constraints";
                return false;
            }
        }

        if (body.SequenceEqual("*"))
        {
            range = new VersRange(type, scheme, [], true, repairs);
            error = null;
            return true;
        }

        if (type is "all" or "none")
        {
            error = $"vers:{type} allows only '*'";
            return false;
        }

        if (mode == VersParseMode.Canonical)
        {
            if (body[0] == '|')
            {
                error = "non-canonical vers: leading pipe is not permitted";
                return false;
            }

            if (body[^1] == '|')
            {
                error = "non-canonical vers: trailing pipe is not permitted";
                return false;
            }
        }

        var constraints = new List<VersConstraint>();
        foreach (var r in body.Split('|'))
        {
            var part = body[r];
            if (part.IsEmpty)
            {
                if (mode == VersParseMode.Canonical)
                {
                    error = "non-canonical vers: consecutive pipes are not permitted";
                    return false;
                }

                repairs.Add("removed an empty constraint");
                continue;
            }

            if (!TryParseConstraint(part, mode, type, repairs, out var constraint, out error))
            {
                return false;
            }

            constraints.Add(constraint);
        }

        if (constraints.Count == 0)
        {
            error = "vers has no constraints";
            return false;
        }

        if (constraints.Any(c => c.Version == "*"))
        {
            error = "'*' must be used alone";
            return false;
        }

        if (!CheckOrder(constraints, scheme, mode, repairs, out error))
        {
            return false;
        }

        if (mode == VersParseMode.Canonical && ValidateComparators(constraints) is { } sequenceError)
        {
            error = sequenceError;
            return false;
        }

        range = new VersRange(type, scheme, constraints, false, repairs);
        error = null;
        return true;
    }

    /// <summary>Builds a range from constraints (sorted by the scheme); the caller's order does not matter.</summary>
    public static bool TryCreate(string type, VersionScheme scheme, IEnumerable<VersConstraint> constraints, out VersRange? range, out string? error)
    {
        range = null;
        var list = constraints.ToList();
        if (list.Count == 0)
        {
            error = "no constraints";
            return false;
        }

        var repairs = new List<string>();
        if (!CheckOrder(list, scheme, VersParseMode.Lenient, repairs, out error))
        {
            return false;
        }

        range = new VersRange(type, scheme, list, false, []);
        return true;
    }

    public static VersRange All(string type, VersionScheme scheme) => new(type, scheme, [], true, []);

    /// <summary>Null when the comparator sequence obeys the spec's alternation rules, else the problem.</summary>
    public static string? ValidateComparators(IReadOnlyList<VersConstraint> constraints)
    {
        VersConstraint? previous = null;
        foreach (var c in constraints)
        {
            if (c.Comparator == VersComparator.NotEqual)
            {
                continue;
            }

            if (previous is { } p)
            {
                var ok = p.Comparator switch
                {
                    VersComparator.Equal => c.Comparator is VersComparator.Equal or VersComparator.Greater or VersComparator.GreaterOrEqual,
                    VersComparator.Less or VersComparator.LessOrEqual => c.Comparator is VersComparator.Greater or VersComparator.GreaterOrEqual or VersComparator.Equal,
                    VersComparator.Greater or VersComparator.GreaterOrEqual => c.Comparator is VersComparator.Less or VersComparator.LessOrEqual,
                    _ => true,
                };
                if (!ok)
                {
                    return $"invalid vers: '{p}' cannot be followed by '{c}'";
                }
            }

            previous = c;
        }

        return null;
    }

    /// <summary>
    /// Removes redundant constraints (vers-spec "constraints simplification"), e.g. <c>&gt;=1|&gt;=2|&lt;3</c> becomes
    /// <c>&gt;=1|&lt;3</c>. Linear in the number of constraints.
    /// </summary>
    public VersRange Simplify()
    {
        if (IsStar || Constraints.Count <= 1)
        {
            return this;
        }

        var unequal = Constraints.Where(c => c.Comparator == VersComparator.NotEqual).ToList();
        var rest = Constraints.Where(c => c.Comparator != VersComparator.NotEqual).ToList();
        if (rest.Count == 0)
        {
            return this;
        }

        // A stack keeps this linear: each constraint is pushed and popped at most once.
        var kept = new List<VersConstraint>(rest.Count);
        foreach (var c in rest)
        {
            var pushed = false;
            while (!pushed)
            {
                if (kept.Count == 0)
                {
                    kept.Add(c);
                    pushed = true;
                }
                else
                {
                    var top = kept[^1];
                    if (top.IsLower && (c.IsLower || c.Comparator == VersComparator.Equal))
                    {
                        pushed = true; // the lower bound already includes c
                    }
                    else if (!top.IsLower && c.IsUpper)
                    {
                        kept.RemoveAt(kept.Count - 1); // c's upper bound includes top
                    }
                    else
                    {
                        kept.Add(c);
                        pushed = true;
                    }
                }
            }
        }

        var merged = kept.Concat(unequal).ToList();
        var repairs = new List<string>();
        CheckOrder(merged, Scheme, VersParseMode.Lenient, repairs, out _);
        return new VersRange(Type, Scheme, merged, false, Repairs);
    }

    /// <summary>Containment per the vers specification, evaluated with <see cref="Scheme"/>.</summary>
    public RangeMatch Contains(string version) => Contains(version, Scheme);

    /// <summary>
    /// Containment per the vers specification ("Checking if a version is contained within a range"). The
    /// constraints are sorted, so the pairwise walk of the spec reduces to a binary search for the neighbouring
    /// bounds: O(log n) comparisons per version, each recorded in the result.
    /// </summary>
    public RangeMatch Contains(string version, VersionScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(scheme);
        var log = new ComparisonLog(scheme);
        if (IsStar)
        {
            return log.Result(RangeVerdict.Inside, $"vers:{Type}/* contains every version");
        }

        if (!ReferenceEquals(scheme, Scheme) && scheme.IsOrdered)
        {
            // Sorted for another scheme: re-sort for this one before searching.
            return TryCreate(Type, scheme, Constraints, out var resorted, out _)
                ? resorted!.Contains(version, scheme)
                : log.Result(RangeVerdict.Undecided, "cannot order the constraints");
        }

        if (!scheme.TryParse(version, out _, out var problem))
        {
            return log.Result(RangeVerdict.Undecided, $"'{Shorten(version)}' is not a valid {scheme.Name} version: {problem}");
        }

        if (!scheme.IsOrdered)
        {
            return ContainsUnordered(version, log);
        }

        // Constraints with a version equal to the tested one: '=', '<=', '>=' include it, '!=' excludes it.
        var excluded = (VersConstraint?)null;
        for (var k = LowerBound(Constraints, version, log); k < Constraints.Count && log.Relate(version, Constraints[k].Version) == VersionRelation.Equal; k++)
        {
            var c = Constraints[k];
            if (c.Comparator is VersComparator.Equal or VersComparator.LessOrEqual or VersComparator.GreaterOrEqual)
            {
                return log.Result(RangeVerdict.Inside, $"equal to '{c}'");
            }

            if (c.Comparator == VersComparator.NotEqual)
            {
                excluded ??= c;
            }
        }

        if (excluded is { } ex)
        {
            return log.Result(RangeVerdict.Outside, $"excluded by '{ex}'");
        }

        var bounds = Bounds;
        if (bounds.Count == 0)
        {
            return log.Result(RangeVerdict.Outside, "not equal to any listed version");
        }

        // i: last bound strictly below the version; j: first bound strictly above it. Only a lower bound at i
        // directly followed by an upper bound at j (or an open end) puts the version inside.
        var i = LowerBound(bounds, version, log) - 1;
        var j = UpperBound(bounds, version, log);
        if (i < 0)
        {
            return j == 0 && bounds[0].IsUpper
                ? log.Result(RangeVerdict.Inside, $"below '{bounds[0]}'")
                : log.Result(RangeVerdict.Outside, $"not below the first bound '{bounds[0]}'");
        }

        if (j >= bounds.Count)
        {
            return i == bounds.Count - 1 && bounds[i].IsLower
                ? log.Result(RangeVerdict.Inside, $"above '{bounds[i]}'")
                : log.Result(RangeVerdict.Outside, $"not above the last bound '{bounds[^1]}'");
        }

        return j == i + 1 && bounds[i].IsLower && bounds[j].IsUpper
            ? log.Result(RangeVerdict.Inside, $"between '{bounds[i]}' and '{bounds[j]}'")
            : log.Result(RangeVerdict.Outside, $"between '{bounds[i]}' and '{bounds[j]}', outside every interval");
    }

    private IReadOnlyList<VersConstraint> Bounds => _bounds ??= [.. Constraints.Where(c => c.IsLower || c.IsUpper)];

    private RangeMatch ContainsUnordered(string version, ComparisonLog log)
    {
        foreach (var c in Constraints)
        {
            if (c.Comparator is VersComparator.Equal or VersComparator.LessOrEqual or VersComparator.GreaterOrEqual
                && log.Relate(version, c.Version) == VersionRelation.Equal)
            {
                return log.Result(RangeVerdict.Inside, $"equal to '{c}'");
            }
        }

        foreach (var c in Constraints)
        {
            if (c.Comparator == VersComparator.NotEqual && log.Relate(version, c.Version) == VersionRelation.Equal)
            {
                return log.Result(RangeVerdict.Outside, $"excluded by '{c}'");
            }
        }

        var firstBound = Constraints.FirstOrDefault(c => c.IsLower || c.IsUpper);
        return firstBound.Version is null
            ? log.Result(RangeVerdict.Outside, "not equal to any listed version")
            : log.Result(RangeVerdict.Undecided, $"scheme '{log.Scheme.Name}' knows equality only; cannot evaluate '{firstBound}'");
    }

    /// <summary>First index whose version is not below <paramref name="version"/>.</summary>
    private static int LowerBound(IReadOnlyList<VersConstraint> sorted, string version, ComparisonLog log)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (log.Relate(sorted[mid].Version, version) == VersionRelation.Less)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>First index whose version is above <paramref name="version"/>.</summary>
    private static int UpperBound(IReadOnlyList<VersConstraint> sorted, string version, ComparisonLog log)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (log.Relate(sorted[mid].Version, version) != VersionRelation.Greater)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public override string ToString() =>
        IsStar ? $"vers:{Type}/*" : $"vers:{Type}/" + string.Join('|', Constraints.Select(c => c.ToString()));

    internal static string EncodeVersion(string version)
    {
        if (version.AsSpan().IndexOfAny(Encoded) < 0)
        {
            return version;
        }

        var sb = new StringBuilder(version.Length + 8);
        foreach (var c in version)
        {
            // A space cannot appear in a vers; vendors write "V5.5 SP1", so it is encoded rather than lost.
            if (c is '>' or '<' or '=' or '!' or '*' or '|' or '%' or ' ')
            {
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool TryParseConstraint(ReadOnlySpan<char> part, VersParseMode mode, string type, List<string> repairs, out VersConstraint constraint, out string? error)
    {
        constraint = default;
        VersComparator comparator;
        int skip;
        if (part.StartsWith(">="))
        {
            (comparator, skip) = (VersComparator.GreaterOrEqual, 2);
        }
        else if (part.StartsWith("<="))
        {
            (comparator, skip) = (VersComparator.LessOrEqual, 2);
        }
        else if (part.StartsWith("!="))
        {
            (comparator, skip) = (VersComparator.NotEqual, 2);
        }
        else if (part.StartsWith("<"))
        {
            (comparator, skip) = (VersComparator.Less, 1);
        }
        else if (part.StartsWith(">"))
        {
            (comparator, skip) = (VersComparator.Greater, 1);
        }
        else if (part.StartsWith("=") && mode == VersParseMode.Lenient)
        {
            (comparator, skip) = (VersComparator.Equal, part.StartsWith("==") ? 2 : 1);
            repairs.Add("dropped an explicit '='");
        }
        else
        {
            (comparator, skip) = (VersComparator.Equal, 0);
        }

        var raw = part[skip..];
        if (raw.IsEmpty)
        {
            error = $"constraint '{part}' has no version";
            return false;
        }

        if (raw.SequenceEqual("*"))
        {
            constraint = new VersConstraint(comparator, "*");
            error = null;
            return true;
        }

        if (raw.IndexOfAny(ComparatorChars) >= 0)
        {
            error = $"version '{raw}' contains an unencoded comparator character";
            return false;
        }

        if (!TryDecodeVersion(raw, mode, out var version, out error))
        {
            return false;
        }

        if (type == "datetime" && mode == VersParseMode.Canonical && (version.Contains('t', StringComparison.Ordinal) || version.EndsWith('z')))
        {
            error = "non-canonical vers: datetime must use upper-case 'T' and 'Z'";
            return false;
        }

        constraint = new VersConstraint(comparator, version);
        return true;
    }

    private static bool TryDecodeVersion(ReadOnlySpan<char> raw, VersParseMode mode, out string version, out string? error)
    {
        error = null;
        if (raw.IndexOf('%') < 0)
        {
            version = raw.ToString();
            return true;
        }

        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%')
            {
                sb.Append(raw[i]);
                continue;
            }

            if (i + 2 >= raw.Length || Identities.PurlEncoding.HexValue(raw[i + 1]) < 0 || Identities.PurlEncoding.HexValue(raw[i + 2]) < 0)
            {
                version = string.Empty;
                error = "non-canonical vers: invalid percent-encoding in version";
                return false;
            }

            var c = (char)((Identities.PurlEncoding.HexValue(raw[i + 1]) << 4) | Identities.PurlEncoding.HexValue(raw[i + 2]));
            var canonical = c is '>' or '<' or '=' or '!' or '*' or '|' or '%' && !char.IsAsciiLetterLower(raw[i + 1]) && !char.IsAsciiLetterLower(raw[i + 2]);
            if (!canonical && mode == VersParseMode.Canonical)
            {
                version = string.Empty;
                error = "non-canonical vers: percent-encoding in version is not canonical";
                return false;
            }

            if (c is < ' ' or > '~')
            {
                version = string.Empty;
                error = "version contains an encoded control or non-ASCII character";
                return false;
            }

            sb.Append(c);
            i += 2;
        }

        version = sb.ToString();
        return true;
    }

    private static bool CheckOrder(List<VersConstraint> constraints, VersionScheme scheme, VersParseMode mode, List<string> repairs, out string? error)
    {
        error = null;
        if (constraints.Count < 2)
        {
            return true;
        }

        if (!scheme.IsOrdered)
        {
            // Equality only: the order cannot be checked, duplicates can.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in constraints)
            {
                if (!seen.Add(c.Version) && mode == VersParseMode.Canonical)
                {
                    error = $"non-canonical vers: version '{c.Version}' occurs more than once";
                    return false;
                }
            }

            return true;
        }

        var sorted = true;
        for (var i = 1; i < constraints.Count; i++)
        {
            var sign = scheme.Compare(constraints[i - 1].Version, constraints[i].Version);
            if (sign == 0 && mode == VersParseMode.Canonical)
            {
                error = $"non-canonical vers: version '{constraints[i].Version}' occurs more than once";
                return false;
            }

            if (sign > 0)
            {
                sorted = false;
                if (mode == VersParseMode.Canonical)
                {
                    error = "non-canonical vers: constraints are not sorted by version";
                    return false;
                }
            }
        }

        if (!sorted)
        {
            // List.Sort is not stable; order by (version, original index) to keep equal versions in input order.
            var indexed = constraints.Select((c, i) => (c, i)).ToList();
            indexed.Sort((x, y) =>
            {
                var s = scheme.Compare(x.c.Version, y.c.Version);
                return s != 0 ? s : x.i.CompareTo(y.i);
            });
            constraints.Clear();
            constraints.AddRange(indexed.Select(x => x.c));
            repairs.Add("sorted constraints by version");
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}
