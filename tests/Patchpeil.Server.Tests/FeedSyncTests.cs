using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Patchpeil.Contracts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Online sync against a real Kestrel on 127.0.0.1 that serves copies of real CISA CSAF documents (tests/fixtures/csaf)
/// laid out as a provider, signed at test time with a key made by BouncyCastle (see tests/fixtures/csaf/SOURCES.md).
/// </summary>
public abstract class FeedSyncTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider), IAsyncLifetime
{
    private static readonly Lazy<TestOpenPgpKey> SharedKey = new(() => new TestOpenPgpKey());
    private static readonly DateTimeOffset FirstUpdate = new(2024, 10, 1, 8, 0, 0, TimeSpan.Zero);
    private FeedServer? _server;

    protected static readonly string[] CisaDocuments = ["va-24-201-01.json", "va-24-254-01.json", "va-24-254-02.json", "va-24-262-01.json"];

    protected FeedServer Server => _server ?? throw new InvalidOperationException("not started");

    protected static TestOpenPgpKey Key => SharedKey.Value;

    public async ValueTask InitializeAsync() => _server = await FeedServer.StartAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    protected static byte[] CisaDocument(string name) => File.ReadAllBytes(Fixture("csaf", "cisa", "csaf_files", "IT", "white", "2024", name));

    protected TestCsafProvider PublishCisa(bool rolie = true, string metadataPath = TestCsafProvider.MetadataPath)
    {
        var csaf = new TestCsafProvider(Server, Key, "https://www.cisa.gov/", rolie);
        csaf.WriteMetadata(metadataPath);
        for (var i = 0; i < CisaDocuments.Length; i++)
        {
            csaf.Publish(CisaDocuments[i], CisaDocument(CisaDocuments[i]), FirstUpdate.AddHours(i));
        }

        return csaf;
    }

    protected async Task<Guid> AddSourceAsync(FeedSyncKind kind, string url)
    {
        var app = await AppAsync();
        // Short backoff: the behaviour under test is that it retries, not how long it waits.
        var http = app.Services.GetRequiredService<IOptions<FeedHttpOptions>>().Value;
        http.BaseDelay = TimeSpan.FromMilliseconds(10);
        http.MaxDelay = TimeSpan.FromMilliseconds(50);
        return await app.WithSystemAsync(async (_, db) =>
        {
            var source = new FeedSyncSource { Key = $"test:{Guid.NewGuid():N}", Kind = kind, Name = "Test source", Url = url };
            db.Add(source);
            await db.SaveChangesAsync();
            return source.Id;
        });
    }

    protected async Task<FeedSyncRun> RunAsync(Guid sourceId) =>
        await (await AppAsync()).Services.GetRequiredService<FeedSyncRunner>().RunAsync(sourceId, "test", TestContext.Current.CancellationToken);

    protected async Task<T> QueryAsync<T>(Func<Data.PatchpeilDbContext, Task<T>> query) =>
        await (await AppAsync()).WithSystemAsync((_, db) => query(db));

    protected Task<List<string>> StoredCsafIdsAsync() =>
        QueryAsync(db => db.Set<Advisory>().Where(a => a.Source == AdvisorySource.Csaf).Select(a => a.DocumentId).OrderBy(d => d).ToListAsync());

