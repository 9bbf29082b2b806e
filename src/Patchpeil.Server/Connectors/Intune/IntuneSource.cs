using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Connectors.Intune;

/// <summary>
/// Microsoft Intune through Microsoft Graph v1.0 with plain HttpClient (ADR 0019): client-credentials token, managed
/// devices with $select paged by @odata.nextLink, installed apps through detectedApps → managedDevices (the only
/// v1.0 direction), and the Windows update rings as read-only information. No delta query exists for
/// managedDevices, so every run is a full read; devices gone from a complete read are marked removed.
/// </summary>
public sealed class IntuneSource : IConnectorSource
{
    public const string TenantIdKey = "tenantId";
    public const string ClientIdKey = "clientId";
    /// <summary>Set to "false" (configuration or API) to skip the installed-apps read, which costs one request per app.</summary>
    public const string ReadAppsKey = "readApps";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The properties we read (CONNECTORS.md §1.3, bold); user names and e-mail addresses are left out on purpose (data minimisation).</summary>
    public const string DeviceSelect = "id,deviceName,operatingSystem,osVersion,model,manufacturer,serialNumber,complianceState,lastSyncDateTime,managedDeviceOwnerType,azureADDeviceId,enrolledDateTime,managementAgent,deviceEnrollmentType,isEncrypted";

    public ConnectorKind Kind => ConnectorKind.Intune;

    public string DefaultBaseUrl => "https://graph.microsoft.com";

    public string? DefaultAuthUrl => "https://login.microsoftonline.com";

    public IReadOnlyList<ConnectorSettingField> Settings { get; } =
    [
        new(TenantIdKey, "Connectors_Intune_TenantId", "Connectors_Intune_TenantIdHint"),
        new(ClientIdKey, "Connectors_Intune_ClientId", "Connectors_Intune_ClientIdHint"),
    ];

    public (string LabelKey, string HintKey) Secret => ("Connectors_Intune_Secret", "Connectors_Intune_SecretHint");

