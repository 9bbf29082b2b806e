using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The set-based bulk path for KEV and EPSS writes exactly what the change-tracker path writes, and no less safely.</summary>
public abstract class BulkImportTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>A deterministic EPSS file: CVE-2020-10000 upwards, scores derived from the row number and a shift.</summary>
    internal static string EpssCsv(int rows, int shift = 0, int firstId = 10000, string date = "2026-08-20")
    {
        var text = new StringBuilder($"#model_version:v2025.03.14,score_date:{date}T00:00:00Z\ncve,epss,percentile\n");
        for (var i = 0; i < rows; i++)
        {
            var score = ((i * 7) + shift) % 1000 / 1000m;
            text.Append(CultureInfo.InvariantCulture, $"CVE-2020-{firstId + i},{score:0.00000},{i % 997 / 997m:0.00000}\n");
        }

        return text.ToString();
    }

    internal static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private async Task<FileImportSummary> ImportAsync(string name, byte[] bytes, bool bulk = true) =>
        await (await AppAsync()).WithSystemAsync(async (_, db) =>
        {
            var importer = new FeedImporter(db, TimeProvider.System, new FeedImportLimits { BulkWrites = bulk, BatchRows = 700 });
            return Assert.Single((await importer.ImportStreamAsync(name, new MemoryStream(bytes))).Files);
        });

    private async Task<List<string>> RowsAsync() => await (await AppAsync()).WithSystemAsync(async (_, db) =>
    {
        var kev = await db.Set<KevEntry>().AsNoTracking().OrderBy(k => k.CveId).ToListAsync();
        var epss = await db.Set<EpssScore>().AsNoTracking().OrderBy(e => e.CveId).ToListAsync();
        return kev.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.CveId}|{k.VendorProject}|{k.Product}|{k.VulnerabilityName}|{k.DateAdded}|{k.DueDate}|{k.KnownRansomwareUse}|{k.CatalogVersion}"))
            .Concat(epss.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.CveId}|{e.Score:0.00000}|{e.Percentile:0.00000}|{e.ScoreDateUtc:O}")))
            .ToList();
    });

    private async Task ClearAsync() => await (await AppAsync()).WithSystemAsync(async (_, db) =>
        await db.Set<KevEntry>().ExecuteDeleteAsync() + await db.Set<EpssScore>().ExecuteDeleteAsync());

    [Fact]
    public async Task BulkAndTrackedPathsStoreTheSameRowsWithTheSameCounts()
    {
        var kevJson = await File.ReadAllBytesAsync(Fixture("kev", "known_exploited_vulnerabilities.json"));
        var node = JsonNode.Parse(kevJson)!;
        var entries = node["vulnerabilities"]!.AsArray();
        entries[0]!["product"] = "Git (renamed)";
        entries[5]!["dueDate"] = "2030-01-01";
        entries[7]!["cveID"] = "CVE-2099-0001";
        node["catalogVersion"] = "2099.01.01";
        var kevChanged = Encoding.UTF8.GetBytes(node.ToJsonString());
        var kevCsv = await File.ReadAllBytesAsync(Fixture("kev", "known_exploited_vulnerabilities.csv"));

        // A repeated CVE (the last row wins) and a broken row in the middle of the first EPSS file.
        var epssFirst = EpssCsv(3000) + "CVE-2020-10005,0.5,0.5\nnot-a-cve,0.1,0.1\n" + "CVE-2021-0001,0.00100,0.20000\n";
        var epssSecond = Gzip(EpssCsv(3500, shift: 1, date: "2026-08-21"));
        var files = new (string Name, byte[] Bytes)[]
        {
            ("kev.json", kevJson), ("kev-changed.json", kevChanged), ("kev.csv", kevCsv), ("kev.json", kevJson),
            ("epss.csv", Encoding.UTF8.GetBytes(epssFirst)), ("epss.csv.gz", epssSecond), ("epss.csv.gz", epssSecond),
        };

        var tracked = new List<string>();
        foreach (var (name, bytes) in files)
        {
            tracked.Add((await ImportAsync(name, bytes, bulk: false)).ToString());
        }

        var trackedRows = await RowsAsync();
        await ClearAsync();
        var bulk = new List<string>();
        foreach (var (name, bytes) in files)
        {
            bulk.Add((await ImportAsync(name, bytes, bulk: true)).ToString());
        }

        Assert.Equal(tracked, bulk);
        Assert.Equal(trackedRows, await RowsAsync());
        Assert.Contains("added 1404", bulk[0], StringComparison.Ordinal);
        Assert.Contains("added 1, changed 2, unchanged 1401", bulk[1], StringComparison.Ordinal);
        Assert.Contains("added 3001, changed 0, unchanged 0, quarantined 1", bulk[4], StringComparison.Ordinal);
        Assert.Contains("added 500, changed 3000, unchanged 0", bulk[5], StringComparison.Ordinal);
        Assert.Contains("added 0, changed 0, unchanged 3500", bulk[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEpssFileThatBreaksOffMidwayIsRolledBackAndTheOldScoresStay()
    {
        var first = await ImportAsync("epss.csv.gz", Gzip(EpssCsv(20_000)));
        Assert.Equal(20_000, first.Added);
        var before = await RowsAsync();

        // Tomorrow's file, cut off in the middle of its gzip stream: 10,000 rows would already have been read.
        var next = Gzip(EpssCsv(25_000, shift: 3, date: "2026-08-21"));
        var broken = next[..(next.Length / 2)];
        var summary = await ImportAsync("epss.csv.gz", broken);

        Assert.Equal((0, 0, 0), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Contains(summary.Quarantined, r => r.Contains("[input.incomplete]", StringComparison.Ordinal));
        Assert.Equal(before, await RowsAsync());
        var run = await (await AppAsync()).WithSystemAsync((_, db) => db.Set<ImportRun>().Include(r => r.QuarantinedItems).OrderByDescending(r => r.StartedUtc).FirstAsync());
        Assert.Contains(run.QuarantinedItems, q => q.Reasons.Contains("gzip", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ABadRowIsQuarantinedWithItsLineAndTheRestIsStoredOnce()
    {
        var text = EpssCsv(10_000);
        var lines = text.Split('\n').ToList();
        lines[5002] = "CVE-2020-15000,1.7,0.5";
        var summary = await ImportAsync("epss.csv", Encoding.UTF8.GetBytes(string.Join('\n', lines)));

        Assert.Equal(9_999, summary.Added);
        Assert.Contains(summary.Quarantined, r => r.Contains("line 5003", StringComparison.Ordinal));
        var again = await ImportAsync("epss.csv", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        Assert.Equal((0, 0, 9_999), (again.Added, again.Changed, again.Unchanged));
        Assert.Equal(9_999, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task AnEpssFileFromDiskIsStreamedThroughTheFolderImport()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-epss-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "epss_scores-2026-08-20.csv.gz"), Gzip(EpssCsv(12_345)));
        var summary = await (await AppAsync()).WithSystemAsync((sp, db) => new FeedImporter(db, TimeProvider.System).ImportPathAsync(folder));
        Assert.Equal(12_345, summary.Added);
        Assert.Equal(12_345, (await RowsAsync()).Count);
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class BulkImportTestsSqlite(PostgresServer postgres) : BulkImportTests(postgres, Provider.Sqlite);

public sealed class BulkImportTestsPostgres(PostgresServer postgres) : BulkImportTests(postgres, Provider.Postgres);
