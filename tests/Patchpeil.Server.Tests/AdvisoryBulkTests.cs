using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// The set-based advisory path (streamed OSV lists, batched writes) stores what the change-tracker path stores, and
/// keeps the batch edge cases right: a bad record mid-batch, the same id twice in a file, a newer revision replacing an
/// older one, a file cut off after a full batch was written.
/// </summary>
public abstract class AdvisoryBulkTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private const int Batch = 7;

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>A valid OSV record; <paramref name="version"/> varies the fixed version (and so the content).</summary>
    private static JsonObject Record(int n, string modified = "2026-01-01T00:00:00Z", string version = "1.0.1", string package = "left-pad") => new()
    {
        ["id"] = string.Create(CultureInfo.InvariantCulture, $"OSV-2026-{n:0000}"),
        ["modified"] = modified,
        ["summary"] = $"Record {n} ({version})",
        ["aliases"] = new JsonArray(string.Create(CultureInfo.InvariantCulture, $"CVE-2026-{1000 + n}")),
        ["severity"] = new JsonArray(new JsonObject { ["type"] = "CVSS_V3", ["score"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }),
        ["affected"] = new JsonArray(new JsonObject
        {
            ["package"] = new JsonObject { ["ecosystem"] = "npm", ["name"] = package },
            ["ranges"] = new JsonArray(new JsonObject
            {
                ["type"] = "SEMVER",
                ["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = version }),
            }),
        }),
    };

    private static byte[] List(IEnumerable<JsonNode> records) => Encoding.UTF8.GetBytes(new JsonArray([.. records.Select(r => r.DeepClone())]).ToJsonString());

    private async Task<FileImportSummary> ImportAsync(string name, byte[] bytes, bool bulk = true) =>
        await (await AppAsync()).WithSystemAsync(async (_, db) =>
        {
            var importer = new FeedImporter(db, TimeProvider.System, new FeedImportLimits { BulkWrites = bulk, AdvisoryBatchRows = Batch });
            return Assert.Single((await importer.ImportStreamAsync(name, new MemoryStream(bytes))).Files);
        });

    private async Task<ImportSummary> ImportFolderAsync(string folder, bool bulk) =>
        await (await AppAsync()).WithSystemAsync(async (_, db) =>
            await new FeedImporter(db, TimeProvider.System, new FeedImportLimits { BulkWrites = bulk, AdvisoryBatchRows = Batch }).ImportPathAsync(folder));

    /// <summary>Every stored advisory row and child row as text, without generated ids and fetch times.</summary>
    private async Task<List<string>> RowsAsync() => await (await AppAsync()).WithSystemAsync(async (_, db) =>
    {
        var advisories = await db.Set<Advisory>().AsNoTracking().Include(a => a.Revisions).Include(a => a.Vulnerabilities).Include(a => a.Products).Include(a => a.Scores)
            .OrderBy(a => a.Source).ThenBy(a => a.DocumentId).ToListAsync();
        var rows = new List<string>();
        foreach (var a in advisories)
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"A {a.Source}|{a.DocumentId}|{a.Publisher}|{a.Title}|{a.Severity}|{a.NcscLabel}|{a.PublishedUtc:O}|{a.ModifiedUtc:O}|{a.CurrentRevision}|{a.ContentSha256}|{a.Language}|{a.Withdrawn}|{a.SearchText}"));
            rows.AddRange(a.Revisions.Select(r => string.Create(CultureInfo.InvariantCulture, $"R {a.DocumentId}|{r.Revision}|{r.ModifiedUtc:O}|{r.ContentSha256}|{r.FileName}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(r.Content))}")).Order(StringComparer.Ordinal));
            rows.AddRange(a.Vulnerabilities.Select(v => $"V {a.DocumentId}|{v.VulnerabilityId}|{v.Title}|{v.CvssVersion}|{v.CvssVector}|{v.CvssScore}").Order(StringComparer.Ordinal));
            rows.AddRange(a.Products.Select(p => $"P {a.DocumentId}|{p.Vendor}|{p.Name}|{p.Identity}|{p.Status}|{p.Range}|{p.FixedVersions}|{p.Remediation}|{p.RemediationUrl}").Order(StringComparer.Ordinal));
            rows.AddRange(a.Scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"S {a.DocumentId}|{s.VulnerabilityId}|{s.Origin}|{s.Scorer}|{s.CvssVersion}|{s.Vector}|{s.BaseScore:0.0}|{s.Severity}")).Order(StringComparer.Ordinal));
        }

        return rows;
    });

    /// <summary>
    /// Every stored column of the advisory tables as the database holds it (SQLite: storage class and text; PostgreSQL:
    /// text), not as EF reads it back: the bulk writers bind values themselves, so "10.0" against "10", a lower-case
    /// GUID or a blob stored as text would pass <see cref="RowsAsync"/> and still be a different database. Generated
    /// keys and fetch times differ between two imports; of those only the storage class and shape are kept.
    /// </summary>
    private async Task<List<string>> StoredColumnsAsync() => await (await AppAsync()).WithSystemAsync(async (_, db) =>
    {
        var sqlite = db.Database.IsSqlite();
        var rows = new List<string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var type in new[] { typeof(Advisory), typeof(AdvisoryRevision), typeof(AdvisoryVulnerability), typeof(AffectedProduct), typeof(AdvisoryScore) })
            {
                var entity = db.Model.FindEntityType(type)!;
                var table = entity.GetTableName()!;
                var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
                var columns = entity.GetProperties().Select(p => p.GetColumnName(store)!).Order(StringComparer.Ordinal).Select(c =>
                {
                    var q = $"\"{c}\"";
                    return (sqlite, c) switch
                    {
                        (true, "Id" or "AdvisoryId") => $"typeof({q}) || '/' || length({q}) || '/' || ({q} = upper({q}))",
                        (true, "FetchedUtc") => $"typeof({q}) || '/' || ({q} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*')",
                        (true, _) => $"typeof({q}) || ':' || coalesce(CAST({q} AS TEXT), '')",
                        (false, "Id" or "AdvisoryId" or "FetchedUtc") => $"CASE WHEN {q} IS NULL THEN 'null' ELSE 'set' END",
                        (false, _) => $"coalesce(CAST({q} AS TEXT), '<null>')",
                    };
                });
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {string.Join(" || '|' || ", columns)} FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                var tableRows = new List<string>();
                while (await reader.ReadAsync())
                {
                    tableRows.Add(table + " " + reader.GetString(0));
                }

                rows.AddRange(tableRows.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return rows;
    });

    private async Task ClearAsync() => await (await AppAsync()).WithSystemAsync(async (_, db) => await db.Set<Advisory>().ExecuteDeleteAsync());

    private async Task<Advisory> AdvisoryAsync(string documentId) => await (await AppAsync()).WithSystemAsync((_, db) =>
        db.Set<Advisory>().AsNoTracking().Include(a => a.Revisions).Include(a => a.Products).Include(a => a.Vulnerabilities).Include(a => a.Scores)
            .SingleAsync(a => a.DocumentId == documentId));

    [Fact]
    public async Task BulkAndTrackedPathsStoreTheSameAdvisoriesWithTheSameCounts()
    {
        // Real fixtures of every advisory kind, plus an OSV list (streamed on the bulk path) with a changed revision.
        var folder = Directory.CreateTempSubdirectory("patchpeil-bulk-").FullName;
        foreach (var kind in new[] { "osv", "nvd", "cve5" })
        {
            CopyFolder(Fixture(kind), Path.Combine(folder, kind));
        }

        CopyFolder(Fixture("csaf", "redhat-siemens"), Path.Combine(folder, "csaf"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "zz-list-1.json"), List(Enumerable.Range(1, 20).Select(n => Record(n))));
        await File.WriteAllBytesAsync(Path.Combine(folder, "zz-list-2.json"), List(Enumerable.Range(15, 10).Select(n => Record(n, "2026-02-01T00:00:00Z", "1.0.2"))));

        var tracked = (await ImportFolderAsync(folder, bulk: false)).Files.Select(f => f.ToString()).ToList();
        var trackedRows = await RowsAsync();
        var trackedColumns = await StoredColumnsAsync();
        await ClearAsync();
        var bulk = (await ImportFolderAsync(folder, bulk: true)).Files.Select(f => f.ToString()).ToList();
        Directory.Delete(folder, recursive: true);

        Assert.Equal(tracked, bulk);
        Assert.Equal(trackedRows, await RowsAsync());
        Assert.Equal(trackedColumns, await StoredColumnsAsync());
        Assert.Contains(trackedColumns, r => r.StartsWith("AdvisoryScore ", StringComparison.Ordinal));
        Assert.Contains(trackedColumns, r => r.StartsWith("AffectedProduct ", StringComparison.Ordinal));
        Assert.Contains(bulk, f => f.StartsWith("zz-list-2.json [Osv]: added 4, changed 6, unchanged 0", StringComparison.Ordinal));
        Assert.True(trackedRows.Count(r => r.StartsWith("A ", StringComparison.Ordinal)) > 40, "too few advisories compared");
        Assert.Contains(trackedRows, r => r.StartsWith("A Csaf|", StringComparison.Ordinal));
        Assert.Contains(trackedRows, r => r.StartsWith("A Nvd|", StringComparison.Ordinal));
        Assert.Contains(trackedRows, r => r.StartsWith("A Cve5|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARecordFailingValidationInTheMiddleOfABatchIsQuarantinedAndTheRestOfTheBatchKept()
    {
        var records = Enumerable.Range(1, 20).Select(n => (JsonNode)Record(n)).ToList();
        records[10]!["modified"] = "not a date";   // index 10: the fourth record of the second batch of 7
        records[11]!.AsObject().Remove("affected");
        records[11]!["affected"] = new JsonArray(new JsonObject { ["package"] = new JsonObject { ["ecosystem"] = "npm", ["name"] = "x" }, ["ranges"] = new JsonArray(new JsonObject { ["type"] = "SEMVER", ["events"] = new JsonArray(new JsonObject { ["fixed"] = "1" }) }) });

        var summary = await ImportAsync("list.json", List(records));

        Assert.Equal((18, 0, 0), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Equal(2, summary.Quarantined.Count);
        Assert.Contains(summary.Quarantined, q => q.StartsWith("list.json[10]: ", StringComparison.Ordinal) && q.Contains("modified", StringComparison.Ordinal));
        Assert.Contains(summary.Quarantined, q => q.StartsWith("list.json[11]: ", StringComparison.Ordinal) && q.Contains("introduced", StringComparison.Ordinal));
        var stored = (await RowsAsync()).Where(r => r.StartsWith("A ", StringComparison.Ordinal)).ToList();
        Assert.Equal(18, stored.Count);
        Assert.DoesNotContain(stored, r => r.Contains("|OSV-2026-0011|", StringComparison.Ordinal) || r.Contains("|OSV-2026-0012|", StringComparison.Ordinal));
        var run = await (await AppAsync()).WithSystemAsync((_, db) => db.Set<ImportRun>().Include(r => r.QuarantinedItems).SingleAsync(r => r.FileName == "list.json"));
        Assert.Equal([10, 11], run.QuarantinedItems.Select(q => q.Index ?? -1).Order());
    }

    [Fact]
    public async Task TheSameIdTwiceInOneFileIsOneAdvisoryWithBothRevisionsAndTheNewerFields()
    {
        // Within one batch (index 1 and 3), across batches (index 2 and 12), the older one after the newer (index 4 and
        // 5), and an exact duplicate (index 6 and 13).
        var records = Enumerable.Range(1, 14).Select(n => (JsonNode)Record(100 + n)).ToList();
        records[3] = Record(101, "2026-03-01T00:00:00Z", "2.0.0");
        records[12] = Record(102, "2026-03-01T00:00:00Z", "2.0.0");
        records[4] = Record(105, "2026-03-01T00:00:00Z", "2.0.0", "right-pad");
        records[5] = Record(105, "2025-12-01T00:00:00Z", "0.9.0", "old-pad");
        records[13] = Record(107);

        var summary = await ImportAsync("dupes.json", List(records));

        Assert.Equal((10, 3, 1), (summary.Added, summary.Changed, summary.Unchanged));
        foreach (var id in new[] { "OSV-2026-0101", "OSV-2026-0102" })
        {
            var advisory = await AdvisoryAsync(id);
            Assert.Equal(2, advisory.Revisions.Count);
            Assert.Contains("(2.0.0)", advisory.Title, StringComparison.Ordinal);
            Assert.Equal("2.0.0", Assert.Single(advisory.Products).FixedVersions);
            Assert.Equal(2, advisory.Vulnerabilities.Count);
        }

        var late = await AdvisoryAsync("OSV-2026-0105");
        Assert.Equal(2, late.Revisions.Count);
        Assert.Equal("right-pad", Assert.Single(late.Products).Name);
        Assert.Equal(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), late.ModifiedUtc);
        Assert.Single((await AdvisoryAsync("OSV-2026-0107")).Revisions);
    }

    [Fact]
    public async Task ANewerRevisionReplacesProductsVulnerabilitiesAndScoresAndKeepsHistory()
    {
        Assert.Equal(10, (await ImportAsync("day1.json", List(Enumerable.Range(1, 10).Select(n => Record(n))))).Added);
        var before = await AdvisoryAsync("OSV-2026-0004");

        var newer = Record(4, "2026-04-01T00:00:00Z", "1.5.0", "other-pad");
        newer["aliases"] = new JsonArray("CVE-2026-9999", "GHSA-aaaa-bbbb-cccc");
        newer.Remove("severity");
        var day2 = List([.. Enumerable.Range(1, 10).Where(n => n != 4).Select(n => Record(n)), newer]);
        var summary = await ImportAsync("day2.json", day2);
        Assert.Equal((0, 1, 9), (summary.Added, summary.Changed, summary.Unchanged));

        var after = await AdvisoryAsync("OSV-2026-0004");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(2, after.Revisions.Count);
        Assert.Equal("other-pad", Assert.Single(after.Products).Name);
        Assert.Equal(["CVE-2026-9999", "GHSA-aaaa-bbbb-cccc", "OSV-2026-0004"], after.Vulnerabilities.Select(v => v.VulnerabilityId).Order(StringComparer.Ordinal));
        Assert.Empty(after.Scores);
        Assert.Contains("ghsa-aaaa-bbbb-cccc", after.SearchText, StringComparison.Ordinal);

        // The same file again changes nothing; the old day-1 file again is history already stored.
        var again = await ImportAsync("day2.json", day2);
        Assert.Equal((0, 0, 10), (again.Added, again.Changed, again.Unchanged));
        Assert.Equal(2, (await AdvisoryAsync("OSV-2026-0004")).Revisions.Count);
    }

    [Fact]
    public async Task AListFileCutOffAfterAWrittenBatchIsRolledBackAsAWhole()
    {
        await ImportAsync("first.json", List(Enumerable.Range(1, 3).Select(n => Record(n))));
        var before = await RowsAsync();

        var full = List(Enumerable.Range(1, 30).Select(n => Record(n, "2026-05-01T00:00:00Z", "3.0.0")));
        var summary = await ImportAsync("cut.json", full[..(full.Length * 2 / 3)]);

        Assert.Equal((0, 0, 0), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Contains(summary.Quarantined, q => q.Contains("[input.incomplete]", StringComparison.Ordinal) && q.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal(before, await RowsAsync());
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

public sealed class AdvisoryBulkTestsSqlite(PostgresServer postgres) : AdvisoryBulkTests(postgres, Provider.Sqlite);

public sealed class AdvisoryBulkTestsPostgres(PostgresServer postgres) : AdvisoryBulkTests(postgres, Provider.Postgres);