    public async Task<string> TestAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        Prepare(context);
        using var page = await context.Http.GetJsonAsync(context.BaseUri($"v1.0/deviceManagement/managedDevices?$select=id,deviceName&$top=1"), cancellationToken);
        var count = page.RootElement.RequiredArray("value", "GET managedDevices").Count();
        return string.Create(CultureInfo.InvariantCulture, $"token OK; managedDevices answered with {count} device(s) on the first page");
    }

    public async Task ReadAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        Prepare(context);
        var apps = context.Setting(ReadAppsKey) is "false" ? null : await ReadAppsAsync(context, cancellationToken);
        context.Information = await ReadUpdateRingsAsync(context, cancellationToken);

        var first = context.BaseUri($"v1.0/deviceManagement/managedDevices?$select={DeviceSelect}");
        await foreach (var page in context.Http.GetPagesAsync(first, root => NextLink(context, root), cancellationToken: cancellationToken))
        {
            using (page)
            {
                var devices = new List<ConnectorDevice>();
                foreach (var item in page.RootElement.RequiredArray("value", ConnectorHttp.Describe(HttpMethod.Get, first)))
                {
                    if (Map(context, item, apps) is { } device)
                    {
                        devices.Add(device);
                    }
                }

                await context.AcceptPageAsync(devices, cancellationToken);
            }
        }

        context.CompleteRead = true;
    }

    private static void Prepare(ConnectorContext context)
    {
        var tenant = context.Setting(TenantIdKey);
        var client = context.Setting(ClientIdKey);
        if (tenant.Length == 0 || client.Length == 0 || string.IsNullOrEmpty(context.Secret))
        {
            throw new ConnectorConfigurationException("[connector.settings] tenant id, client id and a client secret or certificate are all needed");
        }

        var certificate = ClientCertificate(context.Secret);
        context.Http.ErrorCode = GraphErrorCode;
        context.Http.Authenticate(async (http, ct) =>
        {
            var url = context.AuthUri($"{Uri.EscapeDataString(tenant)}/oauth2/v2.0/token");
            List<KeyValuePair<string, string>> form = [new("client_id", client), new("scope", GraphScope), new("grant_type", "client_credentials")];
            if (certificate is null)
            {
                form.Add(new("client_secret", context.Secret!));
            }
            else
            {
                form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
                form.Add(new("client_assertion", ClientAssertion(certificate, client, url.AbsoluteUri, context.Time.GetUtcNow())));
            }

            JsonDocument token;
            try
            {
                token = await http.PostFormAsync(url, form, ct);
            }
            catch (ConnectorException e) when (e.Status is not null)
            {
                throw new ConnectorException(e.Request, "connector.token", $"no token: {e.Reason}", e.Status, e.VendorCode);
            }

            using (token)
            {
                return OAuth.Credential(token.RootElement, ConnectorHttp.Describe(HttpMethod.Post, url), context.Time);
            }
        });
    }

    /// <summary>
    /// A certificate credential: the secret holds the certificate and its private key as PEM (the app registration
    /// holds the certificate only). Null when the secret is a client secret.
    /// </summary>
    internal static CertificateCredential? ClientCertificate(string? secret)
    {
        if (secret is null || !secret.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(secret, secret);
            using var key = certificate.GetRSAPrivateKey()
                ?? throw new ConnectorConfigurationException("[connector.settings] the certificate has no RSA private key; paste the certificate and its private key (PEM)");
            return new CertificateCredential(Jwt.Base64Url(certificate.GetCertHash()), Jwt.Base64Url(certificate.GetCertHash(HashAlgorithmName.SHA256)), secret);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ConnectorConfigurationException("[connector.settings] the certificate or its private key cannot be read; paste both as PEM");
        }
    }

    /// <summary>The client assertion Entra ID documents for certificate credentials: RS256, the certificate's thumbprints, aud = the token URL, 10 minutes.</summary>
    internal static string ClientAssertion(CertificateCredential certificate, string clientId, string audience, DateTimeOffset now)
    {
        using var key = RSA.Create();
        key.ImportFromPem(certificate.PrivateKeyPem);
        var issued = now.ToUnixTimeSeconds() - 30;
        return Jwt.SignRs256(
            new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT", ["x5t"] = certificate.X5t, ["x5t#S256"] = certificate.X5tS256 },
            new Dictionary<string, object> { ["aud"] = audience, ["iss"] = clientId, ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString(), ["nbf"] = issued, ["iat"] = issued, ["exp"] = issued + 600 },
            key);
    }

    /// <summary>Graph's @odata.nextLink is used verbatim, but only towards the host we started on: it carries our token.</summary>
    private static Uri? NextLink(ConnectorContext context, JsonElement root)
    {
        if (root.Str("@odata.nextLink") is not { } next)
        {
            return null;
        }

        var baseUri = context.BaseUri("");
        if (!Uri.TryCreate(next, UriKind.Absolute, out var url) || !string.Equals(url.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase) || url.Scheme != baseUri.Scheme)
        {
            throw new ConnectorException("GET managedDevices", "connector.paging", "the next-page link points to another host; not followed (it would carry the token)");
        }

        return url;
    }

    private static ConnectorDevice? Map(ConnectorContext context, JsonElement item, Dictionary<string, List<ConnectorApp>>? apps)
    {
        var id = item.Str("id");
        if (id is null)
        {
            context.Error("[connector.device] a managed device without \"id\" was skipped" + (item.Str("deviceName") is { } n ? $" ({n})" : ""));
            return null;
        }

        var platform = item.Str("operatingSystem") ?? "Unknown";
        var rawVersion = item.Str("osVersion");
        string? osVersion = rawVersion, osBuild = null;
        if (ConnectorMerge.FamilyOf(platform) == "windows")
        {
            osBuild = rawVersion;
            osVersion = null;
            if (rawVersion is not null)
            {
                if (WindowsBuild.TryParse(rawVersion, out var build, out _))
                {
                    osVersion = WindowsBuild.DisplayVersion(build);
                }
                else
                {
                    context.DeviceError(id, $"osVersion \"{Clip(rawVersion)}\" is not in the form 10.0.build.UBR; kept as reported");
                }
            }
        }

        if (rawVersion is null)
        {
            context.DeviceError(id, "no osVersion; the device is kept without an OS version");
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                details[key] = value;
            }
        }

        Add("entraDeviceId", item.Str("azureADDeviceId") is { } entra && entra != "00000000-0000-0000-0000-000000000000" ? entra : null);
        Add("enrolled", item.Time("enrolledDateTime")?.ToString("O", CultureInfo.InvariantCulture));
        Add("managementAgent", item.Str("managementAgent"));
        Add("enrollmentType", item.Str("deviceEnrollmentType"));
        Add("encrypted", item.Bool("isEncrypted")?.ToString());

        return new ConnectorDevice(
            ExternalId: id,
            Name: item.Str("deviceName") ?? id,
            Platform: platform,
            SerialNumber: item.Str("serialNumber"),
            OsVersion: osVersion,
            OsBuild: osBuild,
            Model: item.Str("model"),
            LastSyncUtc: item.Time("lastSyncDateTime"),
            Ownership: item.Str("managedDeviceOwnerType"),
            ComplianceState: item.Str("complianceState"),
            Apps: apps is null ? null : apps.TryGetValue(id, out var list) ? list : [],
            Manufacturer: item.Str("manufacturer"),
            Details: details);
    }

    /// <summary>
    /// v1.0 has no per-device app list (only beta does), so the mapping is built from the other side: every detected
    /// app, then the devices that have it. Null when the apps could not be read (the previous inventory stays).
    /// </summary>
    private static async Task<Dictionary<string, List<ConnectorApp>>?> ReadAppsAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        var byDevice = new Dictionary<string, List<ConnectorApp>>(StringComparer.Ordinal);
        try
        {
            var first = context.BaseUri("v1.0/deviceManagement/detectedApps?$select=id,displayName,version,publisher,platform");
            await foreach (var page in context.Http.GetPagesAsync(first, root => NextLink(context, root), cancellationToken: cancellationToken))
            {
                using (page)
                {
                    foreach (var app in page.RootElement.RequiredArray("value", "GET detectedApps").ToList())
                    {
                        if (app.Str("id") is not { } appId || app.Str("displayName") is not { } name)
                        {
                            continue;
                        }

                        var entry = new ConnectorApp(name, app.Str("version") ?? "", app.Str("publisher"));
                        var devicesUrl = context.BaseUri($"v1.0/deviceManagement/detectedApps/{Uri.EscapeDataString(appId)}/managedDevices?$select=id");
                        try
                        {
                            await foreach (var devices in context.Http.GetPagesAsync(devicesUrl, root => NextLink(context, root), cancellationToken: cancellationToken))
                            {
                                using (devices)
                                {
                                    foreach (var device in devices.RootElement.Items("value"))
                                    {
                                        if (device.Str("id") is { } deviceId)
                                        {
                                            (byDevice.TryGetValue(deviceId, out var list) ? list : byDevice[deviceId] = []).Add(entry);
                                        }
                                    }
                                }
                            }
                        }
                        catch (ConnectorException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                        {
                            // The app disappeared between the list and this call.
                            context.Error($"[connector.app] app {Clip(name)}: {e.Reason}");
                        }
                    }
                }
            }
        }
        catch (ConnectorException e) when (e.Code is "connector.forbidden" or "connector.not-found" or "connector.http" or "connector.malformed" or "connector.unexpected")
        {
            context.Error($"[{e.Code}] installed apps not read, request {e.Request}: {e.Reason}; the software of the previous run is kept");
            return null;
        }

        return byDevice;
    }

    /// <summary>The Windows update rings, read-only, for the connector page (DeviceManagementConfiguration.Read.All; optional).</summary>
    private static async Task<JsonNode?> ReadUpdateRingsAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        var rings = new JsonArray();
        try
        {
            var first = context.BaseUri("v1.0/deviceManagement/deviceConfigurations");
            await foreach (var page in context.Http.GetPagesAsync(first, root => NextLink(context, root), cancellationToken: cancellationToken))
            {
                using (page)
                {
                    foreach (var item in page.RootElement.Items("value"))
                    {
                        if (item.Str("@odata.type") != "#microsoft.graph.windowsUpdateForBusinessConfiguration")
                        {
                            continue;
                        }

                        var ring = new JsonObject { ["displayName"] = item.Str("displayName") ?? item.Str("id") };
                        foreach (var name in new[] { "qualityUpdatesDeferralPeriodInDays", "featureUpdatesDeferralPeriodInDays", "deadlineForQualityUpdatesInDays", "deadlineForFeatureUpdatesInDays", "deadlineGracePeriodInDays" })
                        {
                            if (item.WholeNumber(name) is { } days)
                            {
                                ring[name] = days;
                            }
                        }

                        foreach (var name in new[] { "qualityUpdatesPaused", "featureUpdatesPaused" })
                        {
                            if (item.Bool(name) is { } flag)
                            {
                                ring[name] = flag;
                            }
                        }

                        foreach (var name in new[] { "automaticUpdateMode", "businessReadyUpdatesOnly", "lastModifiedDateTime" })
                        {
                            if (item.Str(name) is { } text)
                            {
                                ring[name] = text;
                            }
                        }

                        rings.Add(ring);
                    }
                }
            }
        }
        catch (ConnectorException e) when (e.Code is "connector.forbidden" or "connector.not-found" or "connector.http" or "connector.malformed")
        {
            context.Error($"[{e.Code}] update rings not read, request {e.Request}: {e.Reason}");
            return null;
        }

        return new JsonObject { ["updateRings"] = rings };
    }

    /// <summary>Graph: error.code; the token service: error.</summary>
    internal static string? GraphErrorCode(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
            {
                return null;
            }

            return error.ValueKind == JsonValueKind.String ? error.GetString() : error.Str("code");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>Windows "10.0.build.UBR" as Intune reports it for Windows 10 and 11.</summary>
public static class WindowsBuild
{
    // Microsoft's release information: build → version (Windows 11 from 22000).
    private static readonly Dictionary<int, string> Versions = new()
    {
        [10240] = "1507",
        [10586] = "1511",
        [14393] = "1607",
        [15063] = "1703",
        [16299] = "1709",
        [17134] = "1803",
        [17763] = "1809",
        [18362] = "1903",
        [18363] = "1909",
        [19041] = "2004",
        [19042] = "20H2",
        [19043] = "21H1",
        [19044] = "21H2",
        [19045] = "22H2",
        [22000] = "21H2",
        [22621] = "22H2",
        [22631] = "23H2",
        [26100] = "24H2",
        [26200] = "25H2",
    };

    public static bool TryParse(string text, out int build, out int ubr)
    {
        build = ubr = 0;
        var parts = text.Trim().Split('.');
        return parts.Length == 4 && parts[0] == "10" && parts[1] == "0"
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out build)
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out ubr);
    }

    public static string? DisplayVersion(int build) => Versions.GetValueOrDefault(build);
}

/// <summary>An Intune certificate credential: the thumbprints Entra ID matches on (SHA-1 and SHA-256, base64url) and the PEM holding the private key.</summary>
internal sealed record CertificateCredential(string X5t, string X5tS256, string PrivateKeyPem);
