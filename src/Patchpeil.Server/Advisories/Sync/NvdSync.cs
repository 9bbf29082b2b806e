using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>Bound from <c>FeedSync:Nvd</c>.</summary>
public sealed class NvdSyncOptions
{
    public int ResultsPerPage { get; set; } = 2000;

    /// <summary>NVD allows 5 requests per 30 s without a key and 50 with one; the pauses stay under that.</summary>
    public TimeSpan DelayWithoutKey { get; set; } = TimeSpan.FromSeconds(6.5);

    public TimeSpan DelayWithKey { get; set; } = TimeSpan.FromSeconds(0.7);

    /// <summary>NVD refuses lastMod windows longer than 120 days.</summary>
    public int WindowDays { get; set; } = 120;
}

/// <summary>
/// NVD CVE API 2.0: the first run pages through everything, later runs ask only for CVEs modified since the last
/// finished window (at most 120 days per request window). Pages go through the same import as offline NVD files. A page
/// that cannot be fetched ends the run with a warning and the position is kept, so the next run resumes there.
/// </summary>
public sealed class NvdSync(IOptions<NvdSyncOptions> options, TimeProvider time) : IFeedSync
{
    public FeedSyncKind Kind => FeedSyncKind.Nvd;

    public async Task RunAsync(FeedSyncContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!Uri.TryCreate(context.Source.Url.Trim(), UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            throw new FeedSyncException($"[nvd.url] '{context.Source.Url}' is not an http(s) URL");
        }

        var headers = context.ApiKey is { } key ? new Dictionary<string, string> { ["apiKey"] = key } : null;
        var pause = context.ApiKey is null ? settings.DelayWithoutKey : settings.DelayWithKey;
        var cursor = Date(context.PreviousState["cursor"]);
        var progress = context.PreviousState["progress"] as JsonObject;
        var now = time.GetUtcNow();
        var first = true;
        while (true)
        {
            DateTimeOffset? start;
            DateTimeOffset end;
            int index;
            if (progress is not null)
            {
                (start, end, index) = (Date(progress["start"]), Date(progress["end"]) ?? now, progress["nextIndex"]?.GetValue<int>() ?? 0);
                progress = null;
            }
            else if (cursor is null)
            {
                (start, end, index) = (null, now, 0); // First run: everything.
            }
            else if (cursor >= now)
            {
                break;
            }
            else
            {
                var windowEnd = cursor.Value.AddDays(settings.WindowDays);
                (start, end, index) = (cursor, windowEnd < now ? windowEnd : now, 0);
            }

            var total = int.MaxValue;
            while (index < total)
            {
                if (!first)
                {
                    await Task.Delay(pause, time, cancellationToken);
                }

                first = false;
                var url = PageUrl(api, start, end, index, settings.ResultsPerPage);
                FeedResponse response;
                try
                {
                    response = await context.Http.GetAsync(url, context.Http.Options.MaxBulkBytes, null, headers, cancellationToken);
                }
                catch (FeedFetchException e) when (e.Transient)
                {
                    context.Problem(string.Create(CultureInfo.InvariantCulture, $"{e.Url}: {e.Reason}; the next run resumes at result {index}"));
                    context.NewState["cursor"] = cursor;
                    context.NewState["progress"] = new JsonObject { ["start"] = start, ["end"] = end, ["nextIndex"] = index };
                    return;
                }

                var (count, reported) = PageSize(url, response.Content);
                total = reported;
                var summary = await context.Importer.ImportBytesAsync(string.Create(CultureInfo.InvariantCulture, $"{api.Host} results {index}-{index + count - 1} of {total}"), response.Content, FeedSource.Nvd, cancellationToken);
                context.Count(new ImportSummary([summary]));
                if (count == 0)
                {
                    break;
                }

                index += count;
            }

            cursor = end;
            if (start is null || end >= now)
            {
                break;
            }
        }

        context.NewState["cursor"] = cursor;
    }

    private static DateTimeOffset? Date(JsonNode? node) => node?.GetValue<DateTimeOffset>();

    private static Uri PageUrl(Uri api, DateTimeOffset? start, DateTimeOffset end, int index, int perPage)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"resultsPerPage={perPage}&startIndex={index}");
        if (start is { } from)
        {
            query += $"&lastModStartDate={Uri.EscapeDataString(NvdDate(from))}&lastModEndDate={Uri.EscapeDataString(NvdDate(end))}";
        }

        return new UriBuilder(api) { Query = query }.Uri;
    }

    private static string NvdDate(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static (int Count, int Total) PageSize(Uri url, byte[] page)
    {
        try
        {
            using var json = JsonDocument.Parse(page, new JsonDocumentOptions { MaxDepth = 64 });
            var root = json.RootElement;
            var count = root.TryGetProperty("vulnerabilities", out var items) && items.ValueKind == JsonValueKind.Array ? items.GetArrayLength() : -1;
            var total = root.TryGetProperty("totalResults", out var t) && t.TryGetInt32(out var n) ? n : -1;
            return count < 0 || total < 0
                ? throw new FeedSyncException($"{url}: [nvd.shape] not an NVD CVE API 2.0 page (vulnerabilities and totalResults missing)")
                : (count, total);
        }
        catch (JsonException e)
        {
            throw new FeedSyncException($"{url}: [nvd.json] {e.Message}");
        }
    }
}
