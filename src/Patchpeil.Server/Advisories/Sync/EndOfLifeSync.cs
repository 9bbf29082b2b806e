using System.Text.Json;
using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// endoflife.date API v1 <c>/products/full</c>: one conditional download of every product with its release cycles,
/// split into one document per product and imported through the same path as an offline product file
/// (<c>feeds import --source eol</c>), so each product is validated and stored on its own: a broken product is
/// quarantined with its reason and the others are kept.
/// </summary>
public sealed class EndOfLifeSync : IFeedSync
{
    public FeedSyncKind Kind => FeedSyncKind.EndOfLife;

    public async Task RunAsync(FeedSyncContext context, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(context.Source.Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new FeedSyncException($"[endoflife.url] '{context.Source.Url}' is not an http(s) URL");
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

        foreach (var (name, document) in SplitProducts(url, response.Content))
        {
            using var content = new MemoryStream(document, writable: false);
            context.Count(await context.Importer.ImportStreamAsync($"{url.Host}/products/{name}.json", content, FeedSource.EndOfLife, cancellationToken));
        }

        context.NewState["download"] = new JsonObject
        {
            ["url"] = url.ToString(),
            ["etag"] = response.Validators.ETag,
            ["lastModified"] = response.Validators.LastModified,
        };
    }

    /// <summary>
    /// The full list as single-product responses (<c>{schema_version, generated_at, last_modified, result: product}</c>),
    /// the shape the importer reads. A response that is not a product list fails the run; a product without a usable
    /// name is passed on as it is, so the importer quarantines it with its reason.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Document)> SplitProducts(Uri url, byte[] content)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(content);
        }
        catch (JsonException e)
        {
            throw new FeedSyncException($"[endoflife] {url}: not JSON ({e.Message})");
        }

        if (root is not JsonObject envelope || envelope["result"] is not JsonArray products)
        {
            throw new FeedSyncException($"[endoflife.result] {url}: expected an object with a 'result' array of products (API v1 /products/full)");
        }

        var index = 0;
        foreach (var product in products)
        {
            var name = product is JsonObject p && p["name"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length is > 0 and <= 100
                && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '+')
                ? s
                : $"result[{index}]";
            var single = new JsonObject
            {
                ["schema_version"] = envelope["schema_version"]?.DeepClone(),
                ["generated_at"] = envelope["generated_at"]?.DeepClone(),
                ["last_modified"] = envelope["last_modified"]?.DeepClone(),
                ["result"] = product?.DeepClone(),
            };
            index++;
            yield return (name, JsonSerializer.SerializeToUtf8Bytes(single));
        }
    }
}
