using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Patchpeil.Server.Connectors.Jamf;

/// <summary>
/// Reads devices from the Jamf School API (CONNECTORS.md 4 — unverified against Jamf's own documentation, which each
/// instance publishes under /api/docs): <c>GET /api/devices?includeApps=1</c> with HTTP Basic (network ID as user name,
/// API key as password) and <c>X-Server-Protocol-Version: 3</c>. No paging is documented: all devices come in one
/// response, read up to the size limit. A device that cannot be mapped is reported and skipped, the others kept.
/// </summary>
public sealed class JamfSchoolClient
{
    private const string Name = "Jamf School";
    public const string ProtocolVersion = "3";
    private readonly JamfHttp _http;
    private readonly Uri _devices;
    private readonly AuthenticationHeaderValue _auth;

    /// <param name="baseUrl">https://{school}.jamfcloud.com or https://{school}.jamfcloud.com/api.</param>
    public JamfSchoolClient(HttpClient http, Uri baseUrl, string networkId, string apiKey, TimeProvider? time = null, JamfClientOptions? options = null, IConnectorRequestCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _http = new JamfHttp(http, Name, options ?? new JamfClientOptions(), time ?? TimeProvider.System, counter);
        var root = baseUrl.ToString().TrimEnd('/');
        _devices = new Uri((root.EndsWith("/api", StringComparison.OrdinalIgnoreCase) ? root : root + "/api") + "/devices");
        _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{networkId}:{apiKey}")));
    }

    public async Task<string> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        var result = await ReadDevicesAsync(includeApps: false, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{result.Devices.Count} devices");
    }

    public Task<ConnectorReadResult> ReadDevicesAsync(CancellationToken cancellationToken = default) => ReadDevicesAsync(includeApps: true, cancellationToken);

    private async Task<ConnectorReadResult> ReadDevicesAsync(bool includeApps, CancellationToken cancellationToken)
    {
        var url = includeApps ? new Uri(_devices + "?includeApps=1") : _devices;
        var describe = $"GET {JamfHttp.Describe(url)}";
        var (status, body, _) = await _http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = _auth;
            request.Headers.Add("X-Server-Protocol-Version", ProtocolVersion);
            request.Headers.Accept.ParseAdd("application/json");
            return request;
        }, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            var hint = status switch
            {
                HttpStatusCode.Unauthorized => " (check the network ID and API key)",
                HttpStatusCode.Forbidden => " (the API key lacks Read permission for devices)",
                HttpStatusCode.NotFound => " (wrong URL, or the server does not accept X-Server-Protocol-Version " + ProtocolVersion + ")",
                _ => "",
            };
            throw new JamfRequestException(Name, describe, JamfHttp.ErrorText(status, body) + hint, status);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new JamfRequestException(Name, describe, string.Create(CultureInfo.InvariantCulture, $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}"));
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("devices", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new JamfRequestException(Name, describe, "response has no 'devices' list");
            }

            var devices = new List<ConnectorDevice>();
            var problems = new List<string>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (Map(item) is { } device)
                {
                    devices.Add(device);
                }
                else
                {
                    problems.Add($"{Name}: {describe}: device #{index} has no UDID; skipped");
                }

                index++;
            }

            var count = root.TryGetProperty("count", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
            if (count is { } expected && expected != index)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Name}: {describe}: 'count' says {expected} devices, the list has {index}"));
            }

            return new ConnectorReadResult(devices, problems, Complete: true);
        }
    }

    internal static ConnectorDevice? Map(JsonElement item)
    {
        var udid = JamfJson.Str(item, "UDID");
        if (udid is null)
        {
            return null;
        }

        var os = JamfJson.Obj(item, "os");
        var model = JamfJson.Obj(item, "model");
        var identifier = JamfJson.Str(model, "identifier");
        var platformFallback = JamfJson.Str(item, "class") is "mac" || JamfJson.Str(os, "prefix") is "macOS" ? "macOS" : JamfJson.Str(os, "prefix") ?? "iOS";
        var apps = JamfJson.Arr(item, "apps")
            .Where(a => JamfJson.Str(a, "name") is not null)
            .Select(a => new ConnectorApp(JamfJson.Str(a, "name")!, JamfJson.Str(a, "version"), JamfJson.Str(a, "vendor"), JamfJson.Str(a, "identifier")))
            .ToList();
        return new ConnectorDevice(
            ExternalId: udid,
            Name: JamfJson.Str(item, "name") ?? JamfJson.Str(item, "serialNumber") ?? udid,
            Platform: JamfJson.ApplePlatform(identifier, platformFallback),
            SerialNumber: JamfJson.Str(item, "serialNumber"),
            HardwareId: udid,
            OsVersion: JamfJson.Str(os, "version"),
            Model: JamfJson.Str(model, "name"),
            LastSyncUtc: JamfJson.Time(item, "lastCheckin"),
            Status: item.TryGetProperty("isManaged", out var managed) && managed.ValueKind == JsonValueKind.False ? "unmanaged" : null,
            Apps: apps,
            ModelIdentifier: identifier);
    }
}
