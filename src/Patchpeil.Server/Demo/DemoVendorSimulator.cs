using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Patchpeil.Server.Demo;

/// <summary>
/// The management platforms of the demo board, as a Kestrel on 127.0.0.1 (port 0) that answers like the vendors'
/// documented APIs (design/CONNECTORS.md, the shapes of tests/fixtures/connectors): Entra ID's client-credentials token
/// endpoint and Graph v1.0 managedDevices, detectedApps (+ their managedDevices) and deviceConfigurations, paged with
/// absolute <c>@odata.nextLink</c>s and honouring <c>$select</c>/<c>$top</c>; Google's jwt-bearer token endpoint (the
/// RS256 signature and the iss/sub/scope/aud/exp claims are checked against the service account's public key) and
/// Directory API chromeosdevices.list with projection, orgUnitPath (+ includeChildOrgunits), the <c>sync:</c> query,
/// orderBy serial and nextPageToken paging; Jamf School's <c>GET /api/devices</c> with Basic auth (network ID : API key)
/// and <c>X-Server-Protocol-Version</c>. Only the base URL differs from production, so the connectors run their real
/// code against it. Pages are smaller than the vendors' (Graph <see cref="GraphPageSize"/>, Google at most
/// <see cref="GooglePageSize"/>) so every listing of the demo spans several pages.
/// </summary>
public sealed class DemoVendorSimulator : IAsyncDisposable
{
    public const int GraphPageSize = 10;
    public const int GooglePageSize = 40;
    public const string GraphScope = "https://graph.microsoft.com/.default";
    public const string ChromeScope = "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly";
    private const string DevicesPath = "/v1.0/deviceManagement/managedDevices";
    private const string AppsPath = "/v1.0/deviceManagement/detectedApps";
    private const string ConfigurationsPath = "/v1.0/deviceManagement/deviceConfigurations";

    private static readonly string[] ManagedDeviceProperties =
    [
        "id", "deviceName", "operatingSystem", "osVersion", "model", "manufacturer", "serialNumber", "complianceState", "lastSyncDateTime",
        "managedDeviceOwnerType", "azureADDeviceId", "enrolledDateTime", "managementAgent", "deviceEnrollmentType", "isEncrypted",
    ];

    private static readonly string[] DetectedAppProperties = ["id", "displayName", "version", "sizeInByte", "deviceCount", "publisher", "platform"];

