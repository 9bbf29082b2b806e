using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Feeds.Kev;
using Patchpeil.Core.Matching;
using Patchpeil.FindingsScale;
using Patchpeil.Server;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Policy;

// Findings at scale (issue #6): the matcher scale run's corpus (20,000 Debian devices × ~200 source packages, ≥300,000
// advisory statements) stored in a real database and matched and written through the server's own code.
//
//   seed    --database CS   migrate an empty database; one board with --schools schools, --devices assets, each with an
//                           agent snapshot of its dpkg inventory (stored directly, in bulk: the input, not what is measured)
//   persist --database CS   read every asset's inventory back (MatchInputs.AssetsAsync), match it in memory against the
//                           corpus and write all findings with FindingWriter.ReconcileAsync, as the first full pass does
//   http    --database CS   start the server on that database (Kestrel on 127.0.0.1) and time the dashboard, the findings
//                           page and the findings API with the common filters; prints p50/p95 and CPU per request
//
// CS is a connection string: "Data Source=/tmp/x.db" (SQLite) or "Host=127.0.0.1;Port=…;Username=…;Database=…".
var command = args.FirstOrDefault() ?? "";
var options = args.Skip(1).Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => args.Skip(1).ElementAtOrDefault(x.i + 1) ?? "", StringComparer.Ordinal);
var database = options.GetValueOrDefault("database") ?? throw new ArgumentException("--database is required");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var devices = Option("devices", 20_000);
var items = Option("items", 200);
var seed = Option("seed", 42);
var root = FindRoot();
var fixture = options.GetValueOrDefault("fixture") ?? Path.Combine(root, "tests", "fixtures", "debian", "DSA-list");
const string AdminEmail = "bench-admin@example.nl";
const string AdminPassword = "bench password for the scale run";

Console.WriteLine($"{command}: {Provider(database)}, load average at start: {LoadAverage()}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}");
var result = command switch
{
    "seed" => await SeedAsync(),
    "persist" => await PersistAsync(),
    "http" => await HttpAsync(),
    _ => Usage(),
};
Console.WriteLine($"load average at end: {LoadAverage()}");
return result;

int Usage()
{
    Console.Error.WriteLine("usage: seed|persist|http --database CONNECTION-STRING [--devices 20000] [--items 200] [--schools 24] [--seed 42] [--requests 40]");
    return 2;
}

