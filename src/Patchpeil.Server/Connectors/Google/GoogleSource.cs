using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Patchpeil.Server.Connectors.Google;

/// <summary>
/// Google Admin (Directory API) ChromeOS devices: a service-account JWT (RS256) with domain-wide delegation is
/// exchanged for a token; devices are listed with projection=FULL and paged by nextPageToken. The AUE date comes
/// from autoUpdateThrough, else the deprecated autoUpdateExpiration (ms since epoch, as a string). Deprovisioned
/// devices are marked removed. A full listing runs at least daily; in between only devices that synced since the
/// last run are read (query sync:date..).
/// </summary>
public sealed class GoogleSource : IConnectorSource
{
    public const string CustomerIdKey = "customerId";
    public const string DelegatedAdminKey = "delegatedAdmin";
    public const string OrgUnitPathKey = "orgUnitPath";
    public const string Scope = "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly";

    /// <summary>The production token audience; the JWT names the URL it is sent to, which is this in production.</summary>
    public const string ProductionTokenUrl = "https://oauth2.googleapis.com/token";

    public const int PageSize = 200;

    /// <summary>After this long since the last full listing, the next run lists every device again.</summary>
    public static readonly TimeSpan FullReadEvery = TimeSpan.FromHours(24);

    public ConnectorKind Kind => ConnectorKind.Google;

    public string DefaultBaseUrl => "https://admin.googleapis.com";

    public string? DefaultAuthUrl => "https://oauth2.googleapis.com";

    public IReadOnlyList<ConnectorSettingField> Settings { get; } =
    [
        new(CustomerIdKey, "Connectors_Google_CustomerId", "Connectors_Google_CustomerIdHint"),
        new(DelegatedAdminKey, "Connectors_Google_DelegatedAdmin", "Connectors_Google_DelegatedAdminHint"),
        new(OrgUnitPathKey, "Connectors_Google_OrgUnitPath", "Connectors_Google_OrgUnitPathHint", Required: false, MaxLength: 500),
    ];

    public (string LabelKey, string HintKey) Secret => ("Connectors_Google_Secret", "Connectors_Google_SecretHint");

