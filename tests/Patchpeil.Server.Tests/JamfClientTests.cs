using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Server.Connectors.Jamf;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// The Jamf Pro and Jamf School clients against a local Kestrel on 127.0.0.1 that answers with the recorded bodies in
/// tests/fixtures/connectors (written from the vendors' documentation, see SOURCES.md). Only the base URL differs from
/// production. The mock pages, clamps page-size at 2000, expires tokens and throttles as scripted per test.
/// </summary>
public sealed class JamfClientTests : IAsyncLifetime
{
    private const string ClientId = "55ed202f-example";
    private const string ClientSecret = "s3cret-value";
    private FeedServer? _server;
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly HashSet<string> _validTokens = [];
    private readonly Queue<int> _scripted = new();
    private int _inFlight;
    private int _maxInFlight;
    private int _tokenCounter;

    private FeedServer Server => _server ?? throw new InvalidOperationException("not started");

    private static JsonNode Fixture(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", name)))!;

    /// <summary>Pages a recorded "results" list the way Jamf Pro does: zero-based page, page-size clamped at 2000.</summary>
    private static string Page(JsonNode recorded, HttpRequest request)
    {
        var all = recorded["results"]!.AsArray();
        var page = int.Parse(request.Query["page"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        var size = Math.Min(2000, int.Parse(request.Query["page-size"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture));
        var slice = new JsonArray([.. all.Skip(page * size).Take(size).Select(n => n!.DeepClone())]);
        return new JsonObject { ["totalCount"] = all.Count, ["results"] = slice }.ToJsonString();
    }

    /// <summary>Per-test extra behaviour: return true when the request was answered.</summary>
    private Func<HttpContext, Task<bool>>? Extra { get; set; }

    public async ValueTask InitializeAsync()
    {
        _server = await FeedServer.StartAsync();
        var computers = Fixture("jamfpro-computers-inventory.json");
        var mobiles = Fixture("jamfpro-mobile-devices-detail-paged.json");
        Server.Dynamic = async context =>
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            _maxInFlight = Math.Max(_maxInFlight, inFlight);
            try
            {
                var request = context.Request;
                _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
                if (_scripted.TryDequeue(out var status))
                {
                    context.Response.StatusCode = status;
                    if (status == 429)
                    {
                        context.Response.Headers.RetryAfter = "0.01";
                    }

                    if (status == 401)
                    {
                        await context.Response.WriteAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", "jamfpro-error-401.json")));
                    }

                    return true;
                }

                if (Extra is { } extra && await extra(context))
                {
                    return true;
                }

                var path = request.Path.Value!;
                if (request.Method == "POST" && path is "/api/oauth/token" or "/api/v1/oauth/token")
                {
                    var form = await request.ReadFormAsync();
                    if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
                    {
                        context.Response.StatusCode = 401;
                        await context.Response.WriteAsync("""{"httpStatus":401,"errors":[{"code":"INVALID_CLIENT","field":null,"description":"Client authentication failed","id":"0"}]}""");
                        return true;
                    }

                    var token = Fixture("jamfpro-token.json");
                    token["access_token"] = $"token-{Interlocked.Increment(ref _tokenCounter)}";
                    lock (_validTokens)
                    {
                        _validTokens.Add(token["access_token"]!.GetValue<string>());
                    }

                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(token.ToJsonString());
                    return true;
                }

                if (path.StartsWith("/api/v", StringComparison.Ordinal))
                {
                    var auth = request.Headers.Authorization.ToString();
                    bool valid;
                    lock (_validTokens)
                    {
                        valid = auth.StartsWith("Bearer ", StringComparison.Ordinal) && _validTokens.Contains(auth[7..]);
                    }

                    if (!valid)
                    {
                        context.Response.StatusCode = 401;
                        await context.Response.WriteAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", "jamfpro-error-401.json")));
                        return true;
                    }

                    var body = path switch
                    {
                        "/api/v1/computers-inventory" or "/api/v2/computers-inventory" => Page(computers, request),
                        "/api/v2/mobile-devices/detail" => Page(mobiles, request),
                        "/api/v2/mobile-devices" => Page(Fixture("jamfpro-mobile-devices-v2.json"), request),
                        "/api/v2/mobile-devices/58/detail" => Fixture("jamfpro-mobile-device-detail-v2.json").ToJsonString(),
                        _ => null,
                    };
                    context.Response.StatusCode = body is null ? 404 : 200;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(body ?? """{"httpStatus":404,"errors":[{"code":"NOT_FOUND","description":"Not found"}]}""");
                    return true;
                }

                return false;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private JamfProClient Pro(TimeProvider? time = null, int pageSize = 1) =>
        new(_http, Server.BaseUrl, ClientId, ClientSecret, time, new JamfClientOptions { PageSize = pageSize, BaseDelay = TimeSpan.FromMilliseconds(5) });

    private List<string> Requests() => [.. _requests];

    [Fact]
    public async Task ProReadsEveryPageOfComputersAndMobileDevicesAndMapsThem()
    {
        var result = await Pro().ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Complete, string.Join("; ", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(["computer:117", "computer:204", "mobile:58", "mobile:61"], result.Devices.Select(d => d.ExternalId));
        var mac = result.Devices[0];
        Assert.Equal(("DOC-MBA-031", "macOS", "KX9M2Q7RV4", "15.6.1", "24G90", "J413AP"), (mac.Name, mac.Platform, mac.SerialNumber, mac.OsVersion, mac.OsBuild, mac.ModelIdentifier));
        Assert.Equal("MacBook Air (13-inch, M2, 2022)", mac.Model);
        Assert.Equal(new DateTime(2026, 9, 13, 19, 4, 22, 118, DateTimeKind.Utc), mac.LastSyncUtc);
        Assert.Contains(mac.Apps!, a => a is { Name: "Google Chrome", Version: "139.0.7258.155", BundleId: "com.google.Chrome" });
        var ipad = result.Devices[2];
        Assert.Equal(("iPadOS", "DMPXK3J1Q1GC", "18.6.2", "22G100", "iPad12,1"), (ipad.Platform, ipad.SerialNumber, ipad.OsVersion, ipad.OsBuild, ipad.ModelIdentifier));
        Assert.Contains(ipad.Apps!, a => a is { BundleId: "com.google.chrome.ios", Version: "139.0.7258.155" });
        // page-size 1: two pages per endpoint; the sections are sent repeated; sorted by id for a stable order.
        var computerPages = Requests().Where(r => r.StartsWith("GET /api/v1/computers-inventory", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, computerPages.Count);
        Assert.All(computerPages, r => Assert.Contains("section=GENERAL&section=HARDWARE&section=OPERATING_SYSTEM&section=APPLICATIONS", r, StringComparison.Ordinal));
        Assert.Contains("page=1", computerPages[1], StringComparison.Ordinal);
        Assert.InRange(_maxInFlight, 1, 5);
    }

    [Fact]
    public async Task ProPagesByTotalCountWhenTheServerClampsThePageSize()
    {
        var result = await Pro(pageSize: 5000).ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(4, result.Devices.Count);
        Assert.Single(Requests(), r => r.StartsWith("GET /api/v1/computers-inventory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProRefreshesAnExpiredTokenOnceAndFailsClearlyWhenItStaysRefused()
    {
        var client = Pro(pageSize: 100);
        // Token accepted by the token endpoint, then refused on the first data call (expired early): one refresh.
        var first = true;
        Extra = async context =>
        {
            if (first && context.Request.Path == "/api/v1/computers-inventory")
            {
                first = false;
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("""{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN","description":"Unauthorized"}]}""");
                return true;
            }

            return false;
        };
        var result = await client.ReadDevicesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(4, result.Devices.Count);
        Assert.Equal(2, client.TokensIssued);

        // Refused every time: one refresh, then an error naming the request and Jamf's reason.
        Extra = async context =>
        {
            if (context.Request.Path == "/api/v1/computers-inventory")
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("""{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN","description":"Unauthorized"}]}""");
                return true;
            }

            return false;
        };
        var fresh = Pro(pageSize: 100);
        var error = await Assert.ThrowsAsync<JamfRequestException>(() => fresh.ReadDevicesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, fresh.TokensIssued);
        Assert.Contains("GET ", error.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/computers-inventory", error.Message, StringComparison.Ordinal);
        Assert.Contains("INVALID_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProGetsANewTokenWhenTheLastOneHasExpired()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 9, 14, 6, 0, 0, TimeSpan.Zero));
        var client = Pro(clock, pageSize: 100);

        await client.ReadDevicesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, client.TokensIssued);
        clock.Advance(TimeSpan.FromSeconds(600)); // expires_in 599
        await client.ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, client.TokensIssued);
    }

    [Fact]
    public async Task ProWaitsOutA429WithDecimalRetryAfter()
    {
        var client = Pro(pageSize: 100);
        var throttled = false;
        Extra = context =>
        {
            if (!throttled && context.Request.Path == "/api/v2/mobile-devices/detail")
            {
                throttled = true;
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0.05";
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        var result = await client.ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.True(throttled);
        Assert.Equal(4, result.Devices.Count);
        Assert.Equal(2, Requests().Count(r => r.StartsWith("GET /api/v2/mobile-devices/detail", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ProMalformedPageIsReportedWithRequestAndEarlierDevicesAreKept()
    {
        Extra = async context =>
        {
            if (context.Request.Path == "/api/v1/computers-inventory" && context.Request.Query["page"] == "1")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"totalCount": 2, "results": [ {"id": "204", "general": {"name": "LAB-IMAC""");
                return true;
            }

            return false;
        };

        var result = await Pro().ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Complete);
        Assert.Equal(["computer:117", "mobile:58", "mobile:61"], result.Devices.Select(d => d.ExternalId));
        var problem = Assert.Single(result.Problems);
        Assert.Contains("Jamf Pro: GET ", problem, StringComparison.Ordinal);
        Assert.Contains("/api/v1/computers-inventory?", problem, StringComparison.Ordinal);
        Assert.Contains("page=1", problem, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProDeviceWithMissingFieldsIsKeptAndOneWithoutIdIsReported()
    {
        Extra = async context =>
        {
            if (context.Request.Path == "/api/v2/mobile-devices/detail")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"totalCount": 2, "results": [ {"mobileDeviceId": "77", "general": null, "hardware": {"serialNumber": ""}}, {"deviceType": "iOS"} ]}""");
                return true;
            }

            return false;
        };

        var result = await Pro(pageSize: 100).ReadDevicesAsync(TestContext.Current.CancellationToken);

        var bare = result.Devices.Single(d => d.ExternalId == "mobile:77");
        Assert.Equal(("mobile device 77", "iOS", null, null, null), (bare.Name, bare.Platform, bare.SerialNumber, bare.OsVersion, bare.LastSyncUtc));
        Assert.Contains(result.Problems, p => p.Contains("mobile device #1 has no mobileDeviceId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProFallsBackToTheVersionedTokenPathAndToListPlusDetailOnOlderServers()
    {
        Extra = context =>
        {
            if (context.Request.Path == "/api/oauth/token" || context.Request.Path == "/api/v2/mobile-devices/detail")
            {
                context.Response.StatusCode = 404;
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        var result = await Pro(pageSize: 100).ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.Contains(Requests(), r => r == "POST /api/v1/oauth/token");
        // Device 61's detail is gone (deleted between list and detail): skipped without an error.
        Assert.Equal(["computer:117", "computer:204", "mobile:58"], result.Devices.Select(d => d.ExternalId));
        Assert.Empty(result.Problems);
        var ipad = result.Devices[2];
        Assert.Equal(("iPadOS", "18.6.2", "iPad12,1"), (ipad.Platform, ipad.OsVersion, ipad.ModelIdentifier));
        Assert.Contains(ipad.Apps!, a => a is { Name: "Keynote", Version: "14.4" });
    }

    [Fact]
    public async Task ProWrongSecretNamesTheTokenRequest()
    {
        var client = new JamfProClient(_http, Server.BaseUrl, ClientId, "wrong", null, new JamfClientOptions());

        var error = await Assert.ThrowsAsync<JamfRequestException>(() => client.TestConnectionAsync(TestContext.Current.CancellationToken));

        Assert.Contains("POST ", error.Message, StringComparison.Ordinal);
        Assert.Contains("oauth/token", error.Message, StringComparison.Ordinal);
        Assert.Contains("INVALID_CLIENT", error.Message, StringComparison.Ordinal);
        Assert.Equal("2 computers, 2 mobile devices", await Pro().TestConnectionAsync(TestContext.Current.CancellationToken));
    }

    // ------------------------------------------------------------------ Jamf School

    private void ServeJamfSchool(string protocol = JamfSchoolClient.ProtocolVersion, Func<JsonNode, JsonNode>? edit = null) => Extra = async context =>
    {
        if (context.Request.Path != "/api/devices")
        {
            return false;
        }

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("12345:api-key-value"));
        if (context.Request.Headers.Authorization != expected)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"code":401,"message":"ClientNotAuthorized"}""");
            return true;
        }

        if (context.Request.Headers["X-Server-Protocol-Version"] != protocol)
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("Not Found");
            return true;
        }

        var body = Fixture("jamfschool-devices.json");
        if (context.Request.Query["includeApps"].Count == 0)
        {
            foreach (var d in body["devices"]!.AsArray())
            {
                d!.AsObject().Remove("apps");
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync((edit?.Invoke(body) ?? body).ToJsonString());
        return true;
    };

    private JamfSchoolClient School(string key = "api-key-value") =>
        new(_http, new Uri(Server.BaseUrl, "api"), "12345", key, null, new JamfClientOptions { BaseDelay = TimeSpan.FromMilliseconds(5) });

    [Fact]
    public async Task SchoolReadsDevicesWithAppsUsingBasicAuthAndTheProtocolHeader()
    {
        ServeJamfSchool();

        var result = await School().ReadDevicesAsync(TestContext.Current.CancellationToken);

        Assert.Empty(result.Problems);
        Assert.Equal(["DMPXK3J1Q1GC", "GG7W22MVQ1"], result.Devices.Select(d => d.SerialNumber));
        var ipad = result.Devices[0];
        Assert.Equal(("00008103-001A2B3C4D5E6F70", "iPadOS", "18.6.2", "iPad12,1", "iPad (9th generation) Wi-Fi"), (ipad.ExternalId, ipad.Platform, ipad.OsVersion, ipad.ModelIdentifier, ipad.Model));
        Assert.Equal(new DateTime(2026, 9, 14, 6, 51, 38, DateTimeKind.Utc), ipad.LastSyncUtc);
        Assert.Contains(ipad.Apps!, a => a is { BundleId: "com.google.chrome.ios", Version: "139.0.7258.155", Publisher: "Google LLC" });
        Assert.Equal("2 devices", await School().TestConnectionAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SchoolWrongKeyAndWrongProtocolVersionAreNamed()
    {
        ServeJamfSchool(protocol: "4");

        var wrongKey = await Assert.ThrowsAsync<JamfRequestException>(() => School("wrong").ReadDevicesAsync(TestContext.Current.CancellationToken));
        Assert.Contains("HTTP 401", wrongKey.Message, StringComparison.Ordinal);
        Assert.Contains("network ID and API key", wrongKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("api-key-value", wrongKey.Message, StringComparison.Ordinal);

        var wrongProtocol = await Assert.ThrowsAsync<JamfRequestException>(() => School().ReadDevicesAsync(TestContext.Current.CancellationToken));
        Assert.Contains("HTTP 404: Not Found", wrongProtocol.Message, StringComparison.Ordinal);
        Assert.Contains("X-Server-Protocol-Version", wrongProtocol.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchoolDeviceWithoutUdidIsReportedAndThrottlingIsWaitedOut()
    {
        ServeJamfSchool(edit: body =>
        {
            body["devices"]![1]!.AsObject().Remove("UDID");
            body["devices"]![0]!.AsObject().Remove("os");
            return body;
        });
        _scripted.Enqueue(429);

        var result = await School().ReadDevicesAsync(TestContext.Current.CancellationToken);

        var device = Assert.Single(result.Devices);
        Assert.Null(device.OsVersion);
        Assert.Contains(result.Problems, p => p.Contains("device #1 has no UDID", StringComparison.Ordinal) && p.Contains("/api/devices", StringComparison.Ordinal));
        Assert.Equal(2, Requests().Count(r => r.StartsWith("GET /api/devices", StringComparison.Ordinal)));
    }
}