    private readonly DemoFleet _fleet;
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Id, DemoApp App, List<IntuneDevice> Devices)>> _detectedApps = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _requests;

    private DemoVendorSimulator(DemoFleet fleet)
    {
        _fleet = fleet;
        foreach (var tenant in fleet.Intune)
        {
            // Graph lists each distinct (name, version) once per tenant with the devices that have it.
            _detectedApps[tenant.TenantId] = tenant.Devices
                .SelectMany(d => d.Apps.Select(a => (App: a, Device: d)))
                .GroupBy(x => x.App)
                .Select(g => (Id: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{g.Key.Name}\n{g.Key.Version}\n{g.Key.Publisher}"))), g.Key, g.Select(x => x.Device).ToList()))
                .OrderBy(x => x.Item1, StringComparer.Ordinal)
                .ToList();
        }
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request answered, including refused ones.</summary>
    public int Requests => _requests;

    public static async Task<DemoVendorSimulator> StartAsync(DemoFleet fleet, CancellationToken cancellationToken)
    {
        var simulator = new DemoVendorSimulator(fleet);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DemoVendorSimulator).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = 64 * 1024;
        });
        var app = builder.Build();
        app.Run(simulator.HandleAsync);
        await app.StartAsync(cancellationToken);
        simulator._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        simulator.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return simulator;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }

    private string Base => BaseUrl.ToString().TrimEnd('/');

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        try
        {
            if (method == "POST" && path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
            {
                await EntraTokenAsync(context, path[1..path.IndexOf('/', 1)]);
            }
            else if (method == "POST" && path == "/token")
            {
                await GoogleTokenAsync(context);
            }
            else if (method == "GET" && path.StartsWith("/v1.0/", StringComparison.Ordinal))
            {
                await GraphAsync(context, path);
            }
            else if (method == "GET" && path.StartsWith("/admin/directory/v1/customer/", StringComparison.Ordinal) && path.EndsWith("/devices/chromeos", StringComparison.Ordinal))
            {
                await ChromeDevicesAsync(context, path["/admin/directory/v1/customer/".Length..^"/devices/chromeos".Length]);
            }
            else if (method == "GET" && path == "/api/devices")
            {
                await JamfSchoolDevicesAsync(context);
            }
            else
            {
                await JsonAsync(context, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "NotFound", ["message"] = $"No route for {method} {path}" } });
            }
        }
        catch (BadRequestException e)
        {
            await JsonAsync(context, 400, e.Body);
        }
    }

    // ---- Microsoft Entra ID and Graph ----

    private async Task EntraTokenAsync(HttpContext context, string tenantId)
    {
        var form = await context.Request.ReadFormAsync();
        var tenant = _fleet.Intune.FirstOrDefault(t => string.Equals(t.TenantId, tenantId, StringComparison.OrdinalIgnoreCase));
        string? problem = tenant is null ? "AADSTS90002: Tenant not found."
            : form["grant_type"] != "client_credentials" ? "AADSTS70003: The grant type is not supported."
            : form["client_id"] != tenant.ClientId ? "AADSTS700016: Application not found in the directory."
            : form["scope"] != GraphScope ? "AADSTS1002012: The provided value for scope is not valid."
            : form["client_secret"] != tenant.ClientSecret ? "AADSTS7000215: Invalid client secret provided."
            : null;
        if (problem is not null)
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = problem.StartsWith("AADSTS7000215", StringComparison.Ordinal) || problem.StartsWith("AADSTS700016", StringComparison.Ordinal) ? "invalid_client" : "invalid_request", ["error_description"] = problem });
            return;
        }

        await JsonAsync(context, 200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = Issue("intune:" + tenant!.TenantId) });
    }

    private async Task GraphAsync(HttpContext context, string path)
    {
        if (Bearer(context) is not { } grant || !grant.StartsWith("intune:", StringComparison.Ordinal))
        {
            await JsonAsync(context, 401, GraphError("InvalidAuthenticationToken", "Access token is empty or not valid."));
            return;
        }

        var tenant = _fleet.Intune.Single(t => t.TenantId == grant["intune:".Length..]);
        var query = context.Request.Query;
        if (path == DevicesPath)
        {
            var select = Select(query["$select"], ManagedDeviceProperties);
            await PagedAsync(context, path, tenant.Devices.OrderBy(d => d.Id, StringComparer.Ordinal).ToList(), d => Project(ManagedDevice(d), select), "managedDevices");
        }
        else if (path == AppsPath)
        {
            var select = Select(query["$select"], DetectedAppProperties);
            await PagedAsync(context, path, _detectedApps[tenant.TenantId], a => Project(new JsonObject
            {
                ["id"] = a.Id,
                ["displayName"] = a.App.Name,
                ["version"] = a.App.Version,
                ["sizeInByte"] = 0,
                ["deviceCount"] = a.Devices.Count,
                ["publisher"] = a.App.Publisher ?? "",
                ["platform"] = "windows",
            }, select), "detectedApps");
        }
        else if (path.StartsWith(AppsPath + "/", StringComparison.Ordinal) && path.EndsWith("/managedDevices", StringComparison.Ordinal))
        {
            var id = path[(AppsPath.Length + 1)..^"/managedDevices".Length];
            var app = _detectedApps[tenant.TenantId].FirstOrDefault(a => a.Id == id);
            if (app.Id is null)
            {
                await JsonAsync(context, 404, GraphError("ResourceNotFound", $"Resource not found for the segment 'detectedApps'."));
                return;
            }

            var select = Select(query["$select"], ManagedDeviceProperties);
            await PagedAsync(context, path, app.Devices.OrderBy(d => d.Id, StringComparer.Ordinal).ToList(), d => Project(ManagedDevice(d), select), $"detectedApps('{id}')/managedDevices");
        }
        else if (path == ConfigurationsPath)
        {
            await JsonAsync(context, 200, new JsonObject
            {
                ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/deviceConfigurations",
                ["value"] = new JsonArray(new JsonObject
                {
                    ["@odata.type"] = "#microsoft.graph.windowsUpdateForBusinessConfiguration",
                    ["id"] = DemoIds.FromText("ring:" + tenant.TenantId).ToString(),
                    ["displayName"] = "Demo: updatering leerkrachtlaptops",
                    ["description"] = "Kwaliteitsupdates na 3 dagen, functie-updates na 30 dagen",
                    ["automaticUpdateMode"] = "autoInstallAtMaintenanceTime",
                    ["qualityUpdatesDeferralPeriodInDays"] = 3,
                    ["featureUpdatesDeferralPeriodInDays"] = 30,
                    ["qualityUpdatesPaused"] = false,
                    ["featureUpdatesPaused"] = false,
                    ["businessReadyUpdatesOnly"] = "userDefined",
                    ["deadlineForQualityUpdatesInDays"] = 2,
                    ["deadlineForFeatureUpdatesInDays"] = 7,
                    ["deadlineGracePeriodInDays"] = 1,
                }),
            });
        }
        else
        {
            await JsonAsync(context, 400, GraphError("BadRequest", $"Resource not found for the segment '{path.Split('/').Last()}'."));
        }
    }

    private static JsonObject ManagedDevice(IntuneDevice d) => new()
    {
        ["id"] = d.Id,
        ["deviceName"] = d.Name,
        ["operatingSystem"] = "Windows",
        ["osVersion"] = d.OsVersion,
        ["model"] = d.Model,
        ["manufacturer"] = d.Manufacturer,
        ["serialNumber"] = d.SerialNumber,
        ["complianceState"] = "compliant",
        ["lastSyncDateTime"] = d.LastSyncUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["managedDeviceOwnerType"] = "company",
        ["azureADDeviceId"] = DemoIds.FromText("entra:" + d.Id).ToString(),
        ["enrolledDateTime"] = d.LastSyncUtc.AddDays(-400).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["managementAgent"] = "mdm",
        ["deviceEnrollmentType"] = "windowsAzureADJoin",
        ["isEncrypted"] = true,
    };

    /// <summary>One Graph page: at most <see cref="GraphPageSize"/> (or $top), with an absolute nextLink carrying $skiptoken.</summary>
    private async Task PagedAsync<T>(HttpContext context, string path, IReadOnlyList<T> all, Func<T, JsonNode> map, string entitySet)
    {
        var query = context.Request.Query;
        var size = GraphPageSize;
        if (query["$top"] is { Count: > 0 } top)
        {
            if (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t < 1)
            {
                throw new BadRequestException(GraphError("BadRequest", $"Invalid value '{top}' for $top query option."));
            }

            size = Math.Min(size, t);
        }

        var offset = 0;
        if (query["$skiptoken"] is { Count: > 0 } skip && !TryReadToken(skip.ToString(), path, out offset))
        {
            throw new BadRequestException(GraphError("BadRequest", "The $skiptoken is not valid."));
        }

        var page = new JsonArray([.. all.Skip(offset).Take(size).Select(map)]);
        var body = new JsonObject { ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/{entitySet}", ["value"] = page };
        if (offset + size < all.Count)
        {
            var rest = string.Join('&', query.Where(q => q.Key != "$skiptoken").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}"));
            body["@odata.nextLink"] = $"{Base}{path}?{(rest.Length > 0 ? rest + "&" : "")}$skiptoken={Uri.EscapeDataString(WriteToken(path, offset + size))}";
        }

        await JsonAsync(context, 200, body);
    }

    private static HashSet<string>? Select(Microsoft.Extensions.Primitives.StringValues select, string[] known)
    {
        if (select.Count == 0 || string.IsNullOrWhiteSpace(select))
        {
            return null;
        }

        var names = select.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (names.FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            throw new BadRequestException(GraphError("BadRequest", $"Could not find a property named '{unknown}' on type 'microsoft.graph.managedDevice'."));
        }

        return names;
    }

    private static JsonObject Project(JsonObject item, HashSet<string>? select)
    {
        if (select is null)
        {
            return item;
        }

        foreach (var name in item.Select(p => p.Key).Where(k => !select.Contains(k)).ToList())
        {
            item.Remove(name);
        }

        return item;
    }

    private static JsonObject GraphError(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject { ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), ["request-id"] = Guid.NewGuid().ToString() },
        },
    };

    // ---- Google OAuth and Directory API ----

    private async Task GoogleTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var google = _fleet.Google;
        var (ok, problem) = google is null ? (false, "Invalid JWT Signature.")
            : form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" ? (false, "Invalid grant_type.")
            : CheckAssertion(google, form["assertion"].ToString(), $"{Base}/token");
        if (!ok)
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = problem });
            return;
        }

        await JsonAsync(context, 200, new JsonObject { ["access_token"] = Issue("google:" + google!.CustomerId), ["scope"] = ChromeScope, ["token_type"] = "Bearer", ["expires_in"] = 3599 });
    }

    /// <summary>The checks Google's token endpoint makes on a service account's jwt-bearer assertion.</summary>
    private static (bool Ok, string? Problem) CheckAssertion(GoogleCustomer google, string assertion, string audience)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return (false, "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.");
        }

        using var key = RSA.Create();
        key.ImportSubjectPublicKeyInfo(google.ServiceAccountPublicKey, out _);
        byte[] signature;
        JsonNode? header, claims;
        try
        {
            signature = FromBase64Url(parts[2]);
            header = JsonNode.Parse(FromBase64Url(parts[0]));
            claims = JsonNode.Parse(FromBase64Url(parts[1]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (false, "Invalid JWT: malformed.");
        }

        if (header?["alg"]?.GetValue<string>() != "RS256" || !key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (false, "Invalid JWT Signature.");
        }

        string? Claim(string name) => claims?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        long? Time(string name) => claims?[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
        if (Claim("iss") != google.ServiceAccountEmail)
        {
            return (false, "Invalid JWT: iss is not a known service account.");
        }

        if (Claim("aud") != audience)
        {
            return (false, $"Invalid JWT: aud must be {audience}.");
        }

        // Real Google checks exp/iat against its own clock; the demo's fake clocks in tests may differ, so only the
        // lifetime (at most an hour) is checked here.
        if (Time("iat") is not { } iat || Time("exp") is not { } exp || exp - iat > 3600 || exp <= iat)
        {
            return (false, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        }

        if (Claim("sub") != google.DelegatedAdmin)
        {
            return (false, "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.");
        }

        if (!(Claim("scope") ?? "").Split(' ').Contains(ChromeScope, StringComparer.Ordinal))
        {
            return (false, "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.");
        }

        return (true, null);
    }

    private async Task ChromeDevicesAsync(HttpContext context, string customer)
    {
        var google = _fleet.Google;
        if (Bearer(context) is not { } grant || google is null || grant != "google:" + google.CustomerId)
        {
            await JsonAsync(context, 401, GoogleError(401, "Login Required.", "required"));
            return;
        }

        if (customer != "my_customer" && customer != google.CustomerId)
        {
            await JsonAsync(context, 403, GoogleError(403, "Not Authorized to access this resource/api", "forbidden"));
            return;
        }

        var query = context.Request.Query;
        var max = query["maxResults"] is { Count: > 0 } m && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 100;
        if (max is < 1 or > 300)
        {
            await JsonAsync(context, 400, GoogleError(400, "Invalid Input: maxResults", "invalid"));
            return;
        }

        IEnumerable<ChromeDevice> devices = google.Devices;
        if (query["orgUnitPath"] is { Count: > 0 } ou && ou.ToString().Length > 0)
        {
            var path = "/" + ou.ToString().TrimStart('/');
            var children = query["includeChildOrgunits"] == "true";
            devices = devices.Where(d => d.OrgUnitPath == path || (children && d.OrgUnitPath.StartsWith(path + "/", StringComparison.Ordinal)));
        }

        if (query["query"] is { Count: > 0 } q && q.ToString().Length > 0)
        {
            // The one query form the connector uses: sync:YYYY-MM-DD.. (devices that synced on or after that day).
            var text = q.ToString();
            if (!text.StartsWith("sync:", StringComparison.Ordinal) || !text.EndsWith("..", StringComparison.Ordinal)
                || !DateOnly.TryParseExact(text[5..^2], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
            {
                await JsonAsync(context, 400, GoogleError(400, "Invalid Input: query", "invalid"));
                return;
            }

            devices = devices.Where(d => DateOnly.FromDateTime(d.LastSyncUtc) >= since);
        }

        var ordered = (query["orderBy"] == "SERIAL_NUMBER" ? devices.OrderBy(d => d.SerialNumber, StringComparer.Ordinal) : devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal)).ToList();
        if (query["sortOrder"] == "DESCENDING")
        {
            ordered.Reverse();
        }

        var listing = context.Request.Path + "?" + string.Join('&', query.Where(x => x.Key != "pageToken").OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => x.Key + "=" + x.Value));
        var offset = 0;
        if (query["pageToken"] is { Count: > 0 } token && !TryReadToken(token.ToString(), listing, out offset))
        {
            await JsonAsync(context, 400, GoogleError(400, "Invalid Input: pageToken", "invalid"));
            return;
        }

        var size = Math.Min(max, GooglePageSize);
        var full = query["projection"] == "FULL";
        var body = new JsonObject
        {
            ["kind"] = "admin#directory#chromeosdevices",
            ["etag"] = "\"" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(listing + offset)))[..40] + "\"",
            ["chromeosdevices"] = new JsonArray([.. ordered.Skip(offset).Take(size).Select(d => ChromeJson(d, full))]),
        };
        if (offset + size < ordered.Count)
        {
            body["nextPageToken"] = WriteToken(listing, offset + size);
        }

        await JsonAsync(context, 200, body);
    }

    private static JsonObject ChromeJson(ChromeDevice d, bool full)
    {
        var through = d.AutoUpdateThrough.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var device = new JsonObject
        {
            ["kind"] = "admin#directory#chromeosdevice",
            ["etag"] = "\"" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(d.DeviceId)))[..24] + "\"",
            ["deviceId"] = d.DeviceId,
            ["serialNumber"] = d.SerialNumber,
            ["status"] = "ACTIVE",
            ["lastSync"] = d.LastSyncUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["annotatedAssetId"] = d.AssetId,
            ["model"] = d.Model,
            ["osVersion"] = d.OsVersion,
            ["platformVersion"] = d.PlatformVersion,
            ["orgUnitPath"] = d.OrgUnitPath,
            ["orgUnitId"] = "03ph8a2z" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(d.OrgUnitPath)))[..7],
            ["bootMode"] = "Verified",
            ["autoUpdateExpiration"] = new DateTimeOffset(through).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["autoUpdateThrough"] = through.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["extendedSupportEligible"] = false,
            ["deviceLicenseType"] = "EDUCATION",
            ["chromeOsType"] = "CHROME_OS",
        };
        if (!full)
        {
            // projection=BASIC leaves out the device's detail fields.
            foreach (var name in new[] { "bootMode", "autoUpdateExpiration", "autoUpdateThrough", "extendedSupportEligible", "deviceLicenseType" })
            {
                device.Remove(name);
            }
        }

        return device;
    }

    private static JsonObject GoogleError(int code, string message, string reason) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason }),
        },
    };

    // ---- Jamf School ----

    private async Task JamfSchoolDevicesAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        JamfSchoolInstance? instance = null;
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
                instance = _fleet.JamfSchool.FirstOrDefault(i => pair.Length == 2 && i.NetworkId == pair[0] && i.ApiKey == pair[1]);
            }
            catch (FormatException)
            {
                instance = null;
            }
        }

        if (instance is null)
        {
            await JsonAsync(context, 401, new JsonObject { ["code"] = 401, ["message"] = "ClientNotAuthorized" });
            return;
        }

        if (context.Request.Headers["X-Server-Protocol-Version"] != "3")
        {
            await JsonAsync(context, 404, new JsonObject { ["code"] = 404, ["message"] = "UnsupportedProtocolVersion" });
            return;
        }

        var apps = context.Request.Query["includeApps"] == "1";
        var devices = new JsonArray([.. instance.Devices.Select(d =>
        {
            var device = new JsonObject
            {
                ["UDID"] = d.Udid,
                ["locationId"] = 0,
                ["serialNumber"] = d.SerialNumber,
                ["name"] = d.Name,
                ["isManaged"] = true,
                ["isSupervised"] = true,
                ["class"] = "ipad",
                ["assetTag"] = d.Name,
                ["os"] = new JsonObject { ["prefix"] = "iOS", ["version"] = d.OsVersion },
                ["model"] = new JsonObject { ["name"] = d.ModelName, ["identifier"] = d.ModelIdentifier, ["type"] = "iPad" },
                ["enrollType"] = "dep",
                ["modified"] = d.LastCheckinUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["lastCheckin"] = d.LastCheckinUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            };
            if (apps)
            {
                device["apps"] = new JsonArray([.. d.Apps.Select(a => new JsonObject { ["name"] = a.Name, ["identifier"] = a.Identifier, ["version"] = a.Version, ["vendor"] = a.Publisher })]);
            }

            return (JsonNode)device;
        })]);
        await JsonAsync(context, 200, new JsonObject { ["code"] = 200, ["count"] = devices.Count, ["devices"] = devices });
    }

    // ---- shared ----

    private string Issue(string grant)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[token] = grant;
        return token;
    }

    private string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.TryGetValue(header[7..], out var grant) ? grant : null;
    }

    /// <summary>A page token bound to its listing, so a token from one listing cannot be replayed against another.</summary>
    private static string WriteToken(string listing, int offset)
    {
        var mac = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{listing}\n{offset}")))[..16];
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{offset}:{mac}"))).TrimEnd('=');
    }

    private static bool TryReadToken(string token, string listing, out int offset)
    {
        offset = 0;
        try
        {
            var padded = token + new string('=', (4 - (token.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset) && WriteToken(listing, offset) == token;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    private static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private sealed class BadRequestException(JsonObject body) : Exception("bad request")
    {
        public JsonObject Body { get; } = body;
    }
}

/// <summary>Stable ids derived from text, so a seeded demo is the same on every run without drawing from its <see cref="Random"/>.</summary>
public static class DemoIds
{
    public static Guid FromText(string text)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, as vendors' random ids look
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public static string Hex(string text, int length) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];
}

/// <summary>What the demo's management platforms hold: Intune tenants, one Google Workspace customer, Jamf School instances.</summary>
public sealed record DemoFleet(IReadOnlyList<IntuneTenant> Intune, GoogleCustomer? Google, IReadOnlyList<JamfSchoolInstance> JamfSchool);

public sealed record DemoApp(string Name, string Version, string? Publisher, string? Identifier = null);

public sealed record IntuneTenant(string TenantId, string ClientId, string ClientSecret, IReadOnlyList<IntuneDevice> Devices);

public sealed record IntuneDevice(string Id, string Name, string SerialNumber, string Model, string Manufacturer, string OsVersion, DateTime LastSyncUtc, IReadOnlyList<DemoApp> Apps);

/// <param name="ServiceAccountPublicKey">SubjectPublicKeyInfo (DER) of the service account's key, to check the assertion's signature.</param>
public sealed record GoogleCustomer(string CustomerId, string DelegatedAdmin, string ServiceAccountEmail, byte[] ServiceAccountPublicKey, IReadOnlyList<ChromeDevice> Devices);

public sealed record ChromeDevice(string DeviceId, string SerialNumber, string AssetId, string Model, string OsVersion, string PlatformVersion, string OrgUnitPath, DateTime LastSyncUtc, DateOnly AutoUpdateThrough);

public sealed record JamfSchoolInstance(string NetworkId, string ApiKey, IReadOnlyList<JamfSchoolDevice> Devices);

public sealed record JamfSchoolDevice(string Udid, string SerialNumber, string Name, string OsVersion, string ModelName, string ModelIdentifier, DateTime LastCheckinUtc, IReadOnlyList<DemoApp> Apps);
