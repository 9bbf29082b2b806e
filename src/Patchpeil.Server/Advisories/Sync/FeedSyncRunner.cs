using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// Runs one source at a time (per host): records the run, hands the source to its <see cref="IFeedSync"/>, and saves
/// the outcome, the counts and — only when the run did not fail — the new state. A failed or cancelled run changes
/// nothing but its own record, so the last good data and cursor stay.
/// </summary>
public sealed class FeedSyncRunner(IServiceScopeFactory scopes, IEnumerable<IFeedSync> syncs, TimeProvider time, ILogger<FeedSyncRunner> logger) : IDisposable
{
    private const int MaxErrorsKept = 200;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<FeedSyncKind, IFeedSync> _syncs = syncs.ToDictionary(s => s.Kind);
    private CancellationTokenSource? _current;
    private Guid? _currentSourceId;

    public const string ApiKeyPurpose = "Patchpeil.FeedSync.ApiKey.v1";

    /// <summary>Whether a sync exists for this kind; sources of other kinds are shown but cannot be enabled.</summary>
    public bool Supports(FeedSyncKind kind) => _syncs.ContainsKey(kind);

    public Guid? RunningSourceId => _currentSourceId;

    /// <summary>Stops the run in progress, if it is this source's.</summary>
    public bool Cancel(Guid sourceId)
    {
        var current = _current;
        if (current is null || _currentSourceId != sourceId)
        {
            return false;
        }

        current.Cancel();
        return true;
    }

    /// <summary>Runs the source now (waiting for a run in progress to end first) and returns the run's record.</summary>
    public async Task<FeedSyncRun> RunAsync(Guid sourceId, string trigger, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _current = cancel;
            _currentSourceId = sourceId;
            return await RunCoreAsync(sourceId, trigger, cancel.Token);
        }
        finally
        {
            _current = null;
            _currentSourceId = null;
            _gate.Release();
        }
    }

    private async Task<FeedSyncRun> RunCoreAsync(Guid sourceId, string trigger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PatchpeilDbContext>();
        var source = await db.Set<FeedSyncSource>().SingleAsync(s => s.Id == sourceId, cancellationToken);
        services.GetRequiredService<RequestContext>().SetSystem($"feed-sync:{source.Key}");

        var run = new FeedSyncRun { SourceId = source.Id, StartedUtc = Now(), Outcome = FeedRunOutcome.Running, Trigger = Truncate(trigger, 256) };
        db.Add(run);
        source.NextRunUtc = Now().AddMinutes(Math.Max(1, source.IntervalMinutes));
        source.Version = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);

        var http = services.GetRequiredService<FeedHttp>();
        var errors = new List<string>();
        FeedSyncContext? context = null;
        try
        {
            if (!_syncs.TryGetValue(source.Kind, out var sync))
            {
                throw new FeedSyncException($"[sync.unsupported] online sync of {source.Kind} is not built yet; import its files offline");
            }

            context = new FeedSyncContext(source, UnprotectApiKey(services, source), ParseState(source.State), http, services.GetRequiredService<FeedImporter>());
            await sync.RunAsync(context, cancellationToken);
            errors.AddRange(context.Errors);
            run.Outcome = context.Errors.Count == 0 ? FeedRunOutcome.Succeeded : FeedRunOutcome.Warnings;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errors.AddRange(context?.Errors ?? []);
            errors.Add("[sync.cancelled] the run was stopped; documents already verified and stored are kept, the cursor is not moved");
            run.Outcome = FeedRunOutcome.Cancelled;
        }
        catch (Exception e) when (e is FeedSyncException or FeedFetchException or CryptographicException)
        {
            errors.AddRange(context?.Errors ?? []);
            errors.Add(e is CryptographicException ? "[sync.api-key] the stored API key cannot be decrypted (the server's key ring changed); enter it again" : e.Message);
            run.Outcome = FeedRunOutcome.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or an unexpected answer: the run fails visibly instead of taking the scheduler down.
            logger.LogError(e, "Feed sync {Key} failed", source.Key);
            errors.AddRange(context?.Errors ?? []);
            errors.Add($"[sync.error] {e.GetType().Name}: {e.Message}");
            run.Outcome = FeedRunOutcome.Failed;
        }

        // Record the end even when the run was cancelled: use a fresh token.
        db.ChangeTracker.Clear();
        var finished = Now();
        var stored = await db.Set<FeedSyncRun>().SingleAsync(r => r.Id == run.Id, CancellationToken.None);
        stored.FinishedUtc = finished;
        stored.Outcome = run.Outcome;
        stored.Added = context?.Added ?? 0;
        stored.Changed = context?.Changed ?? 0;
        stored.Unchanged = context?.Unchanged ?? 0;
        stored.Rejected = context?.Rejected ?? 0;
        stored.Requests = http.Requests;
        stored.BytesDownloaded = http.Bytes;
        stored.Errors = errors.Count == 0 ? null : Truncate(string.Join('\n', errors.Take(MaxErrorsKept).Append(errors.Count > MaxErrorsKept ? string.Create(CultureInfo.InvariantCulture, $"… and {errors.Count - MaxErrorsKept} more") : null).OfType<string>()), 100_000);

        var current = await db.Set<FeedSyncSource>().SingleAsync(s => s.Id == sourceId, CancellationToken.None);
        current.LastRunUtc = finished;
        current.LastOutcome = run.Outcome;
        if (run.Outcome is FeedRunOutcome.Succeeded or FeedRunOutcome.Warnings && context is not null)
        {
            current.State = context.NewState.ToJsonString();
        }

        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Feed sync {Key}: {Outcome}, added {Added}, changed {Changed}, unchanged {Unchanged}, rejected {Rejected}, {Requests} requests",
            source.Key, stored.Outcome, stored.Added, stored.Changed, stored.Unchanged, stored.Rejected, stored.Requests);
        return stored;
    }

    public void Dispose() => _gate.Dispose();

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static JsonObject ParseState(string? state)
    {
        if (string.IsNullOrEmpty(state))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(state) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return []; // A damaged cursor only costs a full fetch.
        }
    }

    private static string? UnprotectApiKey(IServiceProvider services, FeedSyncSource source) =>
        source.ProtectedApiKey is null
            ? null
            : services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ApiKeyPurpose).Unprotect(source.ProtectedApiKey);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
