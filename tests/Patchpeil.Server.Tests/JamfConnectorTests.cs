using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Connectors.Jamf;
using Patchpeil.Server.Data;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Jamf Pro and Jamf School as connector kinds of the framework: real runs against a double on 127.0.0.1 answering with
/// the recorded bodies; an iPad both platforms report (same serial) becomes one asset.
/// </summary>
public abstract class JamfConnectorTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider), IAsyncLifetime
{
    private const string ClientId = "55ed202f-example";
    private const string ProSecret = "pro-secret-value";
    private const string SchoolKey = "school-api-key";
    private FeedServer? _vendor;

    private FeedServer Vendor => _vendor ?? throw new InvalidOperationException("not started");

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", name));

    public async ValueTask InitializeAsync()
    {
        _vendor = await FeedServer.StartAsync();
        Vendor.Dynamic = async context =>
        {
            var path = context.Request.Path.Value!;
            string? body = null;
            if (path == "/api/oauth/token")
            {
                var form = await context.Request.ReadFormAsync();
                body = form["client_id"] == ClientId && form["client_secret"] == ProSecret ? Fixture("jamfpro-token.json") : null;
                context.Response.StatusCode = body is null ? 401 : 200;
            }
            else if (path.StartsWith("/api/v", StringComparison.Ordinal))
            {
                var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ey", StringComparison.Ordinal);
                body = !bearer ? null : path switch
                {
                    "/api/v1/computers-inventory" => Fixture("jamfpro-computers-inventory.json"),
                    "/api/v2/mobile-devices/detail" => Fixture("jamfpro-mobile-devices-detail-paged.json"),
                    "/api/v2/mobile-devices" => Fixture("jamfpro-mobile-devices-v2.json"),
                    _ => null,
                };
                context.Response.StatusCode = body is null ? (bearer ? 404 : 401) : 200;
            }
            else if (path == "/school/api/devices")
            {
                var ok = context.Request.Headers.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("12345:" + SchoolKey))
                    && context.Request.Headers["X-Server-Protocol-Version"] == "3";
                body = ok ? Fixture("jamfschool-devices.json") : null;
                context.Response.StatusCode = ok ? 200 : 401;
            }
            else
            {
                return false;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body ?? """{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN","description":"Unauthorized"}]}""");
            return true;
        };
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (_vendor is not null)
        {
            await _vendor.DisposeAsync();
        }

        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<Guid> AddAsync(TestOrganisation organisation, ConnectorKind kind, string baseUrl, Dictionary<string, string> settings, string secret) =>
        await (await AppAsync()).WithSystemAsync(async (sp, db) =>
        {
            var connector = new Connector
            {
                OrganisationId = organisation.Id,
                Kind = kind,
                Name = $"{kind}",
                BaseUrl = baseUrl,
                Settings = settings,
                ProtectedSecret = ConnectorSecrets.Protect(sp.GetRequiredService<IDataProtectionProvider>(), secret),
                SecretSetUtc = DateTime.UtcNow,
                CreatedUtc = DateTime.UtcNow,
            };
            db.Add(connector);
            await db.SaveChangesAsync();
            return connector.Id;
        });

    private async Task<ConnectorRun> RunAsync(Guid id) =>
        await (await AppAsync()).Services.GetRequiredService<ConnectorRunner>().RunAsync(id, "test", TestContext.Current.CancellationToken);

    private async Task<T> QueryAsync<T>(Func<PatchpeilDbContext, Task<T>> query) => await (await AppAsync()).WithSystemAsync((_, db) => query(db));

    [Fact]
    public async Task JamfProAndJamfSchoolRunAsConnectorsAndAnIpadBothReportIsOneAsset()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var pro = await AddAsync(organisation, ConnectorKind.JamfPro, Vendor.BaseUrl.ToString().TrimEnd('/'), new() { [JamfProSource.ClientIdKey] = ClientId }, ProSecret);
        var school = await AddAsync(organisation, ConnectorKind.JamfSchool, Vendor.Url("/school/api").ToString(), new() { [JamfSchoolSource.NetworkIdKey] = "12345" }, SchoolKey);

        var proRun = await RunAsync(pro);
        Assert.True(proRun.Outcome == ConnectorRunOutcome.Succeeded, $"{proRun.Outcome}: {proRun.Errors}");
        Assert.Equal((4, 4), (proRun.DevicesRead, proRun.Created));
        var schoolRun = await RunAsync(school);
        Assert.True(schoolRun.Outcome == ConnectorRunOutcome.Succeeded, $"{schoolRun.Outcome}: {schoolRun.Errors}");
        Assert.Equal((2, 0), (schoolRun.DevicesRead, schoolRun.Created));

