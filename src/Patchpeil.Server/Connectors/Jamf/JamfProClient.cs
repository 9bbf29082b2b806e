using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Patchpeil.Server.Connectors.Jamf;

/// <summary>
/// Reads Macs and mobile devices from the Jamf Pro API (CONNECTORS.md 3) with an API client (OAuth client credentials):
/// <c>/api/v1/computers-inventory</c> with the GENERAL, HARDWARE, OPERATING_SYSTEM and APPLICATIONS sections and
/// <c>/api/v2/mobile-devices/detail</c> (GENERAL, HARDWARE, APPLICATIONS), both paged with <c>page</c>/<c>page-size</c>
/// sorted by id until <c>totalCount</c> is reached. Older servers without the paged detail call get the v2 list and one
/// detail call per device. Read-only; never changes anything in Jamf Pro.
/// </summary>
public sealed class JamfProClient
{
    private const string Name = "Jamf Pro";
    private readonly JamfHttp _http;
    private readonly Uri _base;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly TimeProvider _time;
    private string? _token;
    private DateTimeOffset _tokenExpires;
    private string _tokenPath = "api/oauth/token";

    /// <param name="baseUrl">The Jamf Pro server, e.g. https://school.jamfcloud.com (the API lives under /api).</param>
    public JamfProClient(HttpClient http, Uri baseUrl, string clientId, string clientSecret, TimeProvider? time = null, JamfClientOptions? options = null, IConnectorRequestCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _time = time ?? TimeProvider.System;
        _http = new JamfHttp(http, Name, options ?? new JamfClientOptions(), _time, counter);
        _base = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        _clientId = clientId;
        _clientSecret = clientSecret;
    }

    /// <summary>Number of access tokens fetched (a test checks that an expired token is refreshed exactly once).</summary>
    public int TokensIssued { get; private set; }

