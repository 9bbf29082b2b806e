using System.Text;

namespace Patchpeil.Core.Identities;

/// <summary>Percent-encoding as ECMA-427 defines it: everything but ALPHA / DIGIT / ".-_~" and ':' is encoded.</summary>
internal static class PurlEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsUnreserved(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_' or '~';

    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (!IsUnreserved(c) && c != ':')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (b < 0x80 && (IsUnreserved(c) || c == ':'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes %XX triplets; fails on a broken triplet or on bytes that are not UTF-8.</summary>
    public static bool TryDecode(ReadOnlySpan<char> value, out string decoded, out string? error)
    {
        error = null;
        if (value.IndexOf('%') < 0)
        {
            decoded = value.ToString();
            return true;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> buffer = stackalloc byte[8];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || HexValue(value[i + 1]) < 0 || HexValue(value[i + 2]) < 0)
                {
                    decoded = string.Empty;
                    error = "invalid percent-encoding";
                    return false;
                }

                bytes.Add((byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var count = Encoding.UTF8.GetBytes(value.Slice(i++, 2), buffer);
                for (var k = 0; k < count; k++)
                {
                    bytes.Add(buffer[k]);
                }
            }
            else if (char.IsSurrogate(c))
            {
                decoded = string.Empty;
                error = "invalid UTF-16 (unpaired surrogate)";
                return false;
            }
            else
            {
                var count = Encoding.UTF8.GetBytes(value.Slice(i, 1), buffer);
                for (var k = 0; k < count; k++)
                {
                    bytes.Add(buffer[k]);
                }
            }
        }

        try
        {
            decoded = StrictUtf8.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = string.Empty;
            error = "percent-encoded bytes are not valid UTF-8";
            return false;
        }
    }

    /// <summary>True when <paramref name="value"/> holds a surrogate without its partner (not encodable as UTF-8).</summary>
    public static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
