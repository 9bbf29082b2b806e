using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Debian/Ubuntu versions, <c>[epoch:]upstream[-revision]</c>, ordered exactly like libapt-pkg's
/// <c>debVS.CmpVersion</c> (apt-pkg/deb/debversion.cc; checked against libapt-pkg 2.6.2 on 20 000 hostile pairs),
/// including its answers for malformed text:
/// <list type="bullet">
/// <item>the epoch is the text before the first <c>:</c> unless that colon is the first character (then the colon
/// belongs to the upstream version); an all-zero epoch is no epoch;</item>
/// <item>the revision is the text after the last <c>-</c>; when that <c>-</c> is the first character of the upstream
/// version, the upstream is empty and there is no revision, so apt ignores the rest (<c>-5</c> == <c>""</c>); a
/// missing revision compares as <c>"0"</c>, but an empty one (<c>"1.0-"</c>) is older than <c>"0"</c>, because apt
/// treats an empty part as older than any non-empty part that does not start with <c>~</c> (dpkg would call
/// <c>1.0-</c> equal to <c>1.0</c>; we follow apt);</item>
/// <item>within a part: runs of non-digits compare character by character with <c>~</c> &lt; end &lt; letters &lt;
/// bytes ≥ 0x80 &lt; other ASCII; digit runs compare numerically at any length;</item>
/// <item>text is compared as UTF-8 bytes (a lone surrogate becomes U+FFFD, as .NET's encoder does); an embedded NUL
/// behaves as in apt's <c>std::string</c> overload (weight of a digit in a non-digit run).</item>
/// </list>
/// <see cref="TryParse"/> rejects what dpkg rejects as an error (empty upstream, non-numeric or too big epoch,
/// whitespace, control characters); dpkg's warnings (invalid characters, upstream not starting with a digit) are
/// accepted.
/// </summary>
public sealed class DebScheme : VersionScheme
{
    // Key bytes. Non-digit characters map to a rank in apt's order; these markers sit around them.
    private const byte TildeRank = 1;
    private const byte EmptyPart = 2;    // an empty epoch/upstream/revision: above '~…', below everything else
    private const byte RunEnd = 3;       // end of a non-digit run and end of a part (apt's weight 0)
    private const int StackLimit = 256;
    private const int NonAscii = int.MinValue; // "redo in UTF-8"; apt's results stay within ±512

    private static readonly byte[] Rank = BuildRanks();

    internal DebScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Deb;

    public override string Name => "deb";

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
        {
            return 0; // common in real data and a vectorised check
        }

        // Compare as chars; only when a non-ASCII character is actually reached does the UTF-8 form decide (apt sees
        // bytes). Everything before that point is ASCII and sits at the same place in both forms.
        var result = CmpVersion(a, b);
        if (result != NonAscii)
        {
            return Math.Sign(result);
        }

