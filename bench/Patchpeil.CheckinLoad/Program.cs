using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;

// Check-in load over loopback: starts the real server (Kestrel on 127.0.0.1, the database given), enrolls --devices
// devices through the API, then lets --concurrency clients send ≈250-item reports for --seconds and prints
// throughput and latency percentiles. Modes: unchanged (same software each time, the common case), changed (one
// package version changes per report, so every report stores a new inventory), delta (unchanged, sent as an empty delta).
//
//   dotnet run -c Release --project bench/Patchpeil.CheckinLoad -- --database "Data Source=/tmp/bench.db" --mode unchanged
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.i + 1 < args.Length)
    .ToDictionary(x => x.a[2..], x => args[x.i + 1], StringComparer.Ordinal);
var database = options.GetValueOrDefault("database") ?? $"Data Source={Path.Combine(Path.GetTempPath(), $"patchpeil-bench-{Guid.NewGuid():N}.db")}";
var devices = int.Parse(options.GetValueOrDefault("devices") ?? "200", CultureInfo.InvariantCulture);
var concurrency = int.Parse(options.GetValueOrDefault("concurrency") ?? "16", CultureInfo.InvariantCulture);
var seconds = int.Parse(options.GetValueOrDefault("seconds") ?? "15", CultureInfo.InvariantCulture);
var items = int.Parse(options.GetValueOrDefault("items") ?? "250", CultureInfo.InvariantCulture);
var mode = options.GetValueOrDefault("mode") ?? "unchanged";

var builder = PatchpeilApp.CreateBuilder(["--urls", "http://127.0.0.1:0", "--ConnectionStrings:Patchpeil", database,
    "--Agents:ReportBurst", "1000000", "--Agents:ReportPeriodSeconds", "1", "--Logging:LogLevel:Default", "Warning"]);
await using var app = PatchpeilApp.Build(builder);
await app.StartAsync();
var url = app.Urls.First();

// One organisation with an administrator and an enrollment secret, made the way the command line does.
string secret;
await using (var scope = app.Services.CreateAsyncScope())
{
    scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("bench");
    var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
    var organisation = new Organisation { Name = "Bench", CreatedUtc = DateTime.UtcNow };
    db.Organisations.Add(organisation);
    await db.SaveChangesAsync();
    await scope.ServiceProvider.GetRequiredService<AccountService>().AddMemberAsync($"bench-{Guid.NewGuid():N}@example.nl", "bench password 123", organisation.Id, Role.Administrator);
    (secret, var row) = AgentApi.NewSecret("bench", null, DateTime.UtcNow.AddDays(1), DateTime.UtcNow);
    row.OrganisationId = organisation.Id;
    db.Set<EnrollmentSecret>().Add(row);
    await db.SaveChangesAsync();
}

var software = RealisticSoftware(items);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(url) };
var keys = new (string Key, DeviceIdentity Device)[devices];
for (var i = 0; i < devices; i++)
{
    var device = new DeviceIdentity($"lln-laptop-{i:D4}", Guid.NewGuid().ToString(), $"SN{i:D6}", null);
    var response = await http.PostAsJsonAsync("/api/v1/agent/enroll", new AgentEnrollRequest(secret, device, "bench"), PatchpeilClient.JsonOptions);
    keys[i] = ((await response.Content.ReadFromJsonAsync<AgentEnrollResponse>(PatchpeilClient.JsonOptions))!.DeviceKey, device);
}

// Every device first sends its full inventory (also the warm-up), so the measured reports find a known base.
var hashes = new string[devices];
var os = new OperatingSystemInfo("linux", "Debian GNU/Linux 12 (bookworm)", null, "12", null, "debian", "12", "6.1.0-28-amd64", DateTime.UtcNow.AddDays(-1), false);
for (var i = 0; i < devices; i++)
{
    hashes[i] = (await SendAsync(i, Report(i, full: true, software))).Result!.InventoryHash;
}

var warmup = int.Parse(options.GetValueOrDefault("warmup") ?? "10", CultureInfo.InvariantCulture);
var latencies = new List<double>[concurrency];
var failures = 0;
var sent = 0;

