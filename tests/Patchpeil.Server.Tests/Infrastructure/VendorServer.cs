using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Patchpeil.Server.Tests.Infrastructure;

/// <summary>One request a vendor API double received: method, path with query, Authorization header and form body.</summary>
public sealed record VendorRequest(string Method, string PathAndQuery, string? Authorization, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A vendor API on 127.0.0.1 (a <see cref="FeedServer"/> underneath, with its fault injection): routes by method and
/// path answer with recorded bodies from tests/fixtures/connectors, rewritten so absolute next-page links point here.
/// Only the base URL differs from production.
/// </summary>
public sealed class VendorServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private VendorServer(FeedServer server)
    {
        Server = server;
        server.Dynamic = async context =>
        {
            var key = $"{context.Request.Method} {context.Request.Path}";
            if (!_routes.TryGetValue(key, out var handler))
            {
                return false;
            }

            IReadOnlyDictionary<string, string> form = new Dictionary<string, string>();
            if (context.Request.HasFormContentType)
            {
                form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            }

            Requests.Enqueue(new VendorRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, form));
            await handler(context);
            return true;
        };
    }

    public FeedServer Server { get; }

    public string Base => Server.BaseUrl.ToString().TrimEnd('/');

    public ConcurrentQueue<VendorRequest> Requests { get; } = new();

    public static async Task<VendorServer> StartAsync() => new(await FeedServer.StartAsync());

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", name));

    /// <summary>Answers GET/POST path with a body (status 200 unless given); the production host in the body is replaced by this server's.</summary>
    public void Json(string method, string path, string body, int status = 200, string? productionHost = null) =>
        _routes[$"{method} {path}"] = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(productionHost is null ? body : body.Replace(productionHost, Base, StringComparison.Ordinal));
        };

    public void Route(string method, string path, Func<HttpContext, Task> handler) => _routes[$"{method} {path}"] = handler;

    public List<VendorRequest> Take(string pathPrefix) => Requests.Where(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
