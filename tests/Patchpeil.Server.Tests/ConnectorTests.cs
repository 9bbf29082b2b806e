using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Patchpeil.Contracts;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// The connector framework, Intune and Google Admin against a vendor API double on 127.0.0.1 that answers with the
/// recorded bodies in tests/fixtures/connectors (see its SOURCES.md); only the base URL differs from production.
/// </summary>
public abstract class ConnectorTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider), IAsyncLifetime
{
    protected const string TenantId = "voorbeeldcollege.onmicrosoft.com";
    protected const string ClientId = "5f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    protected const string GraphHost = "https://graph.microsoft.com";
    protected const string DevicesPath = "/v1.0/deviceManagement/managedDevices";
    protected const string TokenPath = "/" + TenantId + "/oauth2/v2.0/token";
    protected const string ChromePath = "/admin/directory/v1/customer/my_customer/devices/chromeos";
    protected const string GoogleAdmin = "ict-beheer@voorbeeldcollege.nl";

    private VendorServer? _vendor;

    /// <summary>Unique per test, so a find in the logs or pages can only come from this test's secret.</summary>
    protected string Secret { get; } = "pp-client-secret-" + Guid.NewGuid().ToString("N");

    protected VendorServer Vendor => _vendor ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _vendor = await VendorServer.StartAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (_vendor is not null)
        {
            await _vendor.DisposeAsync();
        }

        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static string Describe(ConnectorRun run) => $"{run.Outcome}: {run.Errors}";

    protected async Task<Guid> AddConnectorAsync(TestOrganisation organisation, ConnectorKind kind, Dictionary<string, string> settings, string secret, string? name = null)
    {
        var app = await AppAsync();
        // Short backoff: the behaviour under test is that it retries, not how long it waits.
        var http = app.Services.GetRequiredService<IOptions<ConnectorHttpOptions>>().Value;
        http.BaseDelay = TimeSpan.FromMilliseconds(10);
        http.MaxDelay = TimeSpan.FromMilliseconds(50);
        return await app.WithSystemAsync(async (sp, db) =>
        {
            var connector = new Connector
            {
                OrganisationId = organisation.Id,
                Kind = kind,
                Name = name ?? $"{kind} {organisation.Name}",
                BaseUrl = Vendor.Base,
                AuthUrl = Vendor.Base,
                Settings = settings,
                ProtectedSecret = ConnectorSecrets.Protect(sp.GetRequiredService<IDataProtectionProvider>(), secret),
                SecretSetUtc = DateTime.UtcNow,
                CreatedUtc = DateTime.UtcNow,
            };
            db.Add(connector);
            await db.SaveChangesAsync();
            return connector.Id;
        });
    }

    protected Task<Guid> AddIntuneAsync(TestOrganisation organisation, string? name = null) =>
        AddConnectorAsync(organisation, ConnectorKind.Intune, new() { ["tenantId"] = TenantId, ["clientId"] = ClientId }, Secret, name);

    protected async Task<ConnectorRun> RunAsync(Guid connectorId) =>
        await (await AppAsync()).Services.GetRequiredService<ConnectorRunner>().RunAsync(connectorId, "test", TestContext.Current.CancellationToken);

    protected async Task<T> QueryAsync<T>(Func<PatchpeilDbContext, Task<T>> query) =>
        await (await AppAsync()).WithSystemAsync((_, db) => query(db));

    protected Task<List<Asset>> AssetsAsync(Guid organisationId) =>
        QueryAsync(db => db.Assets.Where(a => a.OrganisationId == organisationId).OrderBy(a => a.Name).ToListAsync());

    /// <summary>Entra token endpoint and Graph as documented; the bearer token must be the one the token endpoint gave.</summary>
    protected void ServeIntune(string? page2 = null)
    {
        var token = JsonDocument.Parse(VendorServer.Fixture("graph-token.json")).RootElement.GetProperty("access_token").GetString();
        Vendor.Route("POST", TokenPath, async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var ok = form["grant_type"] == "client_credentials" && form["scope"].ToString().EndsWith("/.default", StringComparison.Ordinal)
                && form["client_id"] == ClientId && form["client_secret"] == Secret;
            context.Response.StatusCode = ok ? 200 : 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(VendorServer.Fixture(ok ? "graph-token.json" : "graph-token-error.json"));
        });

