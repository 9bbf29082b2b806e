using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Contracts;
using Patchpeil.Core.Feeds;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract class AdvisoryTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    protected static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    protected async Task<ImportSummary> ImportAsync(string path, FeedSource? source = null) =>
        await (await AppAsync()).WithSystemAsync((sp, _) => sp.GetRequiredService<FeedImporter>().ImportPathAsync(path, source));

    protected async Task<T> QueryAsync<T>(Func<Data.PatchpeilDbContext, Task<T>> query) =>
        await (await AppAsync()).WithSystemAsync((_, db) => query(db));

    [Fact]
    public async Task AFileSavedWithAUtf8ByteOrderMarkImportsAsTheSameRevision()
    {
        // Windows editors save JSON with EF BB BF in front; the document is the same.
        var folder = Directory.CreateTempSubdirectory("patchpeil-bom-").FullName;
        var original = await File.ReadAllBytesAsync(Fixture("cve5", "CVE-2023-44487.json"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "with-bom.json"), [0xEF, 0xBB, 0xBF, .. original]);
        var withBom = await ImportAsync(Path.Combine(folder, "with-bom.json"));
        Assert.True(withBom.Added == 1, string.Join("; ", withBom.Files.SelectMany(f => f.Quarantined)));

        var again = await ImportAsync(Fixture("cve5", "CVE-2023-44487.json"));
        Assert.Equal((0, 1), (again.Added, again.Unchanged));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task FixtureFoldersImportWithCountsFromTheFilesAndASecondImportChangesNothing()
    {
        var kev = await ImportAsync(Fixture("kev"));
        Assert.Equal(1404, kev.Added);
        Assert.Equal(1404, await QueryAsync(db => db.Set<KevEntry>().CountAsync()));
        Assert.Equal(0, kev.Quarantined);

        var epss = await ImportAsync(Fixture("epss"));
        Assert.Equal(3, epss.Added);

        var csaf = await ImportAsync(Fixture("csaf", "redhat-siemens"));
        var csafFiles = Directory.GetFiles(Fixture("csaf", "redhat-siemens"), "*.json").Length;
        Assert.Equal(csafFiles, csaf.Files.Count);
        Assert.Equal(csafFiles, csaf.Added + csaf.Quarantined);

        var osv = await ImportAsync(Fixture("osv"));
        var broken = Assert.Single(osv.Files, f => f.FileName.Contains("nointroduced-", StringComparison.Ordinal));
        Assert.Contains(broken.Quarantined, r => r.Contains("introduced", StringComparison.Ordinal));
        Assert.True(osv.Added >= 25, osv.ToString());

        var advisories = await QueryAsync(db => db.Set<Advisory>().CountAsync());
        Assert.Equal(csaf.Added + osv.Added, advisories);
        var rhsa = await QueryAsync(db => db.Set<Advisory>().Include(a => a.Vulnerabilities).Include(a => a.Products).SingleAsync(a => a.DocumentId == "RHSA-2024:3351"));
        Assert.NotEmpty(rhsa.Vulnerabilities);
        Assert.NotEmpty(rhsa.Products);

        // Everything again: nothing added or changed, nothing written twice.
        var again = await ImportAsync(Fixture("kev"));
        Assert.Equal((0, 0, 2 * 1404), (again.Added, again.Changed, again.Unchanged));
        var csafAgain = await ImportAsync(Fixture("csaf", "redhat-siemens"));
        Assert.Equal((0, 0, csaf.Added), (csafAgain.Added, csafAgain.Changed, csafAgain.Unchanged));
        var osvAgain = await ImportAsync(Fixture("osv"));
        // Some fixture files are variants of the same record id (nondistinct-…): the first import stores them as revisions.
        Assert.Equal((0, 0, osv.Added + osv.Changed), (osvAgain.Added, osvAgain.Changed, osvAgain.Unchanged));
        Assert.Equal(advisories, await QueryAsync(db => db.Set<Advisory>().CountAsync()));
        Assert.Equal(advisories + osv.Changed, await QueryAsync(db => db.Set<AdvisoryRevision>().CountAsync()));
        Assert.True(await QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "Feeds.Imported")));
        Assert.True(await QueryAsync(db => db.Set<QuarantinedItem>().AnyAsync(q => q.Location.Contains("nointroduced-"))));
    }

    [Fact]
    public async Task AModifiedRevisionOfACsafDocumentIsAddedAndTheOldOneKept()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-csaf-").FullName;
        var original = Fixture("csaf", "redhat-siemens", "rhsa-2024_3351.json");
        File.Copy(original, Path.Combine(folder, "rhsa-2024_3351.json"));
        Assert.Equal(1, (await ImportAsync(folder)).Added);

        var node = JsonNode.Parse(await File.ReadAllTextAsync(original))!;
        node["document"]!["title"] = "Red Hat Security Advisory: updated title";
        await File.WriteAllTextAsync(Path.Combine(folder, "rhsa-2024_3351.json"), node.ToJsonString());
        var second = await ImportAsync(folder);
        Assert.Equal((0, 1, 0), (second.Added, second.Changed, second.Unchanged));

        var advisory = await QueryAsync(db => db.Set<Advisory>().Include(a => a.Revisions).SingleAsync(a => a.DocumentId == "RHSA-2024:3351"));
        Assert.Equal("Red Hat Security Advisory: updated title", advisory.Title);
        Assert.Equal(2, advisory.Revisions.Count);
        Assert.Contains(advisory.Revisions, r => r.Content.SequenceEqual(File.ReadAllBytes(original)));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task AZipWithAPathOutsideTheArchiveIsRefusedAsAWhole()
    {
        var zip = Path.Combine(Directory.CreateTempSubdirectory("patchpeil-zip-").FullName, "evil.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Fixture("epss", "epss-format-example.csv"), "good/epss.csv");
            await using var evil = new StreamWriter(archive.CreateEntry("../evil.json").Open());
            await evil.WriteAsync("{}");
        }

        var summary = await ImportAsync(zip);
        var file = Assert.Single(summary.Files);
        Assert.Contains(file.Quarantined, r => r.Contains("[zip.path]", StringComparison.Ordinal) && r.Contains("../evil.json", StringComparison.Ordinal));
        Assert.Equal(0, await QueryAsync(db => db.Set<EpssScore>().CountAsync()));
    }

    [Fact]
    public async Task AZipBombIsRefusedByTheSizeLimit()
    {
        var zip = Path.Combine(Directory.CreateTempSubdirectory("patchpeil-zip-").FullName, "bomb.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            await using var entry = archive.CreateEntry("zeros.json", CompressionLevel.Fastest).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 200; i++)
            {
                await entry.WriteAsync(zeros);
            }
        }

        Assert.True(new FileInfo(zip).Length < 2 * 1024 * 1024);
        var summary = await ImportAsync(zip);
        var file = Assert.Single(summary.Files);
        Assert.Contains(file.Quarantined, r => r.Contains("too-large", StringComparison.Ordinal));
        Assert.Equal(1, await QueryAsync(db => db.Set<ImportRun>().CountAsync(r => r.Quarantined == 1)));
    }

    [Fact]
    public async Task MalformedJsonIsQuarantinedWhileTheOtherFilesAreImported()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-mixed-").FullName;
        File.Copy(Fixture("osv", "ubuntu", "USN-6859-1.json"), Path.Combine(folder, "a.json"));
        await File.WriteAllTextAsync(Path.Combine(folder, "b.json"), "{\"id\": \"GHSA-xxxx\", \"modified\": ");
        File.Copy(Fixture("cve5", "CVE-2023-44487.json"), Path.Combine(folder, "c.json"));

        var summary = await ImportAsync(folder);
        Assert.Equal(2, summary.Added);
        var bad = Assert.Single(summary.Files, f => f.FileName == "b.json");
        Assert.Contains(bad.Quarantined, r => r.Contains("json", StringComparison.OrdinalIgnoreCase));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task TheCommandLineImportsAndReportsQuarantineWithItsExitCode()
    {
        var app = await AppAsync();
        var kev = await CliRunner.RunAsync(app.ConnectionString, null, "feeds", "import", Fixture("kev", "known_exploited_vulnerabilities.json"));
        Assert.Equal(0, kev.ExitCode);
        Assert.Contains("added 1404", kev.Output, StringComparison.Ordinal);

        var osv = await CliRunner.RunAsync(app.ConnectionString, null, "feeds", "import", Fixture("osv"));
        Assert.Equal(1, osv.ExitCode);
        Assert.Contains("quarantined: ", osv.Output, StringComparison.Ordinal);

        var usage = await CliRunner.RunAsync(app.ConnectionString, null, "feeds", "import", Fixture("kev"), "--source", "nonsense");
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task TheListFiltersInTheUrlAndTheDetailShowsScoresKevAndProductsInDutchAndEnglish()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Adviezen");
        var dutch = await organisation.SignedInClientAsync();
        Assert.Contains("Nog geen adviezen", await dutch.GetStringAsync("/advisories"), StringComparison.Ordinal);

        await ImportAsync(Fixture("kev", "known_exploited_vulnerabilities.json"));
        await ImportAsync(Fixture("epss"));
        await ImportAsync(Fixture("csaf", "redhat-siemens"));
        await ImportAsync(Fixture("cve5", "CVE-2023-44487.json"));

        var all = await dutch.GetStringAsync("/advisories");
        Assert.Contains("RHSA-2024:3351", all, StringComparison.Ordinal);
        Assert.Contains("Adviezen", all, StringComparison.Ordinal);
        var kevOnly = await dutch.GetStringAsync("/advisories?q=cve-2023-44487&kev=true&source=Cve5");
        Assert.Contains("1 adviezen", kevOnly, StringComparison.Ordinal);
        Assert.Contains("kev=true", kevOnly, StringComparison.Ordinal);
        Assert.Contains("0 adviezen", await dutch.GetStringAsync("/advisories?source=Osv"), StringComparison.Ordinal);
        var simatic = await dutch.GetStringAsync("/advisories?product=simatic+et+200sp");
        Assert.Contains("SSA-054046", simatic, StringComparison.Ordinal);
        Assert.DoesNotContain("RHSA-2024:3351", simatic, StringComparison.Ordinal);
        Assert.Contains("product=simatic", simatic, StringComparison.Ordinal);
        var openshift = await dutch.GetStringAsync("/advisories?product=OPENSHIFT&source=Csaf");
        Assert.Contains("RHSA-2024:3351", openshift, StringComparison.Ordinal);
        Assert.DoesNotContain("SSA-054046", openshift, StringComparison.Ordinal);

        var id = await QueryAsync(db => db.Set<Advisory>().Where(a => a.DocumentId == "CVE-2023-44487").Select(a => a.Id).SingleAsync());
        var detail = await dutch.GetStringAsync($"/advisories/{id}");
        Assert.Contains("Actief misbruikt (KEV)", detail, StringComparison.Ordinal);
        Assert.Contains("CVSS:3.1/", detail, StringComparison.Ordinal);
        Assert.Contains("Versiegeschiedenis", detail, StringComparison.Ordinal);
        var english = await organisation.SignedInClientAsync();
        await english.PostFormAsync("/advisories", "/account/language", [new("culture", "en-GB"), new("returnUrl", "/advisories")]);
        Assert.Contains("Known exploited (KEV)", await english.GetStringAsync($"/advisories/{id}"), StringComparison.Ordinal);

        var rhsa = await QueryAsync(db => db.Set<Advisory>().Where(a => a.DocumentId == "RHSA-2024:3351").Select(a => a.Id).SingleAsync());
        var rhsaPage = await dutch.GetStringAsync($"/advisories/{rhsa}");
        Assert.Contains("<td>fixed</td>", rhsaPage, StringComparison.Ordinal);
        Assert.Contains("vendor_fix: ", rhsaPage, StringComparison.Ordinal);
        Assert.Contains("CVE-2024-28180", rhsaPage, StringComparison.Ordinal);
        var download = await dutch.GetAsync($"/advisories/{rhsa}?handler=download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Fixture("csaf", "redhat-siemens", "rhsa-2024_3351.json")), await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TheUploadPageIsForItStaffOnlyAndRunsTheImporter()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Upload");
        foreach (var role in new[] { Role.Management, Role.Auditor })
        {
            var client = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(role));
            var response = await client.GetAsync("/advisories/import");
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.ToString().Contains("/account/denied", StringComparison.Ordinal) == true, role.ToString());
        }

        var staff = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.ITStaff));
        var token = await staff.AntiforgeryTokenAsync("/advisories/import");
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(Fixture("kev", "known_exploited_vulnerabilities.csv")));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "known_exploited_vulnerabilities.csv");
        var posted = await staff.PostAsync("/advisories/import", form);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("1 bestanden: 1404 toegevoegd", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1404, await QueryAsync(db => db.Set<KevEntry>().CountAsync()));

        // Larger than the global 4 MB request limit: this page has its own (50 MB).
        var rows = new StringBuilder("#model_version:v2025.03.14,score_date:2025-06-01T00:00:00Z\ncve,epss,percentile\n");
        for (var i = 0; rows.Length < 5 * 1024 * 1024; i++)
        {
            rows.Append("CVE-2024-").Append(i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append(",0.00100,0.20000\n");
        }

        using var big = new MultipartFormDataContent();
        big.Add(new StringContent(await staff.AntiforgeryTokenAsync("/advisories/import")), "__RequestVerificationToken");
        big.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(rows.ToString())), "file", "epss.csv");
        var bigPosted = await staff.PostAsync("/advisories/import", big);
        Assert.Equal(HttpStatusCode.OK, bigPosted.StatusCode);
        Assert.Contains("[Epss]: added ", await bigPosted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApiListsAndShowsAdvisories()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur API-adviezen");
        await ImportAsync(Fixture("osv", "ubuntu"));
        var client = await organisation.ApiClientAsync(Role.Auditor);
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/advisories?q=usn-6859&source=Osv")).RootElement;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var item = list.GetProperty("items")[0];
        Assert.Equal("USN-6859-1", item.GetProperty("documentId").GetString());
        var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/advisories/{item.GetProperty("id").GetGuid()}")).RootElement;
        Assert.NotEqual(0, detail.GetProperty("products").GetArrayLength());
        Assert.Equal(1, detail.GetProperty("revisions").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/advisories/{Guid.NewGuid()}")).StatusCode);
        Assert.Contains("/api/v1/advisories", await client.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
    }
}

public sealed class AdvisoryTestsSqlite(PostgresServer postgres) : AdvisoryTests(postgres, Provider.Sqlite);

public sealed class AdvisoryTestsPostgres(PostgresServer postgres) : AdvisoryTests(postgres, Provider.Postgres);
