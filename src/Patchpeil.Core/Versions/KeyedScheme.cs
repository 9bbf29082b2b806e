using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// A scheme whose raw comparison is "build both sort keys, compare bytes". Used where the scheme's rules are
/// normalisation-heavy (PEP 440, Maven, apk): one code path for raw and key order means they cannot disagree.
/// The raw comparison reuses per-thread buffers, so it allocates nothing once warmed up. Text that does not parse (or is longer
/// than TryParse accepts) sorts before every valid version and by ordinal text among itself.
/// </summary>
public abstract class KeyedScheme : VersionScheme
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _left;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _right;

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var left = _left ??= new ArrayBufferWriter<byte>(256);
        var right = _right ??= new ArrayBufferWriter<byte>(256);
        left.ResetWrittenCount();
        right.ResetWrittenCount();
        // Longer than any version TryParse accepts: treated as invalid rather than normalised at length.
        var okA = a.Length <= VersionText.MaxLength && BuildKey(a, left) is null;
        var okB = b.Length <= VersionText.MaxLength && BuildKey(b, right) is null;
        var result = !okA || !okB
            ? okA == okB ? Math.Sign(a.SequenceCompareTo(b)) : okA ? 1 : -1
            : Math.Sign(left.WrittenSpan.SequenceCompareTo(right.WrittenSpan));

        return result;
    }

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        problem = VersionText.Check(text);
        if (problem is not null)
        {
            return false;
        }

        var w = new ArrayBufferWriter<byte>(text.Length + 16);
        problem = BuildKey(text, w);
        if (problem is not null)
        {
            return false;
        }

        key = MakeKey(text, w.WrittenSpan.ToArray());
        return true;
    }

    /// <summary>Writes the sort key, or returns the problem (a constant string: the raw path must not allocate).</summary>
    private protected abstract string? BuildKey(ReadOnlySpan<char> text, ArrayBufferWriter<byte> w);
}
