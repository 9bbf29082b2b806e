namespace Patchpeil.Core.Versions;

/// <summary>
/// A version parsed once into an order-preserving byte sort key: for two keys of the same scheme the
/// memcmp order of <see cref="SortKey"/> is the scheme's order, and equal keys mean equal versions.
/// Comparing two keys allocates nothing.
/// </summary>
public readonly struct VersionKey : IComparable<VersionKey>, IEquatable<VersionKey>
{
    private readonly byte[]? _key;
    private readonly string? _original;

    // The first 8 key bytes, big-endian and zero-padded: most comparisons are decided here without touching the
    // array. Unequal prefixes order like the keys (zero padding only ties a short key with a longer one, and then
    // the full comparison decides).
    private readonly ulong _prefix;

    internal VersionKey(VersionSchemeKind scheme, string original, byte[] key)
    {
        Scheme = scheme;
        _original = original;
        _key = key;
        Span<byte> head = stackalloc byte[8];
        head.Clear();
        key.AsSpan(0, Math.Min(8, key.Length)).CopyTo(head);
        _prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(head);
    }

    public VersionSchemeKind Scheme { get; }

    /// <summary>The text the key was parsed from, unchanged.</summary>
    public string Original => _original ?? string.Empty;

    public ReadOnlySpan<byte> SortKey => _key;

    /// <summary>True for <c>default(VersionKey)</c>, which no scheme produces.</summary>
    public bool IsEmpty => _key is null;

    /// <summary>
    /// Keys of different schemes are ordered by scheme so sorting stays total; such a comparison has no meaning
    /// as a version order. Returns -1, 0 or 1.
    /// </summary>
    public int CompareTo(VersionKey other)
    {
        if (Scheme != other.Scheme)
        {
            return Scheme < other.Scheme ? -1 : 1;
        }

        if (_prefix != other._prefix)
        {
            return _prefix < other._prefix ? -1 : 1;
        }

        return Math.Sign(SortKey.SequenceCompareTo(other.SortKey));
    }

    public bool Equals(VersionKey other) => Scheme == other.Scheme && _prefix == other._prefix && SortKey.SequenceEqual(other.SortKey);

    public override bool Equals(object? obj) => obj is VersionKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Scheme);
        hash.AddBytes(SortKey);
        return hash.ToHashCode();
    }

    public override string ToString() => Original;

    public static bool operator ==(VersionKey left, VersionKey right) => left.Equals(right);

    public static bool operator !=(VersionKey left, VersionKey right) => !left.Equals(right);

    public static bool operator <(VersionKey left, VersionKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(VersionKey left, VersionKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(VersionKey left, VersionKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(VersionKey left, VersionKey right) => left.CompareTo(right) >= 0;
}
