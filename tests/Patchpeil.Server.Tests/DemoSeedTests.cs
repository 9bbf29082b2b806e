using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Contracts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Demo;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>`patchpeil demo seed` into a fresh database: the mix per school, real versions, the same check-in path, readable pages.</summary>
public abstract class DemoSeedTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    internal static Task<DemoSeedResult> SeedAsync(PatchpeilFactory app, string name = DemoSeeder.DefaultOrganisation) =>
        app.WithSystemAsync((sp, _) => sp.GetRequiredService<DemoSeeder>().SeedAsync(name, null, TestContext.Current.CancellationToken));

    [Fact]
    public async Task SeedsTheMixOfDutchSchoolsThroughTheCheckInPathReadableOnTheAssetPages()
    {
        var app = await AppAsync();
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var result = await SeedAsync(app);
        Assert.Equal(3, result.Schools);
        Assert.Equal(0, result.Feeds.Quarantined);

        var assets = await app.WithSystemAsync((_, db) => db.Assets.AsNoTracking().Where(a => a.OrganisationId == result.OrganisationId)
            .Select(a => new { a.Name, a.Kind, a.Platform, a.PatchLevel, a.UpdateExpiresOn, School = a.School!.Name, a.SchoolId }).ToListAsync());
        Assert.Equal(result.Assets, assets.Count);
        Assert.InRange(assets.Count, 570, 630);

        foreach (var school in DemoSeeder.Schools)
        {
            var devices = assets.Where(a => a.School == school.Name && a.Kind == AssetKind.Device).ToList();
            Assert.Equal(school.Devices, devices.Count);
            double Share(Func<string, bool> platform) => devices.Count(d => platform(d.Platform!)) / (double)devices.Count;
            var chromebooks = Share(p => p == "ChromeOS");
            var ipads = Share(p => p == "iPadOS");
            var windows = Share(p => p.StartsWith("Windows", StringComparison.Ordinal));
            var macs = Share(p => p == "macOS");
            if (school.Primary)
            {
                Assert.InRange(chromebooks, 0.58, 0.62);
                Assert.InRange(ipads, 0.23, 0.27);
                Assert.InRange(windows, 0.13, 0.17);
                Assert.Equal(0, macs);
            }
            else
            {
                Assert.InRange(windows, 0.56, 0.60);
                Assert.InRange(chromebooks, 0.30, 0.34);
                Assert.InRange(ipads + macs, 0.08, 0.12);
                Assert.True(macs > 0);
            }
        }

        Assert.Equal(8, assets.Count(a => a.Kind == AssetKind.Server));
        Assert.Equal(3, assets.Count(a => a.Kind == AssetKind.Database));
        Assert.Equal(5, assets.Count(a => a.Kind == AssetKind.Saas));

        // Real versions on both sides of real fixes (CVE-2024-38063: 19045.4780 / 22631.4037).
        Assert.Contains(assets, a => a.PatchLevel == "10.0.19045.4651");
        Assert.Contains(assets, a => a.PatchLevel == "10.0.19045.4780");
        Assert.Contains(assets, a => a.PatchLevel == "10.0.22631.3880");
        Assert.Contains(assets, a => a.PatchLevel == "10.0.22631.4460");

        // Chromebooks: Auto Update Expiration past, within a year, and far off.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var expiries = assets.Where(a => a.Platform == "ChromeOS").Select(a => a.UpdateExpiresOn!.Value).ToList();
        Assert.Contains(expiries, d => d < today);
        Assert.Contains(expiries, d => d >= today && d < today.AddMonths(12));
        Assert.Contains(expiries, d => d >= today.AddYears(3));

        var advisories = await app.WithSystemAsync((_, db) => db.Set<Advisory>().AsNoTracking().Select(a => a.DocumentId).ToListAsync());
        Assert.Contains(advisories, k => k.Contains("CVE-2024-38063", StringComparison.Ordinal));
        Assert.Contains(advisories, k => k.Contains("USN-6859-1", StringComparison.Ordinal));

        var snapshots = await app.WithSystemAsync((_, db) => db.Set<AssetSnapshot>().AsNoTracking().Where(s => s.OrganisationId == result.OrganisationId)
            .Join(db.Assets, s => s.AssetId, a => a.Id, (s, a) => new { s.Origin, s.DeviceId, s.ItemCount, s.InventorySetId, a.Name, a.Platform, a.Kind }).ToListAsync());
        Assert.Equal(result.AgentReports + result.ConnectorReports, snapshots.Count);
        Assert.All(snapshots.Where(s => s.Platform == "ChromeOS"), s => Assert.Equal(("google", (Guid?)null), (s.Origin, s.DeviceId)));
        Assert.All(snapshots.Where(s => s.Platform == "iPadOS"), s => Assert.Equal(("jamf-school", (Guid?)null), (s.Origin, s.DeviceId)));
        Assert.All(snapshots.Where(s => s.Name.StartsWith("RB-LT-", StringComparison.Ordinal)), s => Assert.Equal("intune", s.Origin));
        Assert.All(snapshots.Where(s => s.Kind == AssetKind.Server), s =>
        {
            Assert.Equal("agent", s.Origin);
            Assert.NotNull(s.DeviceId);
        });

        // Secondary-school laptops run the agent; the few also enrolled in Intune add an Intune snapshot to the same asset.
        Assert.All(snapshots.Where(s => s.Name.StartsWith("DC-LT-", StringComparison.Ordinal)).GroupBy(s => s.Name), g =>
        {
            Assert.Single(g, s => s.Origin == "agent" && s.DeviceId != null);
            Assert.All(g.Where(s => s.Origin != "agent"), s => Assert.Equal(("intune", (Guid?)null), (s.Origin, s.DeviceId)));
        });

        // Identical inventories share one stored set, as agent check-ins do for cloned images.
        Assert.True(snapshots.Select(s => s.InventorySetId).Distinct().Count() < snapshots.Count / 2);
        var moodle = await app.WithSystemAsync((_, db) => db.Assets.AsNoTracking().SingleAsync(a => a.OrganisationId == result.OrganisationId && a.Name == "lx-moodle01"));
        var items = await app.WithSystemAsync((_, db) => db.Set<InventorySetItem>().AsNoTracking()
            .Where(i => i.SetId == db.Set<AssetSnapshot>().Where(s => s.AssetId == moodle.Id).Select(s => s.InventorySetId).First()).ToListAsync());
        Assert.Contains(items, i => i.Name == "openssh-server" && i.SourcePackage == "openssh" && i.Version == "1:8.9p1-3ubuntu0.6");

        // A member of the demo board reads the seeded assets through the existing pages and API; another board sees none.
        var demo = new TestOrganisation(app, result.OrganisationId, result.Organisation, other.AdminEmail);
        var email = await demo.AddMemberAsync(Role.ITStaff);
        var browser = await demo.SignedInClientAsync(email);
        var list = await browser.GetStringAsync("/assets?q=lx-moodle01");
        Assert.Contains("lx-moodle01", list);
        var detail = await browser.GetStringAsync($"/assets/{moodle.Id}");
        Assert.Contains("openssh-server", detail);
        Assert.Contains("1:8.9p1-3ubuntu0.6", detail);
        Assert.Contains("Ubuntu 22.04", detail);
        var api = new PatchpeilClient(await demo.ApiClientAsync(Role.Auditor));
        Assert.Equal(8, (await api.GetAssetsAsync(kind: AssetKind.Server)).Total);
        Assert.Equal(result.Assets, (await api.GetAssetsAsync(pageSize: 10)).Total);

        var otherApi = new PatchpeilClient(await other.ApiClientAsync());
        Assert.Equal(0, (await otherApi.GetAssetsAsync()).Total);
        Assert.DoesNotContain($"/assets/{moodle.Id}", await (await other.SignedInClientAsync()).GetStringAsync("/assets?q=lx-moodle01"));
        Assert.Contains($"/assets/{moodle.Id}", list);
    }

    [Fact]
    public async Task RefusesAnExistingOrganisationAndIsDeterministic()
    {
        var app = await AppAsync();
        var first = await SeedAsync(app);
        await Assert.ThrowsAsync<DemoExistsException>(() => SeedAsync(app));
        var second = await SeedAsync(app, "Stichting Demo Twee");
        Assert.Equal(2, await app.WithSystemAsync((_, db) => db.Organisations.CountAsync(o => o.Name.StartsWith("Stichting Demo"))));

        // The advisory bundle is shared: importing it again adds nothing.
        Assert.Equal(0, second.Feeds.Added);

        async Task<List<string>> Fingerprint(Guid organisationId) => await app.WithSystemAsync((_, db) => db.Assets.AsNoTracking()
            .Where(a => a.OrganisationId == organisationId).OrderBy(a => a.Name)
            .Select(a => a.Name + "|" + a.Platform + "|" + a.PatchLevel + "|" + a.Model + "|" + a.SerialNumber + "|" + a.UpdateExpiresOn).ToListAsync());
        Assert.Equal(await Fingerprint(first.OrganisationId), await Fingerprint(second.OrganisationId));
    }
}

public sealed class DemoSeedTestsSqlite(PostgresServer postgres) : DemoSeedTests(postgres, Provider.Sqlite);

public sealed class DemoSeedTestsPostgres(PostgresServer postgres) : DemoSeedTests(postgres, Provider.Postgres);