    /// <summary>Waits for a background run of the source with this trigger to finish (the scheduler runs it, not the test).</summary>
    protected async Task<FeedSyncRun> WaitForRunAsync(Guid sourceId, string trigger)
    {
        for (var i = 0; i < 600; i++)
        {
            var run = await QueryAsync(db => db.Set<FeedSyncRun>().FirstOrDefaultAsync(r => r.SourceId == sourceId && r.FinishedUtc != null && r.Trigger == trigger));
            if (run is not null)
            {
                return run;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"No finished run of {sourceId} triggered by {trigger}");
    }

    private static string Describe(FeedSyncRun run) => $"{run.Outcome}: {run.Errors}";

    [Fact]
    public async Task FirstRunImportsEveryDocumentAndLaterRunsFetchOnlyWhatChanged()
    {
        var csaf = PublishCisa();
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());

        var first = await RunAsync(id);
        Assert.True(first.Outcome == FeedRunOutcome.Succeeded, Describe(first));
        Assert.Equal((4, 0, 0, 0), (first.Added, first.Changed, first.Unchanged, first.Rejected));
        Assert.Equal(["VA-24-201-01", "VA-24-254-01", "VA-24-254-02", "VA-24-262-01"], await StoredCsafIdsAsync());
        Assert.Contains(Server.TakeLog(), r => r.Path == TestCsafProvider.DocumentPath("va-24-254-01.json.asc") && r.Status == 200);

        // Nothing changed: metadata, key and feed come back 304 and no document is downloaded again.
        var second = await RunAsync(id);
        Assert.True(second.Outcome == FeedRunOutcome.Succeeded, Describe(second));
        Assert.Equal((0, 0, 0, 0), (second.Added, second.Changed, second.Unchanged, second.Rejected));
        var log = Server.TakeLog();
        Assert.Equal([TestCsafProvider.MetadataPath, TestCsafProvider.KeyPath, TestCsafProvider.FeedPath], log.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(log, r => Assert.Equal((304, true), (r.Status, r.Conditional)));

        // One document gets a new revision: only it (with its hash and signature) is fetched.
        var changed = JsonNode.Parse(CisaDocument("va-24-254-01.json"))!;
        changed["document"]!["title"] = "Updated title of VA-24-254-01";
        csaf.Publish("va-24-254-01.json", Encoding.UTF8.GetBytes(changed.ToJsonString()), FirstUpdate.AddDays(2));
        var third = await RunAsync(id);
        Assert.True(third.Outcome == FeedRunOutcome.Succeeded, Describe(third));
        Assert.Equal((0, 1, 0), (third.Added, third.Changed, third.Rejected));
        var documents = Server.TakeLog().Where(r => r.Path.StartsWith(TestCsafProvider.DirectoryPath, StringComparison.Ordinal)).Select(r => r.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([TestCsafProvider.DocumentPath("va-24-254-01.json"), TestCsafProvider.DocumentPath("va-24-254-01.json.asc"), TestCsafProvider.DocumentPath("va-24-254-01.json.sha512")], documents);
        Assert.Equal("Updated title of VA-24-254-01", await QueryAsync(db => db.Set<Advisory>().Where(a => a.DocumentId == "VA-24-254-01").Select(a => a.Title).SingleAsync()));
    }

    [Fact]
    public async Task ADirectoryProviderIsFoundByDomainThroughSecurityTxtAndReadFromChangesCsv()
    {
        const string metadataPath = "/security/csaf/provider-metadata.json";
        PublishCisa(rolie: false, metadataPath: metadataPath);
        Server.Write("/.well-known/security.txt", $"Contact: mailto:security@example.test\nCSAF: {Server.Url(metadataPath)}\n");
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.BaseUrl.ToString());

        var first = await RunAsync(id);
        Assert.True(first.Outcome == FeedRunOutcome.Succeeded, Describe(first));
        Assert.Equal(4, first.Added);
        var log = Server.TakeLog();
        Assert.Contains(log, r => r.Path == TestCsafProvider.MetadataPath && r.Status == 404);
        Assert.Contains(log, r => r.Path == "/.well-known/security.txt" && r.Status == 200);

        var second = await RunAsync(id);
        Assert.True(second.Outcome == FeedRunOutcome.Succeeded, Describe(second));
        Assert.Equal(0, second.Added + second.Changed);
        Assert.Contains(Server.TakeLog(), r => r.Path == TestCsafProvider.DirectoryPath + "changes.csv" && r.Status == 304);
    }

    [Fact]
    public async Task TamperedBadlySignedAndForeignDocumentsAreRejectedWithReasonsAndNeverStored()
    {
        var csaf = PublishCisa();
        // Tampered after hashing and signing: the .sha512 no longer matches.
        var tampered = CisaDocument("va-24-201-01.json");
        tampered[^2] = (byte)' ';
        Server.Write(TestCsafProvider.DocumentPath("va-24-201-01.json"), tampered);
        // Signed, but over other bytes: the signature is bad although the hash file matches.
        Server.Write(TestCsafProvider.DocumentPath("va-24-254-02.json.asc"), Key.Sign(Encoding.UTF8.GetBytes("something else")));
        // Correctly hashed and signed, but Red Hat's document: another publisher's namespace.
        csaf.Publish("rhsa-2024_3351.json", File.ReadAllBytes(Fixture("csaf", "redhat-siemens", "rhsa-2024_3351.json")), FirstUpdate.AddDays(1));
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());

        var run = await RunAsync(id);
        Assert.True(run.Outcome == FeedRunOutcome.Warnings, Describe(run));
        Assert.Equal((2, 3), (run.Added, run.Rejected));
        Assert.Contains("va-24-201-01.json: [csaf.hash-mismatch]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("va-24-254-02.json: [pgp.bad-signature]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("rhsa-2024_3351.json: [csaf.namespace] the document claims publisher namespace 'https://www.redhat.com'", run.Errors, StringComparison.Ordinal);
        Assert.Equal(["VA-24-254-01", "VA-24-262-01"], await StoredCsafIdsAsync());
    }

    [Fact]
    public async Task ServerErrorsAreRetriedAndA429RetryAfterIsHonoured()
    {
        PublishCisa();
        Server.FailNext(TestCsafProvider.MetadataPath, 500);
        Server.FailNext(TestCsafProvider.MetadataPath, 503);
        Server.FailNext(TestCsafProvider.FeedPath, 429, "1");
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());

        var run = await RunAsync(id);
        Assert.True(run.Outcome == FeedRunOutcome.Succeeded, Describe(run));
        Assert.Equal(4, run.Added);
        var log = Server.TakeLog();
        Assert.Equal([500, 503, 200], log.Where(r => r.Path == TestCsafProvider.MetadataPath).Select(r => r.Status));
        Assert.Equal([429, 200], log.Where(r => r.Path == TestCsafProvider.FeedPath).Select(r => r.Status));
    }

