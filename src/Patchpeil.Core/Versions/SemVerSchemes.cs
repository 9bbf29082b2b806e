using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>Which SemVer dialect a <see cref="SemVerFamilyScheme"/> parses.</summary>
internal sealed record SemVerRules(
    int MinParts,
    int MaxParts,
    bool VPrefixRequired,
    bool LoosePrefix,
    bool LeadingZeros,
    bool OptionalHyphen,
    bool IgnoreCase,
    bool Int32Parts,
    bool InvalidAllEqual);

/// <summary>
/// The SemVer 2.0 family: <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>, precedence per semver.org §11 (numbers
/// numerically at any length, a pre-release before its release, identifiers numeric &lt; alphanumeric, alphanumeric in
/// ASCII order, a shorter identifier list first), build metadata ignored for order.
/// <para>
/// <see cref="VersionScheme.Compare"/> on text that does not parse: invalid text sorts before every valid version, and
/// invalid texts compare by ordinal text among themselves (Go: all invalid texts are equal, as in
/// golang.org/x/mod/semver). That is a total order, so sorting never breaks on garbage.
/// </para>
/// </summary>
public class SemVerFamilyScheme : VersionScheme
{
    private readonly SemVerRules _rules;

    private protected SemVerFamilyScheme(VersionSchemeKind kind, string name, SemVerRules rules)
    {
        Kind = kind;
        Name = name;
        _rules = rules;
    }

    public override VersionSchemeKind Kind { get; }

    public override string Name { get; }

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var pa = Parse(a, _rules, out var ea);
        var pb = Parse(b, _rules, out var eb);
        if (ea is not null || eb is not null)
        {
            if (ea is not null && eb is not null)
            {
                return _rules.InvalidAllEqual ? 0 : Math.Sign(a.SequenceCompareTo(b));
            }

            return ea is not null ? -1 : 1;
        }

