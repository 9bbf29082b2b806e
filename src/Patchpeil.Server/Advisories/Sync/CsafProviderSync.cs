using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// Syncs one CSAF provider (CSAF 2.0 §7): finds its provider-metadata.json (given, or by domain through
/// <c>/.well-known/csaf/</c> and then <c>security.txt</c>), loads the OpenPGP keys it names and checks their
/// fingerprints, then walks its ROLIE feeds (preferred) or directories (<c>changes.csv</c>, else <c>index.txt</c>) and
/// fetches only documents updated since the last finished run. Each document must match its <c>.sha512</c> or
/// <c>.sha256</c> file, carry a good <c>.asc</c> signature by one of those keys, and name the provider's publisher
/// namespace; only then does it go through the same validation and storage as an offline import.
/// </summary>
public sealed class CsafProviderSync : IFeedSync
{
    private const string WellKnownPath = "/.well-known/csaf/provider-metadata.json";

    public FeedSyncKind Kind => FeedSyncKind.Csaf;

    public async Task RunAsync(FeedSyncContext context, CancellationToken cancellationToken)
    {
        var (metadataUrl, metadataBytes) = await ResolveMetadataAsync(context, cancellationToken);
        var metadata = ProviderMetadata.Parse(metadataUrl, metadataBytes);

        var keys = new OpenPgpKeys();
        foreach (var (keyUrl, fingerprint) in metadata.Keys)
        {
            try
            {
                var keyFile = await GetCachedAsync(context, "keys", keyUrl, cancellationToken);
                if (keys.Add(keyFile, fingerprint) is { } problem)
                {
                    context.Problem($"{keyUrl}: {problem}");
                }
            }
            catch (FeedFetchException e)
            {
                context.Problem($"{keyUrl}: [pgp.key-download] {e.Reason}");
            }
        }

        if (keys.Count == 0)
        {
            throw new FeedSyncException($"{metadataUrl}: [csaf.no-keys] no usable OpenPGP key in public_openpgp_keys; documents cannot be verified, so none are fetched");
        }

        var sources = metadata.RolieFeeds.Count > 0
            ? metadata.RolieFeeds.Select(f => (Url: f, Rolie: true)).ToList()
            : metadata.Directories.Select(d => (Url: d, Rolie: false)).ToList();
        if (sources.Count == 0)
        {
            throw new FeedSyncException($"{metadataUrl}: [csaf.no-distribution] the metadata lists no ROLIE feed and no directory");
        }

        var reached = 0;
        foreach (var (url, rolie) in sources)
        {
            if (await SyncDistributionAsync(context, keys, metadata.Namespace, url, rolie, cancellationToken))
            {
                reached++;
            }
        }

        if (reached == 0)
        {
            throw new FeedSyncException("no feed or directory of this provider could be read; see the errors above");
        }
    }

    // ---- discovery -------------------------------------------------------------------------------------------------

    private static async Task<(Uri Url, byte[] Bytes)> ResolveMetadataAsync(FeedSyncContext context, CancellationToken cancellationToken)
    {
        var configured = context.Source.Url.Trim();
        if (!configured.Contains("://", StringComparison.Ordinal))
        {
            configured = "https://" + configured;
        }

        if (!Uri.TryCreate(configured, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new FeedSyncException($"[csaf.url] '{context.Source.Url}' is neither a provider-metadata.json URL nor a domain");
        }

        if (url.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return (url, await GetCachedAsync(context, "metadata", url, cancellationToken));
        }

        // By domain (§7.3.1): the well-known location first, then the CSAF field of security.txt.
        var root = new Uri(url.GetLeftPart(UriPartial.Authority));
        var wellKnown = new Uri(root, WellKnownPath);
        try
        {
            return (wellKnown, await GetCachedAsync(context, "metadata", wellKnown, cancellationToken));
        }
        catch (FeedFetchException e) when (!e.Transient)
        {
            // Not there: security.txt is the next place to look (§7.3.1).
        }

        var securityTxt = new Uri(root, "/.well-known/security.txt");
        var text = Encoding.UTF8.GetString((await context.Http.GetDocumentAsync(securityTxt, cancellationToken)).Content);
        var candidates = text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("CSAF:", StringComparison.OrdinalIgnoreCase))
            .Select(l => Uri.TryCreate(l[5..].Trim(), UriKind.Absolute, out var u) ? u : null)
            .OfType<Uri>()
            .ToList();
        if (candidates.Count == 0)
        {
            throw new FeedSyncException($"{securityTxt}: [csaf.discovery] no provider metadata at {wellKnown} and no CSAF field in security.txt");
        }

        return (candidates[0], await GetCachedAsync(context, "metadata", candidates[0], cancellationToken));
    }