    [Fact]
    public async Task AResponseOverTheSizeLimitIsRefusedAndNothingOfItStored()
    {
        PublishCisa();
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());
        // Metadata and key fit; of the documents only va-24-262-01 (6,062 bytes) does.
        (await AppAsync()).Services.GetRequiredService<IOptions<FeedHttpOptions>>().Value.MaxDocumentBytes = 8_000;

        var run = await RunAsync(id);
        Assert.True(run.Outcome == FeedRunOutcome.Warnings, Describe(run));
        Assert.Equal((1, 3), (run.Added, run.Rejected));
        Assert.Contains("va-24-201-01.json: [http.too-large]", run.Errors, StringComparison.Ordinal);
        Assert.Equal(["VA-24-262-01"], await StoredCsafIdsAsync());
    }

    [Fact]
    public async Task WhenTheProviderIsDownTheRunFailsAndTheEarlierDataAndCursorStay()
    {
        PublishCisa();
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());
        Assert.Equal(FeedRunOutcome.Succeeded, (await RunAsync(id)).Outcome);
        var state = await QueryAsync(db => db.Set<FeedSyncSource>().Where(s => s.Id == id).Select(s => s.State).SingleAsync());

        await Server.StopAsync();
        var run = await RunAsync(id);
        Assert.Equal(FeedRunOutcome.Failed, run.Outcome);
        Assert.Contains("connection failed", run.Errors, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts", run.Errors, StringComparison.Ordinal);
        Assert.Equal(4, (await StoredCsafIdsAsync()).Count);
        var source = await QueryAsync(db => db.Set<FeedSyncSource>().SingleAsync(s => s.Id == id));
        Assert.Equal(state, source.State);
        Assert.Equal(FeedRunOutcome.Failed, source.LastOutcome);
    }

    [Fact]
    public async Task KevAndEpssDownloadsAreImportedOnceAndThenAnswered304()
    {
        Server.Write("/feeds/known_exploited_vulnerabilities.json", File.ReadAllBytes(Fixture("kev", "known_exploited_vulnerabilities.json")));
        using (var gz = new MemoryStream())
        {
            await using (var zip = new GZipStream(gz, CompressionLevel.Fastest))
            {
                zip.Write(File.ReadAllBytes(Fixture("epss", "epss-format-example.csv")));
            }

            Server.Write("/epss_scores-current.csv.gz", gz.ToArray());
        }

        var kev = await AddSourceAsync(FeedSyncKind.Kev, Server.Url("/feeds/known_exploited_vulnerabilities.json").ToString());
        var epss = await AddSourceAsync(FeedSyncKind.Epss, Server.Url("/epss_scores-current.csv.gz").ToString());

        var first = await RunAsync(kev);
        Assert.True(first.Outcome == FeedRunOutcome.Succeeded, Describe(first));
        Assert.Equal(1404, first.Added);
        Assert.Equal(1404, await QueryAsync(db => db.Set<KevEntry>().CountAsync()));
        var epssRun = await RunAsync(epss);
        Assert.True(epssRun.Outcome == FeedRunOutcome.Succeeded, Describe(epssRun));
        Assert.Equal(3, epssRun.Added);
        Server.TakeLog();

        var again = await RunAsync(kev);
        Assert.Equal((FeedRunOutcome.Succeeded, 0, 0), (again.Outcome, again.Added, again.Unchanged));
        Assert.Equal([304], Server.TakeLog().Select(r => r.Status));
    }

    [Fact]
    public async Task TheEndOfLifeProductListIsImportedPerProductABrokenProductIsQuarantinedAndTheNextRunIsAnswered304()
    {
        // /products/full as endoflife.date serves it: the recorded single-product responses in one list, plus one
        // product whose one release has no cycle name (the importer quarantines that release and keeps everything else).
        var files = Directory.GetFiles(Fixture("endoflife", "api_v1"), "*.json").Where(f => Path.GetFileName(f) != "products.json").Order(StringComparer.Ordinal).ToList();
        var products = new System.Text.Json.Nodes.JsonArray();
        foreach (var file in files)
        {
            products.Add(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(file))!["result"]!.DeepClone());
        }

        products.Add(System.Text.Json.Nodes.JsonNode.Parse("""{"name":"broken-product","label":"Broken","releases":[{"label":"no name"}]}"""));
        var full = new System.Text.Json.Nodes.JsonObject { ["schema_version"] = "1.2.1", ["generated_at"] = "2026-08-22T00:00:00+00:00", ["total"] = products.Count, ["result"] = products };
        Server.Write("/api/v1/products/full", System.Text.Encoding.UTF8.GetBytes(full.ToJsonString()));
        var source = await AddSourceAsync(FeedSyncKind.EndOfLife, Server.Url("/api/v1/products/full").ToString());

        var first = await RunAsync(source);

        Assert.Equal(FeedRunOutcome.Warnings, first.Outcome);
        Assert.True(first.Rejected == 1, first.Errors);
        Assert.Contains("broken-product.json[0]: [json.required] /result/releases/0/cycle", first.Errors, StringComparison.Ordinal);
        Assert.Equal(files.Count + 1, await QueryAsync(db => db.Set<Lifecycle.LifecycleProduct>().CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.Set<Lifecycle.LifecycleProduct>().Where(p => p.Name == "broken-product").Select(p => p.Cycles.Count).SingleAsync()));
        Assert.True(await QueryAsync(db => db.Set<Lifecycle.LifecycleProduct>().AnyAsync(p => p.Name == "windows" && p.Cycles.Count > 10)));
        Server.TakeLog();

        var again = await RunAsync(source);
        Assert.Equal((FeedRunOutcome.Succeeded, 0), (again.Outcome, again.Added));
        Assert.Equal([304], Server.TakeLog().Select(r => r.Status));
    }

    [Fact]
    public async Task AnEndOfLifeResponseThatIsNotAProductListFailsTheRunNamingTheField()
    {
        Server.Write("/api/v1/products", System.Text.Encoding.UTF8.GetBytes("""{"schema_version":"1.2.1","result":{"name":"windows"}}"""));
        var source = await AddSourceAsync(FeedSyncKind.EndOfLife, Server.Url("/api/v1/products").ToString());

        var run = await RunAsync(source);

        Assert.Equal(FeedRunOutcome.Failed, run.Outcome);
        Assert.Contains("[endoflife.result]", run.Errors, StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.Set<Lifecycle.LifecycleProduct>().CountAsync()));
    }

    [Fact]
    public async Task AKeyWhoseFingerprintDiffersFromTheMetadataIsNotTrustedAndTheRunFails()
    {
        var other = new TestCsafProvider(Server, new TestOpenPgpKey(), "https://www.cisa.gov/", rolie: true);
        PublishCisa();
        // The metadata still names the first key's fingerprint, but the key file now holds another key.
        Server.Write(TestCsafProvider.KeyPath, other.Key.ArmouredPublicKey);
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());

        var run = await RunAsync(id);
        Assert.Equal(FeedRunOutcome.Failed, run.Outcome);
        Assert.Contains("[pgp.fingerprint]", run.Errors, StringComparison.Ordinal);
        Assert.Contains("[csaf.no-keys]", run.Errors, StringComparison.Ordinal);
        Assert.Empty(await StoredCsafIdsAsync());
        Assert.DoesNotContain(Server.TakeLog(), r => r.Path.StartsWith(TestCsafProvider.DirectoryPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOsvExportZipIsImportedThroughTheSameChecksAsAnUpload()
    {
        using (var buffer = new MemoryStream())
        {
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var file in Directory.GetFiles(Fixture("osv", "trustify"), "*.json").Order(StringComparer.Ordinal))
                {
                    zip.CreateEntryFromFile(file, Path.GetFileName(file));
                }
            }

            Server.Write("/NuGet/all.zip", buffer.ToArray());
        }

        var id = await AddSourceAsync(FeedSyncKind.Osv, Server.Url("/NuGet/all.zip").ToString());
        var run = await RunAsync(id);
        Assert.NotEqual(FeedRunOutcome.Failed, run.Outcome);
        Assert.True(run.Added > 0, Describe(run));
        Assert.Equal(run.Added, await QueryAsync(db => db.Set<Advisory>().CountAsync(a => a.Source == AdvisorySource.Osv)));
        var again = await RunAsync(id);
        Assert.Equal((0, 0), (again.Added, again.Changed));
        Assert.Contains(Server.TakeLog(), r => r.Path == "/NuGet/all.zip" && r.Status == 304);
    }

    [Fact]
    public async Task NvdPagesAreFetchedWithTheApiKeyAndAFailedPageIsResumedByTheNextRun()
    {
        const string api = "/rest/json/cves/2.0";
        var records = Directory.GetFiles(Fixture("nvd", "cve-2.0-records"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Query, string? Key)>();
        var failuresLeft = 4; // every attempt of one run at the second page
        Server.Dynamic = async context =>
        {
            if (context.Request.Path != api)
            {
                return false;
            }

            seen.Enqueue((context.Request.QueryString.Value ?? "", context.Request.Headers["apiKey"].FirstOrDefault()));
            var start = int.Parse(context.Request.Query["startIndex"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var perPage = int.Parse(context.Request.Query["resultsPerPage"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            if (start == 2 && Interlocked.Decrement(ref failuresLeft) >= 0)
            {
                context.Response.StatusCode = 503;
                return true;
            }

            var page = new JsonObject
            {
                ["resultsPerPage"] = perPage,
                ["startIndex"] = start,
                ["totalResults"] = records.Count,
                ["format"] = "NVD_CVE",
                ["version"] = "2.0",
                ["timestamp"] = "2025-10-25T00:00:00.000",
                ["vulnerabilities"] = new JsonArray(records.Skip(start).Take(perPage).Select(r => (JsonNode)new JsonObject { ["cve"] = r.DeepClone() }).ToArray()),
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(page.ToJsonString());
            return true;
        };

        var app = await AppAsync();
        var nvd = app.Services.GetRequiredService<IOptions<NvdSyncOptions>>().Value;
        (nvd.ResultsPerPage, nvd.DelayWithKey, nvd.DelayWithoutKey) = (2, TimeSpan.Zero, TimeSpan.Zero);
        var id = await AddSourceAsync(FeedSyncKind.Nvd, Server.Url(api).ToString());
        const string key = "nvd-test-key-123";
        await app.WithSystemAsync(async (sp, db) =>
        {
            var source = await db.Set<FeedSyncSource>().SingleAsync(s => s.Id == id);
            source.ProtectedApiKey = sp.GetRequiredService<IDataProtectionProvider>().CreateProtector(FeedSyncRunner.ApiKeyPurpose).Protect(key);
            return await db.SaveChangesAsync();
        });

        var first = await RunAsync(id);
        Assert.True(first.Outcome == FeedRunOutcome.Warnings, Describe(first));
        Assert.Equal(2, first.Added);
        Assert.Contains("the next run resumes at result 2", first.Errors, StringComparison.Ordinal);

        seen.Clear();
        var second = await RunAsync(id);
        Assert.True(second.Outcome == FeedRunOutcome.Succeeded, Describe(second));
        Assert.Equal(4, second.Added);
        Assert.StartsWith("?resultsPerPage=2&startIndex=2", seen.First().Query, StringComparison.Ordinal);
        Assert.All(seen, r => Assert.Equal(key, r.Key));
        Assert.Equal(6, await QueryAsync(db => db.Set<Advisory>().CountAsync(a => a.Source == AdvisorySource.Nvd)));

        // Caught up: the next run asks only for what changed since.
        seen.Clear();
        var third = await RunAsync(id);
        Assert.True(third.Outcome == FeedRunOutcome.Succeeded, Describe(third));
        Assert.Equal((0, 0), (third.Added, third.Changed));
        Assert.All(seen, r => Assert.Contains("lastModStartDate=", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVerifiedDocumentThatFailsCsafValidationIsRejectedWithTheValidatorsReasons()
    {
        var csaf = new TestCsafProvider(Server, Key, "https://csaf.io", rolie: true);
        csaf.WriteMetadata();
        var tests = Fixture("csaf", "oasis", "csaf_2.0", "test", "validator", "data", "mandatory");
        csaf.Publish("invalid-6-1-01.json", File.ReadAllBytes(Path.Combine(tests, "oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json")), FirstUpdate);
        csaf.Publish("valid-6-1-01.json", File.ReadAllBytes(Path.Combine(tests, "oasis_csaf_tc-csaf_2_0-2021-6-1-01-11.json")), FirstUpdate.AddHours(1));
        var id = await AddSourceAsync(FeedSyncKind.Csaf, Server.Url(TestCsafProvider.MetadataPath).ToString());

        var run = await RunAsync(id);
        Assert.True(run.Outcome == FeedRunOutcome.Warnings, Describe(run));
        Assert.Equal((1, 1), (run.Added, run.Rejected));
        Assert.Contains("invalid-6-1-01.json", run.Errors, StringComparison.Ordinal);
        Assert.Contains("6.1.1", run.Errors, StringComparison.Ordinal);
        Assert.True(await QueryAsync(db => db.Set<ImportRun>().AnyAsync(r => r.FileName.Contains("invalid-6-1-01.json") && r.Quarantined == 1)));
    }

    [Fact]
    public async Task CompressedResponsesAreUnpackedAndTheSizeLimitCountsUnpackedBytes()
    {
        static byte[] Gzip(byte[] data)
        {
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.SmallestSize))
            {
                zip.Write(data);
            }

            return buffer.ToArray();
        }

        var kevJson = Gzip(File.ReadAllBytes(Fixture("kev", "known_exploited_vulnerabilities.json")));
        var bomb = Gzip(Encoding.ASCII.GetBytes(new string(' ', 40 * 1024 * 1024)));
        Server.Dynamic = async context =>
        {
            var body = context.Request.Path == "/kev.json" ? kevJson : context.Request.Path == "/bomb.json" ? bomb : null;
            if (body is null)
            {
                return false;
            }

            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(body);
            return true;
        };

        var kev = await AddSourceAsync(FeedSyncKind.Kev, Server.Url("/kev.json").ToString());
        var run = await RunAsync(kev);
        Assert.True(run.Outcome == FeedRunOutcome.Succeeded, Describe(run));
        Assert.Equal(1404, run.Added);

        // 40 MB of spaces in about 40 KB on the wire: stopped at the limit while unpacking, nothing imported.
        (await AppAsync()).Services.GetRequiredService<IOptions<FeedHttpOptions>>().Value.MaxBulkBytes = 8 * 1024 * 1024;
        var bombSource = await AddSourceAsync(FeedSyncKind.Kev, Server.Url("/bomb.json").ToString());
        var refused = await RunAsync(bombSource);
        Assert.Equal(FeedRunOutcome.Failed, refused.Outcome);
        Assert.Contains("[http.too-large]", refused.Errors, StringComparison.Ordinal);
        Assert.True(bomb.Length < 100_000);
        Assert.Equal(1404, await QueryAsync(db => db.Set<KevEntry>().CountAsync()));
    }

    [Fact]
    public async Task AnAdministratorEnablesASourceWithAnApiKeyRunsItAndEveryDecisionIsAudited()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Bronnen");
        var client = await organisation.SignedInClientAsync();

        // Preconfigured and all off until an administrator switches them on.
        var list = await client.GetStringAsync("/settings/feeds");
        Assert.Contains("NCSC-NL", list, StringComparison.Ordinal);
        Assert.Contains($"{FeedSyncDefaults.All.Count} bronnen, waarvan 0 aan.", list, StringComparison.Ordinal);
        var sources = await QueryAsync(db => db.Set<FeedSyncSource>().ToListAsync());
        Assert.Equal(FeedSyncDefaults.All.Count, sources.Count);
        Assert.All(sources, s => Assert.False(s.Enabled));
        Assert.Equal("https://advisories.ncsc.nl/.well-known/csaf/provider-metadata.json", sources.Single(s => s.Key == "csaf:ncsc-nl").Url);

        var staff = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.ITStaff));
        var denied = await staff.GetAsync("/settings/feeds");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("http://localhost/account/denied", denied.Headers.Location?.ToString(), StringComparison.Ordinal);

        Server.Write("/kev.json", File.ReadAllBytes(Fixture("kev", "known_exploited_vulnerabilities.json")));
        var kev = sources.Single(s => s.Key == "kev");
        var page = $"/settings/feeds/{kev.Id}";
        var invalid = await client.PostFormAsync(page, page, [new("Input.Url", "not an address"), new("Input.IntervalMinutes", "5"), new("Input.Enabled", "true")]);
        var invalidHtml = await invalid.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        Assert.Contains("Vul een volledig adres in dat begint met https://.", invalidHtml, StringComparison.Ordinal);
        Assert.Contains("Vul een heel getal in van 15 tot en met 10080.", invalidHtml, StringComparison.Ordinal);
        Assert.False(await QueryAsync(db => db.Set<FeedSyncSource>().Where(s => s.Id == kev.Id).Select(s => s.Enabled).SingleAsync()));

        const string apiKey = "s3cret-api-key-0123456789";
        var saved = await client.PostFormAsync(page, page, [new("Input.Url", Server.Url("/kev.json").ToString()), new("Input.IntervalMinutes", "60"), new("Input.Enabled", "true"), new("Input.ApiKey", apiKey)]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await QueryAsync(db => db.Set<FeedSyncSource>().SingleAsync(s => s.Id == kev.Id));
        Assert.Equal((true, 60, Server.Url("/kev.json").ToString()), (stored.Enabled, stored.IntervalMinutes, stored.Url));
        Assert.NotNull(stored.ProtectedApiKey);
        Assert.DoesNotContain(apiKey, stored.ProtectedApiKey, StringComparison.Ordinal);
        Assert.Equal(apiKey, app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(FeedSyncRunner.ApiKeyPurpose).Unprotect(stored.ProtectedApiKey));
        var change = await QueryAsync(db => db.AuditEvents.SingleAsync(e => e.Action == "FeedSyncSource.Changed" && e.EntityId == kev.Id.ToString()));
        Assert.Contains("enabled=True", change.After, StringComparison.Ordinal);
        Assert.Contains("apiKey=set", change.After, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, change.Before + change.After, StringComparison.Ordinal);
        Assert.Equal(organisation.Id, change.OrganisationId);

        // Enabled and due: the scheduler runs it at once, on its own.
        var scheduled = await WaitForRunAsync(kev.Id, "schedule");
        Assert.True(scheduled.Outcome == FeedRunOutcome.Succeeded, Describe(scheduled));
        Assert.Equal(1404, scheduled.Added);
        var nextRun = await QueryAsync(db => db.Set<FeedSyncSource>().Where(s => s.Id == kev.Id).Select(s => s.NextRunUtc).SingleAsync());
        Assert.True(nextRun > DateTime.UtcNow.AddMinutes(30), $"next run {nextRun:O} should be about an hour away");

        // Run now: the file has not changed, so the server answers 304 and nothing is imported again.
        var run = await client.PostFormAsync(page, page + "?handler=run", []);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        Assert.True(await QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "FeedSync.RunRequested" && e.EntityId == kev.Id.ToString())));
        var requested = await WaitForRunAsync(kev.Id, organisation.AdminEmail);
        Assert.True(requested.Outcome == FeedRunOutcome.Succeeded, Describe(requested));
        Assert.Equal((0, 1), (requested.Added, requested.Requests));
        var detail = await client.GetStringAsync(page);
        Assert.Contains("Gelukt", detail, StringComparison.Ordinal);
        Assert.Contains("1.404", detail, StringComparison.Ordinal);
        Assert.Contains("0 / 0 / 0", await client.GetStringAsync("/settings/feeds"), StringComparison.Ordinal);
    }
}

public sealed class FeedSyncTestsSqlite(PostgresServer postgres) : FeedSyncTests(postgres, Provider.Sqlite);

public sealed class FeedSyncTestsPostgres(PostgresServer postgres) : FeedSyncTests(postgres, Provider.Postgres);