        Task<bool> Authorised(HttpContext context)
        {
            if (context.Request.Headers.Authorization == $"Bearer {token}")
            {
                return Task.FromResult(true);
            }

            context.Response.StatusCode = 401;
            return Task.FromResult(false);
        }

        Vendor.Route("GET", DevicesPath, async context =>
        {
            if (await Authorised(context))
            {
                context.Response.ContentType = "application/json";
                var body = context.Request.Query.ContainsKey("$skiptoken") ? page2 ?? VendorServer.Fixture("graph-managedDevices-page2.json") : VendorServer.Fixture("graph-managedDevices-page1.json");
                await context.Response.WriteAsync(body.Replace(GraphHost, Vendor.Base, StringComparison.Ordinal));
            }
        });

        var apps = JsonDocument.Parse(VendorServer.Fixture("graph-detectedApps.json")).RootElement.GetProperty("value").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        Vendor.Route("GET", "/v1.0/deviceManagement/detectedApps", async context =>
        {
            if (await Authorised(context))
            {
                await context.Response.WriteAsync(VendorServer.Fixture("graph-detectedApps.json"));
            }
        });

        // 7-Zip is on both laptops (the recorded answer); Chrome only on the first.
        var both = VendorServer.Fixture("graph-detectedApp-managedDevices.json");
        var chromeOnly = JsonNode.Parse(both)!;
        chromeOnly["value"]!.AsArray().RemoveAt(1);
        Vendor.Route("GET", $"/v1.0/deviceManagement/detectedApps/{apps[0]}/managedDevices", async context =>
        {
            if (await Authorised(context))
            {
                await context.Response.WriteAsync(chromeOnly.ToJsonString());
            }
        });
        Vendor.Route("GET", $"/v1.0/deviceManagement/detectedApps/{apps[1]}/managedDevices", async context =>
        {
            if (await Authorised(context))
            {
                await context.Response.WriteAsync(both);
            }
        });
        Vendor.Route("GET", "/v1.0/deviceManagement/deviceConfigurations", async context =>
        {
            if (await Authorised(context))
            {
                await context.Response.WriteAsync(VendorServer.Fixture("graph-windowsUpdateForBusinessConfigurations.json"));
            }
        });
    }

    [Fact]
    public async Task IntuneReadsDevicesAppsAndUpdateRingsIntoOneAssetEach()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal((2, 2, 0, 0, 0), (run.DevicesRead, run.Created, run.Updated, run.Merged, run.Deleted));

        var assets = await AssetsAsync(organisation.Id);
        Assert.Equal(["DOC-LAP-017", "LLN-NB-0412"], assets.Select(a => a.Name));
        var laptop = assets[1];
        Assert.Equal((AssetKind.Device, "7QK2S34", "Latitude 3440", "Windows 11", "10.0.26100.4946"), (laptop.Kind, laptop.SerialNumber, laptop.Model, laptop.Platform, laptop.PatchLevel));
        Assert.Equal(new DateTime(2026, 9, 14, 6, 12, 44, DateTimeKind.Utc), laptop.LastSeenUtc);
        Assert.Equal(("Windows 10", "10.0.19045.6216"), (assets[0].Platform, assets[0].PatchLevel));

        var snapshot = await QueryAsync(db => db.Set<AssetSnapshot>().SingleAsync(s => s.AssetId == laptop.Id));
        Assert.Equal(("intune", (Guid?)id, (Guid?)null, "windows", "Windows 11", "24H2", "10.0.26100.4946"),
            (snapshot.Origin, snapshot.ConnectorId, snapshot.DeviceId, snapshot.OsFamily, snapshot.OsName, snapshot.OsVersion, snapshot.OsBuild));
        var items = await QueryAsync(db => db.Set<InventorySetItem>().Where(i => i.SetId == snapshot.InventorySetId).OrderBy(i => i.Name).Select(i => i.Source + "|" + i.Name + "|" + i.Version).ToListAsync());
        Assert.Equal(["windows-registry|7-Zip 24.09 (x64)|24.09", "windows-registry|Google Chrome|139.0.7258.139"], items);
        var other = await QueryAsync(db => db.Set<AssetSnapshot>().SingleAsync(s => s.AssetId == assets[0].Id));
        Assert.Equal(1, other.ItemCount);

        // Page 2 came from @odata.nextLink (with its $skiptoken), and the token request carried the secret.
        var pages = Vendor.Take(DevicesPath);
        Assert.Equal(2, pages.Count);
        Assert.Contains("$skiptoken=", Uri.UnescapeDataString(pages[1].PathAndQuery), StringComparison.Ordinal);
        Assert.Contains("$select=id,deviceName,operatingSystem,osVersion", Uri.UnescapeDataString(pages[0].PathAndQuery), StringComparison.Ordinal);
        var tokenRequest = Assert.Single(Vendor.Take(TokenPath));
        Assert.Equal((Secret, "https://graph.microsoft.com/.default"), (tokenRequest.Form["client_secret"], tokenRequest.Form["scope"]));

        var connector = await QueryAsync(db => db.Set<Connector>().SingleAsync(c => c.Id == id));
        Assert.Contains("WUfB Ring 2 Leerlingen", connector.InformationJson, StringComparison.Ordinal);
        Assert.Equal((ConnectorRunOutcome.Succeeded, 2, 0), (connector.LastOutcome, connector.LastDeviceCount, connector.LastErrorCount));

        // Nothing changed on the platform: the same assets, no new snapshot.
        var second = await RunAsync(id);
        Assert.True(second.Outcome == ConnectorRunOutcome.Succeeded, Describe(second));
        Assert.Equal((2, 0, 2, 2), (second.DevicesRead, second.Created, second.Updated, second.Unchanged));
        Assert.Equal(2, await QueryAsync(db => db.Set<AssetSnapshot>().CountAsync(s => s.ConnectorId == id)));
        Assert.Equal(2, (await AssetsAsync(organisation.Id)).Count);
    }

    [Fact]
    public async Task ThrottlingIsWaitedOutAndAnExpiredTokenIsRefreshedOnce()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);
        Vendor.Server.FailNext(DevicesPath, 429, "2.128"); // Graph's documented decimal Retry-After
        Vendor.Server.FailNext(DevicesPath, 429);          // and one without Retry-After (Intune omits it at times)
        Vendor.Server.FailNext(DevicesPath, 401);          // the token "expired" early

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal(2, run.Created);
        Assert.Equal([429, 429, 401, 200, 200], Vendor.Server.TakeLog().Where(r => r.Path == DevicesPath).Select(r => r.Status));
        Assert.Equal(2, Vendor.Take(TokenPath).Count);
    }

    [Fact]
    public async Task ARetryAfterLongerThanAllowedFailsTheRunWithTheReason()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);
        Vendor.Server.FailNext("/v1.0/deviceManagement/detectedApps", 429, "3600");

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("[connector.throttled]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("3600 s", run.Errors, StringComparison.Ordinal);
        Assert.Empty(await AssetsAsync(organisation.Id));
    }

    [Fact]
    public async Task AStillUnauthorisedRequestFetchesOneNewTokenThenFails()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);
        Vendor.Server.FailNext("/v1.0/deviceManagement/detectedApps", 401);
        Vendor.Server.FailNext("/v1.0/deviceManagement/detectedApps", 401);

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("[connector.unauthorized]", run.Errors, StringComparison.Ordinal);
        Assert.Equal(2, Vendor.Take(TokenPath).Count);
    }

    [Fact]
    public async Task ARefusedTokenFailsTheRunWithTheVendorsReason()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddConnectorAsync(organisation, ConnectorKind.Intune, new() { ["tenantId"] = TenantId, ["clientId"] = ClientId }, "wrong-secret");

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("[connector.token]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("invalid_client", run.Errors, StringComparison.Ordinal);
        Assert.Empty(await AssetsAsync(organisation.Id));

        var result = await app.Services.GetRequiredService<ConnectorRunner>().TestAsync(id, TestContext.Current.CancellationToken);
        Assert.False(result.Success);
        Assert.Contains("invalid_client", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevicesWithMissingFieldsAreKeptAndReportedAndOneWithoutIdIsSkipped()
    {
        ServeIntune();
        Vendor.Json("GET", DevicesPath, """
            {"value": [
              {"id": "c0ffee00-0000-4000-8000-000000000001", "deviceName": "LEEG-01", "someFutureProperty": {"x": 1}},
              {"deviceName": "ZONDER-ID", "operatingSystem": "Windows", "osVersion": "10.0.22631.4317"},
              {"id": "c0ffee00-0000-4000-8000-000000000002", "deviceName": "RAAR-02", "operatingSystem": "Windows", "osVersion": "Os Version value", "serialNumber": "Default string"}
            ]}
            """);
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Warnings, Describe(run));
        Assert.Equal((2, 2), (run.DevicesRead, run.Created));
        Assert.Contains("without \"id\" was skipped (ZONDER-ID)", run.Errors, StringComparison.Ordinal);
        Assert.Contains("device c0ffee00-0000-4000-8000-000000000001: no osVersion", run.Errors, StringComparison.Ordinal);
        Assert.Contains("device c0ffee00-0000-4000-8000-000000000002: osVersion \"Os Version value\" is not in the form 10.0.build.UBR", run.Errors, StringComparison.Ordinal);

        var assets = await AssetsAsync(organisation.Id);
        Assert.Equal(["LEEG-01", "RAAR-02"], assets.Select(a => a.Name));
        Assert.Equal((null, null, "Unknown"), (assets[0].SerialNumber, assets[0].Model, assets[0].Platform));
        Assert.Null(assets[1].SerialNumber); // a placeholder serial is no serial
    }

    [Fact]
    public async Task ADeviceGoneFromACompleteListingIsMarkedRemovedAndKeepsItsHistory()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);
        Assert.Equal(ConnectorRunOutcome.Succeeded, (await RunAsync(id)).Outcome);

        // The laptop of page 1 was retired in Intune: the listing is now only page 2's device.
        Vendor.Json("GET", DevicesPath, VendorServer.Fixture("graph-managedDevices-page2.json"));
        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal((1, 1), (run.DevicesRead, run.Deleted));

        var links = await QueryAsync(db => db.Set<ConnectorDeviceLink>().Where(l => l.ConnectorId == id).OrderBy(l => l.ExternalId).ToListAsync());
        Assert.Equal(["67c1a9f2-5b1e-4c3d-9a8b-2f0e6d4c1b77"], links.Where(l => l.DeletedUtc != null).Select(l => l.ExternalId));
        var removed = links.Single(l => l.DeletedUtc != null);
        Assert.True(await QueryAsync(db => db.Assets.AnyAsync(a => a.Id == removed.AssetId)));
        Assert.Equal(1, await QueryAsync(db => db.Set<AssetSnapshot>().CountAsync(s => s.AssetId == removed.AssetId)));
    }

    [Fact]
    public async Task AMalformedPageFailsTheRunAndKeepsTheDevicesAlreadyRead()
    {
        var page2 = VendorServer.Fixture("graph-managedDevices-page2.json");
        ServeIntune(page2: page2[..(page2.Length / 2)]); // the connection broke off mid-answer
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation, name: "Intune bestuur");

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Equal(1, run.Created);
        Assert.Contains($"[connector.malformed] connector Intune bestuur, request GET {Vendor.Base}{DevicesPath}?…: the answer is not valid JSON", run.Errors, StringComparison.Ordinal);
        Assert.Equal(["LLN-NB-0412"], (await AssetsAsync(organisation.Id)).Select(a => a.Name));
        var connector = await QueryAsync(db => db.Set<Connector>().SingleAsync(c => c.Id == id));
        Assert.Equal((ConnectorRunOutcome.Failed, (string?)null), (connector.LastOutcome, connector.InformationJson));
    }

    [Fact]
    public async Task AnEnormousAnswerIsStoppedAtTheLimit()
    {
        ServeIntune();
        var padding = new string(' ', 64 * 1024);
        Vendor.Json("GET", DevicesPath, "{\"value\": [" + padding + "]}");
        var app = await AppAsync();
        app.Services.GetRequiredService<IOptions<ConnectorHttpOptions>>().Value.MaxResponseBytes = 32 * 1024;
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation);

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("[connector.too-large]", run.Errors, StringComparison.Ordinal);
        Assert.Contains(DevicesPath, run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALaptopTheAgentAlreadyReportedIsMergedIntoItsAsset()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var agentAsset = await app.WithSystemAsync(async (_, db) =>
        {
            var asset = new Asset { OrganisationId = organisation.Id, Kind = AssetKind.Device, Name = "lln-nb-0412", Platform = "Windows 11 Education", CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow };
            db.Assets.Add(asset);
            // The agent stores serials lower-cased (ReportValidation.RealIdentity); Intune reports "7QK2S34".
            db.Add(new AgentDevice { OrganisationId = organisation.Id, AssetId = asset.Id, SerialNumber = "7qk2s34", KeyPrefix = "pp_dev_test", KeyHash = new string('a', 64), EnrolledUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            return asset.Id;
        });
        var id = await AddIntuneAsync(organisation);

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal((1, 1), (run.Created, run.Merged));
        var assets = await AssetsAsync(organisation.Id);
        Assert.Equal(2, assets.Count);
        var merged = assets.Single(a => a.Id == agentAsset);
        // The agent knows the OS better and keeps platform; the platform adds serial and model.
        Assert.Equal(("Windows 11 Education", "7QK2S34", "Latitude 3440"), (merged.Platform, merged.SerialNumber, merged.Model));
        Assert.Equal("intune", (await QueryAsync(db => db.Set<AssetSnapshot>().SingleAsync(s => s.AssetId == agentAsset))).Origin);
        Assert.Equal(agentAsset, await QueryAsync(db => db.Set<ConnectorDeviceLink>().Where(l => l.ExternalId == "67c1a9f2-5b1e-4c3d-9a8b-2f0e6d4c1b77").Select(l => l.AssetId).SingleAsync()));
    }

    [Fact]
    public async Task ConnectorsAndTheirDevicesStayInTheirOwnOrganisation()
    {
        ServeIntune();
        var app = await AppAsync();
        var b = await app.CreateOrganisationAsync("Bestuur B");
        var bAsset = await app.WithSystemAsync(async (_, db) =>
        {
            var asset = new Asset { OrganisationId = b.Id, Kind = AssetKind.Device, Name = "laptop-van-b", SerialNumber = "7QK2S34", CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow };
            db.Assets.Add(asset);
            await db.SaveChangesAsync();
            return asset.Id;
        });
        var bConnector = await AddIntuneAsync(b, name: "Intune van B");
        var a = await app.CreateOrganisationAsync("Bestuur A");
        var aConnector = await AddIntuneAsync(a, name: "Intune van A");

        var run = await RunAsync(aConnector);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal((2, 0), (run.Created, run.Merged)); // same serial in another organisation: not the same laptop
        Assert.Equal(["DOC-LAP-017", "LLN-NB-0412"], (await AssetsAsync(a.Id)).Select(x => x.Name));
        Assert.False(await QueryAsync(db => db.Set<AssetSnapshot>().AnyAsync(s => s.AssetId == bAsset)));
        Assert.False(await QueryAsync(db => db.Set<ConnectorDeviceLink>().AnyAsync(l => l.OrganisationId == b.Id)));

        var browser = await a.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/settings/connectors/{bConnector}")).StatusCode);
        var list = await browser.GetStringAsync("/settings/connectors");
        Assert.Contains("Intune van A", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Intune van B", list, StringComparison.Ordinal);
        var post = await browser.PostFormAsync($"/settings/connectors/{aConnector}", $"/settings/connectors/{bConnector}?handler=run", []);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public async Task AnAdministratorDeletesAConnectorItsAssetsStayOthersMayNot()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddIntuneAsync(organisation, name: "Intune bestuur");
        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        var assets = (await AssetsAsync(organisation.Id)).Select(a => a.Id).ToList();
        Assert.Equal(2, assets.Count);
        var page = $"/settings/connectors/{id}";

        // IT staff may run the inventory, not remove a connection: the Settings folder is for administrators.
        var staff = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.ITStaff));
        var refused = await staff.PostFormAsync("/advisories/import", page + "?handler=delete", []);
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden || refused.Headers.Location?.ToString().Contains("/account/denied", StringComparison.Ordinal) == true, refused.StatusCode.ToString());
        Assert.True(await QueryAsync(db => db.Set<Connector>().AnyAsync(c => c.Id == id)));

        // Another board's administrator cannot reach it.
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var otherBrowser = await other.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await otherBrowser.PostFormAsync("/advisories/import", page + "?handler=delete", [])).StatusCode);

        var admin = await organisation.SignedInClientAsync();
        Assert.Contains("Koppeling verwijderen", await admin.GetStringAsync(page), StringComparison.Ordinal);
        var deleted = await admin.PostFormAsync(page, page + "?handler=delete", []);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/settings/connectors", deleted.Headers.Location!.ToString());
        Assert.Contains("blijven als assets bestaan", await admin.GetStringAsync("/settings/connectors"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(page)).StatusCode);

        Assert.False(await QueryAsync(db => db.Set<Connector>().AnyAsync(c => c.Id == id)));
        Assert.False(await QueryAsync(db => db.Set<ConnectorRun>().AnyAsync(r => r.ConnectorId == id)));
        Assert.False(await QueryAsync(db => db.Set<ConnectorDeviceLink>().AnyAsync(l => l.ConnectorId == id)));
        Assert.Equal(assets.Order(), (await AssetsAsync(organisation.Id)).Select(a => a.Id).Order());
        Assert.Equal(2, await QueryAsync(db => db.Set<AssetSnapshot>().CountAsync(s => s.ConnectorId == id)));
        var audit = await QueryAsync(db => db.AuditEvents.Where(e => e.EntityType == nameof(Connector) && e.EntityId == id.ToString()).ToListAsync());
        var removal = Assert.Single(audit, e => e.Action == "Connector.Deleted");
        Assert.Contains("name=Intune bestuur", removal.Before, StringComparison.Ordinal);
        Assert.Null(removal.After);
        Assert.Equal("name=Intune bestuur; kind=Intune; deviceLinks=2; runs=1; assets kept", Assert.Single(audit, e => e.Action == "Connector.HistoryRemoved").After);
        Assert.All(audit, e => Assert.Equal(organisation.Id, e.OrganisationId));
    }

    [Fact]
    public async Task TheSecretIsNeverLoggedShownOrAudited()
    {
        ServeIntune();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var browser = await organisation.SignedInClientAsync();

        // Through the form, as an administrator does it.
        var created = await browser.PostFormAsync("/settings/connectors/new?kind=Intune", "/settings/connectors/new?kind=Intune",
        [
            new("Kind", "Intune"), new("Input.Name", "Intune bestuur"), new("Input.Settings[tenantId]", TenantId), new("Input.Settings[clientId]", ClientId),
            new("Input.Secret", Secret), new("Input.BaseUrl", Vendor.Base), new("Input.AuthUrl", Vendor.Base), new("Input.IntervalMinutes", "360"), new("Input.Enabled", "false"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = created.Headers.Location!.ToString();
        var id = Guid.Parse(page.Split('/').Last());

        var tested = await browser.PostFormAsync(page, page + "?handler=test", []);
        Assert.Equal(HttpStatusCode.Redirect, tested.StatusCode);
        var html = await browser.GetStringAsync(page);
        Assert.Contains("De verbinding werkt", html, StringComparison.Ordinal);
        Assert.Equal(ConnectorRunOutcome.Succeeded, (await RunAsync(id)).Outcome);
        html = await browser.GetStringAsync(page);
        Assert.Contains("Er is een geheim opgeslagen", html, StringComparison.Ordinal);

        // A form with an error does not echo the new secret back either.
        var refused = await browser.PostFormAsync(page, page, [new("Input.Name", ""), new("Input.Secret", Secret + "-new"), new("Input.BaseUrl", Vendor.Base), new("Input.AuthUrl", Vendor.Base), new("Input.IntervalMinutes", "360")]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("error-summary", refusedHtml, StringComparison.Ordinal);

        Assert.Equal(Secret, Vendor.Take(TokenPath).Last().Form["client_secret"]); // it was used …
        foreach (var text in new[] { html, refusedHtml, await browser.GetStringAsync("/settings/connectors"), await browser.GetStringAsync("/audit") })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal); // … and is nowhere to be seen
        }

        Assert.DoesNotContain(app.Logs.Messages, m => m.Contains(Secret, StringComparison.Ordinal));
        var audit = await QueryAsync(db => db.AuditEvents.Where(e => e.EntityType == nameof(Connector)).Select(e => e.Action + " " + e.Before + " " + e.After).ToListAsync());
        Assert.Contains(audit, e => e.StartsWith("Connector.Created", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Contains(Secret, StringComparison.Ordinal));
        var stored = await QueryAsync(db => db.Set<Connector>().SingleAsync(c => c.Id == id));
        Assert.DoesNotContain(Secret, stored.ProtectedSecret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntuneSignsInWithACertificateInsteadOfASecret()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Patchpeil Intune", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var pem = certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem();
        ServeIntune();
        Vendor.Route("POST", TokenPath, async context =>
        {
            // Entra ID's certificate credential: a client assertion signed with the certificate's key, naming its thumbprint.
            var form = await context.Request.ReadFormAsync();
            var parts = form["client_assertion"].ToString().Split('.');
            var ok = form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" && !form.ContainsKey("client_secret") && parts.Length == 3
                && rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            if (ok)
            {
                var header = JsonDocument.Parse(FromBase64Url(parts[0])).RootElement;
                var claims = JsonDocument.Parse(FromBase64Url(parts[1])).RootElement;
                ok = header.GetProperty("x5t").GetString() == Jwt.Base64Url(certificate.GetCertHash())
                    && claims.GetProperty("aud").GetString() == Vendor.Base + TokenPath
                    && claims.GetProperty("iss").GetString() == ClientId && claims.GetProperty("sub").GetString() == ClientId;
            }

            context.Response.StatusCode = ok ? 200 : 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(VendorServer.Fixture(ok ? "graph-token.json" : "graph-token-error.json"));
        });
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddConnectorAsync(organisation, ConnectorKind.Intune, new() { ["tenantId"] = TenantId, ["clientId"] = ClientId }, pem);

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal(2, run.Created);
    }

    // --- Google Admin ---------------------------------------------------------------------------------------

    private static (RSA Key, string Json) ServiceAccount()
    {
        var rsa = RSA.Create(2048);
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "patchpeil-test",
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "patchpeil@patchpeil-test.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        }.ToJsonString();
        return (rsa, json);
    }

    /// <summary>Google's token endpoint: checks the JWT's signature with the service account's public key and its claims.</summary>
    private void ServeGoogleToken(RSA key)
    {
        Vendor.Route("POST", "/token", async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var parts = form["assertion"].ToString().Split('.');
            var ok = form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" && parts.Length == 3
                && key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            if (ok)
            {
                var claims = JsonDocument.Parse(FromBase64Url(parts[1])).RootElement;
                ok = claims.GetProperty("aud").GetString() == Vendor.Base + "/token" && claims.GetProperty("sub").GetString() == GoogleAdmin
                    && claims.GetProperty("iss").GetString() == "patchpeil@patchpeil-test.iam.gserviceaccount.com"
                    && claims.GetProperty("scope").GetString() == "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly"
                    && claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64() <= 3600;
            }

            context.Response.StatusCode = ok ? 200 : 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(VendorServer.Fixture(ok ? "google-token.json" : "google-token-error.json"));
        });
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    [Fact]
    public async Task GoogleReadsChromebooksWithTheirUpdateExpiryAcrossPagesAndThrottling()
    {
        var (key, json) = ServiceAccount();
        ServeGoogleToken(key);
        var calls = 0;
        Vendor.Route("GET", ChromePath, async context =>
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref calls) == 1)
            {
                // Google signals rate limits as 403 with reason userRateLimitExceeded, not 429.
                context.Response.StatusCode = 403;
                await context.Response.WriteAsync(VendorServer.Fixture("google-error-ratelimit.json"));
                return;
            }

            var page = context.Request.Query["pageToken"] == "CiAKGjBpZDpQRjRYSzJMTRIKZGV2aWNlX2lkEAEYASAB" ? "google-chromeos-devices-page2.json" : "google-chromeos-devices-page1.json";
            await context.Response.WriteAsync(VendorServer.Fixture(page));
        });
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddConnectorAsync(organisation, ConnectorKind.Google, new() { ["customerId"] = "my_customer", ["delegatedAdmin"] = GoogleAdmin }, json);

        var run = await RunAsync(id);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, Describe(run));
        Assert.Equal((2, 2), (run.DevicesRead, run.Created));
        var requests = Vendor.Take(ChromePath);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Contains("projection=FULL", r.PathAndQuery, StringComparison.Ordinal));
        Assert.Contains("pageToken=CiAKGjBpZDpQRjRYSzJMTRIKZGV2aWNlX2lkEAEYASAB", requests[2].PathAndQuery, StringComparison.Ordinal);

        var assets = await AssetsAsync(organisation.Id);
        Assert.Equal(["LLN-CB-0007", "LLN-CB-0231"], assets.Select(a => a.Name));
        var current = assets[1];
        Assert.Equal(("PF4XK2LM", "Lenovo 300e Yoga Chromebook Gen 4", "ChromeOS", new DateOnly(2033, 6, 1), "139.0.7258.172 (16328.65.0)"),
            (current.SerialNumber, current.Model, current.Platform, current.UpdateExpiresOn, current.PatchLevel));
        Assert.Equal(new DateOnly(2024, 6, 1), assets[0].UpdateExpiresOn); // past its AUE
        var snapshot = await QueryAsync(db => db.Set<AssetSnapshot>().SingleAsync(s => s.AssetId == current.Id));
        Assert.Equal(("google", "chromeos", "ChromeOS", "139.0.7258.172", "16328.65.0 (Official Build) stable-channel nissa", 0),
            (snapshot.Origin, snapshot.OsFamily, snapshot.OsName, snapshot.OsVersion, snapshot.OsBuild, snapshot.ItemCount));
        var details = await QueryAsync(db => db.Set<ConnectorDeviceLink>().Where(l => l.AssetId == assets[0].Id).Select(l => l.DetailsJson).SingleAsync());
        Assert.Contains("UPDATE_STATE_NEED_REBOOT", details, StringComparison.Ordinal);
        Assert.Contains("/Leerlingen/Uitleen", details, StringComparison.Ordinal);

        // The next run reads only what synced since (incremental), and sees one deprovisioned and one new, bare device.
        var changed = JsonNode.Parse(VendorServer.Fixture("google-chromeos-devices-page1.json"))!;
        changed["chromeosdevices"]![0]!["status"] = "DEPROVISIONED";
        changed["chromeosdevices"]!.AsArray().Add(new JsonObject { ["deviceId"] = "7d1e2f3a-4b5c-4d6e-8f70-819203a4b5c6", ["serialNumber"] = "NXHQBEK0021", ["status"] = "ACTIVE" });
        changed.AsObject().Remove("nextPageToken");
        Vendor.Json("GET", ChromePath, changed.ToJsonString());
        var second = await RunAsync(id);
        Assert.True(second.Outcome == ConnectorRunOutcome.Succeeded, Describe(second));
        Assert.Equal((2, 1, 1), (second.DevicesRead, second.Created, second.Deleted));
        Assert.Contains("query=sync%3A", Vendor.Take(ChromePath).Last().PathAndQuery, StringComparison.Ordinal);
        Assert.NotNull(await QueryAsync(db => db.Set<ConnectorDeviceLink>().Where(l => l.AssetId == current.Id).Select(l => l.DeletedUtc).SingleAsync()));
        var bare = (await AssetsAsync(organisation.Id)).Single(a => a.SerialNumber == "NXHQBEK0021");
        Assert.Equal(("NXHQBEK0021", null, null), (bare.Name, bare.Model, bare.UpdateExpiresOn)); // no AUE: unknown, not "fine"
    }

    [Fact]
    public async Task GoogleRefusingDelegationIsReportedWithItsReason()
    {
        var (_, json) = ServiceAccount();
        ServeGoogleToken(RSA.Create(2048)); // signed with another key than the one Google holds
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var id = await AddConnectorAsync(organisation, ConnectorKind.Google, new() { ["delegatedAdmin"] = GoogleAdmin }, json);

        var run = await RunAsync(id);
        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("[connector.token]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("unauthorized_client", run.Errors, StringComparison.Ordinal);
        Assert.Empty(Vendor.Take(ChromePath));
    }
}

public sealed class ConnectorTestsSqlite(PostgresServer postgres) : ConnectorTests(postgres, Provider.Sqlite);

public sealed class ConnectorTestsPostgres(PostgresServer postgres) : ConnectorTests(postgres, Provider.Postgres);
