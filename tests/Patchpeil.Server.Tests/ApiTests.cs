using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract class ApiTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    [Fact]
    public async Task SchoolsLocationsAndAssetsRoundTripThroughTheTypedClient()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur API");
        var client = new PatchpeilClient(await organisation.ApiClientAsync(Role.ITStaff));

        var school = await client.CreateSchoolAsync(new SchoolInput("De Regenboog", " 12ab "));
        Assert.Equal("12AB", school.Brin);
        var location = await client.CreateLocationAsync(new LocationInput(school.Id, "Hoofdgebouw", "Dorpsstraat 1"));
        var asset = await client.CreateAssetAsync(new AssetInput(AssetKind.Device, "lln-laptop-001", "lln-laptop-001", "Windows 11 Education", "ICT",
            school.Id, location.Id, BivLevel.Low, BivLevel.Medium, BivLevel.High, false, ["leerlingen", "windows"]));
        Assert.Equal(["leerlingen", "windows"], asset.Tags);

        var changed = await client.UpdateAssetAsync(asset.Id, new AssetInput(AssetKind.Device, "lln-laptop-001", null, "Windows 11 Education", null,
            school.Id, null, BivLevel.High, BivLevel.High, BivLevel.High, true, []));
        Assert.True(changed.InternetFacing);
        Assert.Null(changed.LocationId);

        var list = await client.GetAssetsAsync(q: "LAPTOP", criticality: BivLevel.High);
        Assert.Equal(1, list.Total);
        Assert.Equal(asset.Id, list.Items.Single().Id);
        Assert.Equal(0, (await client.GetAssetsAsync(kind: AssetKind.Server)).Total);

        await client.DeleteAssetAsync(asset.Id);
        Assert.Equal(0, (await client.GetAssetsAsync()).Total);
    }

    [Fact]
    public async Task PagingIsStableAndReportsTheTotal()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Paging");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        for (var i = 0; i < 7; i++)
        {
            await client.CreateAssetAsync(new AssetInput(AssetKind.Server, $"srv-{i:00}", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null));
        }

        var first = await client.GetAssetsAsync(page: 1, pageSize: 3);
        var third = await client.GetAssetsAsync(page: 3, pageSize: 3);
        Assert.Equal(7, first.Total);
        Assert.Equal(["srv-00", "srv-01", "srv-02"], first.Items.Select(a => a.Name));
        Assert.Equal(["srv-06"], third.Items.Select(a => a.Name));
        var descending = await client.GetAssetsAsync(sort: "name", descending: true, pageSize: 2);
        Assert.Equal(["srv-06", "srv-05"], descending.Items.Select(a => a.Name));
    }

    [Fact]
    public async Task InvalidInputGetsFieldErrorsAndWritesNothing()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Validatie");
        var http = await organisation.ApiClientAsync();

        var response = await http.PostAsJsonAsync("/api/v1/schools", new SchoolInput("", "1234"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.Contains("BRIN", problem.GetProperty("errors").GetProperty("brin")[0].GetString());

        var asset = await http.PostAsJsonAsync("/api/v1/assets", new { kind = "Device", name = "x", hostname = "bad host!", availability = "Low", integrity = "Low", confidentiality = "Low", schoolId = Guid.NewGuid() });
        var assetProblem = await asset.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, asset.StatusCode);
        Assert.True(assetProblem.GetProperty("errors").TryGetProperty("hostname", out _));
        Assert.True(assetProblem.GetProperty("errors").TryGetProperty("schoolId", out _));

        var english = await organisation.ApiClientAsync();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        var englishProblem = await (await english.PostAsJsonAsync("/api/v1/schools", new SchoolInput("X", "ABCD"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("A BRIN code is two digits", englishProblem.GetProperty("errors").GetProperty("brin")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(0, await app.WithSystemAsync((_, db) => Task.FromResult(db.Schools.Count() + db.Assets.Count())));
    }

    [Fact]
    public async Task MalformedAndOversizedBodiesAreRefused()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Groot");
        var http = await organisation.ApiClientAsync();

        var malformed = await http.PostAsync("/api/v1/schools", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var huge = new string('a', 5 * 1024 * 1024);
        var oversized = await http.PostAsync("/api/v1/schools", new StringContent($"{{\"name\":\"{huge}\",\"brin\":\"12AB\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);

        var tooLong = await http.PostAsJsonAsync("/api/v1/schools", new SchoolInput(new string('b', 201), "12AB"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(0, await app.WithSystemAsync((_, db) => Task.FromResult(db.Schools.Count())));
    }

    [Fact]
    public async Task SchoolInUseCannotBeDeletedAndDuplicateBrinIsRefused()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Conflict");
        var http = await organisation.ApiClientAsync();
        var client = new PatchpeilClient(http);
        var school = await client.CreateSchoolAsync(new SchoolInput("De Linde", "01AB"));
        await client.CreateLocationAsync(new LocationInput(school.Id, "Dependance", null));
        Assert.Equal(HttpStatusCode.Conflict, (await http.DeleteAsync($"/api/v1/schools/{school.Id}")).StatusCode);
        var duplicate = await http.PostAsJsonAsync("/api/v1/schools", new SchoolInput("Andere", "01ab"));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheApi()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur OpenAPI");
        var http = await organisation.ApiClientAsync(Role.Auditor);
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/schools", "/api/v1/schools/{id}", "/api/v1/locations", "/api/v1/assets", "/api/v1/assets/{id}", "/api/v1/organisations", "/api/v1/audit" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }
    }
}

public sealed class ApiTestsSqlite(PostgresServer postgres) : ApiTests(postgres, Provider.Sqlite);

public sealed class ApiTestsPostgres(PostgresServer postgres) : ApiTests(postgres, Provider.Postgres);
