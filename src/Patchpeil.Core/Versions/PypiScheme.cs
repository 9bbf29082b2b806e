using System.Buffers;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Python package versions per PEP 440 (as the <c>packaging</c> library normalises and orders them):
/// <c>[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]</c>, case-insensitive, with the spellings alpha/beta/c/pre/
/// preview (pre-releases), rev/r and <c>-N</c> (post-releases), separators <c>. - _</c> between parts and implicit
/// zero numbers. Order: epoch, release (trailing zeros ignored), then <c>X.devN &lt; XaN &lt; XbN &lt; XrcN &lt; X &lt;
/// X.postN</c> with dev releases of a pre or post release just before it, then local versions (none &lt; any; numeric
/// segments numerically and above alphanumeric ones). Surrounding whitespace is rejected by TryParse.
/// </summary>
public sealed class PypiScheme : KeyedScheme
{
    internal PypiScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Pypi;

    public override string Name => "pypi";

    /// <summary>
    /// The PEP 440 normal form (<c>V1.0-ALPHA_1</c> → <c>1.0a1</c>, <c>1.0-1</c> → <c>1.0.post1</c>,
    /// <c>0!1.0.DEV</c> → <c>1.0.dev0</c>, <c>1.0+ABC-1</c> → <c>1.0+abc.1</c>); false with the problem otherwise.
    /// </summary>
    public static bool TryNormalize(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? normalized, out string? problem)
    {
        normalized = null;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        problem = Parse(text, out var v);
        if (problem is not null)
        {
            return false;
        }

        var sb = new System.Text.StringBuilder(text.Length + 8);
        var epoch = v.Epoch.TrimStart('0');
        if (!epoch.IsEmpty)
        {
            sb.Append(epoch).Append('!');
        }

        var first = true;
        foreach (var range in v.Release.Split('.'))
        {
            var part = v.Release[range].TrimStart('0');
            sb.Append(first ? string.Empty : ".").Append(part.IsEmpty ? "0" : part);
            first = false;
        }

        if (v.PreKind > 0)
        {
            sb.Append(v.PreKind switch { 1 => "a", 2 => "b", _ => "rc" }).Append(Number(v.PreNumber));
        }

        if (v.HasPost)
        {
            sb.Append(".post").Append(Number(v.PostNumber));
        }

        if (v.HasDev)
        {
            sb.Append(".dev").Append(Number(v.DevNumber));
        }

        if (!v.Local.IsEmpty)
        {
            sb.Append('+');
            first = true;
            foreach (var range in v.Local.SplitAny("-_."))
            {
                var segment = v.Local[range];
                sb.Append(first ? string.Empty : ".");
                if (VersionText.AllDigits(segment))
                {
                    sb.Append(Number(segment));
                }
                else
                {
                    foreach (var c in segment)
                    {
                        sb.Append(char.ToLowerInvariant(c));
                    }
                }

                first = false;
            }
        }

        normalized = sb.ToString();
        return true;

        static ReadOnlySpan<char> Number(ReadOnlySpan<char> digits)
        {
            var trimmed = digits.TrimStart('0');
            return trimmed.IsEmpty ? "0" : trimmed;
        }
    }

    private readonly ref struct Pep440
    {
        public ReadOnlySpan<char> Epoch { get; init; }

        public ReadOnlySpan<char> Release { get; init; }

        public int PreKind { get; init; }

        public ReadOnlySpan<char> PreNumber { get; init; }

        public bool HasPost { get; init; }

        public ReadOnlySpan<char> PostNumber { get; init; }

        public bool HasDev { get; init; }

        public ReadOnlySpan<char> DevNumber { get; init; }

        public ReadOnlySpan<char> Local { get; init; }
    }

    private protected override string? BuildKey(ReadOnlySpan<char> s, ArrayBufferWriter<byte> w)
    {
        var problem = Parse(s, out var v);
        if (problem is not null)
        {
            return problem;
        }

        return WriteKey(w, v.Epoch, v.Release, v.PreKind, v.PreNumber, v.HasPost, v.PostNumber, v.HasDev, v.DevNumber, v.Local);
    }

