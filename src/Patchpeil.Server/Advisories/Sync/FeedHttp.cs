using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>How feed downloads behave; bound from <c>FeedSync:Http</c>.</summary>
public sealed class FeedHttpOptions
{
    /// <summary>One attempt (headers and body) may take this long.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxAttempts { get; set; } = 4;

    /// <summary>Backoff before the second attempt; doubled each time, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A 429 asking to wait longer than this fails the download instead of blocking the queue.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit for one document, hash, signature, key or metadata file.</summary>
    public long MaxDocumentBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Limit for bulk files (KEV catalogue, EPSS, OSV export zips, ROLIE feeds).</summary>
    public long MaxBulkBytes { get; set; } = 512L * 1024 * 1024;
}

/// <summary>ETag and Last-Modified of a URL as last fetched, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record HttpValidators(string? ETag, string? LastModified)
{
    public static readonly HttpValidators None = new(null, null);
}

/// <summary>A complete download (or a 304). The body is only handed out once all of it arrived within the limit.</summary>
public sealed class FeedResponse(Uri url, bool notModified, byte[]? content, HttpValidators validators)
{
    public Uri Url => url;
    public bool NotModified => notModified;
    public byte[] Content => content ?? throw new InvalidOperationException("A 304 response has no body.");
    public HttpValidators Validators => validators;
}

/// <summary>A download that failed after its retries; <see cref="Transient"/> says whether a later run may succeed unchanged.</summary>
public sealed class FeedFetchException(Uri url, string reason, bool transient, HttpStatusCode? status = null)
    : Exception($"{url}: {reason}")
{
    public Uri Url => url;
    public string Reason => reason;
    public bool Transient => transient;
    public HttpStatusCode? Status => status;
}

/// <summary>
/// Downloads for feed sync: conditional requests, retries with exponential backoff and jitter on 5xx, 408 and
/// time-outs, 429 Retry-After honoured, and a size limit enforced while the (decompressed) body streams in. One
/// instance per run: it counts the requests and bytes of that run.
/// </summary>
public sealed class FeedHttp(IHttpClientFactory factory, IOptions<FeedHttpOptions> options, TimeProvider time, ILogger<FeedHttp> logger)
{
    public const string ClientName = "feeds";

    private readonly FeedHttpOptions _options = options.Value;

    public int Requests { get; private set; }

    public long Bytes { get; private set; }

    public FeedHttpOptions Options => _options;

    public Task<FeedResponse> GetDocumentAsync(Uri url, CancellationToken cancellationToken, HttpValidators? validators = null) =>
        GetAsync(url, _options.MaxDocumentBytes, validators, null, cancellationToken);

    public async Task<FeedResponse> GetAsync(Uri url, long maxBytes, HttpValidators? validators, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var client = factory.CreateClient(ClientName);
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? wait;
            string problem;
            try
            {
                using var timeout = new CancellationTokenSource(_options.AttemptTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    if (validators?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
                    {
                        request.Headers.IfNoneMatch.Add(tag);
                    }

                    if (validators?.LastModified is { } lastModified && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
                    {
                        request.Headers.IfModifiedSince = since;
                    }

                    foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }

                    Requests++;
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                    if (response.StatusCode == HttpStatusCode.NotModified)
                    {
                        return new FeedResponse(url, true, null, validators ?? HttpValidators.None);
                    }

                    if (response.IsSuccessStatusCode)
                    {
                        var body = await ReadLimitedAsync(url, response.Content, maxBytes, linked.Token);
                        var fresh = new HttpValidators(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture));
                        return new FeedResponse(url, false, body, fresh);
                    }

                    var status = (int)response.StatusCode;
                    problem = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {response.ReasonPhrase}");
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        wait = RetryAfter(response) ?? Backoff(attempt);
                        if (wait > _options.MaxRetryAfter)
                        {
                            throw new FeedFetchException(url, string.Create(CultureInfo.InvariantCulture, $"rate limited (HTTP 429); the server asks to wait {wait.Value.TotalSeconds:0} s, more than the {_options.MaxRetryAfter.TotalSeconds:0} s allowed"), true, response.StatusCode);
                        }
                    }
                    else if (status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
                    {
                        wait = RetryAfter(response) ?? Backoff(attempt);
                    }
                    else
                    {
                        throw new FeedFetchException(url, problem, false, response.StatusCode);
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"no complete answer within {_options.AttemptTimeout.TotalSeconds:0} s");
                    wait = Backoff(attempt);
                }
            }
            catch (HttpRequestException e)
            {
                problem = $"connection failed: {e.Message}";
                wait = Backoff(attempt);
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new FeedFetchException(url, string.Create(CultureInfo.InvariantCulture, $"{problem} (gave up after {attempt} attempts)"), true);
            }

            logger.LogInformation("Feed download {Url} failed ({Problem}); attempt {Attempt} of {Max} in {Delay}", url, problem, attempt + 1, _options.MaxAttempts, wait);
            await Task.Delay(wait.Value, time, cancellationToken);
        }
    }

    private async Task<byte[]> ReadLimitedAsync(Uri url, HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        // Content-Length is gone when the body was compressed on the wire; the count below is of decompressed bytes.
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new FeedFetchException(url, string.Create(CultureInfo.InvariantCulture, $"[http.too-large] {content.Headers.ContentLength} bytes announced, more than the {maxBytes} allowed"), false);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new FeedFetchException(url, string.Create(CultureInfo.InvariantCulture, $"[http.too-large] more than the {maxBytes} bytes allowed; the download was stopped"), false);
            }

            buffer.Write(chunk, 0, read);
        }

        Bytes += buffer.Length;
        return buffer.ToArray();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        return retryAfter.Date is { } date ? Max(date - time.GetUtcNow(), TimeSpan.Zero) : null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, so many clients do not retry in step.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.MaxDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter spreads retries over time; it protects nothing, so a predictable generator is fine.
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
#pragma warning restore CA5394
    }
}
