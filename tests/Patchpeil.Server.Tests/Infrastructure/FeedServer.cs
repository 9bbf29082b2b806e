using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Patchpeil.Server.Tests.Infrastructure;

/// <summary>One request as the feed server saw it.</summary>
public sealed record ServedRequest(string Path, int Status, bool Conditional);

/// <summary>
/// A real Kestrel on 127.0.0.1 serving a folder as a feed site (CSAF provider, KEV download …), with ETag and
/// Last-Modified from the static file middleware, a log of every request, and faults to inject (a status code, with an
/// optional Retry-After, answered before the real file).
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _faults = new(StringComparer.Ordinal);
    private WebApplication? _app;

    // Every write gets its own modification time, a second apart, so a rewritten file always gets a new ETag.
    private DateTime _clock = DateTime.UtcNow.AddHours(-1);

    private FeedServer(string root) => Root = root;

    public string Root { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<ServedRequest> Log { get; } = new();

    /// <summary>Answers requests that are not files (an API); returns false to fall through to the files.</summary>
    public Func<HttpContext, Task<bool>>? Dynamic { get; set; }

    public static async Task<FeedServer> StartAsync()
    {
        var server = new FeedServer(Directory.CreateTempSubdirectory("patchpeil-feedserver-").FullName);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            var conditional = context.Request.Headers.IfNoneMatch.Count > 0 || context.Request.Headers.IfModifiedSince.Count > 0;
            if (server._faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var fault))
            {
                context.Response.StatusCode = fault.Status;
                if (fault.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = fault.RetryAfter;
                }

                server.Log.Enqueue(new ServedRequest(path, fault.Status, conditional));
                return;
            }

            if (server.Dynamic is { } dynamic && await dynamic(context))
            {
                server.Log.Enqueue(new ServedRequest(path, context.Response.StatusCode, conditional));
                return;
            }

            await next(context);
            server.Log.Enqueue(new ServedRequest(path, context.Response.StatusCode, conditional));
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(server.Root, ExclusionFilters.None),
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
        });
        await app.StartAsync();
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The next request for this path is answered with this status instead of the file.</summary>
    public void FailNext(string path, int status, string? retryAfter = null) =>
        _faults.GetOrAdd(path, _ => new()).Enqueue((status, retryAfter));

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public string PathOf(string relative) => Path.Combine(Root, relative.TrimStart('/'));

    public void Write(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        _clock = _clock.AddSeconds(1);
        File.SetLastWriteTimeUtc(path, _clock);
    }

    public void Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    public List<ServedRequest> TakeLog()
    {
        var list = new List<ServedRequest>();
        while (Log.TryDequeue(out var item))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Stops answering: the port is closed, as when the provider is down.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}

/// <summary>An OpenPGP key made at test time (no real provider's private key is available offline).</summary>
public sealed class TestOpenPgpKey
{
    private readonly PgpKeyPair _pair;

    public TestOpenPgpKey()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), new SecureRandom(), 2048, 12));
        _pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), DateTime.UtcNow);
        var rings = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, _pair, "Patchpeil test CSAF provider <csaf@example.test>",
            SymmetricKeyAlgorithmTag.Aes256, "test".ToCharArray(), true, null, null, new SecureRandom());
        using var buffer = new MemoryStream();
        using (var armoured = new ArmoredOutputStream(buffer))
        {
            rings.GeneratePublicKeyRing().Encode(armoured);
        }

        ArmouredPublicKey = buffer.ToArray();
        Fingerprint = Convert.ToHexString(_pair.PublicKey.GetFingerprint());
    }

    public byte[] ArmouredPublicKey { get; }

    public string Fingerprint { get; }

    public byte[] Sign(byte[] data)
    {
        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, _pair.PrivateKey);
        generator.Update(data);
        using var buffer = new MemoryStream();
        using (var armoured = new ArmoredOutputStream(buffer))
        {
            generator.Generate().Encode(armoured);
        }

        return buffer.ToArray();
    }
}

/// <summary>
/// Lays out a CSAF provider on a <see cref="FeedServer"/>: provider-metadata.json naming the test key, the key, documents
/// with .sha512, .sha256 and .asc, and a ROLIE feed or a directory with changes.csv and index.txt.
/// </summary>
public sealed class TestCsafProvider(FeedServer server, TestOpenPgpKey key, string publisherNamespace, bool rolie)
{
    private readonly SortedDictionary<string, DateTimeOffset> _documents = new(StringComparer.Ordinal);

