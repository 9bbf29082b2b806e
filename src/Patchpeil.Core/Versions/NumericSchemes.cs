using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Versions that are only dot-separated decimal numbers, compared part by part numerically at any length, a missing
/// part counting as 0 (<c>17.5</c> == <c>17.5.0</c>). Text that does not parse sorts before every valid version and
/// by ordinal text among itself, so the raw order stays total.
/// </summary>
public abstract class DottedNumericScheme : VersionScheme
{
    private protected abstract int MinParts { get; }

    private protected abstract int MaxParts { get; }

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var okA = Split(a, out var pa, out var sa) is null;
        var okB = Split(b, out var pb, out var sb) is null;
        if (!okA || !okB)
        {
            return okA == okB ? Math.Sign(a.SequenceCompareTo(b)) : okA ? 1 : -1;
        }

        Span<Range> ra = stackalloc Range[MaxParts + 1];
        Span<Range> rb = stackalloc Range[MaxParts + 1];
        var na = pa.Split(ra, '.');
        var nb = pb.Split(rb, '.');
        for (var i = 0; i < MaxParts; i++)
        {
            var rc = KeyWriter.CompareDigits(i < na ? pa[ra[i]] : [], i < nb ? pb[rb[i]] : []);
            if (rc != 0)
            {
                return rc;
            }
        }

        return CompareSuffix(sa, sb);
    }

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = PreCheck(text);
        if (problem is not null)
        {
            return false;
        }

        problem = Split(text, out var parts, out var suffix);
        if (problem is not null)
        {
            return false;
        }

        var w = new ArrayBufferWriter<byte>(32);
        Span<Range> ranges = stackalloc Range[MaxParts + 1];
        var n = parts.Split(ranges, '.');
        for (var i = 0; i < MaxParts; i++)
        {
            w.PutNumber(i < n ? parts[ranges[i]] : []);
        }

        AppendSuffix(suffix, w);
        key = MakeKey(text, w.WrittenSpan.ToArray());
        return true;
    }

    private protected virtual string? PreCheck(string text) => VersionText.Check(text);

    /// <summary>Separates the dotted numbers from a scheme-specific prefix/suffix; returns the problem or null.</summary>
    private protected virtual string? Split(ReadOnlySpan<char> text, out ReadOnlySpan<char> parts, out ReadOnlySpan<char> suffix)
    {
        suffix = [];
        parts = text;
        return CheckParts(text);
    }

    private protected string? CheckParts(ReadOnlySpan<char> parts)
    {
        if (parts.IsEmpty)
        {
            return "empty version";
        }

        var count = 0;
        foreach (var range in parts.Split('.'))
        {
            var part = parts[range];
            count++;
            if (part.IsEmpty)
            {
                return "empty numeric part";
            }

            if (!VersionText.AllDigits(part))
            {
                return "non-digit in numeric part";
            }

            if (count > MaxParts)
            {
                return "too many numeric parts";
            }
        }

        return count < MinParts ? "too few numeric parts" : null;
    }

    private protected virtual int CompareSuffix(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => 0;

    private protected virtual void AppendSuffix(ReadOnlySpan<char> suffix, ArrayBufferWriter<byte> w)
    {
    }
}

/// <summary>Windows OS versions <c>major.minor.build.UBR</c> (<c>10.0.19045.4780</c>); see <see cref="WindowsRelease"/> for build → release.</summary>
public sealed class WindowsScheme : DottedNumericScheme
{
    internal WindowsScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Windows;

    public override string Name => "windows";

    private protected override int MinParts => 2;

    private protected override int MaxParts => 4;
}

/// <summary>Chrome, Chromium and Edge: <c>MAJOR.MINOR.BUILD.PATCH</c> (<c>120.0.6099.109</c>).</summary>
public sealed class ChromeScheme : DottedNumericScheme
{
    internal ChromeScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Chrome;

    public override string Name => "chrome";

    private protected override int MinParts => 1;

    private protected override int MaxParts => 4;
}

/// <summary>
/// Apple operating systems (iOS, iPadOS, macOS, watchOS …): <c>17.5.1</c>, missing parts 0. A Rapid Security Response
/// suffix <c>" (a)"</c> (<c>16.5.1 (a)</c>) sorts after its base version and before the next one.
/// </summary>
public sealed class AppleScheme : DottedNumericScheme
{
    internal AppleScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Apple;

    public override string Name => "apple";

    private protected override int MinParts => 1;

    private protected override int MaxParts => 3;

    // The one space in "16.5.1 (a)" is part of Apple's spelling.
    private protected override string? PreCheck(string text) =>
        VersionText.Check(text is { Length: > 4 } && text.EndsWith(')') && text[^4] == ' ' ? text[..^4] + text[^3..] : text);

    private protected override string? Split(ReadOnlySpan<char> text, out ReadOnlySpan<char> parts, out ReadOnlySpan<char> suffix)
    {
        suffix = [];
        parts = text;
        if (text.Length > 4 && text[^1] == ')' && text[^3] == '(' && text[^4] == ' ')
        {
            if (!VersionText.IsAsciiLetter(text[^2]))
            {
                return "invalid security response suffix";
            }

            suffix = text[^2..^1];
            parts = text[..^4];
        }

        return CheckParts(parts);
    }

    private protected override int CompareSuffix(ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
        Math.Sign(Letter(a) - Letter(b));

    private protected override void AppendSuffix(ReadOnlySpan<char> suffix, ArrayBufferWriter<byte> w) => w.Put((byte)Letter(suffix));

    private static int Letter(ReadOnlySpan<char> suffix) => suffix.IsEmpty ? 0 : char.ToLowerInvariant(suffix[0]);
}

/// <summary>
/// ChromeOS platform versions <c>15917.71.0</c>, also written with the milestone as <c>R120-15662.76.0</c>. Order is by
/// platform version (platform numbers rise with milestones); <see cref="TryGetMilestone"/> reads the milestone.
/// </summary>
public sealed class ChromeOsScheme : DottedNumericScheme
{
    internal ChromeOsScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.ChromeOs;

    public override string Name => "chromeos";

    private protected override int MinParts => 1;

    private protected override int MaxParts => 3;

    /// <summary>The milestone of an <c>R120-15662.76.0</c> text; false for the plain platform form.</summary>
    public static bool TryGetMilestone(ReadOnlySpan<char> text, out int milestone)
    {
        milestone = 0;
        var dash = text.IndexOf('-');
        return text.Length > 1 && (text[0] == 'R' || text[0] == 'r') && dash > 1
            && int.TryParse(text[1..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out milestone);
    }

    private protected override string? Split(ReadOnlySpan<char> text, out ReadOnlySpan<char> parts, out ReadOnlySpan<char> suffix)
    {
        suffix = [];
        parts = text;
        if (text.Length > 0 && (text[0] == 'R' || text[0] == 'r'))
        {
            var dash = text.IndexOf('-');
            if (dash < 2 || !VersionText.AllDigits(text[1..dash]))
            {
                return "invalid milestone prefix";
            }

            parts = text[(dash + 1)..];
        }

        return CheckParts(parts);
    }
}
