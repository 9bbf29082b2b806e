using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract partial class RoleAndTokenTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static readonly SchoolInput NewSchool = new("Nieuwe school", "33CC");

    [Fact]
    public async Task ApiRolesAllowOnlyWhatTheyShould()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Rollen");
        var admin = await organisation.ApiClientAsync(Role.Administrator);
        var school = await new PatchpeilClient(admin).CreateSchoolAsync(new SchoolInput("Bestaande school", "44DD"));

        var expectations = new Dictionary<Role, (HttpStatusCode Write, HttpStatusCode Audit, HttpStatusCode Verify)>
        {
            [Role.Administrator] = (HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK),
            [Role.ITStaff] = (HttpStatusCode.Created, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            [Role.Management] = (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            [Role.Auditor] = (HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden),
        };
        var brin = 50;
        foreach (var (role, expected) in expectations)
        {
            var http = await organisation.ApiClientAsync(role);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/schools")).StatusCode);
            Assert.Equal(expected.Write, (await http.PostAsJsonAsync("/api/v1/schools", NewSchool with { Brin = $"{brin++}EE" })).StatusCode);
            var put = await http.PutAsJsonAsync($"/api/v1/schools/{school.Id}", new SchoolInput("Hernoemd", "44DD"));
            Assert.Equal(expected.Write == HttpStatusCode.Created ? HttpStatusCode.OK : HttpStatusCode.Forbidden, put.StatusCode);
            Assert.Equal(expected.Audit, (await http.GetAsync("/api/v1/audit")).StatusCode);
            Assert.Equal(expected.Verify, (await http.GetAsync("/api/v1/audit/verify")).StatusCode);
        }
    }

    [Fact]
    public async Task PagesFollowTheRoles()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Paginarollen");
        var asset = await new PatchpeilClient(await organisation.ApiClientAsync()).CreateAssetAsync(
            new AssetInput(AssetKind.Device, "docent-laptop", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null));

        var management = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.Management));
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/assets")).StatusCode);
        Assert.DoesNotContain("/assets/edit\"", await management.GetStringAsync("/assets"));
        var token = await management.AntiforgeryTokenAsync($"/assets/edit/{asset.Id}");
        var post = await management.PostAsync($"/assets/edit/{asset.Id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = "gewijzigd",
            ["Input.Kind"] = "Device",
            ["Input.Availability"] = "Low",
            ["Input.Integrity"] = "Low",
            ["Input.Confidentiality"] = "Low",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("http://localhost/account/denied", post.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal("docent-laptop", (await new PatchpeilClient(await organisation.ApiClientAsync()).GetAssetAsync(asset.Id)).Name);
        foreach (var denied in new[] { "/audit", "/settings/users", "/settings/tokens", $"/assets/delete/{asset.Id}", "/schools/edit" })
        {
            var response = await management.GetAsync(denied);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/account/denied", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        var auditor = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.Auditor));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/audit?handler=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await auditor.GetAsync("/settings/users")).StatusCode);

        var staff = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.ITStaff));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/assets/delete/{asset.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.GetAsync("/audit")).StatusCode);
    }

    [Fact]
    public async Task TokenIsShownOnceStoredHashedScopedAndRevocable()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Tokens");
        var other = await app.CreateOrganisationAsync("Bestuur Anders");
        await new PatchpeilClient(await other.ApiClientAsync()).CreateSchoolAsync(new SchoolInput("Andermans school", "77GG"));
        var browser = await organisation.SignedInClientAsync();

        var created = await browser.PostFormAsync("/settings/tokens", "/settings/tokens?handler=create",
            [new("Input.Name", "Magister-import"), new("Input.Role", "Auditor"), new("Input.ExpiresOn", "")]);
        var html = await created.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html).Value;
        Assert.StartsWith("pp_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token, await browser.GetStringAsync("/settings/tokens"));
        var stored = await app.WithSystemAsync((_, db) => db.ApiTokens.SingleAsync(t => t.Name == "Magister-import"));
        Assert.NotEqual(token, stored.Hash);
        Assert.DoesNotContain(token, stored.Hash);
        Assert.Equal(Role.Auditor, stored.Role);

        var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/schools")).StatusCode);
        Assert.Equal(0, (await new PatchpeilClient(api).GetSchoolsAsync()).Total);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsJsonAsync("/api/v1/schools", NewSchool)).StatusCode);
        Assert.Single((await new PatchpeilClient(api).GetOrganisationsAsync()).Items);

        var revoke = await browser.PostFormAsync("/settings/tokens", "/settings/tokens?handler=revoke", [new("tokenId", stored.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/schools")).StatusCode);

        var garbage = app.CreateClient();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pp_" + new string('x', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await garbage.GetAsync("/api/v1/schools")).StatusCode);
    }

    [Fact]
    public async Task ExpiredTokensAndTokensOfRemovedMembersAreRefused()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Verlopen");
        var staffEmail = await organisation.AddMemberAsync(Role.ITStaff);
        var staffToken = await organisation.ApiClientAsync(Role.ITStaff, staffEmail);
        var expiring = await organisation.ApiClientAsync(Role.ITStaff, staffEmail);
        Assert.Equal(HttpStatusCode.OK, (await expiring.GetAsync("/api/v1/assets")).StatusCode);
        await app.WithSystemAsync((_, db) => db.ApiTokens.Where(t => t.UserId == db.Users.Single(u => u.Email == staffEmail).Id)
            .OrderBy(t => t.Id).Skip(1).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expiring.GetAsync("/api/v1/assets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staffToken.GetAsync("/api/v1/assets")).StatusCode);

        var admin = await organisation.SignedInClientAsync();
        var membershipId = await app.WithSystemAsync((_, db) => db.Memberships.Where(m => m.User!.Email == staffEmail).Select(m => m.Id).SingleAsync());
        var removed = await admin.PostFormAsync("/settings/users", "/settings/users?handler=remove", [new("membershipId", membershipId.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await staffToken.GetAsync("/api/v1/assets")).StatusCode);
    }

    [GeneratedRegex("pp_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();
}

public sealed class RoleAndTokenTestsSqlite(PostgresServer postgres) : RoleAndTokenTests(postgres, Provider.Sqlite);

public sealed class RoleAndTokenTestsPostgres(PostgresServer postgres) : RoleAndTokenTests(postgres, Provider.Postgres);
