using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Patchpeil.Server.Connectors;

/// <summary>How connector requests behave; bound from <c>Connectors:Http</c>.</summary>
public sealed class ConnectorHttpOptions
{
    /// <summary>One attempt (headers and body) may take this long.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before the second attempt when the server names no wait; doubled each time, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A Retry-After longer than this fails the run instead of blocking the scheduler.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit for one response body (one page of devices, one token).</summary>
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>A bearer (or basic) credential and when to stop using it.</summary>
public sealed record ConnectorCredential(AuthenticationHeaderValue Header, DateTimeOffset ExpiresUtc);

/// <summary>Gets a fresh credential (a token request, or a fixed API key); called again when the cached one expires or a 401 comes back.</summary>
public delegate Task<ConnectorCredential> CredentialSource(ConnectorHttp http, CancellationToken cancellationToken);

/// <summary>Counts requests a source sends through its own HTTP code (the Jamf clients), so the run shows them.</summary>
public interface IConnectorRequestCounter
{
    void RequestSent();

    void Throttled();
}

/// <summary>
/// A request that failed after its retries, or an answer that could not be read. <see cref="Request"/> names the
/// request (method and URL, never a secret); <see cref="Code"/> is a stable code for the run's error list.
/// </summary>
public sealed class ConnectorException(string request, string code, string reason, HttpStatusCode? status = null, string? vendorCode = null)
    : Exception($"[{code}] {request}: {reason}")
{
    public string Request => request;
    public string Code => code;
    public string Reason => reason;
    public HttpStatusCode? Status => status;

    /// <summary>The vendor's error code (Graph <c>error.code</c>, Google <c>errors[0].reason</c>, OAuth <c>error</c>).</summary>
    public string? VendorCode => vendorCode;
}

/// <summary>
/// The HTTP side every connector shares: a credential cached until shortly before it expires and fetched again once
/// on a 401; 429/503/504 retried after Retry-After (decimal seconds allowed, bounded) or exponential backoff with
/// jitter; a time-out per attempt; a size limit enforced while the body streams in; JSON parsed with the position of
/// the first error. One instance per run: it counts that run's requests.
/// </summary>
public sealed class ConnectorHttp(IHttpClientFactory factory, IOptions<ConnectorHttpOptions> options, TimeProvider time, ILogger<ConnectorHttp> logger) : IConnectorRequestCounter
{
    public const string ClientName = "connectors";

    /// <summary>Tokens are renewed this long before they expire, so none runs out mid-page.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    private readonly ConnectorHttpOptions _options = options.Value;
    private CredentialSource? _source;
    private ConnectorCredential? _credential;
    private TimeSpan _margin = ExpiryMargin;

    public int Requests { get; private set; }

    /// <summary>How many times a server asked us to slow down (429, 503, or a vendor's own throttle answer).</summary>
    public int Throttled { get; private set; }

    public ConnectorHttpOptions Options => _options;

    void IConnectorRequestCounter.RequestSent() => Requests++;

    void IConnectorRequestCounter.Throttled() => Throttled++;

    /// <summary>Classifies answers that mean "slow down" although their status is not 429 (Google: 403 userRateLimitExceeded).</summary>
    public Func<HttpStatusCode, ReadOnlyMemory<byte>, bool>? IsThrottled { get; set; }

    /// <summary>Reads the vendor's error code from an error body, for the run's error list.</summary>
    public Func<ReadOnlyMemory<byte>, string?>? ErrorCode { get; set; }

    /// <summary>Sets how authenticated requests get their credential.</summary>
    public void Authenticate(CredentialSource source)
    {
        _source = source;
        _credential = null;
    }

    /// <summary>Forgets the cached credential (the next authenticated request fetches a new one).</summary>
    public void ExpireCredential() => _credential = null;

