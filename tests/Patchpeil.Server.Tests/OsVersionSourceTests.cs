using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Patchpeil.Core.Feeds;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Lifecycle;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Current OS versions (SOFA, gdmf, VersionHistory) through feed sync against a real Kestrel on 127.0.0.1 and through the
/// offline importer; the recorded bodies are in tests/fixtures/connectors (see its SOURCES.md).
/// </summary>
public abstract class OsVersionSourceTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider), IAsyncLifetime
{
    private FeedServer? _server;

    private FeedServer Server => _server ?? throw new InvalidOperationException("not started");

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

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "connectors", name);

    private async Task<Guid> AddSourceAsync(FeedSyncKind kind, string url)
    {
        var app = await AppAsync();
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

    private async Task<FeedSyncRun> RunAsync(Guid sourceId) =>
        await (await AppAsync()).Services.GetRequiredService<FeedSyncRunner>().RunAsync(sourceId, "test", TestContext.Current.CancellationToken);

    private async Task<T> QueryAsync<T>(Func<Data.PatchpeilDbContext, Task<T>> query) =>
        await (await AppAsync()).WithSystemAsync((_, db) => query(db));

    private Task<List<OsVersionLine>> LinesAsync() =>
        QueryAsync(db => db.Set<OsVersionLine>().Include(l => l.Releases).OrderBy(l => l.Source).ThenBy(l => l.Product).ThenBy(l => l.Line).ToListAsync());

    private async Task<ImportSummary> ImportAsync(string path) =>
        await (await AppAsync()).WithSystemAsync((sp, _) => sp.GetRequiredService<FeedImporter>().ImportPathAsync(path));

    [Fact]
    public async Task SofaSyncStoresEachLineWithItsModelsAndTheNextRunIsConditional()
    {
        Server.Write("/v2/ios_data_feed.json", File.ReadAllBytes(Fixture("sofa-v2-ios-feed.json")));
        var id = await AddSourceAsync(FeedSyncKind.Sofa, Server.Url("/v2/ios_data_feed.json").ToString());

        var first = await RunAsync(id);

        Assert.True(first.Outcome == FeedRunOutcome.Succeeded, first.Errors);
        Assert.Equal(2, first.Added);
        var lines = await LinesAsync();
        Assert.Equal([("ios", "18"), ("ipados", "18")], lines.Select(l => (l.Product, l.Line)));
        var ipados = lines.Single(l => l.Product == "ipados");
        Assert.Equal(("18.6.2", "22G100", true), (ipados.LatestVersion, ipados.LatestBuild, ipados.LatestSecurityContent));
        Assert.Equal(new DateOnly(2026, 8, 20), ipados.LatestReleaseDate);
        Assert.Equal("iPad12,1\niPad12,2", ipados.Releases.Single(r => r.Position == 0).SupportedModels);
        Assert.Equal(2, ipados.Releases.Count);

        Server.TakeLog();
        var second = await RunAsync(id);
        Assert.Equal(FeedRunOutcome.Succeeded, second.Outcome);
        var request = Assert.Single(Server.TakeLog());
        Assert.True(request.Conditional);
        Assert.Equal(304, request.Status);

        var products = await (await AppAsync()).WithSystemAsync((sp, _) => sp.GetRequiredService<OsVersionService>().LifecyclesAsync([]));
        Assert.Equal("18.6.2", products.Single(p => p.Name == "ipados").Releases.Single(r => r.Name == "18|iPad12,1").Latest!.Name);
    }

    [Fact]
    public async Task ChromeVersionSyncWaitsOutA429AndStoresTheServedStableVersion()
    {
        const string path = "/v1/chrome/platforms/chromeos/channels/stable/versions/all/releases";
        Server.Write(path, File.ReadAllBytes(Fixture("versionhistory-chromeos-stable-releases.json")));
        Server.FailNext(path, 429, "0");
        var id = await AddSourceAsync(FeedSyncKind.ChromeVersions, Server.Url(path).ToString());

        var run = await RunAsync(id);

        Assert.True(run.Outcome == FeedRunOutcome.Succeeded, run.Errors);
        Assert.Equal([429, 200], Server.TakeLog().Select(r => r.Status));
        var line = Assert.Single(await LinesAsync());
        Assert.Equal((FeedSource.ChromeVersions, "chromeos", "stable", "139.0.7258.172"), (line.Source, line.Product, line.Line, line.LatestVersion));
    }

    [Fact]
    public async Task BrokenSyncDownloadKeepsTheLastGoodLines()
    {
        var good = File.ReadAllBytes(Fixture("gdmf-pmv.json"));
        Server.Write("/v2/pmv", good);
        var id = await AddSourceAsync(FeedSyncKind.Gdmf, Server.Url("/v2/pmv").ToString());
        Assert.Equal(FeedRunOutcome.Succeeded, (await RunAsync(id)).Outcome);
        var before = (await LinesAsync()).Select(l => (l.Product, l.Line, l.LatestVersion)).ToList();

        Server.Write("/v2/pmv", good[..(good.Length / 2)]);
        var broken = await RunAsync(id);

        Assert.NotEqual(FeedRunOutcome.Succeeded, broken.Outcome);
        Assert.Contains("pmv", broken.Errors, StringComparison.Ordinal);
        Assert.Equal(before, (await LinesAsync()).Select(l => (l.Product, l.Line, l.LatestVersion)).ToList());
    }

    [Fact]
    public async Task OfflineImportDetectsEachKindAndAChangedFileUpdatesInPlace()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-osversions-").FullName;
        foreach (var name in new[] { "sofa-v2-ios-feed.json", "sofa-v2-macos-feed.json", "gdmf-pmv.json", "versionhistory-chromeos-stable-releases.json" })
        {
            File.Copy(Fixture(name), Path.Combine(folder, name));
        }

        var summary = await ImportAsync(folder);

        Assert.Equal(0, summary.Quarantined);
        Assert.Equal(
            [("gdmf-pmv.json", FeedSource.Gdmf), ("sofa-v2-ios-feed.json", FeedSource.Sofa), ("sofa-v2-macos-feed.json", FeedSource.Sofa), ("versionhistory-chromeos-stable-releases.json", FeedSource.ChromeVersions)],
            summary.Files.Select(f => (f.FileName, f.Kind!.Value)));
        var lines = await LinesAsync();
        var ids = lines.ToDictionary(l => (l.Source, l.Product, l.Line), l => l.Id);
        Assert.Equal(3 + 5 + 1, lines.Count); // SOFA ios/ipados 18 and macos 15; gdmf ios/ipados 18 and 16 and macos 15; chromeos stable

        var again = await ImportAsync(folder);
        Assert.Equal((0, 0), (again.Added, again.Changed));

        // Apple publishes 18.7: the lines are updated in place (same ids), the old latest becomes a security release.
        var ios = File.ReadAllText(Path.Combine(folder, "sofa-v2-ios-feed.json"));
        var newer = ios.Replace("\"ProductVersion\": \"18.6.2\",\n        \"Build\": \"22G100\"", "\"ProductVersion\": \"18.7\",\n        \"Build\": \"22H20\"", StringComparison.Ordinal);
        Assert.NotEqual(ios, newer);
        File.WriteAllText(Path.Combine(folder, "sofa-v2-ios-feed.json"), newer);
        var changed = await ImportAsync(Path.Combine(folder, "sofa-v2-ios-feed.json"));

        Assert.Equal((0, 2), (changed.Added, changed.Changed));
        var ipados = (await LinesAsync()).Single(l => l.Source == FeedSource.Sofa && l.Product == "ipados");
        Assert.Equal(("18.7", "22H20"), (ipados.LatestVersion, ipados.LatestBuild));
        Assert.Equal(ids[(FeedSource.Sofa, "ipados", "18")], ipados.Id);
    }

    [Fact]
    public async Task BrokenEntryIsQuarantinedWithItsPointerAndDoesNotDeleteStoredLines()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("patchpeil-osversions-").FullName, "ios_data_feed.json");
        var text = File.ReadAllText(Fixture("sofa-v2-ios-feed.json"));
        File.WriteAllText(file, text);
        await ImportAsync(file);

        // Same file, the 18 line now lacks its build, and a 17 line is added: 17 is kept, 18 stays as stored.
        var line17 = """{ "OSVersion": "17", "Latest": { "ProductVersion": "17.7.10", "Build": "21H450", "ReleaseDate": "2026-08-20T00:00:00Z", "SupportedDevices": ["iPad7,5"] }, "SecurityReleases": [] },""";
        var broken = text.Replace("\"Build\": \"22G100\",\n        \"AllBuilds\"", "\"AllBuilds\"", StringComparison.Ordinal).Replace("\"OSVersions\": [", "\"OSVersions\": [" + line17, StringComparison.Ordinal);
        File.WriteAllText(file, broken);
        var summary = await ImportAsync(file);

        var quarantined = Assert.Single(Assert.Single(summary.Files).Quarantined);
        Assert.Contains("/OSVersions/1/Latest/Build", quarantined, StringComparison.Ordinal);
        var lines = await LinesAsync();
        Assert.Equal([("ios", "18"), ("ipados", "17"), ("ipados", "18")], lines.Select(l => (l.Product, l.Line)));
        Assert.Equal("18.6.2", lines.Single(l => l.Product == "ipados" && l.Line == "18").LatestVersion);
    }

    [Fact]
    public async Task DefaultsAddTheVersionSourcesDisabled()
    {
        await QueryAsync(async db =>
        {
            await FeedSyncDefaults.EnsureAsync(db, TestContext.Current.CancellationToken);
            return 0;
        });
        var sources = await QueryAsync(db => db.Set<FeedSyncSource>().Where(s => s.Kind == FeedSyncKind.Sofa || s.Kind == FeedSyncKind.Gdmf || s.Kind == FeedSyncKind.ChromeVersions).ToListAsync());

        Assert.Equal(["chromeos:stable", "gdmf", "sofa:ios", "sofa:macos"], sources.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(sources, s => Assert.False(s.Enabled));
        Assert.True((await AppAsync()).Services.GetRequiredService<FeedSyncRunner>().Supports(FeedSyncKind.Sofa));
    }
}

public sealed class OsVersionSourceTestsSqlite(PostgresServer postgres) : OsVersionSourceTests(postgres, Provider.Sqlite);

public sealed class OsVersionSourceTestsPostgres(PostgresServer postgres) : OsVersionSourceTests(postgres, Provider.Postgres);