        return CompareParts(pa, pb, _rules);
    }

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        var parts = Parse(text, _rules, out problem);
        if (problem is not null)
        {
            return false;
        }

        var w = new ArrayBufferWriter<byte>(text.Length + 16);
        for (var i = 0; i < _rules.MaxParts; i++)
        {
            w.PutNumber(parts.Part(i));
        }

        if (parts.Prerelease.IsEmpty)
        {
            w.Put(2);
        }
        else
        {
            w.Put(1);
            foreach (var range in parts.Prerelease.Split('.'))
            {
                var id = parts.Prerelease[range];
                if (IsNumeric(id))
                {
                    w.Put(1);
                    w.PutNumber(id);
                }
                else
                {
                    w.Put(2);
                    var span = w.GetSpan(id.Length + 1);
                    for (var i = 0; i < id.Length; i++)
                    {
                        span[i] = (byte)(_rules.IgnoreCase ? char.ToUpperInvariant(id[i]) : id[i]);
                    }

                    span[id.Length] = 0;
                    w.Advance(id.Length + 1);
                }
            }

            w.Put(0);
        }

        key = MakeKey(text, w.WrittenSpan.ToArray());
        return true;
    }

    internal readonly ref struct Parts
    {
        public ReadOnlySpan<char> P0 { get; init; }

        public ReadOnlySpan<char> P1 { get; init; }

        public ReadOnlySpan<char> P2 { get; init; }

        public ReadOnlySpan<char> P3 { get; init; }

        public ReadOnlySpan<char> Prerelease { get; init; }

        public ReadOnlySpan<char> Build { get; init; }

        public ReadOnlySpan<char> Part(int i) => i switch { 0 => P0, 1 => P1, 2 => P2, _ => P3 };
    }

    internal static Parts Parse(ReadOnlySpan<char> s, SemVerRules rules, out string? problem)
    {
        problem = null;
        if (rules.LoosePrefix)
        {
            s = s.Trim();
            var start = s.IndexOfAnyExcept(LoosePrefixChars);
            s = start < 0 ? [] : s[start..];
        }
        else if (rules.VPrefixRequired)
        {
            if (s.IsEmpty || s[0] != 'v')
            {
                problem = s.IsEmpty ? "empty version" : "missing 'v' prefix";
                return default;
            }

            s = s[1..];
        }

        if (s.IsEmpty)
        {
            problem = "empty version";
            return default;
        }

        var build = ReadOnlySpan<char>.Empty;
        var plus = s.IndexOf('+');
        if (plus >= 0)
        {
            build = s[(plus + 1)..];
            s = s[..plus];
            problem = CheckIdentifiers(build, isBuild: true, rules);
            if (problem is not null)
            {
                return default;
            }
        }

        var core = s;
        var pre = ReadOnlySpan<char>.Empty;
        var hasPre = false;
        var hyphen = s.IndexOf('-');
        if (hyphen >= 0)
        {
            core = s[..hyphen];
            pre = s[(hyphen + 1)..];
            hasPre = true;
        }

        if (rules.OptionalHyphen)
        {
            // node-semver loose: "1.2.3beta" has the pre-release "beta".
            var letter = core.IndexOfAnyExcept(DigitsAndDot);
            if (letter > 0)
            {
                pre = hasPre ? s[letter..] : core[letter..];
                core = core[..letter];
                hasPre = true;
            }
        }

        Span<Range> ranges = stackalloc Range[5];
        var count = core.Split(ranges, '.');
        if (count < rules.MinParts || count > rules.MaxParts)
        {
            problem = count > rules.MaxParts ? "too many numeric parts" : "too few numeric parts";
            return default;
        }

        if (hasPre && count < 3 && rules.VPrefixRequired)
        {
            problem = "pre-release needs major.minor.patch";
            return default;
        }

        for (var i = 0; i < count; i++)
        {
            var part = core[ranges[i]];
            if (part.IsEmpty)
            {
                problem = "empty numeric part";
                return default;
            }

            if (!VersionText.AllDigits(part))
            {
                problem = "non-digit in numeric part";
                return default;
            }

            if (!rules.LeadingZeros && part.Length > 1 && part[0] == '0')
            {
                problem = "leading zero in numeric part";
                return default;
            }

            if (rules.Int32Parts && KeyWriter.CompareDigits(part, "2147483647") > 0)
            {
                problem = "numeric part too large";
                return default;
            }
        }

        if (hasPre)
        {
            problem = CheckIdentifiers(pre, isBuild: false, rules);
            if (problem is not null)
            {
                return default;
            }
        }

        return new Parts
        {
            P0 = core[ranges[0]],
            P1 = count > 1 ? core[ranges[1]] : [],
            P2 = count > 2 ? core[ranges[2]] : [],
            P3 = count > 3 ? core[ranges[3]] : [],
            Prerelease = pre,
            Build = build,
        };
    }

    // Constant messages: the raw comparison parses too and must not allocate.
    private static string? CheckIdentifiers(ReadOnlySpan<char> ids, bool isBuild, SemVerRules rules)
    {
        foreach (var range in ids.Split('.'))
        {
            var id = ids[range];
            if (id.IsEmpty)
            {
                return isBuild ? "empty build metadata identifier" : "empty pre-release identifier";
            }

            if (id.IndexOfAnyExcept(IdentifierChars) >= 0)
            {
                return isBuild ? "invalid character in build metadata" : "invalid character in pre-release";
            }

            if (!isBuild && !rules.LeadingZeros && id.Length > 1 && id[0] == '0' && IsNumeric(id))
            {
                return "leading zero in numeric pre-release identifier";
            }
        }

        return null;
    }

    private static readonly SearchValues<char> DigitsAndDot = SearchValues.Create("0123456789.");

    private static readonly SearchValues<char> LoosePrefixChars = SearchValues.Create("v= \t");

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-");

    private static bool IsNumeric(ReadOnlySpan<char> id) => VersionText.AllDigits(id);

    private static int CompareParts(Parts a, Parts b, SemVerRules rules)
    {
        for (var i = 0; i < rules.MaxParts; i++)
        {
            var rc = KeyWriter.CompareDigits(a.Part(i), b.Part(i));
            if (rc != 0)
            {
                return rc;
            }
        }

        if (a.Prerelease.IsEmpty || b.Prerelease.IsEmpty)
        {
            return a.Prerelease.IsEmpty == b.Prerelease.IsEmpty ? 0 : a.Prerelease.IsEmpty ? 1 : -1;
        }

        var ea = a.Prerelease.Split('.');
        var eb = b.Prerelease.Split('.');
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA == hasB ? 0 : hasA ? 1 : -1;
            }

            var ia = a.Prerelease[ea.Current];
            var ib = b.Prerelease[eb.Current];
            var na = IsNumeric(ia);
            var nb = IsNumeric(ib);
            int rc;
            if (na && nb)
            {
                rc = KeyWriter.CompareDigits(ia, ib);
            }
            else if (na != nb)
            {
                rc = na ? -1 : 1;
            }
            else
            {
                rc = rules.IgnoreCase ? CompareIgnoreCase(ia, ib) : Math.Sign(ia.SequenceCompareTo(ib));
            }

            if (rc != 0)
            {
                return rc;
            }
        }
    }

    private static int CompareIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = char.ToUpperInvariant(a[i]);
            var cb = char.ToUpperInvariant(b[i]);
            if (ca != cb)
            {
                return ca < cb ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }
}

