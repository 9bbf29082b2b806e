using System.Globalization;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>
/// Converts ecosystem-native range notations to vers: npm (node-semver), NuGet interval notation
/// (<c>[1.0,2.0)</c>, a bare version is a minimum), PyPI specifiers (<c>&gt;=1.0,!=1.3,~=1.4.5</c>) and RubyGems
/// requirements (<c>~&gt; 2.0.8</c>). Anything not understood is an error, never a wider range.
/// </summary>
public static class NativeRanges
{
    private static readonly string[] Operators = ["===", "~=", "~>", "==", "!=", ">=", "<=", ">", "<", "="];
    private static readonly System.Buffers.SearchValues<char> OperatorChars = System.Buffers.SearchValues.Create("<>=!~,");
    private static readonly System.Buffers.SearchValues<char> IntervalChars = System.Buffers.SearchValues.Create("[](),");

    public static bool TryConvert(string type, string? native, out VersRange? range, out string? error)
    {
        range = null;
        if (native is null || native.Length > VersRange.MaxLength)
        {
            error = "range is missing or too long";
            return false;
        }

        switch (type)
        {
            case "npm":
                return NpmNativeRange.TryConvert(native, out range, out error);
            case "nuget":
                return TryNuGet(native.Trim(), out range, out error);
            case "pypi":
            case "gem":
                return TryComparatorList(type, native, out range, out error);
            default:
                error = $"native {type} ranges are not supported";
                return false;
        }
    }

    private static bool TryNuGet(string text, out VersRange? range, out string? error)
    {
        range = null;
        var scheme = RangeSchemes.TryGet(VersionSchemeKind.NuGet);
        var constraints = new List<VersConstraint>();
        if (text.Length == 0)
        {
            error = "empty range";
            return false;
        }

        if (text[0] is not ('[' or '('))
        {
            if (text.AsSpan().IndexOfAny(IntervalChars) >= 0)
            {
                error = $"cannot read '{text}'";
                return false;
            }

            constraints.Add(new(VersComparator.GreaterOrEqual, text)); // NuGet: a bare version is a minimum
            return VersRange.TryCreate("nuget", scheme, constraints, out range, out error);
        }

        if (text[^1] is not (']' or ')') || text.Length < 3)
        {
            error = $"interval '{text}' is not closed";
            return false;
        }

        var body = text[1..^1];
        var parts = body.Split(',');
        if (parts.Length == 1)
        {
            if (text[0] != '[' || text[^1] != ']' || parts[0].Trim().Length == 0)
            {
                error = "a single-version interval must be '[x]'";
                return false;
            }

            constraints.Add(new(VersComparator.Equal, parts[0].Trim()));
        }
        else if (parts.Length == 2)
        {
            var low = parts[0].Trim();
            var high = parts[1].Trim();
            if (low.Length == 0 && high.Length == 0)
            {
                error = "interval without bounds";
                return false;
            }

            if (low.Length > 0)
            {
                constraints.Add(new(text[0] == '[' ? VersComparator.GreaterOrEqual : VersComparator.Greater, low));
            }

            if (high.Length > 0)
            {
                constraints.Add(new(text[^1] == ']' ? VersComparator.LessOrEqual : VersComparator.Less, high));
            }
        }
        else
        {
            error = $"cannot read interval '{text}'";
            return false;
        }

        return VersRange.TryCreate("nuget", scheme, constraints, out range, out error);
    }

    private static bool TryComparatorList(string type, string text, out VersRange? range, out string? error)
    {
        range = null;
        var scheme = RangeSchemes.ForVersType(type);
        var constraints = new List<VersConstraint>();
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            var op = Operators.FirstOrDefault(o => item.StartsWith(o, StringComparison.Ordinal)) ?? string.Empty;
            var version = item[op.Length..].Trim();
            if (version.Length == 0 || version.Any(char.IsWhiteSpace) || version.AsSpan().IndexOfAny(OperatorChars) >= 0)
            {
                error = $"cannot read '{item}'";
                return false;
            }

            if (version.Contains('*', StringComparison.Ordinal))
            {
                error = $"prefix match '{item}' is not supported";
                return false;
            }

            switch (op)
            {
                case "~=" or "~>":
                    if (!TryPessimisticUpper(version, out var upper))
                    {
                        error = $"'{item}' needs at least two numeric release segments";
                        return false;
                    }

                    constraints.Add(new(VersComparator.GreaterOrEqual, version));
                    constraints.Add(new(VersComparator.Less, upper));
                    break;
                case ">=":
                    constraints.Add(new(VersComparator.GreaterOrEqual, version));
                    break;
                case "<=":
                    constraints.Add(new(VersComparator.LessOrEqual, version));
                    break;
                case ">":
                    constraints.Add(new(VersComparator.Greater, version));
                    break;
                case "<":
                    constraints.Add(new(VersComparator.Less, version));
                    break;
                case "!=":
                    constraints.Add(new(VersComparator.NotEqual, version));
                    break;
                default:
                    constraints.Add(new(VersComparator.Equal, version));
                    break;
            }
        }

        return VersRange.TryCreate(type, scheme, constraints, out range, out error);
    }

    /// <summary>"~&gt; 2.0.8" → "&lt;2.1"; PEP 440 "~=1.4.5" → "&lt;1.5" (drop the last release segment, bump the one before).</summary>
    private static bool TryPessimisticUpper(string version, out string upper)
    {
        upper = string.Empty;
        var release = new string(version.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).TrimEnd('.');
        var segments = release.Split('.');
        if (segments.Length < 2 || segments.Any(s => s.Length == 0 || s.Length > 9))
        {
            return false;
        }

        var kept = segments[..^1];
        kept[^1] = (int.Parse(kept[^1], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        upper = string.Join('.', kept);
        return true;
    }
}
