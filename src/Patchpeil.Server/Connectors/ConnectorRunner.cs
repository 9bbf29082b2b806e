using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Connectors;

/// <summary>The secret's Data Protection purpose, in one place.</summary>
public static class ConnectorSecrets
{
    public const string Purpose = "Patchpeil.Connectors.Secret.v1";

    public static string Protect(IDataProtectionProvider provider, string secret) => provider.CreateProtector(Purpose).Protect(secret);

    public static string? Unprotect(IDataProtectionProvider provider, Connector connector) =>
        connector.ProtectedSecret is null ? null : provider.CreateProtector(Purpose).Unprotect(connector.ProtectedSecret);
}

/// <summary>The outcome of "test connection", shown on the connector page.</summary>
public sealed record ConnectorTestResult(bool Success, string Message, int Requests);

/// <summary>
/// Runs one connector at a time per connector: records the run, hands the connector to its <see cref="IConnectorSource"/>,
/// merges each page the source hands back (one transaction per page, so pages already merged stay when a later one
/// fails), and saves the outcome, the counts, the errors and — only when the run did not fail — the new cursor.
/// Runs act inside the connector's organisation (tenant filter and guard apply), under the actor "connector:&lt;name&gt;".
/// </summary>
public sealed class ConnectorRunner(IServiceScopeFactory scopes, IEnumerable<IConnectorSource> sources, TimeProvider time, ILogger<ConnectorRunner> logger) : IDisposable
{
    private const int MaxErrorsKept = 200;
    private readonly Dictionary<ConnectorKind, IConnectorSource> _sources = sources.ToDictionary(s => s.Kind);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public bool Supports(ConnectorKind kind) => _sources.ContainsKey(kind);

    public IConnectorSource? Source(ConnectorKind kind) => _sources.GetValueOrDefault(kind);

    public IReadOnlyCollection<IConnectorSource> Sources => _sources.Values;

    public bool IsRunning(Guid connectorId) => _running.ContainsKey(connectorId);

    public bool Cancel(Guid connectorId)
    {
        if (_running.TryGetValue(connectorId, out var cancel))
        {
            cancel.Cancel();
            return true;
        }

        return false;
    }

    /// <summary>Runs the connector now (after a run in progress ends) and returns the run's record.</summary>
    public async Task<ConnectorRun> RunAsync(Guid connectorId, string trigger, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _running[connectorId] = cancel;
        try
        {
            return await RunCoreAsync(connectorId, trigger, cancel.Token);
        }
        finally
        {
            _running.TryRemove(connectorId, out _);
            _gate.Release();
        }
    }

    /// <summary>Gets a credential and makes one small request, without storing anything.</summary>
    public async Task<ConnectorTestResult> TestAsync(Guid connectorId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var (connector, _) = await LoadAsync(services, connectorId, cancellationToken);
        var http = services.GetRequiredService<ConnectorHttp>();
        if (!_sources.TryGetValue(connector.Kind, out var source))
        {
            return new ConnectorTestResult(false, $"[connector.unsupported] {connector.Kind} is not built yet", 0);
        }

        try
        {
            var context = new ConnectorContext(connector, UnprotectSecret(services, connector), http, [], (_, _) => Task.CompletedTask, time);
            var message = await source.TestAsync(context, cancellationToken);
            return new ConnectorTestResult(true, message, http.Requests);
        }
        catch (Exception e) when (e is ConnectorException or ConnectorConfigurationException or CryptographicException)
        {
            return new ConnectorTestResult(false, Describe(e), http.Requests);
        }
    }