    private static string? Parse(ReadOnlySpan<char> s, out Pep440 parsed)
    {
        parsed = default;
        s = s.Trim();
        var i = 0;
        if (i < s.Length && (s[i] | 0x20) == 'v')
        {
            i++;
        }

        // Epoch and release.
        var start = i;
        i = Digits(s, i);
        if (i == start)
        {
            return "version does not start with a number";
        }

        var epoch = ReadOnlySpan<char>.Empty;
        if (i < s.Length && s[i] == '!')
        {
            epoch = s[start..i];
            start = ++i;
            i = Digits(s, i);
            if (i == start)
            {
                return "no release number after epoch";
            }
        }

        var releaseStart = start;
        while (i + 1 < s.Length && s[i] == '.' && VersionText.IsAsciiDigit(s[i + 1]))
        {
            i = Digits(s, i + 1);
        }

        var release = s[releaseStart..i];

        // Pre-release.
        var preKind = 0;
        var preNumber = ReadOnlySpan<char>.Empty;
        var j = SkipSeparator(s, i);
        var label = Letters(s, j);
        var kind = label == j ? 0 : PreKind(s[j..label]);
        if (kind > 0)
        {
            preKind = kind;
            i = label;
            var n = SkipSeparator(s, i);
            var end = Digits(s, n);
            if (end > n)
            {
                preNumber = s[n..end];
                i = end;
            }
            else
            {
                i = n; // a trailing separator after the label belongs to it ("1.0a-")
            }
        }

        // Post-release: "-N" or [sep](post|rev|r)[sep][N].
        var hasPost = false;
        var postNumber = ReadOnlySpan<char>.Empty;
        if (i + 1 < s.Length && s[i] == '-' && VersionText.IsAsciiDigit(s[i + 1]))
        {
            hasPost = true;
            var end = Digits(s, i + 1);
            postNumber = s[(i + 1)..end];
            i = end;
        }
        else
        {
            j = SkipSeparator(s, i);
            label = Letters(s, j);
            if (label > j && IsPostLabel(s[j..label]))
            {
                hasPost = true;
                i = label;
                var n = SkipSeparator(s, i);
                var end = Digits(s, n);
                postNumber = s[n..end];
                i = end > n ? end : n;
            }
        }

        // Dev release.
        var hasDev = false;
        var devNumber = ReadOnlySpan<char>.Empty;
        j = SkipSeparator(s, i);
        label = Letters(s, j);
        if (label > j && s[j..label].Equals("dev", StringComparison.OrdinalIgnoreCase))
        {
            hasDev = true;
            i = label;
            var n = SkipSeparator(s, i);
            var end = Digits(s, n);
            devNumber = s[n..end];
            i = end > n ? end : n;
        }

        // Local version.
        var local = ReadOnlySpan<char>.Empty;
        if (i < s.Length && s[i] == '+')
        {
            local = s[(i + 1)..];
            if (!ValidLocal(local))
            {
                return "invalid local version";
            }

            i = s.Length;
        }

        if (i != s.Length)
        {
            return "invalid character";
        }

        parsed = new Pep440
        {
            Epoch = epoch,
            Release = release,
            PreKind = preKind,
            PreNumber = preNumber,
            HasPost = hasPost,
            PostNumber = postNumber,
            HasDev = hasDev,
            DevNumber = devNumber,
            Local = local,
        };
        return null;
    }

    // Key: epoch, release without trailing zeros, pre, post, dev, local (see the order in the summary).
    private static string? WriteKey(
        ArrayBufferWriter<byte> w,
        ReadOnlySpan<char> epoch,
        ReadOnlySpan<char> release,
        int preKind,
        ReadOnlySpan<char> preNumber,
        bool hasPost,
        ReadOnlySpan<char> postNumber,
        bool hasDev,
        ReadOnlySpan<char> devNumber,
        ReadOnlySpan<char> local)
    {
        w.PutNumber(epoch);
        var significant = 0; // parts up to the last non-zero one; trailing zeros do not count (1.0 == 1)
        var index = 0;
        foreach (var range in release.Split('.'))
        {
            index++;
            if (release[range].IndexOfAnyExcept('0') >= 0)
            {
                significant = index;
            }
        }

        index = 0;
        foreach (var range in release.Split('.'))
        {
            if (++index > significant)
            {
                break;
            }

            w.Put(1);
            w.PutNumber(release[range]);
        }

        w.Put(0);
        if (preKind > 0)
        {
            w.Put(1);
            w.Put((byte)preKind);
            w.PutNumber(preNumber);
        }
        else
        {
            w.Put(hasDev && !hasPost ? (byte)0 : (byte)2);
        }

        if (hasPost)
        {
            w.Put(1);
            w.PutNumber(postNumber);
        }
        else
        {
            w.Put(0);
        }

        if (hasDev)
        {
            w.Put(0);
            w.PutNumber(devNumber);
        }
        else
        {
            w.Put(1);
        }

        if (local.IsEmpty)
        {
            w.Put(0);
        }
        else
        {
            w.Put(1);
            foreach (var range in local.SplitAny("-_."))
            {
                var segment = local[range];
                if (VersionText.AllDigits(segment))
                {
                    w.Put(2);
                    w.PutNumber(segment);
                }
                else
                {
                    w.Put(1);
                    var span = w.GetSpan(segment.Length + 1);
                    for (var k = 0; k < segment.Length; k++)
                    {
                        span[k] = (byte)(segment[k] | 0x20);
                    }

                    span[segment.Length] = 0;
                    w.Advance(segment.Length + 1);
                }
            }

            w.Put(0);
        }

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

    private static int Letters(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && VersionText.IsAsciiLetter(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipSeparator(ReadOnlySpan<char> s, int i) => i < s.Length && s[i] is '.' or '-' or '_' ? i + 1 : i;

    private static int PreKind(ReadOnlySpan<char> label)
    {
        Span<char> lower = stackalloc char[8];
        if (label.Length > lower.Length)
        {
            return 0;
        }

        label.ToLowerInvariant(lower);
        return lower[..label.Length] switch
        {
            "a" or "alpha" => 1,
            "b" or "beta" => 2,
            "rc" or "c" or "pre" or "preview" => 3,
            _ => 0,
        };
    }

    private static bool IsPostLabel(ReadOnlySpan<char> label) =>
        label.Equals("post", StringComparison.OrdinalIgnoreCase) || label.Equals("rev", StringComparison.OrdinalIgnoreCase)
        || label.Equals("r", StringComparison.OrdinalIgnoreCase);

    private static bool ValidLocal(ReadOnlySpan<char> local)
    {
        if (local.IsEmpty)
        {
            return false;
        }

        foreach (var range in local.SplitAny("-_."))
        {
            var segment = local[range];
            if (segment.IsEmpty)
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (!VersionText.IsAsciiDigit(c) && !VersionText.IsAsciiLetter(c))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
