using System.Text;

namespace Patchpeil.Core.Identities;

/// <summary>The eleven WFN attributes of CPE 2.3 (NISTIR 7695), in binding order.</summary>
public enum CpeField
{
    Part,
    Vendor,
    Product,
    Version,
    Update,
    Edition,
    Language,
    SwEdition,
    TargetSw,
    TargetHw,
    Other,
}

/// <summary>Attribute-level relation from the CPE Name Matching specification (NISTIR 7696, table 6-2).</summary>
public enum CpeRelation
{
    Equal,
    Superset,
    Subset,
    Disjoint,

    /// <summary>The target holds wildcards: the specification leaves the result undefined.</summary>
    Undefined,
}

/// <summary>Name-level outcome of comparing a source CPE with a target CPE.</summary>
public enum CpeNameRelation
{
    Equal,
    Superset,
    Subset,
    Disjoint,

    /// <summary>Some attributes are supersets and others subsets: neither name contains the other.</summary>
    Mixed,

    /// <summary>At least one attribute compared as undefined (wildcards in the target).</summary>
    Undefined,
}

/// <summary>One WFN attribute value: ANY, NA, or a quoted value (see <see cref="Cpe"/> for the quoting).</summary>
public readonly record struct CpeValue
{
    private CpeValue(CpeValueKind kind, string text)
    {
        Kind = kind;
        Text = text;
    }

    public static CpeValue Any { get; } = new(CpeValueKind.Any, "*");

    public static CpeValue NotApplicable { get; } = new(CpeValueKind.NotApplicable, "-");

    public CpeValueKind Kind { get; }

    /// <summary>WFN form: lower case; every character other than [a-z0-9_] is escaped by '\' unless it is an unquoted wildcard '*' or '?'.</summary>
    public string Text { get; }

    public bool IsAny => Kind == CpeValueKind.Any;

    public bool IsNotApplicable => Kind == CpeValueKind.NotApplicable;

    public bool HasWildcards => Kind == CpeValueKind.Value && Cpe.HasUnquotedWildcard(Text);

    internal static CpeValue FromWfn(string text) => new(CpeValueKind.Value, text);

    /// <summary>The value with WFN quoting removed, e.g. "10.0.19045.4780" for "10\.0\.19045\.4780".</summary>
    public string Unquoted()
    {
        if (Kind != CpeValueKind.Value)
        {
            return Text;
        }

        var sb = new StringBuilder(Text.Length);
        for (var i = 0; i < Text.Length; i++)
        {
            if (Text[i] == '\\' && i + 1 < Text.Length)
            {
                i++;
            }

            sb.Append(Text[i]);
        }

        return sb.ToString();
    }

    public override string ToString() => Text;
}

public enum CpeValueKind
{
    Any,
    NotApplicable,
    Value,
}

/// <summary>
/// A CPE name as a well-formed name (WFN, NISTIR 7695). Parses both the 2.3 formatted string
/// (<c>cpe:2.3:a:google:chrome:*:…</c>) and the 2.2 URI (<c>cpe:/o:redhat:enterprise_linux:8</c>, packed editions
/// included) and binds to either. Values are kept lower case: CPE matching is case-insensitive.
/// </summary>
public sealed class Cpe : IEquatable<Cpe>
{
    public const int MaxLength = 8 * 1024;

    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~";

    private readonly CpeValue[] _values;

    private Cpe(CpeValue[] values) => _values = values;

    public CpeValue this[CpeField attribute] => _values[(int)attribute];

    public CpeValue Part => this[CpeField.Part];

    public CpeValue Vendor => this[CpeField.Vendor];

    public CpeValue Product => this[CpeField.Product];

    public CpeValue Version => this[CpeField.Version];

    public static Cpe Parse(string text) => TryParse(text, out var cpe, out var error) ? cpe! : throw new FormatException(error);

    /// <summary>Parses a 2.3 formatted string or a 2.2 URI, whichever <paramref name="text"/> is.</summary>
    public static bool TryParse(string? text, out Cpe? cpe, out string? error)
    {
        cpe = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "CPE is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"CPE is longer than {MaxLength} characters";
            return false;
        }

