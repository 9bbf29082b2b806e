using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>Settings under "Agents".</summary>
public sealed class AgentOptions
{
    /// <summary>Reports a device may send at once before it has to wait.</summary>
    public int ReportBurst { get; set; } = 10;

    /// <summary>One more report is allowed every this many seconds.</summary>
    public int ReportPeriodSeconds { get; set; } = 60;

    /// <summary>How often inventory sets no snapshot refers to are removed; 0 turns the job off.</summary>
    public int InventoryCleanupHours { get; set; } = 24;
}

/// <summary>A token bucket per device: an agent stuck in a loop cannot flood the server; answered with 429 and Retry-After.</summary>
public sealed class AgentRateLimiter(IOptions<AgentOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(device =>
        RateLimitPartition.GetTokenBucketLimiter(device, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Value.ReportBurst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, options.Value.ReportPeriodSeconds)),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when the device may go ahead; otherwise how long it should wait.</summary>
    public TimeSpan? TryAcquire(Guid deviceId)
    {
        using var lease = _limiter.AttemptAcquire(deviceId);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(options.Value.ReportPeriodSeconds);
    }

    public void Dispose() => _limiter.Dispose();
}
