using System.Buffers;
using System.Buffers.Binary;

namespace Patchpeil.Core.Versions;

/// <summary>Small helpers for building order-preserving sort keys.</summary>
internal static class KeyWriter
{
    public static void Put(this ArrayBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    /// <summary>
    /// An unbounded non-negative decimal number given as ASCII digits: leading zeros dropped, then the digit count
    /// (one byte below 0xF0, else 0xF0 and four bytes) and the digits, so byte order is numeric order at any length.
    /// </summary>
    public static void PutNumber(this ArrayBufferWriter<byte> w, ReadOnlySpan<char> digits)
    {
        var start = 0;
        while (start < digits.Length && digits[start] == '0')
        {
            start++;
        }

        var n = digits.Length - start;
        PutLength(w, n);
        var span = w.GetSpan(n);
        for (var i = 0; i < n; i++)
        {
            span[i] = (byte)digits[start + i];
        }

        w.Advance(n);
    }

    public static void PutNumber(this ArrayBufferWriter<byte> w, ulong value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        PutNumber(w, digits[..written]);
    }

    public static void PutLength(this ArrayBufferWriter<byte> w, int n)
    {
        if (n < 0xF0)
        {
            w.Put((byte)n);
        }
        else
        {
            var span = w.GetSpan(5);
            span[0] = 0xF0;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], n);
            w.Advance(5);
        }
    }

    /// <summary>ASCII text followed by a 0x00 terminator, so a prefix sorts first.</summary>
    public static void PutText(this ArrayBufferWriter<byte> w, ReadOnlySpan<char> text)
    {
        var span = w.GetSpan(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        span[text.Length] = 0;
        w.Advance(text.Length + 1);
    }

    /// <summary>Compares two digit strings numerically (leading zeros ignored, any length).</summary>
    public static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length)
        {
            return a.Length < b.Length ? -1 : 1;
        }

        return Math.Sign(a.SequenceCompareTo(b));
    }
}