    /// <summary>GET a JSON document with the connector's credential.</summary>
    public Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null) =>
        SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, url), authenticated: true, headers, cancellationToken);

    /// <summary>POST a form without the connector's credential (a token request); the form is never logged.</summary>
    public Task<JsonDocument> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken, AuthenticationHeaderValue? authorization = null)
    {
        var fields = form.ToList();
        return SendJsonAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Authorization = authorization;
            return request;
        }, authenticated: false, null, cancellationToken);
    }

    /// <summary>
    /// Pages through a collection: <paramref name="next"/> reads the next page's URL from a page (null on the last).
    /// Each page is handed out as soon as it is read, so a failure later keeps what came before.
    /// </summary>
    public async IAsyncEnumerable<JsonDocument> GetPagesAsync(Uri first, Func<JsonElement, Uri?> next, int maxPages = 100_000,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var url = first;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; url is not null; page++)
        {
            if (!seen.Add(url.AbsoluteUri) || page > maxPages)
            {
                throw new ConnectorException(Describe(HttpMethod.Get, url), "connector.paging", page > maxPages
                    ? string.Create(CultureInfo.InvariantCulture, $"more than {maxPages} pages; stopped")
                    : "the server sent the same next-page link twice; stopped to avoid a loop");
            }

            var document = await GetJsonAsync(url, cancellationToken);
            url = next(document.RootElement);
            yield return document;
        }
    }

    public static string Describe(HttpMethod method, Uri url) => $"{method} {url.GetLeftPart(UriPartial.Path)}{(url.Query.Length > 0 ? "?…" : "")}";

    private async Task<JsonDocument> SendJsonAsync(Func<HttpRequestMessage> create, bool authenticated, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var (body, described) = await SendAsync(create, authenticated, headers, cancellationToken);
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ConnectorException(described, "connector.malformed",
                string.Create(CultureInfo.InvariantCulture, $"the answer is not valid JSON ({body.Length} bytes; line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}): {e.Message.Split(" Path:", 2)[0]}"));
        }
    }

    private async Task<(byte[] Body, string Described)> SendAsync(Func<HttpRequestMessage> create, bool authenticated, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var client = factory.CreateClient(ClientName);
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            var described = Describe(request.Method, request.RequestUri!);
            if (authenticated)
            {
                request.Headers.Authorization = (await CredentialAsync(cancellationToken)).Header;
            }

            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            TimeSpan wait;
            string problem;
            using var timeout = new CancellationTokenSource(_options.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                Requests++;
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var body = await ReadLimitedAsync(described, response.Content, linked.Token);
                if (response.IsSuccessStatusCode)
                {
                    return (body, described);
                }

                var status = response.StatusCode;
                problem = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status} {response.ReasonPhrase}");
                var vendorCode = ErrorCode?.Invoke(body);
                if (status == HttpStatusCode.Unauthorized && authenticated && !refreshed)
                {
                    // The token expired early or was revoked: fetch a new one, once.
                    refreshed = true;
                    _credential = null;
                    logger.LogInformation("Connector request {Request} answered 401; fetching a new token once", described);
                    attempt--;
                    continue;
                }

                if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                    || (IsThrottled?.Invoke(status, body) ?? false))
                {
                    Throttled++;
                    var retryAfter = RetryAfter(response);
                    if (retryAfter > _options.MaxRetryAfter)
                    {
                        throw new ConnectorException(described, "connector.throttled",
                            string.Create(CultureInfo.InvariantCulture, $"{problem}; the server asks to wait {retryAfter.Value.TotalSeconds:0.###} s, more than the {_options.MaxRetryAfter.TotalSeconds:0} s allowed"), status, vendorCode);
                    }

                    wait = retryAfter ?? Backoff(attempt);
                    problem = vendorCode is null ? problem : $"{problem} ({vendorCode})";
                }
                else if ((int)status >= 500 || status == HttpStatusCode.RequestTimeout)
                {
                    wait = Backoff(attempt);
                }
                else
                {
                    var code = status switch
                    {
                        HttpStatusCode.Unauthorized => "connector.unauthorized",
                        HttpStatusCode.Forbidden => "connector.forbidden",
                        HttpStatusCode.NotFound => "connector.not-found",
                        _ => "connector.http",
                    };
                    throw new ConnectorException(described, code, vendorCode is null ? problem : $"{problem} ({vendorCode})", status, vendorCode);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"no complete answer within {_options.AttemptTimeout.TotalSeconds:0} s");
                wait = Backoff(attempt);
            }
            catch (HttpRequestException e)
            {
                problem = $"connection failed: {e.Message}";
                wait = Backoff(attempt);
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new ConnectorException(described, "connector.gave-up", string.Create(CultureInfo.InvariantCulture, $"{problem} (gave up after {attempt} attempts)"));
            }

            logger.LogInformation("Connector request {Request} failed ({Problem}); attempt {Attempt} of {Max} in {Delay}", described, problem, attempt + 1, _options.MaxAttempts, wait);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private async Task<ConnectorCredential> CredentialAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_credential is { } cached && cached.ExpiresUtc - _margin > now)
        {
            return cached;
        }

        var source = _source ?? throw new InvalidOperationException("No credential source set for this connector.");
        _credential = await source(this, cancellationToken);

        // A token that lives shorter than twice the margin is used for the first half of its life.
        var lifetime = _credential.ExpiresUtc - now;
        _margin = lifetime < 2 * ExpiryMargin ? lifetime / 2 : ExpiryMargin;
        return _credential;
    }

    private async Task<byte[]> ReadLimitedAsync(string request, HttpContent content, CancellationToken cancellationToken)
    {
        var max = _options.MaxResponseBytes;
        if (content.Headers.ContentLength > max)
        {
            throw new ConnectorException(request, "connector.too-large", string.Create(CultureInfo.InvariantCulture, $"{content.Headers.ContentLength} bytes announced, more than the {max} allowed"));
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new ConnectorException(request, "connector.too-large", string.Create(CultureInfo.InvariantCulture, $"more than the {max} bytes allowed; the download was stopped"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Retry-After as seconds (Graph documents decimals such as 2.128, which the typed header rejects) or an HTTP date.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Retry-After", out var values) || values.FirstOrDefault()?.Trim() is not { Length: > 0 } value)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date - time.GetUtcNow() is var delta && delta > TimeSpan.Zero ? delta : TimeSpan.Zero)
            : null;
    }

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, so clients do not retry in step.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.MaxDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter spreads retries over time; it protects nothing, so a predictable generator is fine.
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
#pragma warning restore CA5394
    }
}