async Task<int> SeedAsync()
{
    var corpus = Corpus.Build(fixture, Option("statements", 300_000), Option("distinct", 50_000), seed);
    await using var app = PatchpeilApp.Build(Builder(database));
    await using var scope = app.Services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("bench");
    var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    if (await db.Assets.AnyAsync())
    {
        Console.Error.WriteLine("The database holds assets already; seed starts from an empty one.");
        return 1;
    }

    var now = DateTime.UtcNow;
    var organisation = new Organisation { Name = "Stichting Schaalproef", CreatedUtc = now };
    db.Organisations.Add(organisation);
    await db.SaveChangesAsync();
    var schools = Enumerable.Range(1, Option("schools", 24)).Select(i => new School
    {
        OrganisationId = organisation.Id,
        Name = string.Create(CultureInfo.InvariantCulture, $"School {i:D2}"),
        Brin = string.Create(CultureInfo.InvariantCulture, $"{10 + i:D2}AB"),
    }).ToList();
    db.Schools.AddRange(schools);
    await db.SaveChangesAsync();
    var added = await scope.ServiceProvider.GetRequiredService<AccountService>().AddMemberAsync(AdminEmail, AdminPassword, organisation.Id, Role.Administrator);
    Console.WriteLine($"administrator: {AdminEmail} ({added})");

    var rng = new Random(seed);
    var step = Step.Start();
    long itemId = 0;
    var stored = 0L;
    await using (var transaction = await db.Database.BeginTransactionAsync())
    {
        await using var assetRows = new BulkInsert<Asset>(db);
        await using var setRows = new BulkInsert<InventorySet>(db);
        await using var itemRows = new BulkInsert<InventorySetItem>(db);
        await using var snapshotRows = new BulkInsert<AssetSnapshot>(db);
        var sets = new Dictionary<string, Guid>(StringComparer.Ordinal);
        for (var first = 0; first < devices; first += 1_000)
        {
            var assets = new List<Asset>();
            var newSets = new List<InventorySet>();
            var newItems = new List<InventorySetItem>();
            var snapshots = new List<AssetSnapshot>();
            for (var d = first; d < Math.Min(devices, first + 1_000); d++)
            {
                var (release, packages) = corpus.Device(rng, items);
                var server = d % 50 == 0;
                var school = schools[d % schools.Count];
                var name = string.Create(CultureInfo.InvariantCulture, $"{(server ? "srv" : "lln")}-{school.Brin.ToLowerInvariant()}-{d:D5}");
                var asset = new Asset
                {
                    OrganisationId = organisation.Id,
                    Kind = server ? AssetKind.Server : AssetKind.Device,
                    Name = name,
                    Hostname = name,
                    Platform = $"Debian GNU/Linux {release}",
                    SchoolId = school.Id,
                    Availability = (BivLevel)(d % 3),
                    Integrity = BivLevel.Medium,
                    Confidentiality = server ? BivLevel.High : BivLevel.Medium,
                    InternetFacing = server && d % 250 == 0,
                    CreatedUtc = now,
                    UpdatedUtc = now,
                    LastSeenUtc = now,
                    PatchLevel = $"Debian {release}",
                };
                asset.Normalise();
                assets.Add(asset);
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', packages.Select(p => $"dpkg\t{p.Package}\t{p.Version}").Order(StringComparer.Ordinal)))));
                if (!sets.TryGetValue(hash, out var setId))
                {
                    var set = new InventorySet { OrganisationId = organisation.Id, ContentHash = hash, ItemCount = packages.Count, CreatedUtc = now };
                    sets[hash] = setId = set.Id;
                    newSets.Add(set);
                    newItems.AddRange(packages.Select(p => new InventorySetItem
                    {
                        Id = ++itemId,
                        OrganisationId = organisation.Id,
                        SetId = set.Id,
                        Source = "dpkg",
                        Name = p.Package,
                        Version = p.Version,
                        Architecture = "amd64",
                        SourcePackage = p.Package,
                        SourceVersion = p.Version,
                    }));
                }

                snapshots.Add(new AssetSnapshot
                {
                    OrganisationId = organisation.Id,
                    AssetId = asset.Id,
                    ReportId = Guid.NewGuid(),
                    ReceivedUtc = now,
                    CollectedUtc = now,
                    Full = true,
                    InventorySetId = setId,
                    InventoryHash = hash,
                    ItemCount = packages.Count,
                    Hostname = name,
                    OsFamily = "linux",
                    OsName = $"Debian GNU/Linux {release}",
                    OsVersion = release,
                    DistributionId = "debian",
                    DistributionVersion = release,
                    Kernel = "6.1.0-28-amd64",
                });
                stored += packages.Count;
            }

            await assetRows.WriteAsync(assets, default);
            await setRows.WriteAsync(newSets, default);
            await itemRows.WriteAsync(newItems, default);
            await snapshotRows.WriteAsync(snapshots, default);
        }

        await transaction.CommitAsync();
    }

    if (db.Database.IsNpgsql())
    {
        // Rows were written with explicit ids: move the identity on, as a real check-in would have.
        await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"InventorySetItem\"', 'Id'), (SELECT max(\"Id\") FROM \"InventorySetItem\"))");
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {devices:N0} assets in {schools.Count} schools, {stored:N0} installed items ({itemId:N0} stored set items, {corpus.PoolSize:N0} distinct versions in the pool): {step.Stop()}"));
    return 0;
}

