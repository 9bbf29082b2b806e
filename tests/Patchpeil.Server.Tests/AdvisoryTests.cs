using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
}

public sealed class AdvisoryTestsSqlite(PostgresServer postgres) : AdvisoryTests(postgres, Provider.Sqlite);

public sealed class AdvisoryTestsPostgres(PostgresServer postgres) : AdvisoryTests(postgres, Provider.Postgres);
