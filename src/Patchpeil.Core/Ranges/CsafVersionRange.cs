using System.Text.RegularExpressions;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>How much of a vendor's range text was understood.</summary>
public enum RangeConfidence
{
    /// <summary>Canonical vers or a clean vls, read as written.</summary>
    Exact,

    /// <summary>Understood after repairs (listed in <see cref="CsafVersionRange.Repairs"/>).</summary>
    Repaired,

    /// <summary>Not understood; kept as text, never evaluated as a range.</summary>
    TextOnly,
}

/// <summary>
/// A CSAF <c>product_version_range</c> name as vendors really write it: canonical vers, vls (<c>&gt;=1.2|&lt;2.0</c>)
/// and the broken forms found in CISA and Siemens advisories (<c>" &lt;V4.3.8"</c>, <c>vers:all/&lt;V4.3.8</c>,
/// <c>&gt;=V7.80&lt;V9.40</c>, <c>All versions &lt; V4.33</c>). Parsing never throws and never widens: text that
/// cannot be read exactly becomes <see cref="RangeConfidence.TextOnly"/> with no range.
/// </summary>
public sealed partial class CsafVersionRange
{
    public const int MaxLength = 1024 * 1024;

    private static readonly HashSet<string> ProseWords = new(
        ["and", "or", "to", "through", "later", "earlier", "before", "after", "prior", "all", "version", "versions",
         "including", "see", "below", "above", "newer", "older", "up", "from", "with", "only", "except", "not", "affected",
         "the", "a", "an", "any", "fix", "fixed", "patched", "current", "latest", "unknown", "n/a", "vulnerable"],
        StringComparer.OrdinalIgnoreCase);

    private CsafVersionRange(string original, RangeConfidence confidence, VersRange? range, IReadOnlyList<string> repairs, IReadOnlyList<string> notes, string? problem, bool strippedV)
    {
        Original = original;
        Confidence = confidence;
        Range = range;
        Repairs = repairs;
        Notes = notes;
        Problem = problem;
        StrippedVPrefix = strippedV;
    }

    public string Original { get; }

    public RangeConfidence Confidence { get; }

    /// <summary>The range; null when <see cref="Confidence"/> is TextOnly.</summary>
    public VersRange? Range { get; }

    /// <summary>What had to be repaired to read the text (empty when Exact).</summary>
    public IReadOnlyList<string> Repairs { get; }

    /// <summary>Normalisations that do not change the meaning, e.g. a dropped 'V' prefix.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Why the text could not be read (TextOnly only).</summary>
    public string? Problem { get; }

    /// <summary>Versions in the range lost a leading 'V'; tested versions get the same treatment.</summary>
    public bool StrippedVPrefix { get; }

    /// <param name="name">The branch name of a <c>product_version_range</c>.</param>
    /// <param name="scheme">The product's version scheme; the generic scheme (or Unknown while none exists) if null.</param>
    public static CsafVersionRange Parse(string? name, VersionScheme? scheme = null)
    {
        var original = name ?? string.Empty;
        scheme ??= RangeSchemes.TryGet(VersionSchemeKind.Generic);
        var repairs = new List<string>();
        var notes = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            return TextOnly(original, "empty range");
        }

        if (name.Length > MaxLength)
        {
            return TextOnly(original, $"longer than {MaxLength} characters");
        }

        if (name.Any(c => char.IsControl(c)))
        {
            return TextOnly(original, "contains control characters");
        }

        var text = name.Trim();
        if (text.Length != name.Length)
        {
            repairs.Add("trimmed surrounding whitespace");
        }

        string? versType = null;
        if (text.StartsWith("vers:", StringComparison.OrdinalIgnoreCase))
        {
            if (VersRange.TryParse(text, VersParseMode.Canonical, TypeScheme(text, scheme), out var canonical, out _))
            {
                return Done(original, canonical!, repairs, notes, false);
            }

            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                return TextOnly(original, "vers without '/'");
            }