        var assets = await QueryAsync(db => db.Assets.Where(a => a.OrganisationId == organisation.Id).OrderBy(a => a.SerialNumber).ToListAsync());
        Assert.Equal(["C02ZP1XJJWDX", "DMPXK3J1Q1GC", "GG7W22MVQ1", "KX9M2Q7RV4"], assets.Select(a => a.SerialNumber));
        var ipad = assets.Single(a => a.SerialNumber == "DMPXK3J1Q1GC");
        Assert.Equal("iPad (9th generation) Wi-Fi", ipad.Model);

        var test = await app.Services.GetRequiredService<ConnectorRunner>().TestAsync(pro, TestContext.Current.CancellationToken);
        Assert.True(test.Success, test.Message);
        Assert.Contains("2 computers, 2 mobile devices", test.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpadsReadFromJamfKeepTheirModelIdentifierAndAreJudgedAgainstAppleCurrentReleases()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var summary = await app.WithSystemAsync(async (sp, _) => await sp.GetRequiredService<Patchpeil.Server.Advisories.FeedImporter>()
            .ImportPathAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", "sofa-v2-ios-feed.json")));
        Assert.Equal(0, summary.Quarantined);
        var pro = await AddAsync(organisation, ConnectorKind.JamfPro, Vendor.BaseUrl.ToString().TrimEnd('/'), new() { [JamfProSource.ClientIdKey] = ClientId }, ProSecret);

        var run = await RunAsync(pro);
        Assert.True(run.Outcome == ConnectorRunOutcome.Succeeded, $"{run.Outcome}: {run.Errors}");
        await app.Services.GetRequiredService<Patchpeil.Server.Findings.IFindingsJobs>().IdleAsync();

        var ipads = await QueryAsync(db => db.Assets.AsNoTracking().Where(a => a.OrganisationId == organisation.Id && a.Model!.StartsWith("iPad"))
            .OrderBy(a => a.SerialNumber).ToListAsync());
        Assert.Equal([("DMPXK3J1Q1GC", "iPad12,1"), ("GG7W22MVQ1", "iPad7,11")], ipads.Select(a => (a.SerialNumber, a.ModelIdentifier)));
        var findings = await QueryAsync(db => db.Set<Patchpeil.Server.Findings.AssetFinding>().AsNoTracking()
            .Where(f => f.OrganisationId == organisation.Id && f.Source == "sofa").ToListAsync());

        // SOFA's latest iPadOS 18 is 18.6.2: the iPad on it has nothing to do, the one on 18.3.1 is behind.
        var behind = Assert.Single(findings);
        Assert.Equal((ipads[1].Id, Patchpeil.Core.Matching.FindingKind.BehindLatest, "18.3.1"), (behind.AssetId, behind.Kind, behind.Version));
        Assert.Contains("18.6.2", behind.Rule, StringComparison.Ordinal);

        // The asset page shows what the platform said: serial, model and identifier.
        var page = await (await organisation.SignedInClientAsync()).GetStringAsync($"/assets/{ipads[0].Id}", TestContext.Current.CancellationToken);
        Assert.Contains("DMPXK3J1Q1GC", page, StringComparison.Ordinal);
        Assert.Contains("<code>iPad12,1</code>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongJamfSchoolKeyFailsTheRunNamingTheRequestWithoutTheKey()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Voorbeeldcollege");
        var school = await AddAsync(organisation, ConnectorKind.JamfSchool, Vendor.Url("/school/api").ToString(), new() { [JamfSchoolSource.NetworkIdKey] = "12345" }, "wrong-key-value");

        var run = await RunAsync(school);

        Assert.Equal(ConnectorRunOutcome.Failed, run.Outcome);
        Assert.Contains("/school/api/devices", run.Errors, StringComparison.Ordinal);
        Assert.Contains("401", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-value", run.Errors, StringComparison.Ordinal);
    }
}

public sealed class JamfConnectorTestsSqlite(PostgresServer postgres) : JamfConnectorTests(postgres, Provider.Sqlite);

public sealed class JamfConnectorTestsPostgres(PostgresServer postgres) : JamfConnectorTests(postgres, Provider.Postgres);
