using System.Collections.Concurrent;

namespace Patchpeil.Server.Findings;

/// <summary>
/// Short-lived memory of the aggregate figures over findings (dashboard counts, trend, a list's total and overdue count):
/// at a million findings each figure is a scan of an index that no request should wait for on every page view.
/// A figure is reused for at most <see cref="Lifetime"/> and only while no finding changed on this host: every
/// SaveChanges that touches a finding, and every set-based write of the matcher, calls <see cref="Changed"/>. Another
/// host's writes and the passing of time (overdue) show within the lifetime — the same minute in which new data
/// becomes findings (ADR 0017). Keys always include the organisation.
/// </summary>
public static class FindingFigures
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);
    private static long _generation;

    /// <summary>Findings changed: figures computed before are not used again.</summary>
    public static void Changed() => Interlocked.Increment(ref _generation);

    /// <summary>The figure under <paramref name="key"/> when it is fresh, else computes it (concurrent callers share one computation).</summary>
    public static async Task<T> GetAsync<T>(string key, DateTime now, Func<Task<T>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var generation = Interlocked.Read(ref _generation);
        if (Entries.TryGetValue(key, out var entry) && entry.Generation == generation && (now - entry.ComputedUtc).Duration() < Lifetime
            && entry.Value.Status != TaskStatus.Faulted && entry.Value.Status != TaskStatus.Canceled)
        {
            return (T)(await entry.Value)!;
        }

        if (Entries.Count >= MaxEntries)
        {
            Entries.Clear();
        }

        var computed = ComputeAsync(compute);
        Entries[key] = new Entry(generation, now, computed);
        return (T)(await computed)!;
    }

    private static async Task<object?> ComputeAsync<T>(Func<Task<T>> compute) => await compute();

    private sealed record Entry(long Generation, DateTime ComputedUtc, Task<object?> Value);
}
