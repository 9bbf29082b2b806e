using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Lifecycle;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>endoflife.date products and cycles come in through the feed importer; end-of-life is computed with a clock.</summary>
public abstract class LifecycleTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    private async Task<ImportSummary> ImportAsync(string path, FeedSource? source = null) =>
        await (await AppAsync()).WithSystemAsync((sp, _) => sp.GetRequiredService<FeedImporter>().ImportPathAsync(path, source));

    private static int Releases(string file) => JsonDocument.Parse(File.ReadAllBytes(file)).RootElement.GetProperty("result").GetProperty("releases").GetArrayLength();

    [Fact]
    public async Task TheApiFilesImportAsProductsWithEveryCycleAndProvenanceAndAgainChangeNothing()
    {
        var folder = Fixture("endoflife", "api_v1");
        var files = Directory.GetFiles(folder, "*.json").Where(f => Path.GetFileName(f) != "products.json").ToList();
        var summary = await ImportAsync(folder);

        Assert.Equal(files.Sum(Releases), summary.Added);
        Assert.Equal(0, summary.Quarantined);
        Assert.Contains(summary.Files, f => f.FileName == "products.json" && f.Kind is null && f.Note!.Contains("product list", StringComparison.Ordinal));
        var windows = await (await AppAsync()).WithSystemAsync((_, db) => db.Set<LifecycleProduct>().Include(p => p.Cycles).SingleAsync(p => p.Name == "windows"));
        Assert.Equal(Releases(Path.Combine(folder, "windows.json")), windows.Cycles.Count);
        Assert.Equal(Provenance.Sha256Hex(File.ReadAllBytes(Path.Combine(folder, "windows.json"))), windows.ContentSha256);
        Assert.Equal("windows.json", windows.FileName);
        Assert.Contains("cpe:cpe:2.3:o:microsoft:windows", windows.Identifiers, StringComparison.Ordinal);
        Assert.Equal(files.Count, await (await AppAsync()).WithSystemAsync((_, db) => db.Set<LifecycleProduct>().CountAsync()));
        Assert.True(await (await AppAsync()).WithSystemAsync((_, db) => db.AuditEvents.AnyAsync(e => e.Action == "Feeds.Imported" && e.After!.Contains("[EndOfLife]"))));

        var again = await ImportAsync(folder, FeedSource.EndOfLife);
        Assert.Equal((0, 0, summary.Added), (again.Added, again.Changed, again.Unchanged));
    }

    [Fact]
    public async Task EndOfLifeIsComputedFromTheDatesWithTheClockNotFromTheStatedFlag()
    {
        await ImportAsync(Fixture("endoflife", "api_v1", "windows.json"));
        await ImportAsync(Fixture("endoflife", "api_v1", "ubuntu.json"));
        async Task<CycleLifecycle?> At(DateTimeOffset now, string product, string cycle) =>
            await (await AppAsync()).WithSystemAsync((_, db) => new LifecycleService(db, new FakeTimeProvider(now)).FindAsync(product, cycle));

        // Windows 10 22H2: security updates end 2025-10-14, ESU 2028-10-10. The file's isEol (true) is not consulted.
        var before = await At(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), "windows", "10-22h2");
        Assert.Equal(EndOfLifeState.Supported, before!.Status.State);
        Assert.Equal(new DateOnly(2025, 10, 14), before.Status.EndDate);
        Assert.Equal(EndOfLifeState.EndingWithin, (await At(new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero), "windows", "10-22h2"))!.Status.State);
        var onTheDay = await At(new DateTimeOffset(2025, 10, 14, 0, 0, 0, TimeSpan.Zero), "windows", "10-22h2");
        Assert.Equal(EndOfLifeState.EndOfLife, onTheDay!.Status.State);
        Assert.Equal(EndOfLifeState.Supported, onTheDay.ExtendedStatus.State);
        Assert.Equal("10.0.19045", onTheDay.Latest);

        // Found by alias, case-insensitively; unknown products and cycles give null.
        var ubuntu = await At(new DateTimeOffset(2026, 8, 22, 0, 0, 0, TimeSpan.Zero), "Ubuntu-Linux", "26.04");
        Assert.True(ubuntu!.IsLts);
        Assert.Equal(EndOfLifeState.Supported, ubuntu.Status.State);
        Assert.Null(await At(DateTimeOffset.UnixEpoch, "windows", "95"));
        Assert.Null(await At(DateTimeOffset.UnixEpoch, "amiga-os", "3.1"));
    }

    [Fact]
    public async Task AChangedFileUpdatesAndRemovesCyclesAndABrokenCycleIsQuarantinedWithoutLosingTheRest()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-eol-").FullName;
        var path = Path.Combine(folder, "ubuntu.json");
        File.Copy(Fixture("endoflife", "api_v1", "ubuntu.json"), path);
        var first = await ImportAsync(folder);
        var count = first.Added;

        var node = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var releases = node["result"]!["releases"]!.AsArray();
        releases[0]!["eolFrom"] = "2032-01-01";
        releases.RemoveAt(1);
        await File.WriteAllTextAsync(path, node.ToJsonString());
        var second = await ImportAsync(folder);
        Assert.Equal((0, 2, count - 2, 0), (second.Added, second.Changed, second.Unchanged, second.Quarantined));

        // A broken cycle is quarantined; the others stay, and nothing stored is deleted on the strength of a broken file.
        releases[2]!["releaseDate"] = 12;
        await File.WriteAllTextAsync(path, node.ToJsonString());
        var third = await ImportAsync(folder);
        Assert.Equal((0, 0, count - 2, 1), (third.Added, third.Changed, third.Unchanged, third.Quarantined));
        Assert.Contains(third.Files[0].Quarantined, q => q.Contains("releaseDate", StringComparison.Ordinal));

        var cycles = await (await AppAsync()).WithSystemAsync((_, db) => db.Set<LifecycleCycle>().Where(c => db.Set<LifecycleProduct>().Any(p => p.Id == c.ProductId && p.Name == "ubuntu")).ToListAsync());
        Assert.Equal(count - 1, cycles.Count);
        Assert.Equal(new DateOnly(2032, 1, 1), cycles.Single(c => c.Name == "26.04").EolDate);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task TheLifecyclePageListsProductsAndCyclesWithTheirStatusInDutchAndEnglish()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur levenscyclus");
        var client = await organisation.SignedInClientAsync();
        Assert.Contains("Nog geen levenscyclusgegevens", await client.GetStringAsync("/lifecycle"), StringComparison.Ordinal);

        await ImportAsync(Fixture("endoflife", "api_v1", "windows.json"));
        var list = await client.GetStringAsync("/lifecycle");
        Assert.Contains("Microsoft Windows", list, StringComparison.Ordinal);
        var dutch = await client.GetStringAsync("/lifecycle?product=windows");
        Assert.Contains("10 22H2", dutch, StringComparison.Ordinal);
        Assert.Contains("Einde levensduur", dutch, StringComparison.Ordinal);
        Assert.Contains("Beveiligingsupdates tot", dutch, StringComparison.Ordinal);

        var english = await organisation.SignedInClientAsync(language: "en");
        var page = await english.GetStringAsync("/lifecycle?product=windows");
        Assert.Contains("End of life", page, StringComparison.Ordinal);
        Assert.Contains("Security updates until", page, StringComparison.Ordinal);
    }
}

public sealed class LifecycleTestsSqlite(PostgresServer postgres) : LifecycleTests(postgres, Provider.Sqlite);

public sealed class LifecycleTestsPostgres(PostgresServer postgres) : LifecycleTests(postgres, Provider.Postgres);
