using System.Net.Http.Headers;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.CheckIn;

/// <summary>The outcome of one run: how many reports were sent, and whether (and how long) to wait before trying again.</summary>
public sealed record UploadOutcome(int Sent, int Queued, int Rejected, TimeSpan? RetryAfter, string? Problem);

/// <summary>
/// One check-in: collect, turn the inventory into a full or delta report, put it in the on-disk queue, then send
/// the queue oldest first. Full the first time and whenever the server asks; otherwise only what changed.
/// </summary>
public sealed class Uploader(string folder, Func<CancellationToken, Task<AgentReport>> collect, TimeProvider time, Func<Uri, HttpMessageHandler>? handler = null)
{
    public async Task<UploadOutcome> RunOnceAsync(CancellationToken ct = default)
    {
        var state = AgentState.Load(folder) ?? throw new InvalidOperationException($"This device is not enrolled (no {Path.Combine(folder, AgentState.ConfigFile)}); run `patchpeil-agent enroll` first.");
        var queue = new Outbox(folder);
        await PrepareAsync(state, queue, ct);
        var outcome = await SendQueueAsync(state, queue, ct);
        if (outcome.Problem is null && state.FullNext)
        {
            // The server asked for a full report (or lost the delta's base): send it now rather than next interval.
            await PrepareAsync(state, queue, ct);
            var second = await SendQueueAsync(state, queue, ct);
            outcome = second with { Sent = outcome.Sent + second.Sent, Rejected = outcome.Rejected + second.Rejected };
        }

        return outcome;
    }

    private async Task PrepareAsync(AgentState state, Outbox queue, CancellationToken ct)
    {
        var report = await collect(ct);
        var current = InventoryHash.Canonical(report.Software);
        var hash = InventoryHash.OfCanonical(current);
        var previous = state.FullNext ? null : AgentState.LoadInventory(folder);
        if (previous is null || state.InventoryHash is null)
        {
            report = report with { Full = true, Software = current, Delta = null };
        }
        else
        {
            var before = previous.ToLookup(InventoryHash.KeyOf);
            var after = current.ToLookup(InventoryHash.KeyOf);
            var changed = after.Where(g => !before.Contains(g.Key) || !before[g.Key].ToHashSet().SetEquals(g)).SelectMany(g => g).ToList();
            var removed = before.Where(g => !after.Contains(g.Key)).Select(g => g.First()).ToList();
            report = report with { Full = false, Software = changed, Delta = new AgentDelta(state.InventoryHash, removed) };
        }

        if (queue.Enqueue(report, time.GetUtcNow().UtcDateTime))
        {
            state.FullNext = true;
        }
        else
        {
            state.FullNext = false;
        }

        AgentState.SaveInventory(folder, current);
        state.InventoryHash = hash;
        state.Save(folder);
    }

    private async Task<UploadOutcome> SendQueueAsync(AgentState state, Outbox queue, CancellationToken ct)
    {
        using var http = new HttpClient(handler?.Invoke(state.Server) ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = state.Server, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", state.DeviceKey);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("patchpeil-agent", AgentInfo.Version.Split('+')[0]));
        var client = new PatchpeilClient(http, AgentJson.Default.Options);
        int sent = 0, rejected = 0;
        foreach (var file in queue.Files)
        {
            var report = Outbox.Read(file);
            try
            {
                var result = await client.SendAgentReportAsync(report, ct);
                File.Delete(file);
                sent++;
                state.FullNext |= result.FullReportRequested;
            }
            catch (PatchpeilApiException e) when (e.StatusCode == 409 && e.Message.Contains("fullReportRequired", StringComparison.Ordinal))
            {
                File.Delete(file);
                queue.DropDeltas();
                state.FullNext = true;
            }
            catch (PatchpeilApiException e) when (e.StatusCode is 429 or >= 500)
            {
                state.Save(folder);
                return new UploadOutcome(sent, queue.Files.Count, rejected, e.RetryAfter ?? TimeSpan.FromMinutes(1), $"server busy ({e.StatusCode}); {queue.Files.Count} report(s) queued");
            }
            catch (PatchpeilApiException e) when (e.StatusCode is 401 or 403)
            {
                state.Save(folder);
                return new UploadOutcome(sent, queue.Files.Count, rejected, null, $"the server refused this device ({e.StatusCode}): it may have been revoked; enroll again");
            }
            catch (PatchpeilApiException)
            {
                // The server will never accept this report (400, 413 …): keep it aside and carry on with a full one.
                queue.Reject(file);
                rejected++;
                state.FullNext = true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                state.Save(folder);
                return new UploadOutcome(sent, queue.Files.Count, rejected, TimeSpan.FromMinutes(1), $"server unreachable ({e.Message}); {queue.Files.Count} report(s) queued");
            }
        }

        state.Save(folder);
        return new UploadOutcome(sent, 0, rejected, null, null);
    }
}