    private async Task<ConnectorRun> RunCoreAsync(Guid connectorId, string trigger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var (connector, db) = await LoadAsync(services, connectorId, cancellationToken);

        var run = new ConnectorRun { OrganisationId = connector.OrganisationId, ConnectorId = connector.Id, StartedUtc = Now(), Outcome = ConnectorRunOutcome.Running, Trigger = Truncate(trigger, 256) };
        db.Add(run);
        var tracked = await db.Set<Connector>().SingleAsync(c => c.Id == connectorId, cancellationToken);
        tracked.NextRunUtc = Now().AddMinutes(Math.Max(1, tracked.IntervalMinutes));
        tracked.Version = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var http = services.GetRequiredService<ConnectorHttp>();
        var counts = new MergeCounts();
        var errors = new List<string>();
        ConnectorContext? context = null;
        try
        {
            if (!_sources.TryGetValue(connector.Kind, out var source))
            {
                throw new ConnectorConfigurationException($"[connector.unsupported] {connector.Kind} is not built yet");
            }

            context = new ConnectorContext(connector, UnprotectSecret(services, connector), http, ParseCursor(connector.Cursor), async (page, ct) =>
            {
                try
                {
                    await ConnectorMerge.MergePageAsync(db, connector, page, Now(), counts, errors.Add, ct);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }, time);
            await source.ReadAsync(context, cancellationToken);
            if (context.CompleteRead)
            {
                await MarkVanishedAsync(db, connector, run.StartedUtc, counts, errors, cancellationToken);
            }

            errors.InsertRange(0, context.Errors);
            run.Outcome = errors.Count == 0 ? ConnectorRunOutcome.Succeeded : ConnectorRunOutcome.Warnings;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errors.InsertRange(0, context?.Errors ?? []);
            errors.Add("[connector.cancelled] the run was stopped; pages already merged are kept, the cursor is not moved");
            run.Outcome = ConnectorRunOutcome.Cancelled;
        }
        catch (Exception e) when (e is ConnectorException or ConnectorConfigurationException or CryptographicException)
        {
            errors.InsertRange(0, context?.Errors ?? []);
            errors.Add(Describe(e, connector));
            run.Outcome = ConnectorRunOutcome.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or an unexpected answer: the run fails visibly instead of taking the scheduler down.
            logger.LogError(e, "Connector {ConnectorId} ({Kind}) failed", connector.Id, connector.Kind);
            errors.InsertRange(0, context?.Errors ?? []);
            errors.Add($"[connector.error] connector {connector.Name}: {e.GetType().Name}: {e.Message}");
            run.Outcome = ConnectorRunOutcome.Failed;
        }

        // Record the end even when the run was cancelled: use a fresh token.
        db.ChangeTracker.Clear();
        var finished = Now();
        var stored = await db.Set<ConnectorRun>().SingleAsync(r => r.Id == run.Id, CancellationToken.None);
        stored.FinishedUtc = finished;
        stored.Outcome = run.Outcome;
        stored.Requests = http.Requests;
        stored.DevicesRead = context?.DevicesRead ?? 0;
        stored.Created = counts.Created;
        stored.Updated = counts.Updated;
        stored.Merged = counts.Merged;
        stored.Deleted = counts.Deleted;
        stored.Unchanged = counts.Unchanged;
        stored.ErrorCount = errors.Count;
        stored.Errors = errors.Count == 0 ? null : Truncate(string.Join('\n', errors.Take(MaxErrorsKept).Append(errors.Count > MaxErrorsKept ? string.Create(CultureInfo.InvariantCulture, $"… and {errors.Count - MaxErrorsKept} more") : null).OfType<string>()), 100_000);

        var current = await db.Set<Connector>().SingleAsync(c => c.Id == connectorId, CancellationToken.None);
        current.LastRunUtc = finished;
        current.LastOutcome = run.Outcome;
        current.LastDeviceCount = stored.DevicesRead;
        current.LastErrorCount = errors.Count;
        if (run.Outcome is ConnectorRunOutcome.Succeeded or ConnectorRunOutcome.Warnings && context is not null)
        {
            current.Cursor = context.NewCursor.Count == 0 ? null : context.NewCursor.ToJsonString();
            if (context.Information is not null)
            {
                current.InformationJson = context.Information.ToJsonString();
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);

        logger.LogInformation("Connector {ConnectorId} ({Kind}): {Outcome}, read {Read}, created {Created}, updated {Updated}, merged {Merged}, deleted {Deleted}, {Errors} errors, {Requests} requests, throttled {Throttled}",
            connector.Id, connector.Kind, stored.Outcome, stored.DevicesRead, stored.Created, stored.Updated, stored.Merged, stored.Deleted, stored.ErrorCount, stored.Requests, http.Throttled);

        if (counts.ChangedAssets.Count > 0)
        {
            try
            {
                // The platform's inventories and update-expiry dates feed findings: re-match exactly the assets this
                // run gave a new snapshot (a failed run's merged pages count too).
                await services.GetRequiredService<Findings.IFindingsJobs>().AssetsChangedAsync(counts.ChangedAssets, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Re-evaluating findings after connector {ConnectorId} failed", connector.Id);
            }
        }

        return stored;
    }

    /// <summary>After a complete listing: devices not in it are marked removed (kept with their history).</summary>
    private async Task MarkVanishedAsync(PatchpeilDbContext db, Connector connector, DateTime started, MergeCounts counts, List<string> errors, CancellationToken cancellationToken)
    {
        var links = db.Set<ConnectorDeviceLink>().Where(l => l.ConnectorId == connector.Id && l.DeletedUtc == null);
        var active = await links.CountAsync(cancellationToken);
        var missing = await links.CountAsync(l => l.LastSeenUtc < started, cancellationToken);
        if (missing == 0)
        {
            return;
        }

        // Graph has been reported to leave devices out of very large listings (CONNECTORS.md §1.3): a sudden drop is
        // more likely a short answer than a mass retirement.
        if (missing > Math.Max(MaxVanishedQuietly, active / 10))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"[connector.sudden-drop] connector {connector.Name}: {missing} of {active} devices were not in this listing; they are not marked removed until a later run confirms it"));
            return;
        }

        var now = Now();
        counts.Deleted += await links.Where(l => l.LastSeenUtc < started).ExecuteUpdateAsync(u => u.SetProperty(l => l.DeletedUtc, now), cancellationToken);
    }

