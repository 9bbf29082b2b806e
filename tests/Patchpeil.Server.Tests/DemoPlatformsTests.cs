using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Data;
using Patchpeil.Server.Demo;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Lifecycle;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Issue #7's "done when": after `demo seed` the board's Chromebooks, iPads and Windows laptops came in through the
/// real Google Admin, Jamf School and Intune connectors (run against <see cref="DemoVendorSimulator"/>), each device is
/// one asset, agent + Intune laptops are merged, the connectors show their run, and the matcher's patch-level findings
/// follow from the devices the platforms reported and the lifecycle data in the database.
/// </summary>
public abstract class DemoPlatformsTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    // CVE-2024-38063 (demo/feeds/nvd): the cumulative updates that fix it, per Windows release build.
    private static readonly Dictionary<int, int> FixedUbr = new() { [19045] = 4780, [22631] = 4037 };

    private sealed record Seeded(PatchpeilFactory App, DemoSeedResult Seed, DemoFleet Fleet, List<Asset> Assets);

    private async Task<Seeded> SeedAsync()
    {
        var app = await AppAsync();
        var jobs = app.Services.GetRequiredService<IFindingsJobs>();
        await jobs.IdleAsync();
        var seed = await DemoSeedTests.SeedAsync(app);
        await jobs.IdleAsync();
        var assets = await app.WithSystemAsync((_, db) => db.Assets.AsNoTracking().Where(a => a.OrganisationId == seed.OrganisationId).ToListAsync());
        return new Seeded(app, seed, seed.Fleet!, assets);
    }

    private static string Key(string serial) => serial.Trim().ToLowerInvariant();

    [Fact]
    public async Task EveryPlatformDeviceIsOneAssetTheConnectorsShowTheirRunAndTheFindingsFollowThePlatformData()
    {
        var (app, seed, fleet, assets) = await SeedAsync();

        // One asset per serial number, in the whole board.
        var withSerial = assets.Where(a => a.SerialNumber is not null).ToList();
        Assert.Equal(withSerial.Count, withSerial.Select(a => Key(a.SerialNumber!)).Distinct().Count());
        var bySerial = withSerial.ToDictionary(a => Key(a.SerialNumber!));

        // Chromebooks: exactly the Google devices, each once.
        var chromeSerials = fleet.Google!.Devices.Select(d => Key(d.SerialNumber)).ToHashSet();
        var chromebooks = assets.Where(a => a.Platform == "ChromeOS").ToList();
        Assert.Equal(chromeSerials.Count, chromebooks.Count);
        Assert.Equal(chromeSerials.Order(), chromebooks.Select(a => Key(a.SerialNumber!)).Order());

        // iPads: exactly the Jamf School devices.
        var ipadDevices = fleet.JamfSchool.SelectMany(i => i.Devices).ToList();
        var ipads = assets.Where(a => a.Platform == "iPadOS").ToList();
        Assert.Equal(ipadDevices.Select(d => Key(d.SerialNumber)).Distinct().Count(), ipads.Count);
        Assert.Equal(ipadDevices.Select(d => Key(d.SerialNumber)).Order(), ipads.Select(a => Key(a.SerialNumber!)).Order());

        // Windows laptops: the Intune devices and the agent's; a laptop both report is one asset with both snapshots.
        var intuneDevices = fleet.Intune.SelectMany(t => t.Devices).ToList();
        var agentSerials = (await app.WithSystemAsync((_, db) => db.Set<AgentDevice>().AsNoTracking()
            .Where(d => d.OrganisationId == seed.OrganisationId && d.SerialNumber != null).Select(d => d.SerialNumber!).ToListAsync())).Select(Key).ToHashSet();
        var laptops = assets.Where(a => a.Kind == AssetKind.Device && a.Platform!.StartsWith("Windows", StringComparison.Ordinal)).ToList();
        var windowsSerials = intuneDevices.Select(d => Key(d.SerialNumber)).Concat(agentSerials.Where(s => laptops.Any(l => Key(l.SerialNumber!) == s))).ToHashSet();
        Assert.Equal(windowsSerials.Count, laptops.Count);
        Assert.All(intuneDevices, d => Assert.True(bySerial.ContainsKey(Key(d.SerialNumber)), $"Intune device {d.Name} has no asset"));
        var overlap = intuneDevices.Where(d => agentSerials.Contains(Key(d.SerialNumber))).ToList();
        Assert.InRange(overlap.Count, 2, 10);
        var origins = await app.WithSystemAsync((_, db) => db.Set<AssetSnapshot>().AsNoTracking().Where(s => s.OrganisationId == seed.OrganisationId)
            .Select(s => new { s.AssetId, s.Origin, s.ConnectorId }).ToListAsync());
        foreach (var d in overlap)
        {
            var asset = bySerial[Key(d.SerialNumber)];
            Assert.Equal(["agent", "intune"], origins.Where(s => s.AssetId == asset.Id).Select(s => s.Origin).Order());

            // The agent knows the OS better: it keeps the platform and patch level (with the edition Intune does not report).
            Assert.StartsWith("Windows 1", asset.Platform);
            Assert.Contains("Education", asset.Platform);
        }

        Assert.All(chromebooks, a => Assert.Equal(["google"], origins.Where(s => s.AssetId == a.Id).Select(s => s.Origin)));
        Assert.All(ipads, a => Assert.Equal(["jamf-school"], origins.Where(s => s.AssetId == a.Id).Select(s => s.Origin)));

        // The connectors: named after the simulator, disabled, last run succeeded with the platform's device count.
        var connectors = await app.WithSystemAsync((_, db) => db.Set<Connector>().AsNoTracking().Where(c => c.OrganisationId == seed.OrganisationId).ToListAsync());
        Assert.Equal(seed.ConnectorRuns.Count, connectors.Count);
        Assert.Equal([ConnectorKind.Intune, ConnectorKind.Google, ConnectorKind.JamfSchool], connectors.Select(c => c.Kind).Distinct().Order());
        foreach (var c in connectors)
        {
            Assert.StartsWith(DemoSeeder.SimulatorPrefix, c.Name);
            Assert.False(c.Enabled);
            Assert.Null(c.NextRunUtc);
            Assert.Equal((ConnectorRunOutcome?)ConnectorRunOutcome.Succeeded, c.LastOutcome);
            Assert.Equal(0, c.LastErrorCount);
            var expected = c.Kind switch
            {
                ConnectorKind.Google => fleet.Google.Devices.Count(d => d.OrgUnitPath == c.Settings["orgUnitPath"]),
                ConnectorKind.JamfSchool => fleet.JamfSchool.Single(i => i.NetworkId == c.Settings["networkId"]).Devices.Count,
                _ => fleet.Intune.Single(t => t.TenantId == c.Settings["tenantId"]).Devices.Count,
            };
            Assert.True(expected > 0);
            Assert.Equal(expected, c.LastDeviceCount);
        }

        var runs = await app.WithSystemAsync((_, db) => db.Set<ConnectorRun>().AsNoTracking().Where(r => r.OrganisationId == seed.OrganisationId).ToListAsync());
        Assert.All(runs, r => Assert.Equal((ConnectorRunOutcome.Succeeded, DemoSeeder.SeedTrigger, 0), (r.Outcome, r.Trigger, r.ErrorCount)));
        Assert.Equal(overlap.Count, runs.Sum(r => r.Merged));
        Assert.Equal(chromebooks.Count + ipads.Count + intuneDevices.Count - overlap.Count, runs.Sum(r => r.Created));
        Assert.Equal(runs.Sum(r => r.DevicesRead), seed.ConnectorReports);

        // Paging was used where the vendor pages: more Graph/Directory requests than one per listing.
        var googleRuns = runs.Where(r => connectors.Single(c => c.Id == r.ConnectorId).Kind == ConnectorKind.Google).ToList();
        Assert.All(googleRuns, r => Assert.True(r.Requests >= 1 + (int)Math.Ceiling(r.DevicesRead / (double)DemoVendorSimulator.GooglePageSize), $"{r.Requests} requests for {r.DevicesRead} devices"));

        // Jamf School answers the whole listing (with apps) in one response; the run counts that request although the
        // Jamf clients send it through their own HTTP code.
        var jamfSchoolRuns = runs.Where(r => connectors.Single(c => c.Id == r.ConnectorId).Kind == ConnectorKind.JamfSchool).ToList();
        Assert.NotEmpty(jamfSchoolRuns);
        Assert.All(jamfSchoolRuns, r => Assert.Equal(1, r.Requests));

        // Findings through the matcher.
        var findings = await app.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking().Where(f => f.OrganisationId == seed.OrganisationId).ToListAsync());
        List<Guid> With(FindingKind kind, IEnumerable<Asset> among, string? subject = null) =>
            [.. among.Where(a => findings.Any(f => f.AssetId == a.Id && f.Kind == kind && (subject is null || f.Subject == subject))).Select(a => a.Id).Order()];

        // Chromebooks: Auto Update Expiration passed, or within the matcher's horizon.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var horizon = (int)Math.Ceiling(new MatcherOptions().Horizon.TotalDays);
        var aue = fleet.Google.Devices.ToDictionary(d => Key(d.SerialNumber), d => d.AutoUpdateThrough);
        var expired = chromebooks.Where(a => aue[Key(a.SerialNumber!)] <= today).Select(a => a.Id).Order().ToList();
        var expiring = chromebooks.Where(a => aue[Key(a.SerialNumber!)] > today && aue[Key(a.SerialNumber!)] <= today.AddDays(horizon)).Select(a => a.Id).Order().ToList();
        Assert.NotEmpty(expired);
        Assert.NotEmpty(expiring);
        Assert.Equal(expired, With(FindingKind.UpdateExpired, chromebooks));
        Assert.Equal(expiring, With(FindingKind.EndingSoon, chromebooks));
        Assert.All(chromebooks, a => Assert.Equal(aue[Key(a.SerialNumber!)], a.UpdateExpiresOn));

        // iPads: not on the latest release of their iPadOS line (endoflife.date's ipados cycles as imported).
        var lines = await app.WithSystemAsync((_, db) => db.Set<LifecycleProduct>().AsNoTracking().Where(p => p.Name == "ipados")
            .SelectMany(p => p.Cycles).ToDictionaryAsync(c => c.Name, c => c.Latest));
        var ipadVersion = ipadDevices.ToDictionary(d => Key(d.SerialNumber), d => d.OsVersion);
        var behind = ipads.Where(a =>
        {
            var version = ipadVersion[Key(a.SerialNumber!)];
            return lines.TryGetValue(version.Split('.')[0], out var latest) && latest is not null && Version.Parse(version) < Version.Parse(latest);
        }).Select(a => a.Id).Order().ToList();
        Assert.NotEmpty(behind);
        Assert.Equal(behind, With(FindingKind.BehindLatest, ipads));

        // Intune Windows laptops: behind the cumulative update that fixes CVE-2024-38063 for their release.
        var intuneOnly = intuneDevices.Except(overlap).ToList();
        var vulnerable = intuneOnly.Where(d =>
        {
            var parts = d.OsVersion.Split('.');
            return FixedUbr.TryGetValue(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), out var fixedUbr) && int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) < fixedUbr;
        }).Select(d => bySerial[Key(d.SerialNumber)].Id).Order().ToList();
        var intuneAssets = intuneOnly.Select(d => bySerial[Key(d.SerialNumber)]).ToList();
        Assert.NotEmpty(vulnerable);
        Assert.True(vulnerable.Count < intuneAssets.Count, "some Intune laptops are on or past the fix");
        Assert.Equal(vulnerable, With(FindingKind.Vulnerable, intuneAssets, "CVE-2024-38063"));
        Assert.All(intuneAssets, a => Assert.Equal(intuneOnly.Single(d => Key(d.SerialNumber) == Key(a.SerialNumber!)).OsVersion, a.PatchLevel));
    }

    [Fact]
    public async Task RunningTheConnectorsAgainAgainstTheSimulatorCreatesNoAssets()
    {
        var (app, seed, fleet, assets) = await SeedAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await DemoVendorSimulator.StartAsync(fleet, ct);
        var ids = await app.WithSystemAsync(async (_, db) =>
        {
            var connectors = await db.Set<Connector>().Where(c => c.OrganisationId == seed.OrganisationId).ToListAsync();
            foreach (var c in connectors)
            {
                c.BaseUrl = simulator.BaseUrl.ToString().TrimEnd('/');
                c.AuthUrl = c.Kind == ConnectorKind.JamfSchool ? null : c.BaseUrl;
            }

            await db.SaveChangesAsync();
            return connectors.Select(c => c.Id).ToList();
        });

        var runner = app.Services.GetRequiredService<ConnectorRunner>();
        var runs = new List<ConnectorRun>();
        foreach (var id in ids)
        {
            runs.Add(await runner.RunAsync(id, "test", ct));
        }

        Assert.All(runs, r => Assert.Equal((ConnectorRunOutcome.Succeeded, 0, 0, 0), (r.Outcome, r.Created, r.ErrorCount, r.Deleted)));
        Assert.True(runs.Sum(r => r.DevicesRead) > 0);
        Assert.Equal(runs.Sum(r => r.DevicesRead), runs.Sum(r => r.Unchanged));
        var after = await app.WithSystemAsync((_, db) => db.Assets.AsNoTracking().CountAsync(a => a.OrganisationId == seed.OrganisationId));
        Assert.Equal(assets.Count, after);
        Assert.True(simulator.Requests >= runs.Count * 2);
    }

    [Fact]
    public async Task AFailedConnectorRunFailsTheSeedClearlyNamingTheConnector()
    {
        var app = await AppAsync();

        // A response larger than the connectors accept: the first listing page (a token answer is smaller) fails the run.
        var http = app.Services.GetRequiredService<IOptions<ConnectorHttpOptions>>().Value;
        var limit = http.MaxResponseBytes;
        http.MaxResponseBytes = 2000;
        try
        {
            var failure = await Assert.ThrowsAsync<DemoSeedFailedException>(() => DemoSeedTests.SeedAsync(app));
            Assert.Contains($"connector '{DemoSeeder.SimulatorPrefix}Google Admin · {DemoSeeder.Schools[0].Name}' ended Failed", failure.Message);
            Assert.Contains("[connector.too-large]", failure.Message);
            Assert.Contains("--organisation", failure.Message);
        }
        finally
        {
            http.MaxResponseBytes = limit;
        }

        // The agent-managed part was committed before the connectors ran; the name is taken, a repeat refuses.
        var organisation = await app.WithSystemAsync((_, db) => db.Organisations.AsNoTracking().SingleAsync(o => o.Name == DemoSeeder.DefaultOrganisation));
        Assert.True(await app.WithSystemAsync((_, db) => db.Set<AgentDevice>().AnyAsync(d => d.OrganisationId == organisation.Id)));
        await Assert.ThrowsAsync<DemoExistsException>(() => DemoSeedTests.SeedAsync(app));
    }
}

public sealed class DemoPlatformsTestsSqlite(PostgresServer postgres) : DemoPlatformsTests(postgres, Provider.Sqlite);

public sealed class DemoPlatformsTestsPostgres(PostgresServer postgres) : DemoPlatformsTests(postgres, Provider.Postgres);