    public async Task<string> TestAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        Prepare(context);
        using var page = await context.Http.GetJsonAsync(DevicesUrl(context, null, null, 1), cancellationToken);
        var count = page.RootElement.RequiredArray("chromeosdevices", "GET devices/chromeos", absentIsEmpty: true).Count();
        return string.Create(CultureInfo.InvariantCulture, $"token OK; devices/chromeos answered with {count} device(s) on the first page");
    }

    public async Task ReadAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        Prepare(context);
        var started = context.Time.GetUtcNow().UtcDateTime;
        var lastFull = VendorJson.ParseTime(context.Cursor["lastFullReadUtc"]?.GetValue<string>());
        var lastRun = VendorJson.ParseTime(context.Cursor["lastReadUtc"]?.GetValue<string>());
        var full = lastFull is null || lastRun is null || started - lastFull >= FullReadEvery;

        // The sync: operator takes a date; a day's overlap costs a few devices read twice, never one missed.
        var query = full ? null : "sync:" + lastRun!.Value.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "..";
        string? pageToken = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var url = DevicesUrl(context, pageToken, query, PageSize);
            using var page = await context.Http.GetJsonAsync(url, cancellationToken);
            var root = page.RootElement;
            var devices = new List<ConnectorDevice>();
            foreach (var item in root.RequiredArray("chromeosdevices", "GET devices/chromeos", absentIsEmpty: true))
            {
                if (Map(context, item) is { } device)
                {
                    devices.Add(device);
                }
            }

            await context.AcceptPageAsync(devices, cancellationToken);
            pageToken = root.Str("nextPageToken");
            if (pageToken is not null && !seen.Add(pageToken))
            {
                throw new ConnectorException("GET devices/chromeos", "connector.paging", "the server sent the same page token twice; stopped to avoid a loop");
            }
        }
        while (pageToken is not null);

        context.NewCursor["lastReadUtc"] = started.ToString("O", CultureInfo.InvariantCulture);
        context.NewCursor["lastFullReadUtc"] = (full ? started : lastFull!.Value).ToString("O", CultureInfo.InvariantCulture);
        context.CompleteRead = full;
    }

    private static Uri DevicesUrl(ConnectorContext context, string? pageToken, string? query, int maxResults)
    {
        var customer = context.Setting(CustomerIdKey) is { Length: > 0 } c ? c : "my_customer";
        var url = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"admin/directory/v1/customer/{Uri.EscapeDataString(customer)}/devices/chromeos?projection=FULL&maxResults={maxResults}&orderBy=SERIAL_NUMBER&sortOrder=ASCENDING"));
        if (context.Setting(OrgUnitPathKey) is { Length: > 0 } orgUnit)
        {
            url.Append("&orgUnitPath=").Append(Uri.EscapeDataString(orgUnit.TrimStart('/'))).Append("&includeChildOrgunits=true");
        }

        if (query is not null)
        {
            url.Append("&query=").Append(Uri.EscapeDataString(query));
        }

        if (pageToken is not null)
        {
            url.Append("&pageToken=").Append(Uri.EscapeDataString(pageToken));
        }

        return context.BaseUri(url.ToString());
    }

    private static void Prepare(ConnectorContext context)
    {
        var admin = context.Setting(DelegatedAdminKey);
        if (admin.Length == 0 || string.IsNullOrEmpty(context.Secret))
        {
            throw new ConnectorConfigurationException("[connector.settings] the delegated admin and the service account's JSON key are both needed");
        }

        var key = ServiceAccountKey.Parse(context.Secret);
        context.Http.ErrorCode = GoogleErrorCode;
        context.Http.IsThrottled = (status, body) => status == HttpStatusCode.Forbidden && GoogleErrorCode(body) is "userRateLimitExceeded" or "rateLimitExceeded" or "quotaExceeded";
        context.Http.Authenticate(async (http, ct) =>
        {
            var url = context.AuthUri("token");
            var assertion = key.Assertion(admin, Scope, url.AbsoluteUri, context.Time.GetUtcNow());
            JsonDocument token;
            try
            {
                token = await http.PostFormAsync(url, [new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", assertion)], ct);
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

    private static ConnectorDevice? Map(ConnectorContext context, JsonElement item)
    {
        var id = item.Str("deviceId");
        if (id is null)
        {
            context.Error("[connector.device] a ChromeOS device without \"deviceId\" was skipped" + (item.Str("serialNumber") is { } s ? $" (serial {s})" : ""));
            return null;
        }

        var status = item.Str("status");
        var aue = AutoUpdateExpiration(item, out var aueProblem);
        if (aueProblem is not null)
        {
            context.DeviceError(id, aueProblem);
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                details[name] = value;
            }
        }

        Add("autoUpdateThrough", item.Str("autoUpdateThrough"));
        Add("extendedSupportEligible", item.Bool("extendedSupportEligible")?.ToString());
        Add("extendedSupportStart", item.Str("extendedSupportStart"));
        Add("extendedSupportEnabled", item.Bool("extendedSupportEnabled")?.ToString());
        Add("bootMode", item.Str("bootMode"));
        Add("osVersionCompliance", item.Str("osVersionCompliance"));
        Add("chromeOsType", item.Str("chromeOsType"));
        Add("firmwareVersion", item.Str("firmwareVersion"));
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("osUpdateStatus", out var update))
        {
            Add("updateState", update.Str("state"));
            Add("updateTarget", update.Str("targetOsVersion"));
        }

        return new ConnectorDevice(
            ExternalId: id,
            Name: item.Str("annotatedAssetId") ?? item.Str("serialNumber") ?? id,
            Platform: "ChromeOS",
            SerialNumber: item.Str("serialNumber"),
            OsVersion: item.Str("osVersion"),
            OsBuild: item.Str("platformVersion"),
            Model: item.Str("model"),
            LastSyncUtc: item.Time("lastSync"),
            AutoUpdateExpiration: aue,
            OrgUnit: item.Str("orgUnitPath"),
            Status: status,
            Deleted: status == "DEPROVISIONED",
            OsName: item.Str("chromeOsType") == "CHROME_OS_FLEX" ? "ChromeOS Flex" : "ChromeOS",
            Details: details);
    }

    /// <summary>
    /// autoUpdateThrough (RFC 3339 or a plain date; wire format undocumented) wins; else autoUpdateExpiration, an int64
    /// string of milliseconds since the epoch (observed, not documented). The UTC calendar date is kept.
    /// </summary>
    public static DateOnly? AutoUpdateExpiration(JsonElement item, out string? problem)
    {
        problem = null;
        if (item.Str("autoUpdateThrough") is { } through)
        {
            if (DateOnly.TryParseExact(through, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            if (VendorJson.ParseTime(through) is { } time)
            {
                return DateOnly.FromDateTime(time);
            }

            problem = $"autoUpdateThrough \"{through}\" is not a date; ";
        }

        if (item.WholeNumber("autoUpdateExpiration") is { } ms)
        {
            if (ms is > 0 and < 253402300799999)
            {
                problem = null;
                return DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime);
            }

            problem += $"autoUpdateExpiration {ms} is out of range";
        }

        return null;
    }

    /// <summary>Google JSON errors: error.errors[0].reason; the token service: error.</summary>
    internal static string? GoogleErrorCode(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
            {
                return null;
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }

            return error.Items("errors").Select(e => e.Str("reason")).FirstOrDefault(r => r is not null) ?? error.Str("status");
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The service account's JSON key (the file Google Cloud console downloads): client_email and private_key.</summary>
public sealed class ServiceAccountKey
{
    private readonly string _privateKeyPem;

    private ServiceAccountKey(string clientEmail, string privateKeyPem)
    {
        ClientEmail = clientEmail;
        _privateKeyPem = privateKeyPem;
    }

    public string ClientEmail { get; }

    public static ServiceAccountKey Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var email = root.Str("client_email");
            var key = root.Str("private_key");
            if (email is null || key is null || !key.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new ConnectorConfigurationException("[connector.settings] the service account key has no client_email or private_key; download a new JSON key");
            }

            using var rsa = RSA.Create();
            rsa.ImportFromPem(key);
            return new ServiceAccountKey(email, key);
        }
        catch (JsonException)
        {
            throw new ConnectorConfigurationException("[connector.settings] the service account key is not JSON; paste the whole downloaded .json file");
        }
        catch (ArgumentException)
        {
            throw new ConnectorConfigurationException("[connector.settings] the service account's private_key cannot be read");
        }
        catch (CryptographicException)
        {
            throw new ConnectorConfigurationException("[connector.settings] the service account's private_key cannot be read");
        }
    }

    /// <summary>The signed JWT for the jwt-bearer grant (iat a little in the past against clock skew; exp one hour later, the maximum).</summary>
    public string Assertion(string subject, string scope, string audience, DateTimeOffset now)
    {
        var issued = now.ToUnixTimeSeconds() - 30;
        using var rsa = RSA.Create();
        rsa.ImportFromPem(_privateKeyPem);
        return Jwt.SignRs256(
            new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT" },
            new Dictionary<string, object> { ["iss"] = ClientEmail, ["sub"] = subject, ["scope"] = scope, ["aud"] = audience, ["iat"] = issued, ["exp"] = issued + 3600 },
            rsa);
    }

}
