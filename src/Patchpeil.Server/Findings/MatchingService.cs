using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Policy;

namespace Patchpeil.Server.Findings;

/// <summary>
/// What other features call when data that findings depend on changed. Each call queues a job and returns at once;
/// one background writer runs the jobs in order (ADR 0017).
/// </summary>
public interface IFindingsJobs
{
    /// <summary>An asset's inventory or risk attributes changed (check-in, import, edit, connector sync).</summary>
    ValueTask AssetChangedAsync(Guid assetId, CancellationToken cancellationToken = default);

    ValueTask AssetsChangedAsync(IReadOnlyCollection<Guid> assetIds, CancellationToken cancellationToken = default);

    /// <summary>Advisories, KEV, EPSS or lifecycle data were imported: only what changed is re-matched.</summary>
    ValueTask AdvisoriesChangedAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs the periodic work now: risk-acceptance expiry, and the daily full re-match when it is due.</summary>
    ValueTask TickAsync(CancellationToken cancellationToken = default);

    /// <summary>Re-matches everything (end-of-support dates pass with time).</summary>
    ValueTask RematchAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes when every job queued so far (and the start-up load) has been written.</summary>
    Task IdleAsync(CancellationToken cancellationToken = default);
}

public sealed class FindingsOptions
{
    /// <summary>How often the periodic tick runs (risk-acceptance expiry; the daily re-match when a day has passed).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan FullRematchInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The longest a risk acceptance may run (PolicyInEffect has no such field yet).</summary>
    public TimeSpan MaxRiskAcceptance { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// Hosts the one Core <see cref="Matcher"/> of this host. At start it loads every advisory, KEV, lifecycle data and
/// every asset's current inventory, then writes the findings; afterwards jobs from a channel update the matcher
/// incrementally and write only the assets they touched. The matcher is not thread-safe: only the job loop uses it.
/// </summary>
public sealed class MatchingService(IServiceScopeFactory scopes, TimeProvider time, FindingsOptions options, ILogger<MatchingService> logger)
    : BackgroundService, IFindingsJobs, IPolicyChangeListener
{
    private abstract record Job;

    private sealed record AssetsJob(IReadOnlyCollection<Guid> AssetIds) : Job;

    private sealed record AdvisoriesJob : Job;

    private sealed record PolicyJob(Guid OrganisationId, PolicyInEffect Policy) : Job;

    private sealed record TickJob : Job;

    private sealed record RematchJob : Job;

    // Advisory and time-driven passes resolve without an inventory as evidence: the knowledge changed, not the asset.
    private static readonly Dictionary<Guid, Guid?> NoSnapshots = [];

    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _advisoryHashes = new(StringComparer.Ordinal);
    private Matcher _matcher = new();
    private string _referenceSignature = "";
    private int _pending = 1; // the start-up load
    private int _advisoriesQueued;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastFullMatch;

    /// <summary>Assets, advisories and findings the matcher holds (for the jobs page and the benchmark).</summary>
    public (int Assets, int Advisories, int Identities) Size => (_matcher.AssetCount, _advisoryHashes.Count, _matcher.IdentityCount);

    public ValueTask AssetChangedAsync(Guid assetId, CancellationToken cancellationToken = default) => EnqueueAsync(new AssetsJob([assetId]), cancellationToken);

    public ValueTask AssetsChangedAsync(IReadOnlyCollection<Guid> assetIds, CancellationToken cancellationToken = default) =>
        assetIds.Count == 0 ? ValueTask.CompletedTask : EnqueueAsync(new AssetsJob([.. assetIds]), cancellationToken);

    public ValueTask AdvisoriesChangedAsync(CancellationToken cancellationToken = default) =>
        // An import of a zip calls this per file: one queued advisory job covers them all (it diffs by content hash).
        Interlocked.Exchange(ref _advisoriesQueued, 1) == 1 ? ValueTask.CompletedTask : EnqueueAsync(new AdvisoriesJob(), cancellationToken);

    public ValueTask TickAsync(CancellationToken cancellationToken = default) => EnqueueAsync(new TickJob(), cancellationToken);

    public ValueTask RematchAllAsync(CancellationToken cancellationToken = default) => EnqueueAsync(new RematchJob(), cancellationToken);

    public async Task PolicyChangedAsync(Guid organisationId, PolicyInEffect policy, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(new PolicyJob(organisationId, policy), cancellationToken);

    public Task IdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _pending == 0 ? Task.CompletedTask : _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private ValueTask EnqueueAsync(Job job, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return _jobs.Writer.WriteAsync(job, cancellationToken);
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await RunSafelyAsync("load", LoadAllAsync, stoppingToken);
        Done();
        using var timer = new PeriodicTimer(options.TickInterval, time);
        var ticks = TickLoopAsync(timer, stoppingToken);
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RunSafelyAsync(job.GetType().Name, ct => RunAsync(job, ct), stoppingToken);
                }
                finally
                {
                    Done();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }

        await ticks;
    }

    private async Task TickLoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }
    }