        return CompareUtf8(a, b);
    }

    /// <summary>apt's comparison on UTF-8 bytes, the form apt sees.</summary>
    public static int CompareUtf8Bytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Sign(CmpVersion(a, b));

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = VersionText.Check(text) ?? CheckDpkgErrors(text);
        if (problem is not null)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var writer = new ArrayBufferWriter<byte>(bytes.Length + 16);
        BuildKey(bytes, writer);
        key = MakeKey(text, writer.WrittenSpan.ToArray());
        return true;
    }

    /// <summary>
    /// dpkg's parseversion: splits into epoch, upstream and revision after trimming surrounding whitespace.
    /// Returns false with the error dpkg would give; <paramref name="warning"/> carries dpkg's non-fatal complaints.
    /// </summary>
    public static bool TrySplit(
        string text,
        out int epoch,
        out string upstream,
        out string revision,
        out string? warning,
        [NotNullWhen(false)] out string? problem)
    {
        epoch = 0;
        upstream = revision = string.Empty;
        warning = null;
        var s = (text ?? string.Empty).AsSpan().Trim(" \t\r\n\f\v");
        if (s.IsEmpty)
        {
            problem = "version string is empty";
            return false;
        }

        if (s.IndexOfAny(Spaces) >= 0)
        {
            problem = "version string has embedded spaces";
            return false;
        }

        var colon = s.IndexOf(':');
        if (colon >= 0)
        {
            problem = ParseEpoch(s[..colon], out epoch);
            if (problem is not null)
            {
                return false;
            }

            s = s[(colon + 1)..];
            if (s.IsEmpty)
            {
                problem = "nothing after colon in version number";
                return false;
            }
        }

        var hyphen = s.LastIndexOf('-');
        var up = hyphen >= 0 ? s[..hyphen] : s;
        var rev = hyphen >= 0 ? s[(hyphen + 1)..] : [];
        if (up.IsEmpty)
        {
            problem = "version number is empty";
            return false;
        }

        if (!VersionText.IsAsciiDigit(up[0]))
        {
            warning = "version number does not start with digit";
        }
        else if (up.IndexOfAnyExcept(UpstreamChars) >= 0)
        {
            warning = "invalid character in version number";
        }
        else if (rev.IndexOfAnyExcept(RevisionChars) >= 0)
        {
            warning = "invalid character in revision number";
        }

        upstream = up.ToString();
        revision = rev.ToString();
        problem = null;
        return true;
    }

    private static readonly SearchValues<char> Spaces = SearchValues.Create(" \t\r\n\f\v");

    private static readonly SearchValues<char> UpstreamChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+~:");

    private static readonly SearchValues<char> RevisionChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+~");

    private static string? ParseEpoch(ReadOnlySpan<char> epochText, out int epoch)
    {
        epoch = 0;
        if (epochText.IsEmpty)
        {
            return "epoch in version is empty";
        }

        if (epochText[0] == '-')
        {
            return "epoch in version is negative";
        }

        foreach (var c in epochText)
        {
            if (!VersionText.IsAsciiDigit(c))
            {
                return "epoch in version is not number";
            }
        }

        return int.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out epoch)
            ? null
            : "epoch in version is too big";
    }

    private static string? CheckDpkgErrors(string text)
    {
        // Whitespace was already rejected, so dpkg's parse can only fail on the epoch or an empty part.
        return TrySplit(text, out _, out _, out _, out _, out var problem) ? null : problem;
    }

    private static int CompareUtf8(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        byte[]? rentedA = null;
        byte[]? rentedB = null;
        try
        {
            var lenA = Encoding.UTF8.GetMaxByteCount(a.Length);
            var lenB = Encoding.UTF8.GetMaxByteCount(b.Length);
            Span<byte> bufA = lenA <= StackLimit ? stackalloc byte[lenA] : (rentedA = ArrayPool<byte>.Shared.Rent(lenA));
            Span<byte> bufB = lenB <= StackLimit ? stackalloc byte[lenB] : (rentedB = ArrayPool<byte>.Shared.Rent(lenB));
            var na = Encoding.UTF8.GetBytes(a, bufA);
            var nb = Encoding.UTF8.GetBytes(b, bufB);
            return Math.Sign(CmpVersion<byte>(bufA[..na], bufB[..nb]));
        }
        finally
        {
            if (rentedA is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedA);
            }

            if (rentedB is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedB);
            }
        }
    }

    // ---- apt's algorithm, transcribed index-for-pointer. At() returns 0 outside the text, like reading
    // ---- a terminating NUL (apt reads one character past a part's end, and before the start for "").

    // T is char or byte; the typeof tests fold away per instantiation (int.CreateTruncating did not inline).
    private static int At<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        if ((uint)i >= (uint)s.Length)
        {
            return 0;
        }

        var value = s[i];
        return typeof(T) == typeof(char) ? Unsafe.As<T, char>(ref value) : Unsafe.As<T, byte>(ref value);
    }

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    // apt: '~' → -1, digit or NUL → 0, letter → c, else (signed char) c + 256; bytes ≥ 0x80 are negative chars,
    // so their weight is the unsigned byte value.
    private static int Order(int c) =>
        c == '~' ? -1
        : IsDigit(c) || c == 0 ? 0
        : VersionText.IsAsciiLetter(c) ? c
        : c >= 0x80 ? c
        : c + 256;

    private static int CmpFragment<T>(ReadOnlySpan<T> sa, int a, int aEnd, ReadOnlySpan<T> sb, int b, int bEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (a >= aEnd && b >= bEnd)
        {
            return 0;
        }

        if (a >= aEnd)
        {
            return At(sb, b) == '~' ? 1 : -1;
        }

        if (b >= bEnd)
        {
            return At(sa, a) == '~' ? -1 : 1;
        }

        // Same steps as apt's loop; the current characters are kept in ca/cb instead of re-read.
        var lhs = a;
        var rhs = b;
        var ca = At(sa, lhs);
        var cb = At(sb, rhs);
        while (lhs != aEnd && rhs != bEnd)
        {
            var firstDiff = 0;
            while (lhs != aEnd && rhs != bEnd && (!IsDigit(ca) || !IsDigit(cb)))
            {
                if (typeof(T) == typeof(char) && (uint)(ca | cb) >= 0x80)
                {
                    return NonAscii;
                }

                var vc = OrderTable[ca];
                var rc = OrderTable[cb];
                if (vc != rc)
                {
                    return vc - rc;
                }

                ca = At(sa, ++lhs);
                cb = At(sb, ++rhs);
            }

            while (ca == '0')
            {
                ca = At(sa, ++lhs);
            }

            while (cb == '0')
            {
                cb = At(sb, ++rhs);
            }

            while (IsDigit(ca) && IsDigit(cb))
            {
                if (firstDiff == 0)
                {
                    firstDiff = ca - cb;
                }

                ca = At(sa, ++lhs);
                cb = At(sb, ++rhs);
            }

            if (IsDigit(ca))
            {
                return 1;
            }

            if (IsDigit(cb))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }

        if (lhs == aEnd && rhs == bEnd)
        {
            return 0;
        }

        if (lhs == aEnd)
        {
            return cb == '~' ? 1 : -1;
        }

        if (rhs == bEnd)
        {
            return ca == '~' ? -1 : 1;
        }

        return 1;
    }

    // apt's order() for every value a character can have here (ASCII chars, or UTF-8 bytes).
    private static readonly int[] OrderTable = [.. Enumerable.Range(0, 256).Select(Order)];

    private static int CmpVersion<T>(ReadOnlySpan<T> sa, ReadOnlySpan<T> sb)
        where T : unmanaged, IBinaryInteger<T>
    {
        Split(sa, out var ea, out var eaEnd, out var ua, out var uaEnd, out var ra, out var hasRevA);
        Split(sb, out var eb, out var ebEnd, out var ub, out var ubEnd, out var rb, out var hasRevB);
        return CmpParts(sa, sb, new Parts(ea, eaEnd, ua, uaEnd, ra, hasRevA), new Parts(eb, ebEnd, ub, ubEnd, rb, hasRevB));
    }


    private readonly record struct Parts(int E, int EEnd, int U, int UEnd, int R, bool HasRevision);

    private static int CmpParts<T>(ReadOnlySpan<T> sa, ReadOnlySpan<T> sb, in Parts pa, in Parts pb)
        where T : unmanaged, IBinaryInteger<T>
    {
        var (ea, eaEnd, ua, uaEnd, ra, hasRevA) = pa;
        var (eb, ebEnd, ub, ubEnd, rb, hasRevB) = pb;

        var res = CmpFragment(sa, ea, eaEnd, sb, eb, ebEnd);
        if (res != 0)
        {
            return res;
        }

        res = CmpFragment(sa, ua, uaEnd, sb, ub, ubEnd);
        if (res != 0)
        {
            return res;
        }

        // A missing revision compares as the literal "0" (its own buffer, NUL-terminated).
        ReadOnlySpan<T> zero = [T.CreateTruncating('0')];
        if (hasRevA && hasRevB)
        {
            return CmpFragment(sa, ra, sa.Length, sb, rb, sb.Length);
        }

        if (hasRevA)
        {
            return CmpFragment(sa, ra, sa.Length, zero, 0, 1);
        }

        if (hasRevB)
        {
            return CmpFragment(zero, 0, 1, sb, rb, sb.Length);
        }

        return 0;
    }

    /// <summary>apt's DoCmpVersion split, per string: epoch [e, eEnd), upstream [u, uEnd), revision [r, end).</summary>
    private static void Split<T>(ReadOnlySpan<T> s, out int e, out int eEnd, out int u, out int uEnd, out int r, out bool hasRevision)
        where T : unmanaged, IBinaryInteger<T>
    {
        var start = 0;
        var lhs = s.IndexOf(T.CreateTruncating(':'));
        if (lhs < 0)
        {
            lhs = 0;
        }

        if (lhs != start)
        {
            while (At(s, start) == '0')
            {
                start++;
            }

            if (start == lhs)
            {
                start++;
                lhs++;
            }
        }

        e = start;
        eEnd = lhs;
        if (lhs != start)
        {
            lhs++;
        }

        // memrchr over [lhs, end): a '-' that is the first upstream character still counts, which leaves an empty
        // upstream and (as the character before it is not '-') no revision: apt then ignores the rest ("-5" == "").
        var end = s.Length;
        var last = s[lhs..].LastIndexOf(T.CreateTruncating('-'));
        var dlhs = last >= 0 ? lhs + last : end;
        u = lhs;
        uEnd = dlhs;
        if (dlhs != lhs)
        {
            dlhs++;
        }

        r = dlhs;
        hasRevision = At(s, dlhs - 1) == '-';
    }

    // ---- Sort key: per part (epoch, upstream, revision-or-"0"): empty → EmptyPart; otherwise alternating
    // ---- non-digit runs (ranked characters, then RunEnd) and digit runs (length of the number without leading
    // ---- zeros, then its digits), then RunEnd for the part's end. See docs in the tests for the proof sketch.

    private static void BuildKey(ReadOnlySpan<byte> s, ArrayBufferWriter<byte> w)
    {
        Split(s, out var e, out var eEnd, out var u, out var uEnd, out var r, out var hasRevision);
        AppendPart(s, e, eEnd, w);
        AppendPart(s, u, uEnd, w);
        if (hasRevision)
        {
            AppendPart(s, r, s.Length, w);
        }
        else
        {
            AppendPart("0"u8, 0, 1, w);
        }
    }

    private static void AppendPart(ReadOnlySpan<byte> s, int start, int end, ArrayBufferWriter<byte> w)
    {
        if (start >= end)
        {
            Put(w, EmptyPart);
            return;
        }

        var i = start;
        while (i < end)
        {
            while (i < end && !IsDigit(s[i]))
            {
                Put(w, Rank[s[i]]);
                i++;
            }

            Put(w, RunEnd);
            while (i < end && s[i] == '0')
            {
                i++;
            }

            var digits = i;
            while (i < end && IsDigit(s[i]))
            {
                i++;
            }

            AppendNumber(s[digits..i], w);
        }

        Put(w, RunEnd);
    }

    /// <summary>Order-preserving digit string without leading zeros: length (1 byte below 240, else 0xF0 + 4 bytes) then digits.</summary>
    internal static void AppendNumber(ReadOnlySpan<byte> digits, IBufferWriter<byte> w)
    {
        var n = digits.Length;
        if (n < 0xF0)
        {
            Put(w, (byte)n);
        }
        else
        {
            var span = w.GetSpan(5);
            span[0] = 0xF0;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[1..], n);
            w.Advance(5);
        }

        w.Write(digits);
    }

    private static void Put(IBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    private static byte[] BuildRanks()
    {
        // Every byte that can occur in a non-digit run, sorted by apt's weight; ranks start above the markers.
        var ranks = new byte[256];
        var candidates = Enumerable.Range(1, 255).Where(c => !IsDigit(c) && c != '~').OrderBy(Order).ToArray();
        var next = RunEnd + 1;
        foreach (var c in candidates)
        {
            ranks[c] = (byte)next++;
        }

        ranks['~'] = TildeRank;
        return ranks;
    }
}
