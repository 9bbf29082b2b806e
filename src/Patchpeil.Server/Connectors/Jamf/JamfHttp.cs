using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Patchpeil.Server.Connectors.Jamf;

/// <summary>What one inventory read brought: the devices read, and per request or device what went wrong.</summary>
/// <param name="Complete">False when a request failed part-way: the devices read before it are kept, but the list is not the whole inventory (a sync must not treat missing devices as deleted).</param>
public sealed record ConnectorReadResult(IReadOnlyList<ConnectorDevice> Devices, IReadOnlyList<string> Problems, bool Complete);

/// <summary>A request that failed for good (authentication, permission, repeated server errors): names the connector, the request and the reason.</summary>
public sealed class JamfRequestException(string connector, string request, string reason, HttpStatusCode? status = null)
    : Exception($"{connector}: {request}: {reason}")
{
    public string Request => request;
    public string Reason => reason;
    public HttpStatusCode? Status => status;
}

/// <summary>Limits for the Jamf clients.</summary>
public sealed record JamfClientOptions
{
    /// <summary>Jamf Pro clamps page-size at 2000 without saying so; 500 keeps responses moderate.</summary>
    public int PageSize { get; init; } = 500;

    public int MaxAttempts { get; init; } = 4;

    /// <summary>A Retry-After longer than this fails the request instead of blocking the run.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>One response larger than this is refused (an "enormous" body is reported, not buffered without end).</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Pages read per endpoint at most, so a server that never stops paging cannot keep a run alive.</summary>
    public int MaxPages { get; init; } = 10_000;
}

/// <summary>
/// Sends one request with retries: 429 and 503 wait for Retry-After (seconds, decimals allowed, or a date), other 5xx and
/// 408 back off exponentially; the body is read up to a limit. Jamf asks for at most 5 concurrent connections; the
/// clients send one request at a time.
/// </summary>
/// <param name="counter">Told of every request sent and every throttle answer, so a run's figures include Jamf's requests.</param>
internal sealed class JamfHttp(HttpClient http, string connector, JamfClientOptions options, TimeProvider time, IConnectorRequestCounter? counter = null)
{
    public string Connector => connector;

    public JamfClientOptions Options => options;

    public async Task<(HttpStatusCode Status, byte[] Body, string? MediaType)> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            var describe = $"{request.Method} {Describe(request.RequestUri!)}";
            HttpResponseMessage response;
            try
            {
                counter?.RequestSent();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                if (attempt >= options.MaxAttempts)
                {
                    throw new JamfRequestException(connector, describe, $"connection failed: {e.Message}");
                }

                await Task.Delay(Backoff(attempt), time, cancellationToken);
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout || status >= 500)
                {
                    if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                    {
                        counter?.Throttled();
                    }

                    var wait = RetryAfter(response) ?? Backoff(attempt);
                    if (attempt >= options.MaxAttempts)
                    {
                        throw new JamfRequestException(connector, describe, string.Create(CultureInfo.InvariantCulture, $"HTTP {status} after {attempt} attempts"), response.StatusCode);
                    }

                    if (wait > options.MaxRetryAfter)
                    {
                        throw new JamfRequestException(connector, describe, string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: the server asks to wait {wait.TotalSeconds:0} s, more than the {options.MaxRetryAfter.TotalSeconds:0} s allowed"), response.StatusCode);
                    }

                    await Task.Delay(wait, time, cancellationToken);
                    continue;
                }

                var body = await ReadLimitedAsync(response.Content, describe, cancellationToken);
                return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    /// <summary>The request as it may be logged: path and query, never credentials.</summary>
    public static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path) + url.Query;

    /// <summary>A short, safe summary of an error body (Jamf Pro ApiError, Jamf School JSON or plain text).</summary>
    public static string ErrorText(HttpStatusCode status, byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 2000)).Trim();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                text = string.Join("; ", errors.EnumerateArray().Select(e =>
                    $"{JamfJson.Str(e, "code")} {JamfJson.Str(e, "description")}{(JamfJson.Str(e, "field") is { } f ? $" ({f})" : "")}".Trim()));
            }
        }
        catch (JsonException)
        {
            // Plain text (Jamf School, proxies): shown as sent, shortened.
        }

        text = text.Length > 300 ? text[..300] + "…" : text;
        return string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}{(text.Length > 0 ? ": " + text : "")}");
    }

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, string describe, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > options.MaxResponseBytes)
        {
            throw new JamfRequestException(connector, describe, string.Create(CultureInfo.InvariantCulture, $"response of {content.Headers.ContentLength} bytes is larger than the {options.MaxResponseBytes} allowed"));
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxResponseBytes)
            {
                throw new JamfRequestException(connector, describe, string.Create(CultureInfo.InvariantCulture, $"response larger than the {options.MaxResponseBytes} bytes allowed; reading stopped"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        // Decimal seconds ("2.128") are not valid for RetryConditionHeaderValue: read the raw header first.
        if (response.Headers.TryGetValues("Retry-After", out var values) && values.FirstOrDefault() is { } raw
            && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return response.Headers.RetryAfter?.Date is { } date ? (date - time.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero) : null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
#pragma warning disable CA5394 // Jitter spreads retries; it protects nothing.
        return TimeSpan.FromMilliseconds((exponential / 2) + (Random.Shared.NextDouble() * exponential / 2));
#pragma warning restore CA5394
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

/// <summary>Lenient readers for vendor JSON: a missing, null or wrongly typed field is "unknown", never an exception.</summary>
internal static class JamfJson
{
    public static JsonElement? Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static string? Str(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v))
        {
            return null;
        }

        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    public static string? Str(JsonElement? e, string name) => e is { } v ? Str(v, name) : null;

    public static IEnumerable<JsonElement> Arr(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    /// <summary>ISO 8601 (Jamf Pro) or "yyyy-MM-dd HH:mm:ss" (Jamf School, taken as UTC); 0001-01-01 is "no value".</summary>
    public static DateTime? Time(JsonElement? e, string name)
    {
        var s = e is { } v ? Str(v, name) : null;
        if (s is null || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) || t.Year <= 1)
        {
            return null;
        }

        return t.UtcDateTime;
    }

    /// <summary>Apple's patch level: version plus the Rapid Security Response suffix ("18.6.2 (a)").</summary>
    public static string? AppleVersion(string? version, string? rapidSecurityResponse) =>
        version is null ? null : rapidSecurityResponse is { Length: > 0 } rsr ? $"{version} {rsr}" : version;

    /// <summary>iPad… → iPadOS, iPhone/iPod → iOS, AppleTV → tvOS, otherwise the platform the vendor names.</summary>
    public static string ApplePlatform(string? modelIdentifier, string fallback) =>
        modelIdentifier switch
        {
            { } m when m.StartsWith("iPad", StringComparison.Ordinal) => "iPadOS",
            { } m when m.StartsWith("iPhone", StringComparison.Ordinal) || m.StartsWith("iPod", StringComparison.Ordinal) => "iOS",
            { } m when m.StartsWith("AppleTV", StringComparison.Ordinal) => "tvOS",
            _ => fallback,
        };
}