// The same load, unmeasured, until the JIT has compiled the hot paths with full optimisation (tiered compilation),
// as on a server that has been running for a while.
await LoadAsync(warmup);
(failures, sent) = (0, 0);
var cpuBefore = Environment.CpuUsage.TotalTime;
var started = Stopwatch.GetTimestamp();
await LoadAsync(seconds);
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
var cpuPerReport = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / Math.Max(1, sent);
var all = latencies.SelectMany(l => l).Order().ToArray();
double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
var provider = database.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? "postgresql" : "sqlite";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{provider} mode={mode} items={software.Count} devices={devices} concurrency={concurrency}: {sent} reports in {elapsed:F1} s = {sent / elapsed:F0}/s, failures {failures}, latency p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms, max {all[^1]:F1} ms; CPU {cpuPerReport:F2} ms per report (server and load generator together) = at most {2000 / cpuPerReport:F0}/s on 2 idle cores"));
await using (var scope = app.Services.CreateAsyncScope())
{
    scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("bench");
    var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
    var (snapshots, sets, setItems) = (await db.Set<AssetSnapshot>().CountAsync(), await db.Set<InventorySet>().CountAsync(), await db.Set<InventorySetItem>().CountAsync());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored: {snapshots} snapshots, {sets} inventory sets, {setItems} items"));
}

await app.StopAsync();
return failures == 0 ? 0 : 1;

async Task LoadAsync(int duration)
{
    var stopAt = Stopwatch.GetTimestamp() + (long)(duration * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
    {
        latencies[worker] = [];
        for (var n = worker; Stopwatch.GetTimestamp() < stopAt; n += concurrency)
        {
            var device = n % devices;
            var report = mode switch
            {
                "changed" => Report(device, true, software.Select((s, j) => j == n % software.Count ? s with { Version = s.Version + "+b" + n.ToString(CultureInfo.InvariantCulture) } : s).ToList()),
                "delta" => Report(device, false, []) with { Delta = new AgentDelta(hashes[device], []) },
                _ => Report(device, true, software),
            };
            var begin = Stopwatch.GetTimestamp();
            var (ok, _) = await SendAsync(device, report);
            latencies[worker].Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            if (!ok)
            {
                Interlocked.Increment(ref failures);
            }

            Interlocked.Increment(ref sent);
        }
    })));
}

AgentReport Report(int device, bool full, IReadOnlyList<InstalledItem> items) =>
    new(Guid.NewGuid(), DateTime.UtcNow, "bench", full, keys[device].Device, os, items, [], [], []);

async Task<(bool Ok, AgentReportResult? Result)> SendAsync(int device, AgentReport report)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/reports") { Content = JsonContent.Create(report, options: PatchpeilClient.JsonOptions) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[device].Key);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode ? (true, await response.Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions)) : (false, null);
}

// This machine's dpkg packages when there are enough, else generated ones shaped like them.
static List<InstalledItem> RealisticSoftware(int count)
{
    var result = new List<InstalledItem>();
    if (File.Exists("/var/lib/dpkg/status"))
    {
        string? name = null, version = null, arch = null, source = null;
        foreach (var line in File.ReadLines("/var/lib/dpkg/status").Append(""))
        {
            if (line.Length == 0)
            {
                if (name is not null && version is not null)
                {
                    result.Add(new InstalledItem("dpkg", name, version, null, arch, source ?? name, null));
                }

                (name, version, arch, source) = (null, null, null, null);
            }
            else if (line.StartsWith("Package: ", StringComparison.Ordinal)) { name = line[9..]; }
            else if (line.StartsWith("Version: ", StringComparison.Ordinal)) { version = line[9..]; }
            else if (line.StartsWith("Architecture: ", StringComparison.Ordinal)) { arch = line[14..]; }
            else if (line.StartsWith("Source: ", StringComparison.Ordinal)) { source = line[8..].Split(' ')[0]; }
        }
    }

    for (var i = result.Count; i < count; i++)
    {
        result.Add(new InstalledItem("dpkg", $"libexample{i}", $"1.{i % 17}.{i % 5}-{i % 3 + 1}+deb12u1", null, "amd64", $"example{i}", null));
    }

    return result.Take(count).ToList();
}
