using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// A scheme we cannot order: versions are equal only when their text is identical (ordinal). Never guesses an order;
/// <see cref="VersionScheme.Relate(ReadOnlySpan{char}, ReadOnlySpan{char})"/> returns
/// <see cref="VersionRelation.Unordered"/> for different text. The key is the UTF-16 code units (big-endian), so equal
/// keys mean equal text; the key order exists only to make sorting total.
/// </summary>
public sealed class UnknownScheme : VersionScheme
{
    internal UnknownScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Unknown;

    public override string Name => "unknown";

    public override bool IsOrdered => false;

    public override int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Math.Sign(a.SequenceCompareTo(b));

    public override bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem)
    {
        if (string.IsNullOrEmpty(text))
        {
            key = default;
            problem = "empty version";
            return false;
        }

        var bytes = new byte[text.Length * 2];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[2 * i] = (byte)(text[i] >> 8);
            bytes[(2 * i) + 1] = (byte)text[i];
        }

        key = MakeKey(text, bytes);
        problem = null;
        return true;
    }
}
