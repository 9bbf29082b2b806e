using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// RPM versions as <c>[epoch:]version[-release]</c> (Red Hat, SUSE, Alma, Rocky …).
/// <para>
/// librpm's <c>rpmvercmp</c> compares one string; <see cref="VerCmp"/> reproduces it exactly (segments of ASCII letters
/// or digits, everything else a separator including non-ASCII, <c>~</c> before everything including the end, <c>^</c>
/// after the end but before any further segment, numbers numerically at any length, a number newer than letters,
/// text ends at an embedded NUL as it does for a C string). <see cref="Compare"/> works on a full EVR the way rpm's
/// <c>rpmverCmp</c> does: epoch (leading digits before <c>:</c>, missing or empty = 0), then version, then release
/// (after the last <c>-</c>), each with rpmvercmp.
/// </para>
/// <para>
/// A missing release sorts before every release, <c>1.0 &lt; 1.0-~rc1</c>, as <c>rpmverCmp</c> orders packages; an
/// empty release (<c>1.0-</c>) is present and compared. rpm's dependency checks instead skip the release when a
/// bound has none (<c>1.0</c> satisfies <c>= 1.0-5</c>); that rule is not transitive, so range evaluation that wants
/// it must compare only epoch and version when the bound has no release.
/// </para>
/// </summary>
public sealed class RpmScheme : VersionScheme
{
    // Token bytes in rpmvercmp order: '~' < end < '^' < letters < number.
    private const byte Tilde = 1;
    private const byte End = 2;
    private const byte Caret = 3;
    private const byte Alpha = 4;
    private const byte Number = 5;

    // Compared at the same position only with each other, right after the version's End.
    private const byte ReleaseMissing = 0;
    private const byte ReleasePresent = 1;

    internal RpmScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Rpm;

    public override string Name => "rpm";

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        SplitEvr(a, out var ea, out var va, out var ra, out var hasA);
        SplitEvr(b, out var eb, out var vb, out var rb, out var hasB);
        var rc = VerCmp(ea, eb);
        if (rc == 0)
        {
            rc = VerCmp(va, vb);
        }

        if (rc == 0)
        {
            // rpmverCmp: "always sort the package w/o release before the same with".
            rc = hasA && hasB ? VerCmp(ra, rb) : hasA.CompareTo(hasB);
        }

        return rc;
    }

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        SplitEvr(text, out var epoch, out var version, out var release, out var hasRelease);
        if (version.IsEmpty)
        {
            problem = "empty version";
            return false;
        }

        var w = new ArrayBufferWriter<byte>(text.Length + 16);
        AppendTokens(epoch, w);
        AppendTokens(version, w);

        // A missing release sorts before every release, "~" included: its marker is below the present one's.
        w.Put(hasRelease ? ReleasePresent : ReleaseMissing);
        if (hasRelease)
        {
            AppendTokens(release, w);
        }
        key = MakeKey(text, w.WrittenSpan.ToArray());
        return true;
    }

    /// <summary>Splits like rpm's parseEVR; a missing epoch is "0", a missing release is empty.</summary>
    public static void SplitEvr(ReadOnlySpan<char> evr, out ReadOnlySpan<char> epoch, out ReadOnlySpan<char> version, out ReadOnlySpan<char> release) =>
        SplitEvr(evr, out epoch, out version, out release, out _);

    /// <summary>As above; <paramref name="hasRelease"/> tells a missing release ("1.0") from an empty one ("1.0-").</summary>
    public static void SplitEvr(ReadOnlySpan<char> evr, out ReadOnlySpan<char> epoch, out ReadOnlySpan<char> version, out ReadOnlySpan<char> release, out bool hasRelease)
    {
        evr = UntilNul(evr);
        var digits = 0;
        while (digits < evr.Length && VersionText.IsAsciiDigit(evr[digits]))
        {
            digits++;
        }

        var dash = evr[digits..].LastIndexOf('-');
        var versionEnd = dash >= 0 ? digits + dash : evr.Length;
        release = dash >= 0 ? evr[(versionEnd + 1)..] : [];
        hasRelease = dash >= 0;
        if (digits < evr.Length && evr[digits] == ':')
        {
            epoch = digits == 0 ? "0" : evr[..digits];
            version = evr[(digits + 1)..versionEnd];
        }
        else
        {
            epoch = "0";
            version = evr[..versionEnd];
        }
    }

    /// <summary>librpm's rpmvercmp on one string each; returns -1, 0 or 1.</summary>
    public static int VerCmp(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = UntilNul(a);
        b = UntilNul(b);
        if (a.SequenceEqual(b))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && IsSeparator(a[i]))
            {
                i++;
            }

            while (j < b.Length && IsSeparator(b[j]))
            {
                j++;
            }

            var ca = i < a.Length ? a[i] : '\0';
            var cb = j < b.Length ? b[j] : '\0';
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }

                if (cb != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '^' || cb == '^')
            {
                if (ca == '\0')
                {
                    return -1;
                }

                if (cb == '\0')
                {
                    return 1;
                }

                if (ca != '^')
                {
                    return 1;
                }

                if (cb != '^')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '\0' || cb == '\0')
            {
                break;
            }

            int si = i, sj = j;
            var isNumber = VersionText.IsAsciiDigit(ca);
            if (isNumber)
            {
                while (i < a.Length && VersionText.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && VersionText.IsAsciiDigit(b[j]))
                {
                    j++;
                }
            }
            else
            {
                while (i < a.Length && VersionText.IsAsciiLetter(a[i]))
                {
                    i++;
                }

                while (j < b.Length && VersionText.IsAsciiLetter(b[j]))
                {
                    j++;
                }
            }

            if (sj == j)
            {
                return isNumber ? 1 : -1;
            }

            var rc = isNumber ? KeyWriter.CompareDigits(a[si..i], b[sj..j]) : Math.Sign(a[si..i].SequenceCompareTo(b[sj..j]));
            if (rc != 0)
            {
                return rc;
            }
        }

        if (i >= a.Length && j >= b.Length)
        {
            return 0;
        }

        return i >= a.Length ? -1 : 1;
    }

    /// <summary>Sort key of one rpmvercmp string: its tokens, then End.</summary>
    internal static void AppendTokens(ReadOnlySpan<char> s, ArrayBufferWriter<byte> w)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '~')
            {
                w.Put(Tilde);
                i++;
            }
            else if (c == '^')
            {
                w.Put(Caret);
                i++;
            }
            else if (VersionText.IsAsciiDigit(c))
            {
                var start = i;
                while (i < s.Length && VersionText.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                w.Put(Number);
                w.PutNumber(s[start..i]);
            }
            else if (VersionText.IsAsciiLetter(c))
            {
                var start = i;
                while (i < s.Length && VersionText.IsAsciiLetter(s[i]))
                {
                    i++;
                }

                w.Put(Alpha);
                w.PutText(s[start..i]);
            }
            else
            {
                i++;
            }
        }

        w.Put(End);
    }

    private static bool IsSeparator(char c) => !VersionText.IsAsciiDigit(c) && !VersionText.IsAsciiLetter(c) && c != '~' && c != '^';

    private static ReadOnlySpan<char> UntilNul(ReadOnlySpan<char> s)
    {
        var nul = s.IndexOf('\0');
        return nul >= 0 ? s[..nul] : s;
    }
}
