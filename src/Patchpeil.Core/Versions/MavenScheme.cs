using System.Buffers;

namespace Patchpeil.Core.Versions;

/// <summary>
/// Maven versions after <c>ComparableVersion</c> (as in Maven 3.8, which the vers-spec vectors follow): case-insensitive; items split at <c>.</c>, <c>-</c> and at
/// digit/letter changes; qualifiers <c>alpha &lt; beta &lt; milestone &lt; rc = cr &lt; snapshot &lt; "" = ga = final =
/// release &lt; sp &lt; other words (alphabetical) &lt; numbers</c>, single letters a/b/m directly before a digit meaning
/// alpha/beta/milestone; trailing zeros and release words of each <c>-</c> group are dropped (<c>1.0.0 == 1 ==
/// 1-ga</c>, <c>1.0-alpha == 1-alpha</c>, but <c>2.0.a &lt; 2.0.0.a</c>); a number in a new <c>-</c> group sorts below a <c>.</c> number
/// (<c>1-1 &lt; 1.1</c>).
/// <para>
/// Maven's own comparison is not transitive for some odd mixes (<c>1.sp</c>, <c>1-alpha</c>, <c>1</c> under 3.8). A sort
/// key needs a total order, so this is a flattened model: items compare position by position, a missing item acting
/// as "release", a remaining zero taking the sign of what follows it. It agrees with Maven on the vers-spec vectors
/// (see the tests for the count) and on ordinary versions; exotic nestings (<c>1-0.1</c> vs <c>1.0.1</c>) can differ.
/// </para>
/// </summary>
public sealed class MavenScheme : KeyedScheme
{
    private const byte NegQualifier = 0x10;
    private const byte ZeroBeforeLess = 0x20;
    private const byte End = 0x30;
    private const byte Sp = 0x50;
    private const byte OtherWord = 0x51;
    private const byte DashNumber = 0x60;
    private const byte ZeroBeforeMore = 0x68;
    private const byte DotNumber = 0x70;

    private const int StackItems = 64;

    internal MavenScheme()
    {
    }

    public override VersionSchemeKind Kind => VersionSchemeKind.Maven;

    public override string Name => "maven";

    private enum ItemKind : byte
    {
        Zero,
        Number,
        Qualifier, // rank 1..5 (alpha..snapshot), 6 = sp, 7 = other word
    }

    private struct Item
    {
        public int Start;
        public int Length;
        public ItemKind Kind;
        public byte Rank;
        public bool SegmentStart;
        public bool Removed;
        public sbyte RestSign; // for a kept zero: the sign, against "release", of the first non-zero item after it
    }

