namespace Patchpeil.Peers;

/// <summary>
/// A tiny seeded generator whose sequence is fixed by its definition, so a corpus is reproducible on every runtime
/// (System.Random's seeded sequence is an implementation detail).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, maxExclusive).</summary>
    public int Below(int maxExclusive) => (int)(Next() % (ulong)maxExclusive);

    /// <summary>True with probability percent/100.</summary>
    public bool Chance(int percent) => Below(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
}