    public const string MetadataPath = "/.well-known/csaf/provider-metadata.json";
    public const string KeyPath = "/openpgp/provider.asc";
    public const string FeedPath = "/rolie/white/feed.json";
    public const string DirectoryPath = "/csaf/white/";

    public TestOpenPgpKey Key => key;

    public static string DocumentPath(string name) => $"{DirectoryPath}2024/{name}";

    /// <summary>Publishes a document with a correct hash and signature, listed as updated at the given time.</summary>
    public void Publish(string name, byte[] content, DateTimeOffset updated)
    {
        var path = DocumentPath(name);
        server.Write(path, content);
        server.Write(path + ".sha512", $"{Convert.ToHexStringLower(SHA512.HashData(content))}  {name}\n");
        server.Write(path + ".sha256", $"{Convert.ToHexStringLower(SHA256.HashData(content))}  {name}\n");
        server.Write(path + ".asc", key.Sign(content));
        _documents[name] = updated;
        WriteIndexes();
    }

    public void WriteMetadata(string metadataPath = MetadataPath)
    {
        var distribution = rolie
            ? new JsonObject { ["rolie"] = new JsonObject { ["feeds"] = new JsonArray(new JsonObject { ["summary"] = "WHITE advisories", ["tlp_label"] = "WHITE", ["url"] = server.Url(FeedPath).ToString() }) } }
            : new JsonObject { ["directory_url"] = server.Url(DirectoryPath).ToString().TrimEnd('/') };
        var metadata = new JsonObject
        {
            ["canonical_url"] = server.Url(metadataPath).ToString(),
            ["distributions"] = new JsonArray(distribution),
            ["last_updated"] = "2024-10-24T00:00:00Z",
            ["list_on_CSAF_aggregators"] = true,
            ["metadata_version"] = "2.0",
            ["mirror_on_CSAF_aggregators"] = true,
            ["public_openpgp_keys"] = new JsonArray(new JsonObject { ["fingerprint"] = key.Fingerprint.ToLowerInvariant(), ["url"] = server.Url(KeyPath).ToString() }),
            ["publisher"] = new JsonObject { ["category"] = "coordinator", ["name"] = "Test provider", ["namespace"] = publisherNamespace },
            ["role"] = "csaf_trusted_provider",
        };
        server.Write(metadataPath, metadata.ToJsonString());
        server.Write(KeyPath, key.ArmouredPublicKey);
    }

    private void WriteIndexes()
    {
        if (rolie)
        {
            var entries = new JsonArray();
            foreach (var (name, updated) in _documents)
            {
                var document = server.Url(DocumentPath(name)).ToString();
                entries.Add(new JsonObject
                {
                    ["id"] = name,
                    ["title"] = name,
                    ["link"] = new JsonArray(
                        new JsonObject { ["rel"] = "self", ["href"] = document },
                        new JsonObject { ["rel"] = "hash", ["href"] = document + ".sha512" },
                        new JsonObject { ["rel"] = "signature", ["href"] = document + ".asc" }),
                    ["published"] = updated.ToString("O"),
                    ["updated"] = updated.ToString("O"),
                    ["content"] = new JsonObject { ["type"] = "application/json", ["src"] = document },
                    ["format"] = new JsonObject { ["schema"] = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", ["version"] = "2.0" },
                });
            }

            var feed = new JsonObject
            {
                ["feed"] = new JsonObject
                {
                    ["id"] = "test-white",
                    ["title"] = "Test provider WHITE advisories",
                    ["link"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = server.Url(FeedPath).ToString() }),
                    ["category"] = new JsonArray(new JsonObject { ["scheme"] = "urn:ietf:params:rolie:category:information-type", ["term"] = "csaf" }),
                    ["updated"] = _documents.Values.Max().ToString("O"),
                    ["entry"] = entries,
                },
            };
            server.Write(FeedPath, feed.ToJsonString());
        }
        else
        {
            // changes.csv is newest first; index.txt lists every file.
            server.Write(DirectoryPath + "changes.csv", string.Concat(_documents.OrderByDescending(d => d.Value).Select(d => $"\"2024/{d.Key}\",\"{d.Value:yyyy-MM-ddTHH:mm:ssZ}\"\n")));
            server.Write(DirectoryPath + "index.txt", string.Concat(_documents.Keys.Select(n => $"2024/{n}\n")));
        }
    }
}