    private async Task RunSafelyAsync(string name, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One failed job must neither stop the loop nor the host (an unhandled exception in a background service
            // stops the whole application); it is logged and the next full re-match heals what it left undone.
            logger.LogError(e, "Findings job {Job} failed", name);
        }
    }

    private Task RunAsync(Job job, CancellationToken ct) => job switch
    {
        AssetsJob a => AssetsAsync(a.AssetIds, ct),
        AdvisoriesJob => AdvisoriesAsync(ct),
        PolicyJob p => PolicyAsync(p.OrganisationId, p.Policy, ct),
        TickJob => TickJobAsync(ct),
        _ => LoadAllAsync(ct),
    };

    private async Task LoadAllAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = SystemDb(scope);
        var started = time.GetTimestamp();
        var matcher = new Matcher(new MatcherOptions { Clock = time });
        var problems = new List<string>();
        _advisoryHashes.Clear();
        await foreach (var (key, sha, prepared) in MatchInputs.AdvisoriesAsync(db, null, problems, ct))
        {
            _advisoryHashes[key] = sha;
            foreach (var p in prepared)
            {
                matcher.LoadAdvisory(p);
            }
        }

        _referenceSignature = await ReferenceSignatureAsync(db, ct);
        matcher.SetKnownExploited(await MatchInputs.KnownExploitedAsync(db, ct));
        matcher.SetLifecycles(await LifecyclesAsync(scope, db, ct));
        var assets = await MatchInputs.AssetsAsync(db, null, ct);
        foreach (var (asset, _, _) in assets)
        {
            matcher.LoadAsset(asset);
        }

        matcher.RematchAll();
        _matcher = matcher;
        _lastFullMatch = time.GetUtcNow();
        foreach (var p in problems.Take(20))
        {
            logger.LogWarning("Advisory not matchable: {Problem}", p);
        }