/// <summary>Strict SemVer 2.0.0 (semver.org): exactly three parts, no leading zeros, no prefix.</summary>
public sealed class SemVerScheme() : SemVerFamilyScheme(VersionSchemeKind.SemVer, "semver",
    new SemVerRules(3, 3, VPrefixRequired: false, LoosePrefix: false, LeadingZeros: false, OptionalHyphen: false, IgnoreCase: false, Int32Parts: false, InvalidAllEqual: false));

/// <summary>
/// npm (node-semver with <c>loose: true</c>): leading <c>v</c>/<c>=</c> and surrounding whitespace allowed, leading
/// zeros allowed (<c>01</c> == <c>1</c>), the pre-release hyphen optional (<c>1.2.3beta</c>). Deviation: numbers are
/// compared exactly at any size, where node-semver rejects numbers above 2^53.
/// </summary>
public sealed class NpmScheme() : SemVerFamilyScheme(VersionSchemeKind.Npm, "npm",
    new SemVerRules(3, 3, VPrefixRequired: false, LoosePrefix: true, LeadingZeros: true, OptionalHyphen: true, IgnoreCase: false, Int32Parts: false, InvalidAllEqual: false));

/// <summary>
/// NuGet (NuGet.Versioning's default comparer): one to four numeric parts, each a non-negative Int32, missing parts 0
/// (<c>1.0</c> == <c>1.0.0.0</c>), leading zeros allowed, pre-release labels compared case-insensitively (numeric labels
/// numerically), metadata ignored.
/// </summary>
public sealed class NuGetScheme() : SemVerFamilyScheme(VersionSchemeKind.NuGet, "nuget", NuGetRules)
{
    private static readonly SemVerRules NuGetRules =
        new(1, 4, VPrefixRequired: false, LoosePrefix: false, LeadingZeros: true, OptionalHyphen: false, IgnoreCase: true, Int32Parts: true, InvalidAllEqual: false);

    /// <summary>
    /// NuGet's normalized form (<c>ToNormalizedString</c>): three parts, a fourth only when non-zero, leading zeros
    /// dropped, release labels as written, metadata left out (<c>1.0</c> → <c>1.0.0</c>, <c>01.02.0.0-Beta</c> →
    /// <c>1.2.0-Beta</c>, <c>1.0.0.4+abc</c> → <c>1.0.0.4</c>).
    /// </summary>
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? normalized, out string? problem)
    {
        normalized = null;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        var parts = Parse(text, NuGetRules, out problem);
        if (problem is not null)
        {
            return false;
        }

        var sb = new System.Text.StringBuilder(text.Length + 6);
        sb.Append(Number(parts.P0)).Append('.').Append(Number(parts.P1)).Append('.').Append(Number(parts.P2));
        if (!Number(parts.P3).SequenceEqual("0"))
        {
            sb.Append('.').Append(Number(parts.P3));
        }

        if (!parts.Prerelease.IsEmpty)
        {
            sb.Append('-').Append(parts.Prerelease);
        }

        normalized = sb.ToString();
        return true;

        static ReadOnlySpan<char> Number(ReadOnlySpan<char> digits)
        {
            var trimmed = digits.TrimStart('0');
            return trimmed.IsEmpty ? "0" : trimmed;
        }
    }
}

/// <summary>
/// Go modules (golang.org/x/mod/semver): <c>v</c> prefix required, <c>v1</c> and <c>v1.2</c> are shorthands for
/// <c>v1.0.0</c>/<c>v1.2.0</c>, pseudo-versions (<c>v0.0.0-20191109021931-daa7c04131f5</c>) are ordinary pre-releases and
/// <c>+incompatible</c> is build metadata (ignored). All invalid texts compare equal and before valid ones, as in Go.
/// </summary>
public sealed class GoScheme() : SemVerFamilyScheme(VersionSchemeKind.Go, "go",
    new SemVerRules(1, 3, VPrefixRequired: true, LoosePrefix: false, LeadingZeros: false, OptionalHyphen: false, IgnoreCase: false, Int32Parts: false, InvalidAllEqual: true));
