using System.Text.RegularExpressions;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>
/// Converts an npm (node-semver) range such as <c>^1.2.3 || &gt;=2.0.0 &lt;2.1.0</c> to vers, the way the vers test suite
/// expects: every alternative's comparators are expanded (caret, tilde, x-ranges, hyphen ranges, partial versions
/// padded with zeros), then all constraints are sorted by version (stable) without merging.
/// </summary>
public static partial class NpmNativeRange
{
    public static bool TryConvert(string? native, out VersRange? range, out string? error)
    {
        range = null;
        var scheme = RangeSchemes.TryGet(VersionSchemeKind.Npm);
        if (native is null || native.Length > VersRange.MaxLength)
        {
            error = "range is missing or too long";
            return false;
        }

        var text = native.Trim();
        if (text is "" or "*" or "x" or "X")
        {
            range = VersRange.All("npm", scheme);
            error = null;
            return true;
        }

        var constraints = new List<VersConstraint>();
        foreach (var alternative in text.Split("||"))
        {
            var alt = alternative.Trim();
            if (alt.Length == 0)
            {
                error = "empty alternative in '||'";
                return false;
            }

            if (Hyphen().Match(alt) is { Success: true } hyphen)
            {
                if (!TryPad(hyphen.Groups[1].Value, out var low) || !TryPad(hyphen.Groups[2].Value, out var high))
                {
                    error = $"cannot read hyphen range '{alt}'";
                    return false;
                }

                constraints.Add(new(VersComparator.GreaterOrEqual, low));
                constraints.Add(new(VersComparator.LessOrEqual, high));
                continue;
            }

            // ">= 1.2" and ">=1.2" are the same comparator: glue operators to their versions first.
            var glued = OperatorSpace().Replace(alt, "$1");
            foreach (var token in glued.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryExpand(token, constraints, out error))
                {
                    return false;
                }
            }
        }

        if (!VersRange.TryCreate("npm", scheme, constraints, out range, out error))
        {
            return false;
        }

        return true;
    }

    private static bool TryExpand(string token, List<VersConstraint> constraints, out string? error)
    {
        error = null;
        var m = Token().Match(token);
        if (!m.Success)
        {
            error = $"cannot read '{token}'";
            return false;
        }

        var op = m.Groups[1].Value == "~>" ? "~" : m.Groups[1].Value;
        var major = m.Groups[2].Value;
        var minor = m.Groups[3].Success ? m.Groups[3].Value : null;
        var patch = m.Groups[4].Success ? m.Groups[4].Value : null;
        var pre = m.Groups[5].Success ? m.Groups[5].Value : string.Empty;
        if (IsX(major))
        {
            return true; // "*" inside a comparator set adds no constraint
        }

        var hasX = IsX(minor) || IsX(patch);
        if (op == "^")
        {
            var (M, mi, p) = (int.Parse(major, System.Globalization.CultureInfo.InvariantCulture), Num(minor), Num(patch));
            constraints.Add(new(VersComparator.GreaterOrEqual, $"{M}.{mi}.{p}{pre}"));
            var upper = M > 0 || minor is null ? $"{M + 1}.0.0" : mi > 0 || patch is null ? $"0.{mi + 1}.0" : $"0.0.{p + 1}";
            constraints.Add(new(VersComparator.Less, upper));
            return true;
        }

        if (op == "~")
        {
            var (M, mi, p) = (int.Parse(major, System.Globalization.CultureInfo.InvariantCulture), Num(minor), Num(patch));
            constraints.Add(new(VersComparator.GreaterOrEqual, $"{M}.{mi}.{p}{pre}"));
            constraints.Add(new(VersComparator.Less, minor is null || IsX(minor) ? $"{M + 1}.0.0" : $"{M}.{mi + 1}.0"));
            return true;
        }

        if (hasX)
        {
            // x-ranges: "1.2.x" (with or without a comparator) covers the whole minor/major line.
            var M = int.Parse(major, System.Globalization.CultureInfo.InvariantCulture);
            if (IsX(minor))
            {
                constraints.Add(new(VersComparator.GreaterOrEqual, $"{M}.0.0"));
                constraints.Add(new(VersComparator.Less, $"{M + 1}.0.0"));
            }
            else
            {
                var mi = Num(minor);
                constraints.Add(new(VersComparator.GreaterOrEqual, $"{M}.{mi}.0"));
                constraints.Add(new(VersComparator.Less, $"{M}.{mi + 1}.0"));
            }

            return true;
        }

        var version = $"{major}.{minor ?? "0"}.{patch ?? "0"}{pre}";
        var comparator = op switch
        {
            ">=" => VersComparator.GreaterOrEqual,
            "<=" => VersComparator.LessOrEqual,
            ">" => VersComparator.Greater,
            "<" => VersComparator.Less,
            "!=" => VersComparator.NotEqual,
            _ => VersComparator.Equal,
        };
        constraints.Add(new(comparator, version));
        return true;
    }

    private static bool TryPad(string partial, out string version)
    {
        var m = Token().Match(partial);
        version = m.Success && m.Groups[1].Value.Length == 0 && !IsX(m.Groups[2].Value)
            ? $"{m.Groups[2].Value}.{Num(m.Groups[3].Success ? m.Groups[3].Value : null)}.{Num(m.Groups[4].Success ? m.Groups[4].Value : null)}{(m.Groups[5].Success ? m.Groups[5].Value : string.Empty)}"
            : string.Empty;
        return version.Length > 0;
    }

    private static bool IsX(string? part) => part is "x" or "X" or "*";

    private static int Num(string? part) =>
        part is null || IsX(part) ? 0 : int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\S+)\s+-\s+(\S+)\s*$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Hyphen();

    [GeneratedRegex(@"(>=|<=|!=|>|<|=|\^|~)\s+", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex OperatorSpace();

    [GeneratedRegex(@"^(>=|<=|!=|>|<|=|\^|~>?|)v?(\d{1,9}|[xX*])(?:\.(\d{1,9}|[xX*]))?(?:\.(\d{1,9}|[xX*]))?(-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Token();
}