async Task<int> PersistAsync()
{
    var step = Step.Start();
    var corpus = Corpus.Build(fixture, Option("statements", 300_000), Option("distinct", 50_000), seed);
    var matcher = new Matcher(new MatcherOptions { Clock = TimeProvider.System });
    foreach (var p in corpus.Advisories)
    {
        matcher.LoadAdvisory(p);
    }

    // The real KEV catalog: its CVEs that the Debian advisories name are flagged, as after a KEV import.
    var kev = KevReader.ReadJson(File.ReadAllBytes(Path.Combine(root, "tests", "fixtures", "kev", "known_exploited_vulnerabilities.json")), DateTimeOffset.UnixEpoch);
    matcher.SetKnownExploited(kev.Entries.Items.Select(k => k.CveId));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"advisories: {corpus.Advisories.Count:N0} documents, {corpus.Statements:N0} statements prepared and loaded: {step.Stop()}"));

    // The findings' clock: first seen --days-ago days ago (default 45), so that part of them is overdue, as in a real
    // board some weeks after Patchpeil was installed.
    var clock = new ShiftedClock(TimeSpan.FromDays(-Option("days-ago", 45)));
    await using var app = PatchpeilApp.Build(Builder(database));
    await using var scope = app.Services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("matching");
    var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(); // a database seeded by an older build
    if (await db.Set<AssetFinding>().AnyAsync())
    {
        Console.Error.WriteLine("The database holds findings already: persist measures the first write (copy the seeded database first).");
        return 1;
    }

    step = Step.Start();
    var assets = await MatchInputs.AssetsAsync(db, null, default);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inventory read back (MatchInputs.AssetsAsync): {assets.Count:N0} assets, {assets.Sum(a => a.Asset.Components.Count):N0} components: {step.Stop()}"));

    step = Step.Start();
    foreach (var (asset, _, _) in assets)
    {
        matcher.LoadAsset(asset);
    }

    matcher.RematchAll();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"devices loaded and matched: {matcher.DistinctComponentCount:N0} distinct components: {step.Stop()}"));

    step = Step.Start();
    var desired = assets.ToDictionary(a => Guid.Parse(a.Asset.AssetId), a => matcher.FindingsFor(a.Asset.AssetId));
    var snapshots = assets.ToDictionary(a => Guid.Parse(a.Asset.AssetId), a => a.SnapshotId);
    var total = desired.Values.Sum(f => f.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"findings materialised: {total:N0}: {step.Stop()}"));

    var writer = new FindingWriter(db, scope.ServiceProvider.GetRequiredService<IPatchPolicyService>(), clock);
    step = Step.Start();
    var written = await writer.ReconcileAsync(desired, snapshots, "matching:full", default);
    var persisted = step.Stop();
    var rows = await db.Set<AssetFinding>().CountAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first persistence of all findings (FindingWriter.ReconcileAsync): {written}; {rows:N0} rows stored: {persisted}"));
    Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MB");
    return rows == written.Created ? 0 : 1;
}