        var trimmed = text.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c > '~')
            {
                error = "CPE contains whitespace, a control character or a non-ASCII character";
                return false;
            }
        }

        if (trimmed.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseFormattedString(trimmed, out cpe, out error);
        }

        if (trimmed.StartsWith("cpe:/", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUri(trimmed, out cpe, out error);
        }

        error = "not a CPE: expected 'cpe:2.3:' or 'cpe:/'";
        return false;
    }

    /// <summary>Builds a WFN from attribute values given as plain (unquoted) text; "*" and "-" mean ANY and NA.</summary>
    public static Cpe Create(string part, string vendor, string product, string version = "*", string update = "*")
    {
        var values = new CpeValue[11];
        Array.Fill(values, CpeValue.Any);
        values[0] = FromPlain(part);
        values[1] = FromPlain(vendor);
        values[2] = FromPlain(product);
        values[3] = FromPlain(version);
        values[4] = FromPlain(update);
        return new Cpe(values);

        static CpeValue FromPlain(string s) => s switch
        {
            "*" or "" => CpeValue.Any,
            "-" => CpeValue.NotApplicable,
            _ => CpeValue.FromWfn(Quote(s)),
        };
    }

    /// <summary>The same name with another version (plain text), for matching an installed version against criteria.</summary>
    public Cpe WithVersion(string version)
    {
        var values = (CpeValue[])_values.Clone();
        values[(int)CpeField.Version] = version switch
        {
            "*" or "" => CpeValue.Any,
            "-" => CpeValue.NotApplicable,
            _ => CpeValue.FromWfn(Quote(version)),
        };
        return new Cpe(values);
    }

    /// <summary>CPE 2.3 formatted string binding.</summary>
    public string ToFormattedString()
    {
        var sb = new StringBuilder("cpe:2.3");
        foreach (var value in _values)
        {
            sb.Append(':');
            switch (value.Kind)
            {
                case CpeValueKind.Any:
                    sb.Append('*');
                    break;
                case CpeValueKind.NotApplicable:
                    sb.Append('-');
                    break;
                default:
                    var t = value.Text;
                    for (var i = 0; i < t.Length; i++)
                    {
                        if (t[i] == '\\' && i + 1 < t.Length && t[i + 1] is '.' or '-' or '_')
                        {
                            continue;
                        }

                        if (t[i] == '\\' && i + 1 < t.Length)
                        {
                            sb.Append('\\').Append(t[++i]);
                            continue;
                        }

                        sb.Append(t[i]);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>CPE 2.2 URI binding (NISTIR 7695 §6.1.2), packing the extended attributes into the edition when needed.</summary>
    public string ToUri()
    {
        var parts = new string[7];
        for (var i = 0; i < 7; i++)
        {
            parts[i] = UriComponent(_values[i]);
        }

        var extended = _values[(int)CpeField.SwEdition].IsAny && _values[(int)CpeField.TargetSw].IsAny
            && _values[(int)CpeField.TargetHw].IsAny && _values[(int)CpeField.Other].IsAny;
        if (!extended)
        {
            parts[(int)CpeField.Edition] = string.Join(
                '~',
                string.Empty,
                UriComponent(_values[(int)CpeField.Edition]),
                UriComponent(_values[(int)CpeField.SwEdition]),
                UriComponent(_values[(int)CpeField.TargetSw]),
                UriComponent(_values[(int)CpeField.TargetHw]),
                UriComponent(_values[(int)CpeField.Other]));
        }

        var last = 6;
        while (last > 0 && parts[last].Length == 0)
        {
            last--;
        }

        return "cpe:/" + string.Join(':', parts, 0, last + 1);
    }

    public override string ToString() => ToFormattedString();

    public bool Equals(Cpe? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as Cpe);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var v in _values)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <summary>NISTIR 7696 name comparison of this (source) with <paramref name="target"/>.</summary>
    public CpeNameRelation Compare(Cpe target)
    {
        bool anySuperset = false, anySubset = false, anyUndefined = false;
        for (var i = 0; i < _values.Length; i++)
        {
            switch (CompareAttribute(_values[i], target._values[i]))
            {
                case CpeRelation.Disjoint:
                    return CpeNameRelation.Disjoint;
                case CpeRelation.Undefined:
                    anyUndefined = true;
                    break;
                case CpeRelation.Superset:
                    anySuperset = true;
                    break;
                case CpeRelation.Subset:
                    anySubset = true;
                    break;
            }
        }

        return anyUndefined ? CpeNameRelation.Undefined
            : anySuperset && anySubset ? CpeNameRelation.Mixed
            : anySuperset ? CpeNameRelation.Superset
            : anySubset ? CpeNameRelation.Subset
            : CpeNameRelation.Equal;
    }

    /// <summary>True when this name (typically match criteria with ANY/wildcards) covers <paramref name="target"/>.</summary>
    public bool Matches(Cpe target) => Compare(target) is CpeNameRelation.Equal or CpeNameRelation.Superset;

    /// <summary>True when the two names agree on every attribute except version (used before range checks).</summary>
    public bool MatchesIgnoringVersion(Cpe target)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (i == (int)CpeField.Version)
            {
                continue;
            }

            if (CompareAttribute(_values[i], target._values[i]) is not (CpeRelation.Equal or CpeRelation.Superset))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Attribute comparison, NISTIR 7696 §6.2 pseudo-code.</summary>
    public static CpeRelation CompareAttribute(CpeValue source, CpeValue target)
    {
        if (target.HasWildcards)
        {
            return CpeRelation.Undefined;
        }

        if (source == target)
        {
            return CpeRelation.Equal;
        }

        if (source.IsAny)
        {
            return CpeRelation.Superset;
        }

        if (target.IsAny)
        {
            return CpeRelation.Subset;
        }

        if (source.IsNotApplicable || target.IsNotApplicable)
        {
            return CpeRelation.Disjoint;
        }

        return CompareStrings(source.Text, target.Text);
    }

    private static CpeRelation CompareStrings(string source, string target)
    {
        int start = 0, end = source.Length, begins = 0, ends = 0;
        if (source.StartsWith('*'))
        {
            start = 1;
            begins = -1;
        }
        else
        {
            while (start < source.Length && source[start] == '?')
            {
                start++;
                begins++;
            }
        }

        if (end > start && source[end - 1] == '*' && IsEvenWildcards(source, end - 1))
        {
            end--;
            ends = -1;
        }
        else
        {
            while (end > start && source[end - 1] == '?' && IsEvenWildcards(source, end - 1))
            {
                end--;
                ends++;
            }
        }

        var body = source[start..end];
        var index = -1;
        var leftover = target.Length;
        while (leftover > 0)
        {
            index = target.IndexOf(body, index + 1, StringComparison.Ordinal);
            if (index == -1)
            {
                break;
            }

            var escapes = CountEscapes(target, 0, index);
            if (index > 0 && begins != -1 && begins < index - escapes)
            {
                break;
            }

            escapes = CountEscapes(target, index + 1, target.Length);
            leftover = target.Length - index - escapes - body.Length;
            if (leftover > 0 && ends != -1 && leftover > ends)
            {
                continue;
            }

            return CpeRelation.Superset;
        }

        return CpeRelation.Disjoint;
    }

    private static bool IsEvenWildcards(string s, int idx)
    {
        var result = 0;
        while (idx > 0 && s[idx - 1] == '\\')
        {
            idx--;
            result++;
        }

        return result % 2 == 0;
    }

    private static int CountEscapes(string s, int start, int end)
    {
        var result = 0;
        var active = false;
        for (var i = start; i < end; i++)
        {
            active = !active && s[i] == '\\';
            if (active)
            {
                result++;
            }
        }

        return result;
    }

    internal static bool HasUnquotedWildcard(string wfn)
    {
        for (var i = 0; i < wfn.Length; i++)
        {
            if (wfn[i] == '\\')
            {
                i++;
            }
            else if (wfn[i] is '*' or '?')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Quotes plain text into WFN form (no wildcards).</summary>
    internal static string Quote(string plain)
    {
        var sb = new StringBuilder(plain.Length + 4);
        foreach (var c in plain)
        {
            var lower = char.ToLowerInvariant(c);
            if (char.IsAsciiLetterOrDigit(lower) || lower == '_')
            {
                sb.Append(lower);
            }
            else
            {
                sb.Append('\\').Append(lower);
            }
        }

        return sb.ToString();
    }

    private static bool TryParseFormattedString(string text, out Cpe? cpe, out string? error)
    {
        cpe = null;
        var fields = new List<string>(13);
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
            }
            else if (c == ':')
            {
                fields.Add(current.ToString());
                current.Clear();
                if (fields.Count > 13)
                {
                    break;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        if (fields.Count != 13)
        {
            error = $"a CPE 2.3 formatted string has 13 ':'-separated fields, found {fields.Count}";
            return false;
        }

        var values = new CpeValue[11];
        for (var i = 0; i < 11; i++)
        {
            if (!TryUnbindFormatted(fields[i + 2], out values[i], out var problem))
            {
                error = $"{(CpeField)i}: {problem}";
                return false;
            }
        }

        return Validate(values, out cpe, out error);
    }

    private static bool TryUnbindFormatted(string field, out CpeValue value, out string? error)
    {
        error = null;
        value = CpeValue.Any;
        if (field.Length == 0)
        {
            error = "empty field";
            return false;
        }

        if (field == "*")
        {
            return true;
        }

        if (field == "-")
        {
            value = CpeValue.NotApplicable;
            return true;
        }

        var sb = new StringBuilder(field.Length + 8);
        for (var i = 0; i < field.Length; i++)
        {
            var c = char.ToLowerInvariant(field[i]);
            if (c == '\\')
            {
                if (i + 1 >= field.Length)
                {
                    error = "trailing escape character";
                    return false;
                }

                var next = char.ToLowerInvariant(field[++i]);
                if (char.IsAsciiLetterOrDigit(next) || next == '_')
                {
                    sb.Append(next);
                }
                else
                {
                    sb.Append('\\').Append(next);
                }
            }
            else if (c is '*' or '?')
            {
                sb.Append(c);
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                sb.Append(c);
            }
            else if (Punctuation.Contains(c, StringComparison.Ordinal))
            {
                // '.', '-' are unquoted in the binding; other punctuation should have been escaped, which we
                // tolerate because vendors write it, quoting it as the WFN requires.
                sb.Append('\\').Append(c);
            }
            else
            {
                error = $"character '{c}' is not allowed";
                return false;
            }
        }

        var wfn = sb.ToString();
        if (!WildcardsOnlyAtEnds(wfn))
        {
            error = "wildcards '*' and '?' are allowed only at the start or end of a value";
            return false;
        }

        value = CpeValue.FromWfn(wfn);
        return true;
    }

    /// <summary>NISTIR 7695 §5.3.2: a single '*' or a run of '?' may open or close a value, nowhere else.</summary>
    private static bool WildcardsOnlyAtEnds(string wfn)
    {
        var i = 0;
        if (i < wfn.Length && wfn[i] == '*')
        {
            i++;
        }
        else
        {
            while (i < wfn.Length && wfn[i] == '?')
            {
                i++;
            }
        }

        var end = wfn.Length;
        if (end > i && wfn[end - 1] == '*' && (end < 2 || wfn[end - 2] != '\\'))
        {
            end--;
        }
        else
        {
            while (end > i && wfn[end - 1] == '?' && (end < 2 || wfn[end - 2] != '\\'))
            {
                end--;
            }
        }

        return !HasUnquotedWildcard(wfn[i..end]);
    }

    private static bool TryParseUri(string text, out Cpe? cpe, out string? error)
    {
        cpe = null;
        var body = text[5..];
        var comps = body.Split(':');
        if (comps.Length > 7)
        {
            error = $"a CPE 2.2 URI has at most 7 components, found {comps.Length}";
            return false;
        }

        var values = new CpeValue[11];
        Array.Fill(values, CpeValue.Any);
        for (var i = 0; i < comps.Length; i++)
        {
            if (i == (int)CpeField.Edition && comps[i].StartsWith('~'))
            {
                var packed = comps[i].Split('~');
                if (packed.Length != 6)
                {
                    error = "packed edition must have five '~'-separated parts";
                    return false;
                }

                var targets = new[] { CpeField.Edition, CpeField.SwEdition, CpeField.TargetSw, CpeField.TargetHw, CpeField.Other };
                for (var k = 0; k < 5; k++)
                {
                    if (!TryUnbindUriComponent(packed[k + 1], out values[(int)targets[k]], out var p))
                    {
                        error = $"{targets[k]}: {p}";
                        return false;
                    }
                }

                continue;
            }

            if (!TryUnbindUriComponent(comps[i], out values[i], out var problem))
            {
                error = $"{(CpeField)i}: {problem}";
                return false;
            }
        }

        return Validate(values, out cpe, out error);
    }

    private static bool TryUnbindUriComponent(string comp, out CpeValue value, out string? error)
    {
        error = null;
        value = CpeValue.Any;
        if (comp.Length == 0)
        {
            return true;
        }

        if (comp == "-")
        {
            value = CpeValue.NotApplicable;
            return true;
        }

        var sb = new StringBuilder(comp.Length + 8);
        for (var i = 0; i < comp.Length; i++)
        {
            var c = char.ToLowerInvariant(comp[i]);
            if (c == '%')
            {
                if (i + 2 >= comp.Length || PurlEncoding.HexValue(comp[i + 1]) < 0 || PurlEncoding.HexValue(comp[i + 2]) < 0)
                {
                    error = "invalid percent-encoding";
                    return false;
                }

                var decoded = (char)((PurlEncoding.HexValue(comp[i + 1]) << 4) | PurlEncoding.HexValue(comp[i + 2]));
                i += 2;
                if (decoded == '\u0001')
                {
                    sb.Append('?');
                }
                else if (decoded == '\u0002')
                {
                    sb.Append('*');
                }
                else if (Punctuation.Contains(decoded, StringComparison.Ordinal))
                {
                    sb.Append('\\').Append(decoded);
                }
                else
                {
                    error = $"percent-encoded character 0x{(int)decoded:X2} is not allowed";
                    return false;
                }
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                sb.Append(c);
            }
            else if (c is '.' or '-' or '~')
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                error = $"character '{c}' must be percent-encoded in a CPE URI";
                return false;
            }
        }

        value = CpeValue.FromWfn(sb.ToString());
        return true;
    }

    private static string UriComponent(CpeValue value)
    {
        switch (value.Kind)
        {
            case CpeValueKind.Any:
                return string.Empty;
            case CpeValueKind.NotApplicable:
                return "-";
        }

        var t = value.Text;
        var sb = new StringBuilder(t.Length + 8);
        for (var i = 0; i < t.Length; i++)
        {
            var c = t[i];
            if (c == '\\' && i + 1 < t.Length)
            {
                var next = t[++i];
                if (next is '.' or '-')
                {
                    sb.Append(next);
                }
                else
                {
                    sb.Append('%').Append(((int)next).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else if (c == '?')
            {
                sb.Append("%01");
            }
            else if (c == '*')
            {
                sb.Append("%02");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool Validate(CpeValue[] values, out Cpe? cpe, out string? error)
    {
        cpe = null;
        var part = values[(int)CpeField.Part];
        if (part.Kind == CpeValueKind.Value && part.Text is not ("a" or "o" or "h"))
        {
            error = $"part must be 'a', 'o' or 'h', found '{part.Unquoted()}'";
            return false;
        }

        if (part.IsNotApplicable)
        {
            error = "part cannot be NA";
            return false;
        }

        cpe = new Cpe(values);
        error = null;
        return true;
    }
}