    /// <summary>A small file (metadata, key) fetched conditionally; on 304 the copy from the last run is used.</summary>
    private static async Task<byte[]> GetCachedAsync(FeedSyncContext context, string slot, Uri url, CancellationToken cancellationToken)
    {
        var previous = context.PreviousState[slot]?[url.ToString()] as JsonObject;
        var cached = previous?["body"]?.GetValue<string>();
        var validators = cached is null ? null : Validators(previous);
        var response = await context.Http.GetDocumentAsync(url, cancellationToken, validators);
        var body = response.NotModified ? Convert.FromBase64String(cached!) : response.Content;
        var entries = context.NewState[slot] as JsonObject ?? [];
        context.NewState[slot] = entries;
        entries[url.ToString()] = new JsonObject
        {
            ["etag"] = response.Validators.ETag,
            ["lastModified"] = response.Validators.LastModified,
            ["body"] = Convert.ToBase64String(body),
        };
        return body;
    }

    private static HttpValidators? Validators(JsonObject? state) => state is null
        ? null
        : new HttpValidators(state["etag"]?.GetValue<string>(), state["lastModified"]?.GetValue<string>());

    // ---- distributions ---------------------------------------------------------------------------------------------

    /// <summary>Processes one ROLIE feed or directory; false when it could not be read at all.</summary>
    private static async Task<bool> SyncDistributionAsync(FeedSyncContext context, OpenPgpKeys keys, string publisherNamespace, Uri url, bool rolie, CancellationToken cancellationToken)
    {
        var key = url.ToString();
        var previous = context.PreviousState["feeds"]?[key] as JsonObject;
        var feeds = context.NewState["feeds"] as JsonObject ?? [];
        context.NewState["feeds"] = feeds;

        List<Entry> entries;
        FeedResponse response;
        try
        {
            if (rolie)
            {
                response = await context.Http.GetAsync(url, context.Http.Options.MaxBulkBytes, Validators(previous), null, cancellationToken);
                entries = response.NotModified ? [] : ParseRolie(url, response.Content);
            }
            else
            {
                var directory = key.EndsWith('/') ? url : new Uri(key + "/");
                try
                {
                    response = await context.Http.GetAsync(new Uri(directory, "changes.csv"), context.Http.Options.MaxBulkBytes, Validators(previous), null, cancellationToken);
                    entries = response.NotModified ? [] : ParseChangesCsv(directory, response.Content);
                }
                catch (FeedFetchException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                {
                    // Without changes.csv there are no dates: every listed document is fetched; the store keeps unchanged ones as they are.
                    response = await context.Http.GetAsync(new Uri(directory, "index.txt"), context.Http.Options.MaxBulkBytes, null, null, cancellationToken);
                    entries = ParseIndexTxt(directory, response.Content);
                }
            }
        }
        catch (FeedFetchException e)
        {
            context.Problem($"{e.Url}: {e.Reason}");
            if (previous is not null)
            {
                feeds[key] = previous.DeepClone();
            }

            return false;
        }
        catch (FeedSyncException e)
        {
            context.Problem(e.Message);
            if (previous is not null)
            {
                feeds[key] = previous.DeepClone();
            }

            return false;
        }

        if (response.NotModified)
        {
            feeds[key] = previous!.DeepClone();
            return true;
        }

        var cursor = previous?["cursor"]?.GetValue<DateTimeOffset>();
        var due = entries.Where(e => cursor is null || e.Updated is null || e.Updated > cursor).OrderBy(e => e.Updated).ToList();
        var retryLater = false;
        foreach (var entry in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            retryLater |= !await ProcessDocumentAsync(context, keys, publisherNamespace, entry, cancellationToken);
        }

        if (retryLater)
        {
            // A document could not be downloaded: keep the old cursor and validators, so the next run tries again.
            if (previous is not null)
            {
                feeds[key] = previous.DeepClone();
            }

            return true;
        }

        var newest = entries.Select(e => e.Updated).Where(u => u is not null).DefaultIfEmpty(cursor).Max();
        feeds[key] = new JsonObject
        {
            ["etag"] = response.Validators.ETag,
            ["lastModified"] = response.Validators.LastModified,
            ["cursor"] = newest is { } n && (cursor is null || n > cursor) ? n : cursor,
        };
        return true;
    }

    internal sealed record Entry(Uri Document, DateTimeOffset? Updated, IReadOnlyList<Uri> HashFiles, Uri? Signature);

    internal static List<Entry> ParseRolie(Uri feedUrl, byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            if (!json.RootElement.TryGetProperty("feed", out var feed) || !feed.TryGetProperty("entry", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                // An empty feed may leave out "entry".
                return json.RootElement.TryGetProperty("feed", out _) ? [] : throw new FeedSyncException($"{feedUrl}: [rolie.shape] no \"feed\" object");
            }

            var entries = new List<Entry>();
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                index++;
                var src = item.TryGetProperty("content", out var content) && content.TryGetProperty("src", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (src is null || !Uri.TryCreate(feedUrl, src, out var document))
                {
                    throw new FeedSyncException(string.Create(CultureInfo.InvariantCulture, $"{feedUrl}: [rolie.entry] entry {index} has no content.src URL"));
                }

                DateTimeOffset? updated = item.TryGetProperty("updated", out var u) && u.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
                var hashes = new List<Uri>();
                Uri? signature = null;
                if (item.TryGetProperty("link", out var links) && links.ValueKind == JsonValueKind.Array)
                {
                    foreach (var link in links.EnumerateArray())
                    {
                        var rel = link.TryGetProperty("rel", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                        var href = link.TryGetProperty("href", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
                        if (href is null || !Uri.TryCreate(feedUrl, href, out var target))
                        {
                            continue;
                        }

                        if (rel == "hash")
                        {
                            hashes.Add(target);
                        }
                        else if (rel == "signature")
                        {
                            signature = target;
                        }
                    }
                }

                // SHA-512 before SHA-256; MD5 and SHA-1 are never trusted.
                hashes = hashes.Where(h => HashAlgorithmOf(h) is not null).OrderBy(h => HashAlgorithmOf(h) == "sha512" ? 0 : 1).ToList();
                entries.Add(new Entry(document, updated, hashes, signature));
            }

            return entries;
        }
        catch (JsonException e)
        {
            throw new FeedSyncException($"{feedUrl}: [rolie.json] {e.Message}");
        }
    }

    /// <summary><c>"path","time"</c> per line, newest first, no header (§7.1.14); read leniently (CISA leaves out the quotes).</summary>
    internal static List<Entry> ParseChangesCsv(Uri directory, byte[] bytes)
    {
        var entries = new List<Entry>();
        var lineNumber = 0;
        foreach (var raw in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0)
            {
                continue;
            }

            var comma = line.LastIndexOf(',');
            var path = comma < 0 ? "" : line[..comma].Trim().Trim('"');
            var time = comma < 0 ? "" : line[(comma + 1)..].Trim().Trim('"');
            if (path.Length == 0 || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var updated)
                || !Uri.TryCreate(directory, path, out var document))
            {
                throw new FeedSyncException(string.Create(CultureInfo.InvariantCulture, $"{new Uri(directory, "changes.csv")} line {lineNumber}: [csaf.changes] expected \"path\",\"time\" but found '{Shorten(line)}'"));
            }

            entries.Add(DirectoryEntry(document, updated));
        }

        return entries;
    }

    internal static List<Entry> ParseIndexTxt(Uri directory, byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && l.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Select(l => Uri.TryCreate(directory, l, out var u) ? DirectoryEntry(u, null) : null)
            .OfType<Entry>()
            .ToList();

    private static Entry DirectoryEntry(Uri document, DateTimeOffset? updated) =>
        new(document, updated, [new Uri(document + ".sha512"), new Uri(document + ".sha256")], new Uri(document + ".asc"));

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static string? HashAlgorithmOf(Uri url) =>
        url.AbsolutePath.EndsWith(".sha512", StringComparison.OrdinalIgnoreCase) ? "sha512"
        : url.AbsolutePath.EndsWith(".sha256", StringComparison.OrdinalIgnoreCase) ? "sha256"
        : null;

    // ---- one document ----------------------------------------------------------------------------------------------

    /// <summary>Fetches, verifies and imports one document; false when a download failed in a way worth retrying next run.</summary>
    private static async Task<bool> ProcessDocumentAsync(FeedSyncContext context, OpenPgpKeys keys, string publisherNamespace, Entry entry, CancellationToken cancellationToken)
    {
        var location = entry.Document.ToString();
        try
        {
            var document = (await context.Http.GetDocumentAsync(entry.Document, cancellationToken)).Content;

            string? hashProblem = "[csaf.hash-missing] no .sha512 or .sha256 file next to the document";
            foreach (var hashUrl in entry.HashFiles)
            {
                byte[] hashFile;
                try
                {
                    hashFile = (await context.Http.GetDocumentAsync(hashUrl, cancellationToken)).Content;
                }
                catch (FeedFetchException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                {
                    continue;
                }

                hashProblem = CheckHash(document, hashFile, HashAlgorithmOf(hashUrl)!);
                break;
            }

            if (hashProblem is not null)
            {
                context.Reject(location, hashProblem);
                return true;
            }

            if (entry.Signature is null)
            {
                context.Reject(location, "[pgp.signature-missing] the feed names no signature for this document");
                return true;
            }

            byte[] signature;
            try
            {
                signature = (await context.Http.GetDocumentAsync(entry.Signature, cancellationToken)).Content;
            }
            catch (FeedFetchException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                context.Reject(location, $"[pgp.signature-missing] {entry.Signature} does not exist");
                return true;
            }

            if (keys.Verify(document, signature) is { } signatureProblem)
            {
                context.Reject(location, signatureProblem);
                return true;
            }

            if (CheckNamespace(document, publisherNamespace) is { } namespaceProblem)
            {
                context.Reject(location, namespaceProblem);
                return true;
            }

            var summary = await context.Importer.ImportBytesAsync(location, document, FeedSource.Csaf, cancellationToken);
            context.Count(new ImportSummary([summary]));
            return true;
        }
        catch (FeedFetchException e) when (e.Transient)
        {
            context.Problem($"{e.Url}: {e.Reason}; tried again next run");
            return false;
        }
        catch (FeedFetchException e)
        {
            context.Reject(location, $"{e.Url}: {e.Reason}");
            return true;
        }
    }

    internal static string? CheckHash(byte[] document, byte[] hashFile, string algorithm)
    {
        // "<lowercase hex>  <file name>" or just the hex.
        var text = Encoding.ASCII.GetString(hashFile).Trim();
        var expected = text.Split([' ', '\t', '\r', '\n'], 2)[0].ToLowerInvariant();
        var actual = Convert.ToHexStringLower(algorithm == "sha512" ? SHA512.HashData(document) : SHA256.HashData(document));
        return expected == actual ? null : $"[csaf.hash-mismatch] the {algorithm.ToUpperInvariant()} of the document is {actual}, the .{algorithm} file says {Shorten(expected)}";
    }

    internal static string? CheckNamespace(byte[] document, string publisherNamespace)
    {
        string? claimed;
        try
        {
            using var json = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = 256 });
            claimed = json.RootElement.TryGetProperty("document", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("publisher", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        catch (JsonException e)
        {
            return $"[json.syntax] {e.Message}";
        }

        if (claimed is null)
        {
            return "[csaf.namespace] the document has no document.publisher.namespace";
        }

        return NormaliseNamespace(claimed) == NormaliseNamespace(publisherNamespace)
            ? null
            : $"[csaf.namespace] the document claims publisher namespace '{Shorten(claimed)}', but this provider's is '{publisherNamespace}'";
    }

    internal static string NormaliseNamespace(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.IdnHost}{uri.AbsolutePath.TrimEnd('/')}".ToLowerInvariant()
            : value.Trim().TrimEnd('/').ToLowerInvariant();
}

/// <summary>What a provider-metadata.json says that sync needs.</summary>
internal sealed record ProviderMetadata(string Namespace, IReadOnlyList<(Uri Url, string? Fingerprint)> Keys, IReadOnlyList<Uri> RolieFeeds, IReadOnlyList<Uri> Directories)
{
    public static ProviderMetadata Parse(Uri url, byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FeedSyncException($"{url}: [csaf.metadata] not a JSON object");
            }

            var ns = root.TryGetProperty("publisher", out var publisher) && publisher.ValueKind == JsonValueKind.Object
                && publisher.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (string.IsNullOrWhiteSpace(ns))
            {
                throw new FeedSyncException($"{url}: [csaf.metadata] publisher.namespace is missing");
            }

            var keys = new List<(Uri, string?)>();
            foreach (var key in Array(root, "public_openpgp_keys"))
            {
                if (Text(key, "url") is { } keyUrl && Uri.TryCreate(url, keyUrl, out var k))
                {
                    keys.Add((k, Text(key, "fingerprint")));
                }
            }

            var feeds = new List<Uri>();
            var directories = new List<Uri>();
            foreach (var distribution in Array(root, "distributions"))
            {
                if (Text(distribution, "directory_url") is { } dir && Uri.TryCreate(url, dir, out var d))
                {
                    directories.Add(d);
                }

                if (distribution.TryGetProperty("rolie", out var rolie) && rolie.ValueKind == JsonValueKind.Object)
                {
                    foreach (var feed in Array(rolie, "feeds"))
                    {
                        if (Text(feed, "url") is { } feedUrl && Uri.TryCreate(url, feedUrl, out var f))
                        {
                            feeds.Add(f);
                        }
                    }
                }
            }

            return new ProviderMetadata(ns, keys, feeds, directories);
        }
        catch (JsonException e)
        {
            throw new FeedSyncException($"{url}: [csaf.metadata] {e.Message}");
        }
    }

    private static List<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [];

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A source could not be synced for a reason a person has to look at (bad metadata, no keys …); the run fails.</summary>
public sealed class FeedSyncException(string message) : Exception(message);