    private protected override string? BuildKey(ReadOnlySpan<char> s, ArrayBufferWriter<byte> w)
    {
        if (s.IsEmpty)
        {
            return "empty version";
        }

        if (!System.Text.Ascii.IsValid(s))
        {
            return "non-ASCII character";
        }

        Item[]? rented = null;
        var items = s.Length + 1 <= StackItems ? stackalloc Item[StackItems] : (rented = ArrayPool<Item>.Shared.Rent(s.Length + 1));
        try
        {
            var count = Tokenize(s, items);
            Normalize(items[..count]);
            MarkRestSigns(items[..count]);
            Emit(s, items[..count], w);
            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Item>.Shared.Return(rented);
            }
        }
    }

    private static int Tokenize(ReadOnlySpan<char> s, Span<Item> items)
    {
        var count = 0;
        var start = 0;
        var segmentStart = true;
        for (var i = 0; i <= s.Length; i++)
        {
            var atEnd = i == s.Length;
            var c = atEnd ? '\0' : s[i];
            if (atEnd || c is '.' or '-')
            {
                if (i > start || !atEnd)
                {
                    items[count++] = Classify(s, start, i - start, segmentStart, followedByDigit: false);
                }

                segmentStart = c == '-';
                start = i + 1;
                continue;
            }

            // A change between digits and letters closes the item and opens a new group, like '-'.
            if (i > start && IsDigit(c) != IsDigit(s[i - 1]))
            {
                items[count++] = Classify(s, start, i - start, segmentStart, followedByDigit: IsDigit(c));
                segmentStart = true;
                start = i;
            }
        }

        return count;
    }

    private static Item Classify(ReadOnlySpan<char> s, int start, int length, bool segmentStart, bool followedByDigit)
    {
        var text = s.Slice(start, length);
        if (text.IsEmpty)
        {
            return new Item { Start = start, Kind = ItemKind.Zero, SegmentStart = segmentStart };
        }

        if (IsDigit(text[0]))
        {
            var zero = text.IndexOfAnyExcept('0') < 0;
            return new Item { Start = start, Length = length, Kind = zero ? ItemKind.Zero : ItemKind.Number, SegmentStart = segmentStart };
        }

        var rank = QualifierRank(text, followedByDigit);
        return rank == 0
            ? new Item { Start = start, Length = length, Kind = ItemKind.Zero, SegmentStart = segmentStart }
            : new Item { Start = start, Length = length, Kind = ItemKind.Qualifier, Rank = rank, SegmentStart = segmentStart };
    }

    // 0 = release ("" ga final release), 1..5 alpha..snapshot, 6 sp, 7 other.
    private static byte QualifierRank(ReadOnlySpan<char> word, bool followedByDigit)
    {
        Span<char> lower = stackalloc char[9];
        if (word.Length > lower.Length)
        {
            return 7;
        }

        word.ToLowerInvariant(lower);
        var w = lower[..word.Length];
        if (followedByDigit && w.Length == 1)
        {
            switch (w[0])
            {
                case 'a': return 1;
                case 'b': return 2;
                case 'm': return 3;
            }
        }

        return w switch
        {
            "alpha" => 1,
            "beta" => 2,
            "milestone" => 3,
            "rc" or "cr" => 4,
            "snapshot" => 5,
            "ga" or "final" or "release" => 0,
            "sp" => 6,
            _ => 7,
        };
    }

    /// <summary>Drops the trailing zeros and release words of every group (Maven's ListItem.normalize).</summary>
    private static void Normalize(Span<Item> items)
    {
        var trailing = true;
        for (var i = items.Length - 1; i >= 0; i--)
        {
            if (trailing && items[i].Kind == ItemKind.Zero)
            {
                items[i].Removed = true;
            }
            else
            {
                trailing = false;
            }

            if (items[i].SegmentStart)
            {
                trailing = true; // the group before this one has its own tail
            }
        }
    }

    private static void Emit(ReadOnlySpan<char> s, Span<Item> items, ArrayBufferWriter<byte> w)
    {
        var first = true;
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.Removed)
            {
                continue;
            }

            switch (item.Kind)
            {
                case ItemKind.Zero:
                    w.Put(item.RestSign < 0 ? ZeroBeforeLess : ZeroBeforeMore);
                    break;
                case ItemKind.Number:
                    w.Put(item.SegmentStart && !first ? DashNumber : DotNumber);
                    w.PutNumber(s.Slice(item.Start, item.Length));
                    break;
                default:
                    if (item.Rank <= 5)
                    {
                        w.Put((byte)(NegQualifier + item.Rank));
                    }
                    else if (item.Rank == 6)
                    {
                        w.Put(Sp);
                    }
                    else
                    {
                        w.Put(OtherWord);
                        var word = s.Slice(item.Start, item.Length);
                        var span = w.GetSpan(word.Length + 1);
                        for (var k = 0; k < word.Length; k++)
                        {
                            span[k] = (byte)char.ToLowerInvariant(word[k]);
                        }

                        span[word.Length] = 0;
                        w.Advance(word.Length + 1);
                    }

                    break;
            }

            first = false;
        }

        w.Put(End);
    }

    /// <summary>One backward pass (a forward search per zero would be quadratic on "0.0.0….1").</summary>
    private static void MarkRestSigns(Span<Item> items)
    {
        sbyte next = 1;
        for (var i = items.Length - 1; i >= 0; i--)
        {
            if (items[i].Removed)
            {
                continue;
            }

            if (items[i].Kind == ItemKind.Zero)
            {
                items[i].RestSign = next;
            }
            else
            {
                next = items[i].Kind == ItemKind.Qualifier && items[i].Rank <= 5 ? (sbyte)-1 : (sbyte)1;
            }
        }
    }

    private static bool IsDigit(char c) => VersionText.IsAsciiDigit(c);
}