    /// <summary>Gets a token and reads one page of one device: proves URL, credentials and the API role's privileges.</summary>
    public async Task<string> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        var computers = await GetJsonAsync(PageUrl("api/v1/computers-inventory", ["GENERAL"], 0, 1), cancellationToken);
        var mobiles = await GetJsonAsync(PageUrl("api/v2/mobile-devices", [], 0, 1), cancellationToken);
        using (computers)
        using (mobiles)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Count(computers.RootElement)} computers, {Count(mobiles.RootElement)} mobile devices");
        }

        static long Count(JsonElement root) => root.TryGetProperty("totalCount", out var c) && c.TryGetInt64(out var n) ? n : 0;
    }

    /// <summary>
    /// Every computer and mobile device. A failed page or a malformed response ends that endpoint's paging with a
    /// problem naming the request and reason; devices already read are kept and the result is marked incomplete.
    /// Authentication failures throw <see cref="JamfRequestException"/>: nothing could be read.
    /// </summary>
    public async Task<ConnectorReadResult> ReadDevicesAsync(CancellationToken cancellationToken = default)
    {
        var devices = new List<ConnectorDevice>();
        var problems = new List<string>();
        var complete = await PagedAsync("api/v1/computers-inventory", ["GENERAL", "HARDWARE", "OPERATING_SYSTEM", "APPLICATIONS"], MapComputer, devices, problems, cancellationToken);
        try
        {
            complete &= await PagedAsync("api/v2/mobile-devices/detail", ["GENERAL", "HARDWARE", "APPLICATIONS"], MapMobile, devices, problems, cancellationToken);
        }
        catch (JamfRequestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            // Jamf Pro before the paged detail call: list, then one detail call per device.
            complete &= await ListThenDetailAsync(devices, problems, cancellationToken);
        }

        return new ConnectorReadResult(devices, problems, complete);
    }

    private Uri PageUrl(string path, IReadOnlyList<string> sections, int page, int size)
    {
        var query = string.Join('&', sections.Select(s => "section=" + s)
            .Append(string.Create(CultureInfo.InvariantCulture, $"page={page}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"page-size={size}"))
            .Append("sort=id%3Aasc"));
        return new Uri(_base, path + "?" + query);
    }

    private async Task<bool> PagedAsync(string path, IReadOnlyList<string> sections, Func<JsonElement, int, List<string>, ConnectorDevice?> map,
        List<ConnectorDevice> devices, List<string> problems, CancellationToken cancellationToken)
    {
        var seen = 0;
        for (var page = 0; page < _http.Options.MaxPages; page++)
        {
            var url = PageUrl(path, sections, page, _http.Options.PageSize);
            JsonDocument doc;
            try
            {
                doc = await GetJsonAsync(url, cancellationToken);
            }
            catch (JamfRequestException e) when (page > 0 || e.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
            {
                problems.Add(e.Message);
                return false;
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{Name}: GET {JamfHttp.Describe(url)}: response has no 'results' list");
                    return false;
                }

                var total = root.TryGetProperty("totalCount", out var t) && t.TryGetInt64(out var n) ? n : (long?)null;
                var index = 0;
                foreach (var item in results.EnumerateArray())
                {
                    if (map(item, seen + index, problems) is { } device)
                    {
                        devices.Add(device);
                    }

                    index++;
                }

                seen += index;
                // Stop on totalCount, not on a short page: Jamf clamps page-size at 2000 without telling.
                if (index == 0 || total is null || seen >= total)
                {
                    return true;
                }
            }
        }

        problems.Add($"{Name}: GET {path}: stopped after {_http.Options.MaxPages} pages");
        return false;
    }

    private async Task<bool> ListThenDetailAsync(List<ConnectorDevice> devices, List<string> problems, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var listed = await PagedAsync("api/v2/mobile-devices", [], (item, i, p) =>
        {
            if (JamfJson.Str(item, "id") is { } id)
            {
                ids.Add(id);
            }
            else
            {
                p.Add($"{Name}: mobile device #{i} has no id; skipped");
            }

            return null;
        }, devices, problems, cancellationToken);
        foreach (var id in ids)
        {
            var url = new Uri(_base, $"api/v2/mobile-devices/{Uri.EscapeDataString(id)}/detail");
            try
            {
                using var doc = await GetJsonAsync(url, cancellationToken);
                if (MapMobileDetail(doc.RootElement) is { } device)
                {
                    devices.Add(device);
                }
            }
            catch (JamfRequestException e) when (e.Status == HttpStatusCode.NotFound)
            {
                // Deleted between list and detail: not an error, simply no longer there.
            }
            catch (JamfRequestException e)
            {
                problems.Add(e.Message);
                listed = false;
            }
        }

        return listed;
    }

    private async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        var describe = $"GET {JamfHttp.Describe(url)}";
        for (var refreshed = false; ; refreshed = true)
        {
            var token = await TokenAsync(refreshed, cancellationToken);
            var (status, body, _) = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = JamfHttp.Bearer(token);
                request.Headers.Accept.ParseAdd("application/json");
                return request;
            }, cancellationToken);
            if (status == HttpStatusCode.Unauthorized && !refreshed)
            {
                continue; // the token expired early or was revoked: one new token, once
            }

            if (status != HttpStatusCode.OK)
            {
                var hint = status switch
                {
                    HttpStatusCode.Unauthorized => " (the API client's token is refused)",
                    HttpStatusCode.Forbidden => " (the API role lacks a read privilege: Read Computers / Read Mobile Devices)",
                    _ => "",
                };
                throw new JamfRequestException(Name, describe, JamfHttp.ErrorText(status, body) + hint, status);
            }

            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                throw new JamfRequestException(Name, describe, string.Create(CultureInfo.InvariantCulture,
                    $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}"));
            }
        }
    }

    private async Task<string> TokenAsync(bool forceNew, CancellationToken cancellationToken)
    {
        if (!forceNew && _token is not null && _time.GetUtcNow() < _tokenExpires)
        {
            return _token;
        }

        var (status, body, path) = await RequestTokenAsync(_tokenPath, cancellationToken);
        if (status == HttpStatusCode.NotFound && _tokenPath == "api/oauth/token")
        {
            // Some Jamf Pro versions only answer the versioned path (CONNECTORS.md 3.1).
            (status, body, path) = await RequestTokenAsync("api/v1/oauth/token", cancellationToken);
        }

        if (status != HttpStatusCode.OK)
        {
            throw new JamfRequestException(Name, $"POST {JamfHttp.Describe(new Uri(_base, path))}", JamfHttp.ErrorText(status, body) + " (check the client id and secret of the API client)", status);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var token = JamfJson.Str(doc.RootElement, "access_token")
                ?? throw new JamfRequestException(Name, $"POST {path}", "the token response has no access_token");
            var lifetime = doc.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetDouble(out var seconds) ? seconds : 60;
            _token = token;
            _tokenPath = path;
            // Renew a little early (clock skew, request time); Jamf tokens often live only 60-600 s.
            _tokenExpires = _time.GetUtcNow().AddSeconds(Math.Max(0, lifetime - Math.Min(30, lifetime / 4)));
            TokensIssued++;
            return token;
        }
        catch (JsonException)
        {
            throw new JamfRequestException(Name, $"POST {path}", "the token response is not JSON");
        }
    }

    private async Task<(HttpStatusCode, byte[], string)> RequestTokenAsync(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(_base, path);
        var (status, body, _) = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", _clientId), new("client_secret", _clientSecret)]),
        }, cancellationToken);
        return (status, body, path);
    }

    internal static ConnectorDevice? MapComputer(JsonElement item, int index, List<string> problems)
    {
        var id = JamfJson.Str(item, "id");
        if (id is null)
        {
            problems.Add($"{Name}: computer #{index} has no id; skipped");
            return null;
        }

        var general = JamfJson.Obj(item, "general");
        var hardware = JamfJson.Obj(item, "hardware");
        var os = JamfJson.Obj(item, "operatingSystem");
        var apps = JamfJson.Arr(item, "applications")
            .Select(a => (Name: JamfJson.Str(a, "name"), Version: JamfJson.Str(a, "version"), BundleId: JamfJson.Str(a, "bundleId")))
            .Where(a => a.Name is not null)
            .Select(a => new ConnectorApp(a.Name!.EndsWith(".app", StringComparison.OrdinalIgnoreCase) ? a.Name[..^4] : a.Name, a.Version, null, a.BundleId))
            .ToList();
        return new ConnectorDevice(
            ExternalId: "computer:" + id,
            Name: JamfJson.Str(general, "name") ?? JamfJson.Str(hardware, "serialNumber") ?? "computer " + id,
            Platform: "macOS",
            SerialNumber: JamfJson.Str(hardware, "serialNumber"),
            HardwareId: JamfJson.Str(item, "udid"),
            OsVersion: JamfJson.AppleVersion(JamfJson.Str(os, "version"), JamfJson.Str(os, "rapidSecurityResponse")),
            OsBuild: JamfJson.Str(os, "build"),
            Model: JamfJson.Str(hardware, "model"),
            LastSyncUtc: JamfJson.Time(general, "reportDate") ?? JamfJson.Time(general, "lastContactTime"),
            Apps: apps,
            ModelIdentifier: JamfJson.Str(os, "softwareUpdateDeviceId") ?? JamfJson.Str(hardware, "modelIdentifier"));
    }

    internal static ConnectorDevice? MapMobile(JsonElement item, int index, List<string> problems)
    {
        var id = JamfJson.Str(item, "mobileDeviceId");
        if (id is null)
        {
            problems.Add($"{Name}: mobile device #{index} has no mobileDeviceId; skipped");
            return null;
        }

        var general = JamfJson.Obj(item, "general");
        var hardware = JamfJson.Obj(item, "hardware");
        var model = JamfJson.Str(hardware, "modelIdentifier");
        return new ConnectorDevice(
            ExternalId: "mobile:" + id,
            Name: JamfJson.Str(general, "displayName") ?? JamfJson.Str(hardware, "serialNumber") ?? "mobile device " + id,
            Platform: JamfJson.ApplePlatform(model, JamfJson.Str(item, "deviceType") ?? "iOS"),
            SerialNumber: JamfJson.Str(hardware, "serialNumber"),
            HardwareId: JamfJson.Str(general, "udid"),
            OsVersion: JamfJson.AppleVersion(JamfJson.Str(general, "osVersion"), JamfJson.Str(general, "osRapidSecurityResponse")),
            OsBuild: JamfJson.Str(general, "osBuild"),
            Model: JamfJson.Str(hardware, "model"),
            LastSyncUtc: JamfJson.Time(general, "lastInventoryUpdateDate"),
            Ownership: JamfJson.Str(general, "deviceOwnershipType"),
            Apps: MobileApps(item),
            ModelIdentifier: model);
    }

    private static ConnectorDevice? MapMobileDetail(JsonElement item)
    {
        var id = JamfJson.Str(item, "id");
        if (id is null)
        {
            return null;
        }

        var ios = JamfJson.Obj(item, "ios");
        var model = JamfJson.Str(ios, "modelIdentifier");
        return new ConnectorDevice(
            ExternalId: "mobile:" + id,
            Name: JamfJson.Str(item, "name") ?? JamfJson.Str(item, "serialNumber") ?? "mobile device " + id,
            Platform: JamfJson.ApplePlatform(model, JamfJson.Str(item, "type") ?? "iOS"),
            SerialNumber: JamfJson.Str(item, "serialNumber"),
            HardwareId: JamfJson.Str(item, "udid"),
            OsVersion: JamfJson.AppleVersion(JamfJson.Str(item, "osVersion"), JamfJson.Str(item, "osRapidSecurityResponse")),
            OsBuild: JamfJson.Str(item, "osBuild"),
            Model: JamfJson.Str(ios, "model"),
            LastSyncUtc: JamfJson.Time(item, "lastInventoryUpdateTimestamp"),
            Apps: MobileApps(ios),
            ModelIdentifier: model);
    }

    // iOS: shortVersion is the marketing version (139.0.7258.155), version the build number (CONNECTORS.md 3.3).
    private static List<ConnectorApp> MobileApps(JsonElement? owner) =>
        [.. JamfJson.Arr(owner, "applications")
            .Where(a => JamfJson.Str(a, "name") is not null)
            .Select(a => new ConnectorApp(JamfJson.Str(a, "name")!, JamfJson.Str(a, "shortVersion") ?? JamfJson.Str(a, "version"), null, JamfJson.Str(a, "identifier")))];
}
