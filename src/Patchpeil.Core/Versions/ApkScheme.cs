using System.Buffers;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Alpine apk versions: <c>number(.number)*[letter](_suffix[number])*[-rN]</c>, following apk-tools' token
/// comparison: pre-release suffixes <c>_alpha &lt; _beta &lt; _pre &lt; _rc</c> sort before the release, post-release
/// suffixes <c>_cvs &lt; _svn &lt; _git &lt; _hg &lt; _p</c> after it; a dotted part with leading zeros compares as a
/// fraction (<c>1.01 &lt; 1.1</c>); when one version continues where the other differs in kind, the order is
/// pre-release suffix &lt; end &lt; <c>-r</c> &lt; suffix number &lt; post-release suffix &lt; letter &lt; <c>.number</c>.
/// Commit hashes (<c>~abc</c>) and unknown suffixes are rejected.
/// </summary>
public sealed class ApkScheme : KeyedScheme
{
    private const byte PreSuffix = 1;
    private const byte End = 2;
    private const byte Revision = 3;
    private const byte SuffixNumber = 4;
    private const byte PostSuffix = 5;
    private const byte Letter = 6;
    private const byte Digit = 7;
    private const byte Dotted = 8;

    internal ApkScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Apk;

    public override string Name => "apk";

    private protected override string? BuildKey(ReadOnlySpan<char> s, ArrayBufferWriter<byte> w)
    {
        var i = Digits(s, 0);
        if (i == 0)
        {
            return "version does not start with a digit";
        }

        w.PutNumber(s[..i]);
        var last = Digit;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '.' && (last is Digit or Dotted))
            {
                var end = Digits(s, i + 1);
                if (end == i + 1)
                {
                    return "empty number after '.'";
                }

                var part = s[(i + 1)..end];
                var zeros = part.Length - part.TrimStart('0').Length;
                w.Put(Dotted);
                if (zeros > 0)
                {
                    // apk: a part with leading zeros is smaller than any without and smaller the more zeros it has
                    // (1.001 < 1.01 < 1.1, 1.0 < 1.06), then the remaining digits decide.
                    w.Put(0);
                    w.Put((byte)(0xFF - Math.Min(zeros, 0xFE)));
                    w.PutNumber(part[zeros..]);
                }
                else
                {
                    w.Put(1);
                    w.PutNumber(part);
                }

                last = Dotted;
                i = end;
            }
            else if (c is >= 'a' and <= 'z' && last is Digit or Dotted)
            {
                w.Put(Letter);
                w.Put((byte)c);
                last = Letter;
                i++;
            }
            else if (c == '_' && last is Digit or Dotted or Letter or SuffixNumber or PreSuffix or PostSuffix)
            {
                var start = i + 1;
                var end = start;
                while (end < s.Length && s[end] is >= 'a' and <= 'z')
                {
                    end++;
                }

                var rank = SuffixRank(s[start..end]);
                if (rank < 0)
                {
                    return "unknown suffix";
                }

                last = rank < 4 ? PreSuffix : PostSuffix;
                w.Put(last);
                w.Put((byte)rank);
                i = end;
                var digits = Digits(s, i);
                if (digits > i)
                {
                    w.Put(SuffixNumber);
                    w.PutNumber(s[i..digits]);
                    last = SuffixNumber;
                    i = digits;
                }
            }
            else if (c == '-' && i + 1 < s.Length && s[i + 1] == 'r')
            {
                var end = Digits(s, i + 2);
                if (end == i + 2 || end != s.Length)
                {
                    return "invalid revision";
                }

                w.Put(Revision);
                w.PutNumber(s[(i + 2)..end]);
                i = end;
            }
            else
            {
                return "invalid character";
            }
        }

        w.Put(End);
        return null;
    }

    private static int Digits(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && VersionText.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SuffixRank(ReadOnlySpan<char> name) => name switch
    {
        "alpha" => 0,
        "beta" => 1,
        "pre" => 2,
        "rc" => 3,
        "cvs" => 4,
        "svn" => 5,
        "git" => 6,
        "hg" => 7,
        "p" => 8,
        _ => -1,
    };
}
