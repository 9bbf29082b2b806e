using System.Net;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract class SetupAndAccessTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    [Fact]
    public async Task EmptyDatabaseLeadsToSetupThenOnlySignInIsAnonymous()
    {
        var app = await AppAsync();
        var client = app.CreateBrowserClient();

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/setup", home.Headers.Location?.OriginalString);
        var api = await client.GetAsync("/api/v1/schools");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);

        var setup = await client.PostFormAsync("/setup", "/setup",
        [
            new("Input.OrganisationName", "Stichting Onderwijs Zuid"),
            new("Input.Email", "beheer@onderwijszuid.nl"),
            new("Input.Password", "lang genoeg wachtwoord"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.Contains("Stichting Onderwijs Zuid", await client.GetStringAsync("/"));

        var anonymous = app.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/setup")).StatusCode);
        foreach (var path in new[] { "/", "/assets", "/schools", "/organisations", "/settings/users", "/settings/tokens", "/audit" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/account/signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/api/v1/schools", "/api/v1/assets", "/api/v1/locations", "/api/v1/organisations", "/api/v1/audit", "/openapi/v1.json" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/account/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task SetupShowsFieldErrorsAndWritesNothing()
    {
        var app = await AppAsync();
        var client = app.CreateBrowserClient();
        var response = await client.PostFormAsync("/setup", "/setup",
        [
            new("Input.OrganisationName", ""),
            new("Input.Email", "not-an-address"),
            new("Input.Password", "short"),
        ]);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"Input_OrganisationName-error0\"", html, StringComparison.Ordinal);
        Assert.Contains("Vul een geldig e-mailadres in.", html, StringComparison.Ordinal);
        Assert.Contains("Een wachtwoord heeft minstens 12 tekens.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"not-an-address\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithSystemAsync((_, db) => Task.FromResult(db.Organisations.Count())));
    }

    [Fact]
    public async Task LockoutAfterFiveFailuresAndEverySignInIsAudited()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Lockout");
        var client = app.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            var failed = await client.SignInAsync(organisation.AdminEmail, "wrong password attempt");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var locked = await client.SignInAsync(organisation.AdminEmail, TestOrganisation.Password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("tijdelijk geblokkeerd", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var actions = await app.WithSystemAsync((_, db) => Task.FromResult(db.AuditEvents.Where(e => e.Action.StartsWith("SignIn.")).Select(e => e.Action).ToList()));
        Assert.Equal(4, actions.Count(a => a == "SignIn.Failed"));
        Assert.Equal(2, actions.Count(a => a == "SignIn.LockedOut"));
        Assert.DoesNotContain("SignIn.Succeeded", actions);

        var other = await app.CreateOrganisationAsync("Bestuur Ander");
        var ok = app.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await ok.SignInAsync(other.AdminEmail, TestOrganisation.Password)).StatusCode);
        Assert.Equal(1, await app.WithSystemAsync((_, db) => Task.FromResult(db.AuditEvents.Count(e => e.Action == "SignIn.Succeeded"))));
    }
}

public sealed class SetupAndAccessTestsSqlite(PostgresServer postgres) : SetupAndAccessTests(postgres, Provider.Sqlite);

public sealed class SetupAndAccessTestsPostgres(PostgresServer postgres) : SetupAndAccessTests(postgres, Provider.Postgres);
