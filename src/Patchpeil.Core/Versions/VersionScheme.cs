using System.Diagnostics.CodeAnalysis;

namespace Patchpeil.Core.Versions;

/// <summary>
/// The ordering rules of one version scheme. Implementations are stateless singletons (see <see cref="VersionSchemes"/>).
/// <para>
/// Two ways to compare: <see cref="Compare"/> on raw text (allocation-free, defined for every input, including garbage),
/// and <see cref="TryParse"/> once into a <see cref="VersionKey"/> whose byte comparison is the scheme's order.
/// For every pair that both parse, <c>Compare(a, b) == Parse(a).CompareTo(Parse(b))</c>.
/// </para>
/// </summary>
public abstract class VersionScheme
{
    public abstract VersionSchemeKind Kind { get; }

    /// <summary>Lower-case name used on the command line and in stored data, e.g. "deb", "nuget", "unknown".</summary>
    public abstract string Name { get; }

    /// <summary>False when the scheme only knows equality (<see cref="VersionSchemeKind.Unknown"/>).</summary>
    public virtual bool IsOrdered => true;

    /// <summary>
    /// Compares raw version text without allocating; returns -1, 0 or 1. Defined for every input: text that
    /// <see cref="TryParse"/> rejects still gets a deterministic order (documented per scheme). For an unordered
    /// scheme the result is 0 for equal text and an arbitrary but consistent non-zero value otherwise; use
    /// <see cref="Relate(ReadOnlySpan{char}, ReadOnlySpan{char})"/> to see the difference.
    /// </summary>
    public abstract int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b);

    /// <summary>
    /// Parses <paramref name="text"/> into a sort key. Never throws; on failure <paramref name="problem"/> names the
    /// problem (e.g. "empty version", "control character at position 3", "invalid epoch").
    /// </summary>
    public abstract bool TryParse(string text, out VersionKey key, [NotNullWhen(false)] out string? problem);

    /// <summary>Parses or throws <see cref="FormatException"/>; for trusted input and tests.</summary>
    public VersionKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key : throw new FormatException($"{Name} version '{Shorten(text)}': {error}");

    /// <summary>Like <see cref="Compare"/>, but says <see cref="VersionRelation.Unordered"/> when the scheme has no order.</summary>
    public VersionRelation Relate(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var sign = Compare(a, b);
        return IsOrdered || sign == 0 ? VersionRelationExtensions.FromSign(sign) : VersionRelation.Unordered;
    }

    /// <summary>Key version of <see cref="Relate(ReadOnlySpan{char}, ReadOnlySpan{char})"/>.</summary>
    public VersionRelation Relate(VersionKey a, VersionKey b)
    {
        var sign = a.CompareTo(b);
        return IsOrdered || sign == 0 ? VersionRelationExtensions.FromSign(sign) : VersionRelation.Unordered;
    }

    public override string ToString() => Name;

    private protected VersionKey MakeKey(string original, byte[] key) => new(Kind, original, key);

    internal static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}