        var result = await WriteAsync(scope, assets.Select(a => Guid.Parse(a.Asset.AssetId)), assets.ToDictionary(a => Guid.Parse(a.Asset.AssetId), a => a.SnapshotId), "matching:full", ct);
        logger.LogInformation("Findings matched: {Assets} assets, {Advisories} advisories in {Elapsed} ms; {Result}",
            assets.Count, _advisoryHashes.Count, (long)time.GetElapsedTime(started).TotalMilliseconds, result);
    }

    private async Task AssetsAsync(IReadOnlyCollection<Guid> assetIds, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = SystemDb(scope);
        var assets = await MatchInputs.AssetsAsync(db, assetIds, ct);
        var present = assets.Select(a => Guid.Parse(a.Asset.AssetId)).ToHashSet();
        foreach (var (asset, _, _) in assets)
        {
            _matcher.UpsertAsset(asset);
        }

        foreach (var gone in assetIds.Where(id => !present.Contains(id)))
        {
            _matcher.RemoveAsset(MatchInputs.AssetKey(gone));
        }

        // Risk attributes (BIV, internet-facing) change priorities without changing matches: always reconcile.
        await WriteAsync(scope, present, assets.ToDictionary(a => Guid.Parse(a.Asset.AssetId), a => a.SnapshotId), "matching:asset", ct);
    }

    private async Task AdvisoriesAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _advisoriesQueued, 0);
        await using var scope = scopes.CreateAsyncScope();
        var db = SystemDb(scope);
        var current = await db.Set<Advisory>().AsNoTracking().Where(a => !a.Withdrawn).Select(a => new { a.Id, a.Source, a.DocumentId, a.ContentSha256 }).ToListAsync(ct);
        var changedIds = new List<Guid>();
        var currentKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in current)
        {
            var key = AdvisoryPreparation.KeyOf(a.Source, a.DocumentId);
            currentKeys.Add(key);
            if (!_advisoryHashes.TryGetValue(key, out var sha) || sha != a.ContentSha256)
            {
                changedIds.Add(a.Id);
            }
        }

        var touched = new HashSet<Guid>();
        var problems = new List<string>();
        await foreach (var (key, sha, prepared) in MatchInputs.AdvisoriesAsync(db, changedIds, problems, ct))
        {
            _advisoryHashes[key] = sha;
            foreach (var p in prepared)
            {
                Collect(_matcher.UpsertAdvisory(p), touched);
            }
        }

        foreach (var gone in _advisoryHashes.Keys.Where(k => !currentKeys.Contains(k)).ToList())
        {
            _advisoryHashes.Remove(gone);
            Collect(_matcher.RemoveAdvisory(gone), touched);
        }

        // KEV, EPSS and lifecycle data change flags, priorities and lifecycle findings everywhere: a full pass.
        var signature = await ReferenceSignatureAsync(db, ct);
        if (signature != _referenceSignature)
        {
            _referenceSignature = signature;
            _matcher.SetKnownExploited(await MatchInputs.KnownExploitedAsync(db, ct));
            _matcher.SetLifecycles(await LifecyclesAsync(scope, db, ct));
            await FullAsync(scope, ct);
            return;
        }

        await WriteAsync(scope, touched, NoSnapshots, "matching:advisories", ct);
    }

    private async Task PolicyAsync(Guid organisationId, PolicyInEffect policy, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = SystemDb(scope);
        var writer = new FindingWriter(db, scope.ServiceProvider.GetRequiredService<IPatchPolicyService>(), time);
        await writer.ApplyPolicyAsync(organisationId, policy, ct);
    }

    private async Task TickJobAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = SystemDb(scope);
        await FindingLifecycle.ExpireAcceptancesAsync(db, scope.ServiceProvider.GetRequiredService<IPatchPolicyService>(), time, ct);

        // Another host or the command line may have imported advisories: the diff by content hash is cheap when nothing changed.
        await AdvisoriesAsync(ct);
        if (time.GetUtcNow() - _lastFullMatch >= options.FullRematchInterval)
        {
            await FullAsync(scope, ct);
        }
    }

    private async Task FullAsync(AsyncServiceScope scope, CancellationToken ct)
    {
        var db = SystemDb(scope);
        _matcher.RematchAll();
        _lastFullMatch = time.GetUtcNow();
        var ids = await db.Assets.AsNoTracking().Select(a => a.Id).ToListAsync(ct);
        await WriteAsync(scope, ids, NoSnapshots, "matching:full", ct);
    }

    private async Task<FindingWriteResult> WriteAsync(AsyncServiceScope scope, IEnumerable<Guid> assetIds, IReadOnlyDictionary<Guid, Guid?> snapshots, string actor, CancellationToken ct)
    {
        var db = SystemDb(scope);
        var writer = new FindingWriter(db, scope.ServiceProvider.GetRequiredService<IPatchPolicyService>(), time);
        var desired = assetIds.Distinct().ToDictionary(id => id, id => _matcher.FindingsFor(MatchInputs.AssetKey(id)));
        return await writer.ReconcileAsync(desired, snapshots, actor, ct);
    }

    private static void Collect(MatchDelta delta, HashSet<Guid> touched)
    {
        foreach (var f in delta.Added.Concat(delta.Removed))
        {
            if (Guid.TryParse(f.Key.AssetId, out var id))
            {
                touched.Add(id);
            }
        }
    }

    /// <summary>Cheap fingerprint of KEV, EPSS and lifecycle data: when it moves, flags and lifecycle findings need a full pass.</summary>
    private static async Task<string> ReferenceSignatureAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        var kev = await db.Set<KevEntry>().CountAsync(ct);
        var kevLatest = await db.Set<KevEntry>().MaxAsync(k => (DateOnly?)k.DateAdded, ct);
        var epss = await db.Set<EpssScore>().CountAsync(ct);
        var epssLatest = await db.Set<EpssScore>().MaxAsync(e => e.ScoreDateUtc, ct);
        var lifecycle = await db.Set<Lifecycle.LifecycleProduct>().OrderBy(p => p.Name).Select(p => p.ContentSha256).ToListAsync(ct);
        var osVersions = await db.Set<Lifecycle.OsVersionLine>().Select(l => l.ContentSha256).Distinct().ToListAsync(ct);
        return $"{kev}|{kevLatest}|{epss}|{epssLatest:O}|{string.Join(',', lifecycle)}|{string.Join(',', osVersions.Order(StringComparer.Ordinal))}";
    }

    /// <summary>endoflife.date products with the stored OS version sources (SOFA, gdmf, ChromeOS) laid over them.</summary>
    private static async Task<IReadOnlyList<Core.Feeds.EndOfLife.EolProduct>> LifecyclesAsync(AsyncServiceScope scope, PatchpeilDbContext db, CancellationToken ct) =>
        await new Lifecycle.OsVersionService(db).LifecyclesAsync(await MatchInputs.LifecyclesAsync(db, ct), ct);

    private static PatchpeilDbContext SystemDb(AsyncServiceScope scope)
    {
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("matching");
        return scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
    }
}