async Task<int> HttpAsync()
{
    var requests = Option("requests", 40);
    var builder = Builder(database);

    // The findings were matched by `persist` against the in-memory corpus, which this database does not hold as advisories:
    // the host's own matching service would load no advisories at start and resolve them all. It is left out here.
    var matching = builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.DeclaringType?.DeclaringType == typeof(FindingsSetup)).ToList();
    if (matching.Count != 1)
    {
        throw new InvalidOperationException($"Expected the findings' hosted service once, found {matching.Count}.");
    }

    builder.Services.Remove(matching[0]);
    await using var app = PatchpeilApp.Build(builder);
    await app.StartAsync();
    var url = app.Urls.First();
    Guid schoolId;
    string token;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("bench");
        var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
        var organisation = await db.Organisations.SingleAsync();
        schoolId = (await db.Schools.OrderBy(s => s.Name).FirstAsync()).Id;
        var user = await db.Users.SingleAsync(u => u.Email == AdminEmail);
        (token, var prefix, var hash) = ApiTokenFormat.Create();
        db.ApiTokens.Add(new ApiToken { OrganisationId = organisation.Id, UserId = user.Id, Name = "bench", Prefix = prefix, Hash = hash, Role = Role.Administrator, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        var stored = await db.Set<AssetFinding>().CountAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"findings stored: {stored:N0}"));
    }

    using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
    browser.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("nl"));
    var signIn = await browser.GetStringAsync("/account/signin");
    var antiforgery = WebUtility.HtmlDecode(Regex.Match(signIn, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
    using (var response = await browser.PostAsync("/account/signin", new FormUrlEncodedContent([new("Input.Email", AdminEmail), new("Input.Password", AdminPassword), new("__RequestVerificationToken", antiforgery)])))
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
    }

    using var api = new HttpClient { BaseAddress = new Uri(url) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var school = schoolId.ToString("D");
    var cases = new (string Name, HttpClient Client, string Path)[]
    {
        ("dashboard page", browser, "/"),
        ("findings page", browser, "/findings"),
        ("findings page, priority P2", browser, "/findings?priority=P2"),
        ("findings page, overdue", browser, "/findings?overdue=true"),
        ("findings page, KEV", browser, "/findings?kev=true"),
        ("findings page, school", browser, "/findings?schoolId=" + school),
        ("API list, open", api, "/api/v1/findings?active=true"),
        ("API list, priority P2", api, "/api/v1/findings?active=true&priority=P2"),
        ("API list, overdue", api, "/api/v1/findings?overdue=true"),
        ("API list, KEV", api, "/api/v1/findings?active=true&kev=true"),
        ("API list, school", api, "/api/v1/findings?active=true&schoolId=" + school),
        ("API counts", api, "/api/v1/findings/counts?active=true"),
    };
    var only = options.GetValueOrDefault("only");
    Console.WriteLine($"{"endpoint",-30} {"requests",8} {"p50 ms",8} {"p95 ms",8} {"max ms",8} {"CPU ms/req",10}  path");
    foreach (var (name, client, path) in cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
    {
        for (var i = 0; i < 3; i++)
        {
            await GetAsync(client, path); // warm-up: JIT, plan cache, pages in the OS cache
        }

        var times = new List<double>(requests);
        var cpu = Environment.CpuUsage.TotalTime;
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await GetAsync(client, path);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var cpuPer = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / requests;
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-30} {requests,8} {P(0.5),8:F1} {P(0.95),8:F1} {times[^1],8:F1} {cpuPer,10:F1}  {path}"));
    }

    await app.StopAsync();
    return 0;
}

static async Task GetAsync(HttpClient client, string path)
{
    using var response = await client.GetAsync(path);
    var body = await response.Content.ReadAsByteArrayAsync();
    if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
    {
        throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
    }
}

static WebApplicationBuilder Builder(string database) => PatchpeilApp.CreateBuilder(
    ["--urls", "http://127.0.0.1:0", "--ConnectionStrings:Patchpeil", database, "--Logging:LogLevel:Default", "Warning"]);

static string Provider(string database) => database.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? "PostgreSQL" : "SQLite";

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Patchpeil.slnx")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

/// <summary>Wall time and the CPU time (user + system) of the whole process meanwhile, GC and the database driver's threads included.</summary>
internal readonly struct Step
{
    private readonly long _started;
    private readonly TimeSpan _cpu;

    private Step(long started, TimeSpan cpu)
    {
        _started = started;
        _cpu = cpu;
    }

    public static Step Start() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    public string Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cpu = Environment.CpuUsage;
        var total = (cpu.TotalTime - _cpu).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{wall:F1} s wall, {total:F1} s CPU");
    }
}

/// <summary>The system clock shifted by a fixed amount (findings "first seen" some weeks ago).</summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
}
