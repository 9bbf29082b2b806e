using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>CSV and SBOM imports through the public API, read back from the API and the database.</summary>
public abstract class ImportTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>What Dutch Excel writes: BOM, semicolons, CRLF; raw Windows names as the issue lists them.</summary>
    private static byte[] DutchCsv(string body) =>
        [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("school;hostname;soort;besturingssysteem;osversie;softwarenaam;versie;leverancier\r\n" + body.ReplaceLineEndings("\r\n"))];

    private static async Task<(HttpStatusCode Status, ImportResultDto? Result)> PostCsvAsync(HttpClient http, byte[] content, bool checkOnly = false, string fileName = "inventaris.csv")
    {
        // What `curl --data-binary @file` sends: the raw file, labelled as a url-encoded form.
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var response = await http.PostAsync($"/api/v1/imports/csv?fileName={Uri.EscapeDataString(fileName)}&checkOnly={(checkOnly ? "true" : "false")}", body);
        var result = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity
            ? await response.Content.ReadFromJsonAsync<ImportResultDto>(PatchpeilClient.JsonOptions)
            : null;
        return (response.StatusCode, result);
    }

    private static async Task<(HttpStatusCode Status, ImportResultDto? Result)> PostSbomAsync(HttpClient http, Guid assetId, string path)
    {
        // As a browser or curl -F would: multipart with the field "file".
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path));
        var response = await http.PostAsync($"/api/v1/imports/sbom?assetId={assetId}", form);
        var result = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity
            ? await response.Content.ReadFromJsonAsync<ImportResultDto>(PatchpeilClient.JsonOptions)
            : null;
        return (response.StatusCode, result);
    }

    private static Task<List<ComponentDto>?> ComponentsAsync(HttpClient http, Guid assetId) =>
        http.GetFromJsonAsync<List<ComponentDto>>($"/api/v1/assets/{assetId}/components", PatchpeilClient.JsonOptions);

    private const string GoodRows =
        "12AB;lok12-pc03;apparaat;Windows 11 Education;10.0.22631.4460;Mozilla Firefox (x64 nl);133.0.3;Mozilla\n" +
        "12AB;lok12-pc03;;;;7-Zip 23.01 (x64);23.01;Igor Pavlov\n" +
        "12AB;lok12-pc03;;;;Microsoft 365 Apps for enterprise - nl-nl;16.0.17928.20156;Microsoft Corporation\n" +
        "12AB;lok14-pc01;apparaat;Windows 10 Pro;10.0.19045.4780;Mozilla Firefox ESR;115.18.0;Mozilla\n" +
        "12AB;lok14-pc01;;;;Lesmethode Rekenrijk Desktop;4.1;Noordhoff\n";

    [Fact]
    public async Task CsvImportCreatesAssetsWithIdentifiedComponentsProvenanceAndAudit()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Import");
        var http = await organisation.ApiClientAsync(Role.ITStaff);
        var client = new PatchpeilClient(http);
        var school = await client.CreateSchoolAsync(new SchoolInput("De Regenboog", "12AB"));

        var (status, result) = await PostCsvAsync(http, DutchCsv(GoodRows));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((ImportStatus.Applied, 5, 7, 1, 2, 0), (result!.Status, result.Rows, result.Components, result.Unmapped, result.AssetsCreated, result.AssetsUpdated));
        Assert.Empty(result.Problems);
        var assets = await client.GetAssetsAsync();
        Assert.Equal(["lok12-pc03", "lok14-pc01"], assets.Items.Select(a => a.Name).Order(StringComparer.Ordinal));
        var pc = assets.Items.Single(a => a.Name == "lok12-pc03");
        Assert.Equal((AssetKind.Device, school.Id, "Windows 11 Education 10.0.22631.4460"), (pc.Kind, pc.SchoolId, pc.Platform));

        var components = await ComponentsAsync(http, pc.Id);
        Assert.Equal(4, components!.Count);
        var os = components[0];
        Assert.True(os.IsOperatingSystem);
        Assert.Equal(("cpe:2.3:o:microsoft:windows_11_23h2:10.0.22631.4460:*:*:*:*:*:*:*", "windows", "11-23h2-e"), (os.Identity, os.EndOfLifeProduct, os.EndOfLifeCycle));
        var firefox = components.Single(c => c.Name == "Mozilla Firefox (x64 nl)");
        Assert.Equal(("cpe:2.3:a:mozilla:firefox:133.0.3:*:*:*:*:*:*:*", "catalog:firefox", "line 2", result.Id), (firefox.Identity, firefox.Rule, firefox.Origin, firefox.ImportId));

        var history = await http.GetFromJsonAsync<PagedResult<ImportResultDto>>("/api/v1/imports", PatchpeilClient.JsonOptions);
        var entry = Assert.Single(history!.Items);
        Assert.Equal((result.Id, "inventaris.csv", ImportKind.Csv, ImportStatus.Applied), (entry.Id, entry.FileName, entry.Kind, entry.Status));
        Assert.Equal(64, entry.Sha256.Length);
        Assert.StartsWith("itstaff-", entry.Actor, StringComparison.Ordinal);
        var audit = await app.WithSystemAsync((_, db) => db.AuditEvents.SingleAsync(e => e.Action == "Inventory.Imported"));
        Assert.Equal(organisation.Id, audit.OrganisationId);
        Assert.Contains($"sha256={entry.Sha256}", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvWithBadRowsIsRefusedWholeWithLineNumbersAndNothingIsWritten()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Fout");
        var http = await organisation.ApiClientAsync();
        await new PatchpeilClient(http).CreateSchoolAsync(new SchoolInput("De Regenboog", "12AB"));

        var (status, result) = await PostCsvAsync(http, DutchCsv(
            GoodRows +
            "99XX;lok15-pc01;apparaat;;;;;\n" +
            "12AB;lok 16;apparaat;;;;;\n" +
            "12AB;lok17-pc01;;;;VLC media player;3.0.21;VideoLAN\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(ImportStatus.Refused, result!.Status);
        Assert.Equal(
            [
                "8 hostname: 'lok 16' is not a host name (letters, digits, hyphens and dots)",
                "7 school: no school with BRIN or name '99XX'; add it under Scholen first",
                "9 kind: 'lok17-pc01' is a new asset and needs a kind (soort)",
            ],
            result.Problems.Select(p => $"{p.Line} {p.Column}: {p.Message}"));
        Assert.Equal(0, (await new PatchpeilClient(http).GetAssetsAsync()).Total);
        Assert.Equal(0, await app.WithSystemAsync((_, db) => db.Set<ImportedComponent>().CountAsync()));

        // The refused attempt is in the history with its problems, and in the audit log.
        var history = await http.GetFromJsonAsync<PagedResult<ImportResultDto>>("/api/v1/imports", PatchpeilClient.JsonOptions);
        var entry = Assert.Single(history!.Items);
        Assert.Equal((ImportStatus.Refused, 3), (entry.Status, entry.Problems.Count));
        Assert.Equal(8, entry.Problems[0].Line);
        Assert.True(await app.WithSystemAsync((_, db) => db.AuditEvents.AnyAsync(e => e.Action == "Inventory.ImportRefused")));
    }

    [Fact]
    public async Task OversizedCsvIsRefusedWithTheLimitNotCutOff()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Groot");
        var http = await organisation.ApiClientAsync();
        var big = new StringBuilder("hostname,kind,software,version\n");
        while (big.Length <= Core.Inventory.InventoryCsv.DefaultMaxBytes)
        {
            big.Append("pc-1,device,Some software with a long name to fill the file,1.0\n");
        }

        var (status, result) = await PostCsvAsync(http, Encoding.UTF8.GetBytes(big.ToString()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.StartsWith("the file is 5,242,9", Assert.Single(result!.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithSystemAsync((_, db) => db.Assets.CountAsync()));
    }

    [Fact]
    public async Task CheckOnlyReportsWithoutStoringAnything()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Controle");
        var http = await organisation.ApiClientAsync();
        await new PatchpeilClient(http).CreateSchoolAsync(new SchoolInput("De Regenboog", "12AB"));

        var (status, result) = await PostCsvAsync(http, DutchCsv(GoodRows), checkOnly: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((ImportStatus.Checked, Guid.Empty, 5, 2), (result!.Status, result.Id, result.Rows, result.AssetsCreated));
        Assert.Equal(0, (await new PatchpeilClient(http).GetAssetsAsync()).Total);
        Assert.Empty((await http.GetFromJsonAsync<PagedResult<ImportResultDto>>("/api/v1/imports", PatchpeilClient.JsonOptions))!.Items);
    }

    [Fact]
    public async Task ReimportReplacesThatKindOfComponentsOnly()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Opnieuw");
        var http = await organisation.ApiClientAsync();
        var client = new PatchpeilClient(http);
        var server = await client.CreateAssetAsync(new AssetInput(AssetKind.Server, "moodle-01", "moodle-01", null, null, null, null, BivLevel.High, BivLevel.High, BivLevel.High, true, null));

        var first = await PostCsvAsync(http, Encoding.UTF8.GetBytes("hostname,software,version\nmoodle-01,Moodle,4.4.3\nmoodle-01,PHP,8.3.14\nmoodle-01,nginx,1.26.2\n"));
        Assert.Equal((HttpStatusCode.OK, 0, 1), (first.Status, first.Result!.AssetsCreated, first.Result.AssetsUpdated));
        var sbom = await PostSbomAsync(http, server.Id, Fixture("sbom", "cyclonedx", "simple.json"));
        Assert.Equal(HttpStatusCode.OK, sbom.Status);
        Assert.Equal(12, (await ComponentsAsync(http, server.Id))!.Count);

        var second = await PostCsvAsync(http, Encoding.UTF8.GetBytes("hostname,software,version\nmoodle-01,Moodle,4.5.1\n"));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var components = (await ComponentsAsync(http, server.Id))!;
        Assert.Equal(["4.5.1"], components.Where(c => c.Source == ImportKind.Csv).Select(c => c.Version));
        Assert.Equal(second.Result!.Id, components.Single(c => c.Source == ImportKind.Csv).ImportId);
        Assert.Equal(9, components.Count(c => c.Source == ImportKind.Sbom));
        Assert.Equal(1, (await client.GetAssetsAsync()).Total);
    }

    [Theory]
    [InlineData("cyclonedx", "simple_1dot6.json", 9)]
    [InlineData("spdx", "ubi9-micro-container-9.4-6.1716471860_amd64.spdx.json", 22)]
    public async Task SbomIsAttachedToItsAssetWithPurlIdentities(string folder, string file, int count)
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur SBOM");
        var http = await organisation.ApiClientAsync(Role.ITStaff);
        var asset = await new PatchpeilClient(http).CreateAssetAsync(new AssetInput(AssetKind.Application, "zaaksysteem", null, null, null, null, null, BivLevel.Medium, BivLevel.Medium, BivLevel.Medium, false, null));

        var (status, result) = await PostSbomAsync(http, asset.Id, Fixture("sbom", folder, file));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((ImportKind.Sbom, asset.Id, count, file), (result!.Kind, result.AssetId, result.Components, result.FileName));
        var components = (await ComponentsAsync(http, asset.Id))!;
        Assert.Equal(count, components.Count);
        Assert.Contains(components, c => c.Rule == "purl" && c.Identity!.StartsWith("pkg:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SbomWithAnInvalidPurlIsRefusedNamingThePathAndUnknownAssetsAreNotFound()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur SBOM fout");
        var http = await organisation.ApiClientAsync();
        var asset = await new PatchpeilClient(http).CreateAssetAsync(new AssetInput(AssetKind.Server, "srv", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null));

        var (status, result) = await PostSbomAsync(http, asset.Id, Fixture("sbom", "cyclonedx", "invalid-purl.json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var problem = Assert.Single(result!.Problems);
        Assert.Equal("/components/0/purl", problem.Column);
        Assert.Empty((await ComponentsAsync(http, asset.Id))!);

        Assert.Equal(HttpStatusCode.NotFound, (await PostSbomAsync(http, Guid.NewGuid(), Fixture("sbom", "cyclonedx", "simple.json"))).Status);
        using var notJson = new ByteArrayContent("hostname\npc-1\n"u8.ToArray());
        var response = await http.PostAsync($"/api/v1/imports/sbom?assetId={asset.Id}&fileName=x.csv", notJson);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Theory]
    [InlineData(Role.Auditor)]
    [InlineData(Role.Management)]
    public async Task ReadOnlyRolesCannotImportButCanSeeTheHistory(Role role)
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Rollen");
        var http = await organisation.ApiClientAsync(role);

        var (status, _) = await PostCsvAsync(http, Encoding.UTF8.GetBytes("hostname,kind\npc-1,device\n"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/imports")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/v1/software/mappings", new SoftwareMappingInput("x", null, "cpe:2.3:a:x:x", "generic", null), PatchpeilClient.JsonOptions)).StatusCode);
        Assert.Equal(0, await app.WithSystemAsync((_, db) => db.Assets.CountAsync()));
    }

    [Fact]
    public async Task UnmappedSoftwareIsListedMostFrequentFirstAndAnAdministratorsMappingIdentifiesIt()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Review");
        var http = await organisation.ApiClientAsync();
        var csv = new StringBuilder("hostname,kind,software,version,publisher\n");
        for (var i = 1; i <= 3; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"pc-{i},device,Lesmethode Rekenrijk Desktop,4.{i},Noordhoff\n");
        }

        csv.Append("pc-1,device,Schoolkassa,2.0,Acme\npc-1,device,Google Chrome,131.0.6778.86,Google LLC\n");
        Assert.Equal(HttpStatusCode.OK, (await PostCsvAsync(http, Encoding.UTF8.GetBytes(csv.ToString()))).Status);

        var unmapped = await http.GetFromJsonAsync<PagedResult<UnmappedSoftwareDto>>("/api/v1/software/unmapped", PatchpeilClient.JsonOptions);
        Assert.Equal(
            [("Lesmethode Rekenrijk Desktop", "Noordhoff", 3, 3), ("Schoolkassa", "Acme", 1, 1)],
            unmapped!.Items.Select(u => (u.Name, u.Publisher, u.Occurrences, u.Assets)));

        var bad = await http.PostAsJsonAsync("/api/v1/software/mappings", new SoftwareMappingInput("Lesmethode*", null, "cpe:2.3:a:noordhoff", "nonsense", null), PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var created = await http.PostAsJsonAsync("/api/v1/software/mappings",
            new SoftwareMappingInput("Lesmethode Rekenrijk*", "Noordhoff*", "cpe:2.3:a:noordhoff:rekenrijk", "generic", null), PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mapping = (await created.Content.ReadFromJsonAsync<SoftwareMappingDto>(PatchpeilClient.JsonOptions))!;

        unmapped = await http.GetFromJsonAsync<PagedResult<UnmappedSoftwareDto>>("/api/v1/software/unmapped", PatchpeilClient.JsonOptions);
        Assert.Equal(["Schoolkassa"], unmapped!.Items.Select(u => u.Name));
        var pc2 = (await new PatchpeilClient(http).GetAssetsAsync(q: "pc-2")).Items.Single();
        var component = Assert.Single((await ComponentsAsync(http, pc2.Id))!);
        Assert.Equal(("cpe:2.3:a:noordhoff:rekenrijk:4.2:*:*:*:*:*:*:*", $"mapping:{mapping.Id}"), (component.Identity, component.Rule));
        Assert.True(await app.WithSystemAsync((_, db) => db.AuditEvents.AnyAsync(e => e.Action == "SoftwareMapping.Created" && e.EntityId == mapping.Id.ToString())));

        // The catalog comes first: a mapping cannot take over what the catalog knows.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/v1/software/mappings",
            new SoftwareMappingInput("Google Chrome", null, "cpe:2.3:a:acme:fake_chrome", "generic", null), PatchpeilClient.JsonOptions)).StatusCode);
        var pc1 = (await new PatchpeilClient(http).GetAssetsAsync(q: "pc-1")).Items.Single();
        Assert.Equal("catalog:chrome", (await ComponentsAsync(http, pc1.Id))!.Single(c => c.Name == "Google Chrome").Rule);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/software/mappings/{mapping.Id}")).StatusCode);
        unmapped = await http.GetFromJsonAsync<PagedResult<UnmappedSoftwareDto>>("/api/v1/software/unmapped", PatchpeilClient.JsonOptions);
        Assert.Equal(["Lesmethode Rekenrijk Desktop", "Schoolkassa"], unmapped!.Items.Select(u => u.Name));
        Assert.True(await app.WithSystemAsync((_, db) => db.AuditEvents.AnyAsync(e => e.Action == "SoftwareMapping.Deleted")));
    }

    [Fact]
    public async Task SupplierRegisterIsKeptForSaasAndApplicationsOnlyAndAudited()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Leveranciers");
        var http = await organisation.ApiClientAsync(Role.ITStaff);
        var client = new PatchpeilClient(http);
        var saas = await client.CreateAssetAsync(new AssetInput(AssetKind.Saas, "ParnasSys", null, null, null, null, null, BivLevel.High, BivLevel.High, BivLevel.High, true, null));
        var laptop = await client.CreateAssetAsync(new AssetInput(AssetKind.Device, "laptop", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null));
        var input = new SupplierInput("Topicus", "ParnasSys", null, "Kritieke kwetsbaarheden binnen 72 uur", "VO-2024-017", RosaStatus.Certified, new DateOnly(2027, 3, 1), new DateOnly(2026, 12, 1));

        var saved = await http.PutAsJsonAsync($"/api/v1/assets/{saas.Id}/supplier", input, PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PutAsJsonAsync($"/api/v1/assets/{laptop.Id}/supplier", input, PatchpeilClient.JsonOptions)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PutAsJsonAsync($"/api/v1/assets/{saas.Id}/supplier", input with { Vendor = " " }, PatchpeilClient.JsonOptions)).StatusCode);

        var list = await http.GetFromJsonAsync<List<SupplierDto>>("/api/v1/suppliers", PatchpeilClient.JsonOptions);
        var entry = Assert.Single(list!);
        Assert.Equal((saas.Id, "Topicus", RosaStatus.Certified, new DateOnly(2026, 12, 1), "VO-2024-017"), (entry.AssetId, entry.Vendor, entry.Rosa, entry.NextReview, entry.ContractReference));
        Assert.True(await app.WithSystemAsync((_, db) => db.AuditEvents.AnyAsync(e => e.Action == "SupplierRecord.Created")));

        var auditor = await organisation.ApiClientAsync(Role.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PutAsJsonAsync($"/api/v1/assets/{saas.Id}/supplier", input, PatchpeilClient.JsonOptions)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/assets/{saas.Id}/supplier")).StatusCode);
    }

    [Fact]
    public async Task OneOrganisationCannotSeeOrTouchAnothersImportsComponentsMappingsOrSuppliers()
    {
        var app = await AppAsync();
        var b = await app.CreateOrganisationAsync("Bestuur B");
        var bHttp = await b.ApiClientAsync();
        var bAsset = await new PatchpeilClient(bHttp).CreateAssetAsync(new AssetInput(AssetKind.Saas, "geheim-b", "geheim-b", null, null, null, null, BivLevel.High, BivLevel.High, BivLevel.High, true, null));
        var bImport = (await PostCsvAsync(bHttp, Encoding.UTF8.GetBytes("hostname,software,version\ngeheim-b,Geheime Software van B,1.0\n"))).Result!;
        Assert.Equal(ImportStatus.Applied, bImport.Status);
        await bHttp.PutAsJsonAsync($"/api/v1/assets/{bAsset.Id}/supplier", new SupplierInput("Leverancier van B", "Dienst van B", null, null, null, null, null, null), PatchpeilClient.JsonOptions);
        var bMapping = await (await bHttp.PostAsJsonAsync("/api/v1/software/mappings", new SoftwareMappingInput("Mapping van B", null, "cpe:2.3:a:b:b", "generic", null), PatchpeilClient.JsonOptions))
            .Content.ReadFromJsonAsync<SoftwareMappingDto>(PatchpeilClient.JsonOptions);

        var a = await app.CreateOrganisationAsync("Bestuur A");
        var http = await a.ApiClientAsync();
        foreach (var path in new[] { $"/api/v1/imports/{bImport.Id}", $"/api/v1/assets/{bAsset.Id}/components", $"/api/v1/assets/{bAsset.Id}/supplier" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        }

        foreach (var list in new[] { "/api/v1/imports", "/api/v1/software/unmapped", "/api/v1/software/mappings", "/api/v1/suppliers" })
        {
            var text = await http.GetStringAsync(list);
            Assert.DoesNotContain("van B", text, StringComparison.Ordinal);
            Assert.DoesNotContain(bImport.Id.ToString(), text, StringComparison.Ordinal);
        }

        // Writing into B's asset or removing B's mapping answers as if they did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await PostSbomAsync(http, bAsset.Id, Fixture("sbom", "cyclonedx", "simple.json"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsJsonAsync($"/api/v1/assets/{bAsset.Id}/supplier", new SupplierInput("Kaper", "Kaper", null, null, null, null, null, null), PatchpeilClient.JsonOptions)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/v1/assets/{bAsset.Id}/supplier")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/v1/software/mappings/{bMapping!.Id}")).StatusCode);

        // A CSV naming B's host name creates A's own asset; B's components stay as they were.
        var (status, result) = await PostCsvAsync(http, Encoding.UTF8.GetBytes("hostname,kind,software,version\ngeheim-b,device,Iets van A,1.0\n"));
        Assert.Equal((HttpStatusCode.OK, 1), (status, result!.AssetsCreated));
        var bComponents = (await ComponentsAsync(bHttp, bAsset.Id))!;
        Assert.Equal(["Geheime Software van B"], bComponents.Select(c => c.Name));
        Assert.Equal("Leverancier van B", (await bHttp.GetFromJsonAsync<SupplierDto>($"/api/v1/assets/{bAsset.Id}/supplier", PatchpeilClient.JsonOptions))!.Vendor);
        Assert.Single((await bHttp.GetFromJsonAsync<List<SoftwareMappingDto>>("/api/v1/software/mappings", PatchpeilClient.JsonOptions))!);
    }

    [Theory]
    [InlineData("nl", "school;naam;hostname;soort;")]
    [InlineData("en", "school,name,hostname,kind,")]
    public async Task TemplateIsOfferedInBothLanguages(string language, string header)
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Sjabloon");
        var http = await organisation.ApiClientAsync(Role.Auditor);
        var response = await http.GetAsync($"/api/v1/imports/template?lang={language}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("\uFEFF" + header, text, StringComparison.Ordinal);
    }
}

public sealed class ImportTestsSqlite(PostgresServer postgres) : ImportTests(postgres, Provider.Sqlite);

public sealed class ImportTestsPostgres(PostgresServer postgres) : ImportTests(postgres, Provider.Postgres);
