using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>A user or token of organisation A tries to reach B's records through every endpoint and page that exists.</summary>
public abstract class IsolationTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private sealed record Victim(TestOrganisation Organisation, SchoolDto School, LocationDto Location, AssetDto Asset, Guid TokenId, Guid MembershipId);

    private static async Task<Victim> CreateVictimAsync(PatchpeilFactory app)
    {
        var b = await app.CreateOrganisationAsync("Bestuur B");
        var client = new PatchpeilClient(await b.ApiClientAsync());
        var school = await client.CreateSchoolAsync(new SchoolInput("School van B", "99ZZ"));
        var location = await client.CreateLocationAsync(new LocationInput(school.Id, "Locatie van B", null));
        var asset = await client.CreateAssetAsync(new AssetInput(AssetKind.Server, "geheim-server-b", "srv-b", null, null, school.Id, location.Id, BivLevel.High, BivLevel.High, BivLevel.High, true, null));
        var (tokenId, membershipId) = await app.WithSystemAsync(async (_, db) =>
            (await db.ApiTokens.Where(t => t.OrganisationId == b.Id).Select(t => t.Id).FirstAsync(),
             await db.Memberships.Where(m => m.OrganisationId == b.Id).Select(m => m.Id).FirstAsync()));
        return new Victim(b, school, location, asset, tokenId, membershipId);
    }

    [Fact]
    public async Task ApiOfOneOrganisationCannotSeeOrChangeAnother()
    {
        var app = await AppAsync();
        var victim = await CreateVictimAsync(app);
        var a = await app.CreateOrganisationAsync("Bestuur A");
        var http = await a.ApiClientAsync();
        await new PatchpeilClient(http).CreateSchoolAsync(new SchoolInput("School van A", "11AA"));

        foreach (var (path, body) in new (string, object)[]
        {
            ($"/api/v1/schools/{victim.School.Id}", new SchoolInput("Overgenomen", "11AB")),
            ($"/api/v1/locations/{victim.Location.Id}", new LocationInput(victim.School.Id, "Overgenomen", null)),
            ($"/api/v1/assets/{victim.Asset.Id}", new AssetInput(AssetKind.Server, "Overgenomen", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null)),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsJsonAsync(path, body, PatchpeilClient.JsonOptions)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(path)).StatusCode);
        }

        // Linking to B's school or location is refused as if they did not exist.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/locations", new LocationInput(victim.School.Id, "Indringer", null), PatchpeilClient.JsonOptions)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/assets",
            new AssetInput(AssetKind.Device, "Indringer", null, null, null, victim.School.Id, victim.Location.Id, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null), PatchpeilClient.JsonOptions)).StatusCode);

        foreach (var list in new[] { "/api/v1/schools", "/api/v1/locations", "/api/v1/assets", "/api/v1/organisations", "/api/v1/audit", $"/api/v1/locations?schoolId={victim.School.Id}" })
        {
            var text = await http.GetStringAsync(list);
            Assert.DoesNotContain(victim.School.Id.ToString(), text);
            Assert.DoesNotContain(victim.Asset.Id.ToString(), text);
            Assert.DoesNotContain(victim.Organisation.Id.ToString(), text);
            Assert.DoesNotContain("van B", text);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/organisations/current")).StatusCode);
        await AssertVictimUntouchedAsync(app, victim);
    }

    [Fact]
    public async Task PagesOfOneOrganisationCannotSeeOrChangeAnother()
    {
        var app = await AppAsync();
        var victim = await CreateVictimAsync(app);
        var a = await app.CreateOrganisationAsync("Bestuur A");
        var browser = await a.SignedInClientAsync();

        // Even a hand-made organisation cookie pointing at B is ignored: A is not a member of B.
        browser.DefaultRequestHeaders.Add("Cookie", $"pp_org={victim.Organisation.Id}");

        foreach (var page in new[]
        {
            $"/assets/edit/{victim.Asset.Id}", $"/assets/delete/{victim.Asset.Id}", $"/schools/edit/{victim.School.Id}",
            $"/schools/delete/{victim.School.Id}", $"/schools/locations/edit/{victim.Location.Id}", $"/schools/locations/delete/{victim.Location.Id}",
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(page)).StatusCode);
        }

        var token = await browser.AntiforgeryTokenAsync("/assets");
        foreach (var (path, fields) in new (string, Dictionary<string, string>)[]
        {
            ($"/assets/delete/{victim.Asset.Id}", new()),
            ($"/assets/edit/{victim.Asset.Id}", new() { ["Input.Name"] = "x", ["Input.Kind"] = "Server", ["Input.Availability"] = "Low", ["Input.Integrity"] = "Low", ["Input.Confidentiality"] = "Low" }),
            ($"/schools/delete/{victim.School.Id}", new()),
            ($"/schools/edit/{victim.School.Id}", new() { ["Input.Name"] = "x", ["Input.Brin"] = "12AB" }),
            ($"/schools/locations/delete/{victim.Location.Id}", new()),
            ("/settings/tokens?handler=revoke", new() { ["tokenId"] = victim.TokenId.ToString() }),
            ("/settings/users?handler=remove", new() { ["membershipId"] = victim.MembershipId.ToString() }),
            ("/settings/users?handler=role", new() { ["membershipId"] = victim.MembershipId.ToString(), ["role"] = "Auditor" }),
            ("/organisations?handler=switch", new() { ["organisationId"] = victim.Organisation.Id.ToString() }),
        })
        {
            fields["__RequestVerificationToken"] = token;
            var response = await browser.PostAsync(path, new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        foreach (var page in new[] { "/", "/assets", "/schools", "/organisations", "/settings/users", "/settings/tokens", "/audit", "/assets?handler=csv", "/audit?handler=csv" })
        {
            var html = await browser.GetStringAsync(page);
            Assert.DoesNotContain("van B", html);
            Assert.DoesNotContain("geheim-server-b", html);
            Assert.DoesNotContain(victim.Organisation.AdminEmail, html);
        }

        await AssertVictimUntouchedAsync(app, victim);
    }

    [Fact]
    public async Task WritingAnotherOrganisationsRowThroughTheDbContextIsRefused()
    {
        var app = await AppAsync();
        var victim = await CreateVictimAsync(app);
        var a = await app.CreateOrganisationAsync("Bestuur A");
        await using var scope = app.Services.CreateAsyncScope();
        var request = scope.ServiceProvider.GetRequiredService<Patchpeil.Server.Data.RequestContext>();
        var db = scope.ServiceProvider.GetRequiredService<Patchpeil.Server.Data.PatchpeilDbContext>();
        request.SetUser(Guid.NewGuid(), "test", a.Id);

        Assert.Null(await db.Assets.SingleOrDefaultAsync(x => x.Id == victim.Asset.Id));
        db.Schools.Add(new Patchpeil.Server.Data.School { OrganisationId = victim.Organisation.Id, Name = "Ingeplant", Brin = "22BB" });
        await Assert.ThrowsAsync<Patchpeil.Server.Data.TenantViolationException>(() => db.SaveChangesAsync());
        await AssertVictimUntouchedAsync(app, victim);
    }

    private static async Task AssertVictimUntouchedAsync(PatchpeilFactory app, Victim victim)
    {
        var client = new PatchpeilClient(await victim.Organisation.ApiClientAsync());
        Assert.Equal(victim.Asset, await client.GetAssetAsync(victim.Asset.Id), new AssetComparer());
        Assert.Equal("School van B", (await client.GetSchoolsAsync()).Items.Single().Name);
        Assert.Single((await client.GetLocationsAsync()).Items);
        var state = await app.WithSystemAsync(async (_, db) => new
        {
            Revoked = await db.ApiTokens.Where(t => t.Id == victim.TokenId).Select(t => t.RevokedUtc).SingleAsync(),
            Role = await db.Memberships.Where(m => m.Id == victim.MembershipId).Select(m => m.Role).SingleAsync(),
            Schools = await db.Schools.CountAsync(s => s.OrganisationId == victim.Organisation.Id),
        });
        Assert.Null(state.Revoked);
        Assert.Equal(Role.Administrator, state.Role);
        Assert.Equal(1, state.Schools);
    }

    private sealed class AssetComparer : IEqualityComparer<AssetDto>
    {
        public bool Equals(AssetDto? x, AssetDto? y) => x is not null && y is not null && x with { Tags = [] } == y with { Tags = [] } && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(AssetDto obj) => obj.Id.GetHashCode();
    }
}

public sealed class IsolationTestsSqlite(PostgresServer postgres) : IsolationTests(postgres, Provider.Sqlite);

public sealed class IsolationTestsPostgres(PostgresServer postgres) : IsolationTests(postgres, Provider.Postgres);