    /// <summary>This many devices may vanish from a listing at once without the drop being treated as suspicious.</summary>
    public const int MaxVanishedQuietly = 5;

    /// <summary>Loads the connector past the tenant filter, then narrows the scope to its organisation.</summary>
    private static async Task<(Connector Connector, PatchpeilDbContext Db)> LoadAsync(IServiceProvider services, Guid connectorId, CancellationToken cancellationToken)
    {
        var request = services.GetRequiredService<RequestContext>();
        request.SetSystem("connector");
        var db = services.GetRequiredService<PatchpeilDbContext>();
        var connector = await db.Set<Connector>().AsNoTracking().SingleAsync(c => c.Id == connectorId, cancellationToken);
        request.SetAnonymous(Truncate($"connector:{connector.Name}", 256));
        request.SetOrganisation(connector.OrganisationId);
        return (connector, db);
    }

    private static string Describe(Exception e, Connector? connector = null) => e switch
    {
        ConnectorException c => $"[{c.Code}] connector {connector?.Name ?? ""}, request {c.Request}: {c.Reason}".Replace("connector , ", "", StringComparison.Ordinal),
        CryptographicException => "[connector.secret] the stored secret cannot be decrypted (the server's key ring changed); enter it again",
        _ => e.Message,
    };

    public void Dispose() => _gate.Dispose();

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static JsonObject ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(cursor) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return []; // A damaged cursor only costs a full read.
        }
    }

    private static string? UnprotectSecret(IServiceProvider services, Connector connector) =>
        ConnectorSecrets.Unprotect(services.GetRequiredService<IDataProtectionProvider>(), connector);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>The connector's own settings are wrong or missing (no secret, a key that cannot be read); the run fails without a request.</summary>
public sealed class ConnectorConfigurationException(string message) : Exception(message);
