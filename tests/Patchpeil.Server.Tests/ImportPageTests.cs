using System.Net;
using System.Text;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The import, review and supplier pages over HTTP with a signed-in browser client.</summary>
public abstract class ImportPageTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient browser, string csv, bool checkOnly = false)
    {
        var token = await browser.AntiforgeryTokenAsync("/assets/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("Csv"), "Kind" },
            { new StringContent(checkOnly ? "true" : "false"), "CheckOnly" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "lijst.csv" },
        };
        return await browser.PostAsync("/assets/import", form);
    }

    [Fact]
    public async Task ImportPageShowsPerRowProblemsAndAppliesAGoodFile()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Pagina");
        var browser = await organisation.SignedInClientAsync();

        var refused = await UploadAsync(browser, "hostname;soort\npc-1;apparaat\npc 2;apparaat\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Geweigerd", html, StringComparison.Ordinal);
        Assert.Contains("<td>3</td><td>hostname</td><td>'pc 2' is not a host name", html, StringComparison.Ordinal);

        var checkedOnly = await UploadAsync(browser, "hostname;soort\npc-1;apparaat\n", checkOnly: true);
        Assert.Contains("Gecontroleerd, niets opgeslagen", WebUtility.HtmlDecode(await checkedOnly.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, (await new PatchpeilClient(await organisation.ApiClientAsync()).GetAssetsAsync()).Total);

        var applied = await UploadAsync(browser, "hostname;soort\npc-1;apparaat\n");
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Contains("Geïmporteerd", WebUtility.HtmlDecode(await applied.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal("pc-1", (await new PatchpeilClient(await organisation.ApiClientAsync()).GetAssetsAsync()).Items.Single().Name);

        var template = await browser.GetAsync("/assets/import?handler=template&lang=nl");
        Assert.StartsWith("\uFEFFschool;naam;hostname", Encoding.UTF8.GetString(await template.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Auditor)]
    [InlineData(Role.Management)]
    public async Task ReadOnlyRolesGetNoImportOrMappingPagesButCanReadTheReview(Role role)
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Lezen");
        var browser = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(role));

        foreach (var path in new[] { "/assets/import", "/software/mappings" })
        {
            var response = await browser.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.ToString().Contains("/account/denied", StringComparison.OrdinalIgnoreCase) == true,
                $"{path}: {response.StatusCode} {response.Headers.Location}");
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/software/unmapped")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/suppliers")).StatusCode);
        Assert.DoesNotContain("href=\"/assets/import\"", await browser.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnmappedExportNeutralisesFormulasFromUploadedNames()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Injectie");
        var http = await organisation.ApiClientAsync();
        var csv = "hostname,kind,software,version,publisher\npc-1,device,\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"klik\"\")\",1.0,@Evil\npc-1,device,+cmd|' /C calc'!A0,2.0,-Acme\n";
        using (var body = new ByteArrayContent(Encoding.UTF8.GetBytes(csv)))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/imports/csv", body)).StatusCode);
        }

        var browser = await organisation.SignedInClientAsync();
        var export = await browser.GetStringAsync("/software/unmapped?handler=csv");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,publisher,occurrences,assets,example_version", lines[0]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"klik\"\")\",'@Evil,1,1,1.0", lines, StringComparer.Ordinal);
        Assert.Contains("'+cmd|' /C calc'!A0,'-Acme,1,1,2.0", lines, StringComparer.Ordinal);
        Assert.DoesNotContain(lines.Skip(1), l => l[0] is '=' or '+' or '-' or '@');
    }
}

public sealed class ImportPageTestsSqlite(PostgresServer postgres) : ImportPageTests(postgres, Provider.Sqlite);

public sealed class ImportPageTestsPostgres(PostgresServer postgres) : ImportPageTests(postgres, Provider.Postgres);
