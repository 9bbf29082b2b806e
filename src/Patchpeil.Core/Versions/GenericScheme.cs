using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Desktop application versions without a scheme of their own (7-Zip <c>23.01</c>, Firefox <c>128.0esr</c>, Acrobat
/// <c>24.002.20933</c>, <c>2.0rc1</c>, <c>1.0-beta2</c>). The rule:
/// <list type="number">
/// <item>an optional leading <c>v</c>/<c>V</c> before a digit is dropped;</item>
/// <item>the text splits into numbers (ASCII digit runs) and words (ASCII letter runs); every other character
/// separates and is otherwise ignored;</item>
/// <item>numbers compare numerically (leading zeros ignored, any length); in each run of consecutive numbers trailing
/// zeros are dropped, so <c>128.0</c> == <c>128</c> == <c>128.0.0</c> and <c>1.0rc1</c> == <c>1rc1</c>;</item>
/// <item>words are case-insensitive. Pre-release words sort before the end of the version, in the order
/// dev &lt; alpha = a &lt; beta = b &lt; milestone = m &lt; pre = preview &lt; rc = cr; release words (final, ga, release,
/// stable) are ignored; every other word (esr, p, patch, sp, post, u …) sorts after the end, alphabetically;</item>
/// <item>at one position: pre-release word &lt; end &lt; other word &lt; number — so <c>1.0rc1</c> &lt; <c>1.0</c> &lt;
/// <c>1.0esr</c> &lt; <c>1.0.1</c>.</item>
/// </list>
/// Letter suffixes that mean patch releases (OpenSSL <c>1.1.1w</c>) do not fit this rule: <c>a</c>/<c>b</c> read as
/// alpha/beta. Every input is accepted by <see cref="Compare"/>; <see cref="TryParse"/> rejects text with no digit.
/// </summary>
public sealed class GenericScheme : VersionScheme
{
    private const byte PreWord = 1;
    private const byte End = 2;
    private const byte OtherWord = 3;
    private const byte Number = 4;

    internal GenericScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Generic;

    public override string Name => "generic";

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var ta = new Tokenizer(a);
        var tb = new Tokenizer(b);
        while (true)
        {
            var ka = ta.Next(out var va, out var ra);
            var kb = tb.Next(out var vb, out var rb);
            if (ka != kb)
            {
                return ka < kb ? -1 : 1;
            }

            var rc = ka switch
            {
                End => 0,
                PreWord => ra.CompareTo(rb),
                Number => KeyWriter.CompareDigits(va, vb),
                _ => CompareWords(va, vb),
            };
            if (rc != 0)
            {
                return Math.Sign(rc);
            }

            if (ka == End)
            {
                return 0;
            }
        }
    }

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        if (!VersionText.HasDigit(text))
        {
            problem = "no digit in version";
            return false;
        }

        var w = new ArrayBufferWriter<byte>(text.Length + 8);
        var t = new Tokenizer(text);
        while (true)
        {
            var kind = t.Next(out var value, out var rank);
            w.Put(kind);
            switch (kind)
            {
                case End:
                    key = MakeKey(text, w.WrittenSpan.ToArray());
                    return true;
                case PreWord:
                    w.Put((byte)rank);
                    break;
                case Number:
                    w.PutNumber(value);
                    break;
                default:
                    var span = w.GetSpan(value.Length + 1);
                    for (var i = 0; i < value.Length; i++)
                    {
                        span[i] = (byte)(value[i] | 0x20);
                    }

                    span[value.Length] = 0;
                    w.Advance(value.Length + 1);
                    break;
            }
        }
    }

    private static int CompareWords(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = a[i] | 0x20;
            var cb = b[i] | 0x20;
            if (ca != cb)
            {
                return ca < cb ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <summary>Streams tokens without allocating; trailing zeros of a number run are skipped with one look-ahead.</summary>
    private ref struct Tokenizer
    {
        private readonly ReadOnlySpan<char> _s;
        private int _pos;
        private int _nonZeroAhead; // position of a known non-zero number later in the current run, or -1

        public Tokenizer(ReadOnlySpan<char> s)
        {
            _s = s;
            _nonZeroAhead = -1;
            if (s.Length > 1 && (s[0] | 0x20) == 'v' && VersionText.IsAsciiDigit(s[1]))
            {
                _pos = 1;
            }
        }

        public byte Next(out ReadOnlySpan<char> value, out int preRank)
        {
            preRank = 0;
            while (true)
            {
                while (_pos < _s.Length && !IsAlnum(_s[_pos]))
                {
                    _pos++;
                }

                if (_pos >= _s.Length)
                {
                    value = [];
                    return End;
                }

                var start = _pos;
                if (VersionText.IsAsciiDigit(_s[_pos]))
                {
                    while (_pos < _s.Length && VersionText.IsAsciiDigit(_s[_pos]))
                    {
                        _pos++;
                    }

                    value = _s[start.._pos];
                    if (!IsZero(value) || _nonZeroAhead > start)
                    {
                        return Number;
                    }

                    // A zero: keep it only if a non-zero number follows in the same run of numbers.
                    _nonZeroAhead = FindNonZeroInRun(_pos);
                    if (_nonZeroAhead >= 0)
                    {
                        return Number;
                    }

                    SkipRun();
                    continue;
                }

                while (_pos < _s.Length && VersionText.IsAsciiLetter(_s[_pos]))
                {
                    _pos++;
                }

                value = _s[start.._pos];
                preRank = PreReleaseRank(value);
                if (preRank > 0)
                {
                    return PreWord;
                }

                if (preRank < 0)
                {
                    continue; // final, ga, release, stable
                }

                return OtherWord;
            }
        }

        private readonly int FindNonZeroInRun(int pos)
        {
            while (true)
            {
                while (pos < _s.Length && !IsAlnum(_s[pos]))
                {
                    pos++;
                }

                if (pos >= _s.Length || !VersionText.IsAsciiDigit(_s[pos]))
                {
                    return -1;
                }

                var start = pos;
                while (pos < _s.Length && VersionText.IsAsciiDigit(_s[pos]))
                {
                    pos++;
                }

                if (!IsZero(_s[start..pos]))
                {
                    return start;
                }
            }
        }

        private void SkipRun()
        {
            while (true)
            {
                var save = _pos;
                while (_pos < _s.Length && !IsAlnum(_s[_pos]))
                {
                    _pos++;
                }

                if (_pos >= _s.Length || !VersionText.IsAsciiDigit(_s[_pos]))
                {
                    _pos = Math.Max(save, _pos);
                    return;
                }

                while (_pos < _s.Length && VersionText.IsAsciiDigit(_s[_pos]))
                {
                    _pos++;
                }
            }
        }

        private static bool IsZero(ReadOnlySpan<char> digits) => digits.IndexOfAnyExcept('0') < 0;

        private static bool IsAlnum(char c) => VersionText.IsAsciiDigit(c) || VersionText.IsAsciiLetter(c);

        private static int PreReleaseRank(ReadOnlySpan<char> word)
        {
            Span<char> lower = stackalloc char[10];
            if (word.Length > lower.Length)
            {
                return 0;
            }

            for (var i = 0; i < word.Length; i++)
            {
                lower[i] = (char)(word[i] | 0x20);
            }

            return lower[..word.Length] switch
            {
                "dev" => 1,
                "alpha" or "a" => 2,
                "beta" or "b" => 3,
                "milestone" or "m" => 4,
                "pre" or "preview" => 5,
                "rc" or "cr" => 6,
                "final" or "ga" or "release" or "stable" => -1,
                _ => 0,
            };
        }
    }
}
