using System.Net;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract class PageTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    [Fact]
    public async Task AssetListFiltersSortsPagesAndExportsWhatIsShown()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Lijst");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        var school = await client.CreateSchoolAsync(new SchoolInput("Het Baken", "61AB"));
        for (var i = 0; i < 30; i++)
        {
            await client.CreateAssetAsync(new AssetInput(i % 3 == 0 ? AssetKind.Server : AssetKind.Device, $"apparaat-{i:00}", null, null, null,
                i % 2 == 0 ? school.Id : null, null, BivLevel.Low, BivLevel.Low, i == 7 ? BivLevel.High : BivLevel.Low, false, null));
        }

        var browser = await organisation.SignedInClientAsync();
        var firstPage = await browser.GetStringAsync("/assets");
        Assert.Contains("30 apparaten en systemen", firstPage);
        Assert.Contains("Pagina 1 van 2", firstPage);
        Assert.Contains("apparaat-24", firstPage);
        Assert.DoesNotContain("apparaat-25", firstPage);

        var servers = await browser.GetStringAsync($"/assets?kind=Server&schoolId={school.Id}&sort=name&desc=true");
        Assert.Contains("5 apparaten en systemen", servers);
        Assert.True(servers.IndexOf("apparaat-24", StringComparison.Ordinal) < servers.IndexOf("apparaat-18", StringComparison.Ordinal));

        var high = await browser.GetStringAsync("/assets?criticality=High");
        Assert.Contains("1 apparaat of systeem", high);
        Assert.Contains("apparaat-07", high);

        var csv = (await browser.GetStringAsync($"/assets?handler=csv&kind=Server&schoolId={school.Id}")).TrimEnd('\n').Split('\n');
        Assert.Equal(6, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Contains(",Server,", line));
    }

    [Fact]
    public async Task ValidationMessagesFollowTheUsersLanguage()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Taal");
        var dutch = await organisation.SignedInClientAsync(language: "nl");
        var english = await organisation.SignedInClientAsync(language: "en");
        foreach (var (client, expected) in new[] { (dutch, "Vul dit veld in."), (english, "Fill in this field.") })
        {
            var response = await client.PostFormAsync("/assets/edit", "/assets/edit", [new("Input.Name", ""), new("Input.Kind", "Device"), new("Input.Availability", "Low"), new("Input.Integrity", "Low"), new("Input.Confidentiality", "Low")]);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains($"<span class=\"visually-hidden\">", html);
            Assert.Contains(expected, html);
            Assert.Contains("href=\"#Input_Name\"", html);
        }

        Assert.Equal(0, (await new PatchpeilClient(await organisation.ApiClientAsync()).GetAssetsAsync()).Total);
    }

    [Fact]
    public async Task SchoolInUseIsNotDeletedAndSaysWhy()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Verwijderen");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        var school = await client.CreateSchoolAsync(new SchoolInput("De Eik", "62AB"));
        var location = await client.CreateLocationAsync(new LocationInput(school.Id, "Noord", null));
        var browser = await organisation.SignedInClientAsync();

        var refused = await browser.PostFormAsync($"/schools/delete/{school.Id}", $"/schools/delete/{school.Id}", []);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Deze school heeft nog locaties of apparaten.", await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync($"/schools/locations/delete/{location.Id}", $"/schools/locations/delete/{location.Id}", [])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync($"/schools/delete/{school.Id}", $"/schools/delete/{school.Id}", [])).StatusCode);
        Assert.Equal(0, (await client.GetSchoolsAsync()).Total);
    }

    [Fact]
    public async Task SupplierSwitchesBetweenOrganisations()
    {
        var app = await AppAsync();
        var first = await app.CreateOrganisationAsync("Bestuur Een");
        var second = await app.CreateOrganisationAsync("Bestuur Twee");
        await new PatchpeilClient(await second.ApiClientAsync()).CreateSchoolAsync(new SchoolInput("School van Twee", "63AB"));
        await app.WithSystemAsync(async (sp, _) =>
        {
            var accounts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Patchpeil.Server.Accounts.AccountService>(sp);
            Assert.True((await accounts.AddMemberAsync(first.AdminEmail, null, second.Id, Role.ITStaff)).Succeeded);
            return 0;
        });

        var browser = await first.SignedInClientAsync();
        Assert.DoesNotContain("School van Twee", await browser.GetStringAsync("/schools"));
        var switched = await browser.PostFormAsync("/organisations", "/organisations?handler=switch", [new("organisationId", second.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var schools = await browser.GetStringAsync("/schools");
        Assert.Contains("School van Twee", schools);
        Assert.DoesNotContain("/schools/delete", schools);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/settings/users")).StatusCode);
    }
}

public sealed class PageTestsSqlite(PostgresServer postgres) : PageTests(postgres, Provider.Sqlite);

public sealed class PageTestsPostgres(PostgresServer postgres) : PageTests(postgres, Provider.Postgres);