            versType = text[5..slash].Trim().ToLowerInvariant();
            var body = text[(slash + 1)..];
            if (versType is "all" or "none")
            {
                if (body.Trim() == "*")
                {
                    return Done(original, VersRange.All(versType, scheme), [.. repairs, "removed whitespace"], notes, false);
                }

                if (versType == "none")
                {
                    return TextOnly(original, "vers:none allows only '*'");
                }

                repairs.Add($"'vers:all/' allows only '*'; read '{body}' as constraints");
                versType = null;
            }

            text = body;
        }
        else if (AllVersions().IsMatch(text))
        {
            repairs.Add($"free text '{text}' read as all versions");
            return Done(original, VersRange.All("all", scheme), repairs, notes, false);
        }
        else if (AllVersionsBefore().Match(text) is { Success: true } m)
        {
            repairs.Add($"free text '{m.Groups[1].Value}' dropped");
            var op = string.Join(' ', m.Groups[2].Value.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) switch
            {
                "before" or "prior to" or "<" => "<",
                "<=" or "up to and including" => "<=",
                var other => other,
            };
            text = op + m.Groups[3].Value;
        }
        else if (ZeroLowerBound().Match(text) is { Success: true } z)
        {
            repairs.Add("read '0 < X' as '< X' (0 is the lowest version)");
            text = "<" + z.Groups[1].Value;
        }

        if (!TryReadConstraints(text, repairs, notes, out var constraints, out var strippedV, out var problem))
        {
            return TextOnly(original, problem!);
        }

        var type = versType ?? (scheme.IsOrdered ? scheme.Name : "generic");
        if (!VersRange.TryCreate(type, scheme, constraints, out var range, out problem))
        {
            return TextOnly(original, problem!);
        }

        if (!range!.Constraints.SequenceEqual(constraints))
        {
            repairs.Add("sorted constraints by version");
        }

        if (VersRange.ValidateComparators(range.Constraints) is not null)
        {
            var simplified = range.Simplify();
            if (VersRange.ValidateComparators(simplified.Constraints) is { } invalid)
            {
                return TextOnly(original, invalid);
            }

            repairs.Add($"simplified redundant constraints to '{simplified}'");
            range = simplified;
        }

        return Done(original, range, repairs, notes, strippedV);
    }

    /// <summary>Tests a version; TextOnly ranges are Undecided, never a match.</summary>
    public RangeMatch Contains(string version)
    {
        if (Range is null)
        {
            return new RangeMatch(RangeVerdict.Undecided, "none", $"range text '{Original}' was not understood: {Problem}", []);
        }

        var tested = PrepareVersion(version);
        var match = Range.Contains(tested);
        var prefix = Confidence == RangeConfidence.Repaired ? $"repaired range '{Original}' read as {Range}: " : $"{Range}: ";
        return match with { Rule = prefix + match.Rule };
    }

    /// <summary>The tested version as the range sees it: without a leading 'V' when the range's versions lost theirs.</summary>
    public string PrepareVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return StrippedVPrefix ? StripV(version) : version;
    }

    public override string ToString() =>
        Confidence == RangeConfidence.TextOnly ? $"TextOnly '{Original}': {Problem}" : $"{Confidence} {Range}";

    private static bool TryReadConstraints(string text, List<string> repairs, List<string> notes, out List<VersConstraint> constraints, out bool strippedV, out string? problem)
    {
        constraints = [];
        strippedV = false;
        problem = null;
        var pieces = new List<string>();
        foreach (var part in text.Split('|'))
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                repairs.Add("removed an empty constraint");
                continue;
            }

            // ">=V7.80<V9.40": constraints written without a pipe; split before every comparator after the first.
            var start = 0;
            var trimmedPart = part.Trim();
            for (var i = 1; i < trimmedPart.Length; i++)
            {
                if (trimmedPart[i] is '<' or '>' or '!' && trimmedPart[i - 1] is not ('<' or '>' or '!' or '='))
                {
                    pieces.Add(trimmedPart[start..i]);
                    start = i;
                    repairs.Add("split constraints written without '|'");
                }
            }

            pieces.Add(trimmedPart[start..]);
        }

        foreach (var piece in pieces)
        {
            var p = piece.Trim();
            var op = p.StartsWith(">=", StringComparison.Ordinal) ? ">="
                : p.StartsWith("<=", StringComparison.Ordinal) ? "<="
                : p.StartsWith("!=", StringComparison.Ordinal) ? "!="
                : p.StartsWith("==", StringComparison.Ordinal) ? "=="
                : p.StartsWith('<') ? "<"
                : p.StartsWith('>') ? ">"
                : p.StartsWith('=') ? "="
                : string.Empty;
            var version = p[op.Length..];
            var trimmed = version.Trim();
            if (trimmed.Length != version.Length)
            {
                repairs.Add($"removed whitespace in '{p}'");
            }

            if (trimmed.Length == 0)
            {
                problem = $"constraint '{p}' has no version";
                return false;
            }

            if (trimmed.AsSpan().IndexOfAny("<>=!|") >= 0)
            {
                problem = $"cannot read constraint '{p}'";
                return false;
            }

            if (op.Length == 0 && (trimmed.Any(char.IsWhiteSpace) || !trimmed.Any(char.IsAsciiDigit)))
            {
                problem = $"'{p}' is neither a constraint nor a version";
                return false;
            }

            var words = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 6 || words.Any(w => ProseWords.Contains(w)))
            {
                problem = $"'{trimmed}' reads as prose, not as a version";
                return false;
            }

            if (trimmed == "*" || trimmed.Split(['.', '_', '-', ' ']).Any(s => s is "x" or "X" or "*"))
            {
                problem = $"version '{trimmed}' contains a wildcard; its bound is not exact";
                return false;
            }

            var stripped = StripV(trimmed);
            if (!ReferenceEquals(stripped, trimmed))
            {
                strippedV = true;
            }

            var comparator = op switch
            {
                ">=" => VersComparator.GreaterOrEqual,
                "<=" => VersComparator.LessOrEqual,
                "!=" => VersComparator.NotEqual,
                "<" => VersComparator.Less,
                ">" => VersComparator.Greater,
                _ => VersComparator.Equal,
            };
            if (op is "=" or "==")
            {
                repairs.Add($"dropped explicit '{op}'");
            }

            constraints.Add(new VersConstraint(comparator, stripped));
        }

        if (strippedV)
        {
            notes.Add("dropped the 'V' prefix of versions (tested versions are treated alike)");
        }

        if (constraints.Count == 0)
        {
            problem = "no constraints";
            return false;
        }

        return true;
    }

    private static string StripV(string version) =>
        version.Length > 1 && version[0] is 'V' or 'v' && char.IsAsciiDigit(version[1]) ? version[1..] : version;

    private static VersionScheme? TypeScheme(string text, VersionScheme fallback)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 5)
        {
            return null;
        }

        var type = text[5..slash];
        return type == "generic" ? fallback : RangeSchemes.ForVersType(type);
    }

    private static CsafVersionRange Done(string original, VersRange range, List<string> repairs, List<string> notes, bool strippedV) =>
        new(original, repairs.Count == 0 ? RangeConfidence.Exact : RangeConfidence.Repaired, range, repairs.Distinct().ToList(), notes, null, strippedV);

    private static CsafVersionRange TextOnly(string original, string problem) =>
        new(original, RangeConfidence.TextOnly, null, [], [], problem, false);

    [GeneratedRegex(@"^all\s+versions?\.?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex AllVersions();

    [GeneratedRegex(@"^(all\s+versions?)\s*(<=|<|before|prior\s+to|up\s+to\s+and\s+including)\s*(\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex AllVersionsBefore();

    [GeneratedRegex(@"^0\s*<\s*([^<>=!|\s][^<>=!|]*)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ZeroLowerBound();
}
