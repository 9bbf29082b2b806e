using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Contracts;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The clean-up of inventory sets no snapshot refers to, after real check-ins over HTTP, on both databases.</summary>
public abstract class InventorySetCleanupTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    private static readonly InstalledItem Openssl = new("dpkg", "openssl", "3.0.15-1~deb12u1", null, "amd64", "openssl", null);
    private static readonly InstalledItem OpensslNew = new("dpkg", "openssl", "3.0.15-1~deb12u2", null, "amd64", "openssl", null);
    private static readonly InstalledItem Bash = new("dpkg", "bash", "5.2.15-2+b7", null, "amd64", "bash", "5.2.15-2");

    private AgentReport Report(string uuid, params InstalledItem[] software) =>
        new(Guid.NewGuid(), _time.GetUtcNow().UtcDateTime, "1.0.0", true, new DeviceIdentity("lln-" + uuid[..4], uuid, null, null),
            new OperatingSystemInfo("linux", "Debian GNU/Linux 12 (bookworm)", null, "12", null, "debian", "12", "6.1.0-28-amd64", null, false),
            software, [], [], []);

    private async Task<PatchpeilFactory> StartAsync()
    {
        var app = await AppAsync();
        app.TestServices.Add(services => services.AddSingleton<TimeProvider>(_time));
        app.UseKestrel(0);
        app.StartServer();
        return app;
    }

    private static async Task<(Guid AssetId, HttpClient Device)> EnrollAsync(PatchpeilFactory app, TestOrganisation organisation, string uuid)
    {
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        var secret = (await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Uitrol", null, null))).Secret!;
        var http = new HttpClient { BaseAddress = app.ClientOptions.BaseAddress };
        using var response = await http.PostAsJsonAsync("/api/v1/agent/enroll", new AgentEnrollRequest(secret, new DeviceIdentity("x", uuid, null, null), "1.0.0"), PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var enrolled = (await response.Content.ReadFromJsonAsync<AgentEnrollResponse>(PatchpeilClient.JsonOptions))!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", enrolled.DeviceKey);
        return (enrolled.AssetId, http);
    }

    private static async Task<AgentReportResult> SendAsync(HttpClient device, AgentReport report)
    {
        using var response = await device.PostAsJsonAsync("/api/v1/agent/reports", report, PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions))!;
    }

    private static Task<List<string>> SetHashesAsync(PatchpeilFactory app) =>
        app.WithSystemAsync((_, db) => db.Set<InventorySet>().Select(s => s.ContentHash).OrderBy(h => h).ToListAsync());

    [Fact]
    public async Task SetsNoSnapshotRefersToAreRemovedWithTheirItemsAndOnlyThose()
    {
        var app = await StartAsync();
        var school = await app.CreateOrganisationAsync("Stichting Opruimen");
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        const string LaptopUuid = "4c4c4544-0042-3510-8051-b4c04f4d3232", CloneUuid = "4c4c4544-0042-3510-8051-b4c04f4d3233", OtherUuid = "4c4c4544-0042-3510-8051-b4c04f4d3234";
        var (laptop, laptopKey) = await EnrollAsync(app, school, LaptopUuid);
        var (clone, cloneKey) = await EnrollAsync(app, school, CloneUuid);
        var (otherAsset, otherKey) = await EnrollAsync(app, other, OtherUuid);

        // The laptop's first inventory is replaced by an update; the clone still has the old image's; the other board's
        // asset is deleted. Every set is an hour and a minute old by the time the job runs.
        var before = await SendAsync(laptopKey, Report(LaptopUuid, Openssl, Bash));
        await SendAsync(cloneKey, Report(CloneUuid, Openssl, Bash));
        var after = await SendAsync(laptopKey, Report(LaptopUuid, OpensslNew, Bash));
        var lost = await SendAsync(otherKey, Report(OtherUuid, Openssl));
        Assert.Equal(3, (await SetHashesAsync(app)).Count);
        _time.Advance(TimeSpan.FromMinutes(61));

        var cleanup = app.Services.GetRequiredService<InventorySetCleanup>();
        Assert.Equal(0, await cleanup.RemoveUnusedAsync(TestContext.Current.CancellationToken));

        await new PatchpeilClient(await other.ApiClientAsync()).DeleteAssetAsync(otherAsset);

        // As retention would: the laptop's old snapshots go; the clone's snapshot keeps the old set alive.
        await app.WithSystemAsync((_, db) => db.Set<AssetSnapshot>().Where(s => s.AssetId == laptop && s.InventoryHash == before.InventoryHash).ExecuteDeleteAsync());
        Assert.Equal(1, await cleanup.RemoveUnusedAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new[] { after.InventoryHash, before.InventoryHash }.Order(StringComparer.Ordinal), (await SetHashesAsync(app)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(lost.InventoryHash, await SetHashesAsync(app));
        var items = await app.WithSystemAsync((_, db) => db.Set<InventorySetItem>().CountAsync());
        Assert.Equal(4, items);

        // The clone is deleted too: now its set goes, the laptop's current one stays. Running again finds nothing.
        await new PatchpeilClient(await school.ApiClientAsync()).DeleteAssetAsync(clone);
        Assert.Equal(1, await cleanup.RemoveUnusedAsync(TestContext.Current.CancellationToken));
        Assert.Equal([after.InventoryHash], await SetHashesAsync(app));
        Assert.Equal(2, await app.WithSystemAsync((_, db) => db.Set<InventorySetItem>().CountAsync()));
        Assert.Equal(0, await cleanup.RemoveUnusedAsync(TestContext.Current.CancellationToken));

        // The laptop going back to the old inventory writes that set again, as new.
        var back = await SendAsync(laptopKey, Report(LaptopUuid, Openssl, Bash) with { ReportId = Guid.NewGuid() });
        Assert.Equal(before.InventoryHash, back.InventoryHash);
        Assert.False(back.Unchanged);
        Assert.Equal(2, (await SetHashesAsync(app)).Count);
    }

    [Fact]
    public async Task AnUnusedSetYoungerThanTheGraceIsKeptAndTheScheduledJobRemovesItLater()
    {
        var app = await StartAsync();
        var school = await app.CreateOrganisationAsync("Stichting Geduld");
        const string Uuid = "4c4c4544-0042-3510-8051-b4c04f4d3299";
        var (asset, key) = await EnrollAsync(app, school, Uuid);
        await SendAsync(key, Report(Uuid, Openssl, Bash));
        await new PatchpeilClient(await school.ApiClientAsync()).DeleteAssetAsync(asset);

        var cleanup = app.Services.GetRequiredService<InventorySetCleanup>();
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await cleanup.RemoveUnusedAsync(TestContext.Current.CancellationToken));
        Assert.Single(await SetHashesAsync(app));

        // The hosted job runs a day after start (Agents:InventoryCleanupHours = 24) on the app's clock.
        _time.Advance(TimeSpan.FromHours(24));
        for (var i = 0; i < 600 && (await SetHashesAsync(app)).Count > 0; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Empty(await SetHashesAsync(app));
        Assert.Equal(0, await app.WithSystemAsync((_, db) => db.Set<InventorySetItem>().CountAsync()));
    }
}

public sealed class InventorySetCleanupTestsSqlite(PostgresServer postgres) : InventorySetCleanupTests(postgres, Provider.Sqlite);

public sealed class InventorySetCleanupTestsPostgres(PostgresServer postgres) : InventorySetCleanupTests(postgres, Provider.Postgres);
