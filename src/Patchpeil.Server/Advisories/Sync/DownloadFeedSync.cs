using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// A source that is one file at one URL (CISA KEV JSON, the EPSS daily CSV, an OSV ecosystem export zip): fetched
/// conditionally, imported only once the whole file arrived, through the same path as an offline import.
/// </summary>
public sealed class DownloadFeedSync(FeedSyncKind kind, FeedSource format) : IFeedSync
{
    public FeedSyncKind Kind => kind;

    public async Task RunAsync(FeedSyncContext context, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(context.Source.Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new FeedSyncException($"[download.url] '{context.Source.Url}' is not an http(s) URL");
        }

        var previous = context.PreviousState["download"] as JsonObject;
        var validators = previous is not null && previous["url"]?.GetValue<string>() == url.ToString()
            ? new HttpValidators(previous["etag"]?.GetValue<string>(), previous["lastModified"]?.GetValue<string>())
            : null;
        var response = await context.Http.GetAsync(url, context.Http.Options.MaxBulkBytes, validators, null, cancellationToken);
        if (response.NotModified)
        {
            context.NewState["download"] = previous!.DeepClone();
            return;
        }

        var name = Path.GetFileName(url.AbsolutePath);
        if (string.IsNullOrEmpty(name))
        {
            name = kind.ToString().ToLowerInvariant();
        }

        using var content = new MemoryStream(response.Content, writable: false);
        var summary = await context.Importer.ImportStreamAsync($"{url.Host}/{name}", content, format, cancellationToken);
        context.Count(summary);
        context.NewState["download"] = new JsonObject
        {
            ["url"] = url.ToString(),
            ["etag"] = response.Validators.ETag,
            ["lastModified"] = response.Validators.LastModified,
        };
    }
}
