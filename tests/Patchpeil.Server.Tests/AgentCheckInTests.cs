using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Agent.Linux;
using Patchpeil.Contracts;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>Enrollment and the check-in API over real HTTP (Kestrel on 127.0.0.1), with this machine's real inventory.</summary>
public abstract class AgentCheckInTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static readonly Lazy<Task<AgentReport>> ThisMachine = new(() => new LinuxCollector("/", TimeProvider.System).CollectAsync());
    private bool _started;

    internal static async Task<AgentReport> RealReportAsync(DeviceIdentity? device = null)
    {
        if (!File.Exists("/var/lib/dpkg/status"))
        {
            Assert.Skip("Not a Debian or Ubuntu machine: no dpkg database to report.");
        }

        var report = await ThisMachine.Value;
        return report with { ReportId = Guid.NewGuid(), Device = device ?? report.Device };
    }

    private static AgentReport SmallReport(DeviceIdentity device, params InstalledItem[] software) =>
        new(Guid.NewGuid(), DateTime.UtcNow, "1.0.0", true, device,
            new OperatingSystemInfo("linux", "Debian GNU/Linux 12 (bookworm)", null, "12", null, "debian", "12", "6.1.0-28-amd64", null, false),
            software, [], [], []);

    private static readonly InstalledItem Openssl = new("dpkg", "openssl", "3.0.15-1~deb12u1", null, "amd64", "openssl", null);
    private static readonly InstalledItem Bash = new("dpkg", "bash", "5.2.15-2+b7", null, "amd64", "bash", "5.2.15-2");

    private async Task<PatchpeilFactory> StartAsync()
    {
        var app = await AppAsync();
        if (!_started)
        {
            app.UseKestrel(0);
            app.StartServer();
            _started = true;
        }

        return app;
    }

    /// <summary>A browser-like client (cookies, no redirects) signed in through the real form on the Kestrel server.</summary>
    internal static async Task<HttpClient> SignedInAsync(PatchpeilFactory app, TestOrganisation organisation)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = app.ClientOptions.BaseAddress };
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("nl"));
        using var response = await client.SignInAsync(organisation.AdminEmail, TestOrganisation.Password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return client;
    }

    private static HttpClient Anonymous(PatchpeilFactory app) => new() { BaseAddress = app.ClientOptions.BaseAddress };

    private static HttpClient DeviceClient(PatchpeilFactory app, string key)
    {
        var http = Anonymous(app);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<string> SecretAsync(TestOrganisation organisation, DateTime? expires = null)
    {
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        var created = await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Uitrol laptops", null, expires));
        return created.Secret!;
    }

    private static Task<HttpResponseMessage> EnrollRawAsync(PatchpeilFactory app, string secret, DeviceIdentity device) =>
        Anonymous(app).PostAsJsonAsync("/api/v1/agent/enroll", new AgentEnrollRequest(secret, device, "1.0.0"), PatchpeilClient.JsonOptions);

    private static async Task<AgentEnrollResponse> EnrollAsync(PatchpeilFactory app, string secret, DeviceIdentity device)
    {
        using var response = await EnrollRawAsync(app, secret, device);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AgentEnrollResponse>(PatchpeilClient.JsonOptions))!;
    }

    private static Task<HttpResponseMessage> ReportRawAsync(PatchpeilFactory app, string key, AgentReport report) =>
        DeviceClient(app, key).PostAsJsonAsync("/api/v1/agent/reports", report, PatchpeilClient.JsonOptions);

    private static Task<HttpResponseMessage> PostJsonTextAsync(PatchpeilFactory app, string key, string json) =>
        DeviceClient(app, key).PostAsync("/api/v1/agent/reports", new StringContent(json, Encoding.UTF8, "application/json"));

    private static Task<int> CountAsync<T>(PatchpeilFactory app)
        where T : class =>
        app.WithSystemAsync((_, db) => db.Set<T>().CountAsync());

    private static DeviceIdentity Laptop(string uuid, string hostname = "lln-laptop-001") => new(hostname, uuid, null, null);

    [Fact]
    public async Task SoftwareAgentsReportThatNothingIdentifiesIsListedForReviewAndAMappingTakesItOff()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Agents");
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var windows = new OperatingSystemInfo("windows", "Windows 11 Education", "Education", "23H2", "22631.4037", null, null, null, null, false);
        InstalledItem Registry(string name, string version, string publisher) => new("windows-registry", name, version, publisher);
        async Task ReportAsync(TestOrganisation owner, string uuid, params InstalledItem[] software)
        {
            var device = Laptop(uuid, "pc-" + uuid[..4]);
            var key = (await EnrollAsync(app, await SecretAsync(owner), device)).DeviceKey;
            var report = new AgentReport(Guid.NewGuid(), DateTime.UtcNow, "1.0.0", true, device, windows, software, [], [], []);
            using var response = await ReportRawAsync(app, key, report);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Two identical classroom images and a teacher's laptop; the catalog knows Firefox and 7-Zip, not the lesson software.
        InstalledItem[] classroom = [Registry("Mozilla Firefox (x64 nl)", "131.0", "Mozilla"), Registry("Lesmethode Rekenrijk Desktop", "4.5", "Noordhoff"), Registry("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov")];
        await ReportAsync(organisation, "11111111-0000-0000-0000-000000000001", classroom);
        await ReportAsync(organisation, "11111111-0000-0000-0000-000000000002", classroom);
        await ReportAsync(organisation, "11111111-0000-0000-0000-000000000003", Registry("Lesmethode Rekenrijk Desktop", "4.6", "Noordhoff"), Registry("Digibordsoftware", "2.1", "Prowise"));
        await ReportAsync(other, "22222222-0000-0000-0000-000000000001", Registry("Alleen Bij De Buren", "1.0", "Elders"));

        var http = await organisation.ApiClientAsync();
        var unmapped = await http.GetFromJsonAsync<PagedResult<UnmappedSoftwareDto>>("/api/v1/software/unmapped", PatchpeilClient.JsonOptions);
        Assert.Equal(
            [("Lesmethode Rekenrijk Desktop", "Noordhoff", 3, 3, "4.6"), ("Digibordsoftware", "Prowise", 1, 1, "2.1")],
            unmapped!.Items.Select(u => (u.Name, u.Publisher, u.Occurrences, u.Assets, u.ExampleVersion)));
        Assert.Equal(2, unmapped.Total);

        var created = await http.PostAsJsonAsync("/api/v1/software/mappings",
            new SoftwareMappingInput("Lesmethode Rekenrijk*", "Noordhoff", "cpe:2.3:a:noordhoff:rekenrijk", "generic", null), PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        unmapped = await http.GetFromJsonAsync<PagedResult<UnmappedSoftwareDto>>("/api/v1/software/unmapped", PatchpeilClient.JsonOptions);
        Assert.Equal(["Digibordsoftware"], unmapped!.Items.Select(u => u.Name));

        var page = await (await SignedInAsync(app, organisation)).GetStringAsync("/software/unmapped", TestContext.Current.CancellationToken);
        Assert.Contains("Digibordsoftware", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Alleen Bij De Buren", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrolledMachineReportsAndItsRealPackagesShowOnTheAsset()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Agent");
        var report = await RealReportAsync();
        var secret = await SecretAsync(organisation);
        var enrolled = await EnrollAsync(app, secret, report.Device);
        Assert.False(enrolled.Reenrolled);

        using var response = await ReportRawAsync(app, enrolled.DeviceKey, report);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions))!;
        Assert.False(result.Replayed);
        Assert.Equal(enrolled.AssetId, result.AssetId);
        Assert.Equal(InventoryHash.Of(report.Software), result.InventoryHash);

        var stored = await app.WithSystemAsync(async (_, db) => await db.Set<InventorySetItem>().CountAsync());
        Assert.Equal(report.Software.Distinct().Count(), stored);
        var asset = await new PatchpeilClient(await organisation.ApiClientAsync()).GetAssetAsync(enrolled.AssetId);
        Assert.Equal(report.OperatingSystem.Name, asset.Platform);

        // What a person sees: the machine's own packages, with their versions, on the asset's page.
        var browser = await SignedInAsync(app, organisation);
        var sample = report.Software.First(i => i.Name.StartsWith("lib", StringComparison.Ordinal));
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/assets/{enrolled.AssetId}?q={Uri.EscapeDataString(sample.Name)}"));
        Assert.Contains($"<th scope=\"row\">{sample.Name}</th>", html, StringComparison.Ordinal);
        Assert.Contains($"<code>{sample.Version}</code>", html, StringComparison.Ordinal);
        Assert.Contains(report.OperatingSystem.Name, html, StringComparison.Ordinal);
        var other = report.Software.First(i => !i.Name.Contains(sample.Name, StringComparison.OrdinalIgnoreCase) && !(i.SourcePackage ?? "").Contains(sample.Name, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain($"<th scope=\"row\">{other.Name}</th>", html, StringComparison.Ordinal);

        // The list shows when it was last seen, and the "not seen for 7 days" filter leaves it out.
        var list = await browser.GetStringAsync("/assets");
        Assert.Contains($"href=\"/assets/{enrolled.AssetId}\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/assets/{enrolled.AssetId}\"", await browser.GetStringAsync("/assets?notSeenDays=7"), StringComparison.Ordinal);
        await app.WithSystemAsync(async (_, db) => await db.Assets.Where(a => a.Id == enrolled.AssetId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenUtc, DateTime.UtcNow.AddDays(-10))));
        Assert.Contains($"href=\"/assets/{enrolled.AssetId}\"", await browser.GetStringAsync("/assets?notSeenDays=7"), StringComparison.Ordinal);

        // The log saw the enrollment and the report, but neither the enrollment secret nor the device key.
        var logs = app.Logs.Messages.ToList();
        Assert.Contains(logs, m => m.Contains("/api/v1/agent/enroll", StringComparison.Ordinal));
        Assert.Contains(logs, m => m.Contains("/api/v1/agent/reports", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, m => m.Contains(secret, StringComparison.Ordinal) || m.Contains(enrolled.DeviceKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordedWindowsReportShowsWhatWindowsUpdateHasPendingOnTheAsset()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Windows");
        var folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent", "windows11-education");
        var report = Patchpeil.Agent.Windows.WindowsCollector.FromFolder(folder, TimeProvider.System).Report;
        Assert.Equal(4, report.PendingUpdates.Count);

        // A security update with Microsoft's severity, as a device a month later would report it.
        var critical = new PendingUpdate("2024-12 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5048685)", "", "KB5048685", "Windows Update: Security Updates", "Critical");
        report = report with { PendingUpdates = [critical, .. report.PendingUpdates] };
        var enrolled = await EnrollAsync(app, await SecretAsync(organisation), report.Device);
        using (var response = await ReportRawAsync(app, enrolled.DeviceKey, report))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var browser = await SignedInAsync(app, organisation);
        var html = System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(await browser.GetStringAsync($"/assets/{enrolled.AssetId}")), @">\s+<", "><");
        Assert.Contains("<h2>Klaarstaande updates</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Ernst</th>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr><th scope=\"row\">{critical.Name}</th><td><code></code></td><td><code>KB5048685</code></td><td>Windows Update: Security Updates</td><td>Critical</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Intel Corporation - Display - 31.0.101.5382</th><td><code></code></td><td><code></code></td><td>Windows Update: Drivers</td><td></td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td><code>KB5046732</code></td>", html, StringComparison.Ordinal);

        // A severity longer than the contract allows is refused with the field named.
        var tooLong = report with { ReportId = Guid.NewGuid(), PendingUpdates = [critical with { Severity = new string('x', 33) }] };
        using var refused = await ReportRawAsync(app, enrolled.DeviceKey, tooLong);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("pendingUpdates[0].severity", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedReportReturnsTheEarlierResultAndUnchangedInventoryIsOnlyASeenRow()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Herhaling");
        var enrolled = await EnrollAsync(app, await SecretAsync(organisation), Laptop("4c4c4544-0042-3510-8051-b4c04f4d3232"));
        var report = SmallReport(Laptop("4c4c4544-0042-3510-8051-b4c04f4d3232"), Openssl, Bash);

        var first = await (await ReportRawAsync(app, enrolled.DeviceKey, report)).Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);
        var replay = await (await ReportRawAsync(app, enrolled.DeviceKey, report)).Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);
        Assert.True(replay!.Replayed);
        Assert.Equal(first!.SnapshotId, replay.SnapshotId);
        Assert.Equal(1, await CountAsync<AssetSnapshot>(app));

        // Same software, new report: one more snapshot row, no new items. Order does not matter.
        var again = await (await ReportRawAsync(app, enrolled.DeviceKey, report with { ReportId = Guid.NewGuid(), Software = [Bash, Openssl] }))
            .Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);
        Assert.True(again!.Unchanged);
        Assert.Equal(2, await CountAsync<AssetSnapshot>(app));
        Assert.Equal(1, await CountAsync<InventorySet>(app));
        Assert.Equal(2, await CountAsync<InventorySetItem>(app));
    }

    [Fact]
    public async Task DeltaAppliesOnTheKnownInventoryAndAWrongBaseAsksForAFullReport()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Delta");
        var device = Laptop("0f8fad5b-d9cb-469f-a165-70867728950e");
        var enrolled = await EnrollAsync(app, await SecretAsync(organisation), device);
        var full = await (await ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Openssl, Bash))).Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);

        var newer = Openssl with { Version = "3.0.16-1~deb12u1" };
        var delta = SmallReport(device, newer) with { Full = false, Delta = new AgentDelta(full!.InventoryHash, [Bash]) };
        var applied = await (await ReportRawAsync(app, enrolled.DeviceKey, delta)).Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);
        Assert.Equal(InventoryHash.Of([newer]), applied!.InventoryHash);

        using var stale = await ReportRawAsync(app, enrolled.DeviceKey, delta with { ReportId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("fullReportRequired", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An administrator can ask for a full report; the answer says so until one arrives.
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        await admin.RequestFullReportAsync(enrolled.DeviceId);
        using var refused = await ReportRawAsync(app, enrolled.DeviceKey, delta with { ReportId = Guid.NewGuid(), Delta = new AgentDelta(applied.InventoryHash, []) });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var accepted = await (await ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, newer))).Content.ReadFromJsonAsync<AgentReportResult>(PatchpeilClient.JsonOptions);
        Assert.False(accepted!.FullReportRequested);
        Assert.True(accepted.Unchanged);
    }

    [Fact]
    public async Task SameHardwareEnrollingAgainKeepsItsAssetAndCloneWithSameHostnameDoesNot()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Klonen");
        var secret = await SecretAsync(organisation);
        var first = await EnrollAsync(app, secret, new DeviceIdentity("lln-042", "A1B2C3D4-0000-4000-8000-000000000001", "SN-1", "m1"));
        var again = await EnrollAsync(app, secret, new DeviceIdentity("lln-042-renamed", "a1b2c3d4-0000-4000-8000-000000000001", "SN-1", "m2"));
        var clone = await EnrollAsync(app, secret, new DeviceIdentity("lln-042", "A1B2C3D4-0000-4000-8000-000000000002", "SN-2", "m1"));

        Assert.True(again.Reenrolled);
        Assert.Equal(first.AssetId, again.AssetId);
        Assert.Equal(first.DeviceId, again.DeviceId);
        Assert.NotEqual(first.AssetId, clone.AssetId);

        // The old key stopped working; the new one works.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReportRawAsync(app, first.DeviceKey, SmallReport(Laptop("a1b2c3d4-0000-4000-8000-000000000001"), Bash))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReportRawAsync(app, again.DeviceKey, SmallReport(Laptop("a1b2c3d4-0000-4000-8000-000000000001"), Bash))).StatusCode);

        // Keys and secrets are stored hashed and appear nowhere in the audit log.
        var (keys, audit) = await app.WithSystemAsync(async (_, db) =>
            (await db.Set<AgentDevice>().Select(d => d.KeyHash).ToListAsync(),
             string.Join('\n', await db.AuditEvents.Select(e => e.Action + " " + e.Before + " " + e.After).ToListAsync())));
        Assert.DoesNotContain(again.DeviceKey, keys);
        Assert.Contains(AgentKeys.HashOf(again.DeviceKey), keys);
        Assert.Contains("AgentDevice.Enrolled", audit, StringComparison.Ordinal);
        Assert.Contains("AgentDevice.Reenrolled", audit, StringComparison.Ordinal);
        Assert.Contains("EnrollmentSecret.Created", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(again.DeviceKey, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedDeviceExpiredAndRevokedSecretsAreRefused()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Intrekken");
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        var device = Laptop("9b2f7a4e-1111-4222-8333-944455556666");
        var secret = await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Kort", null, null));
        var enrolled = await EnrollAsync(app, secret.Secret!, device);

        await admin.RevokeAgentDeviceAsync(enrolled.DeviceId);
        Assert.Equal(HttpStatusCode.Forbidden, (await ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await EnrollRawAsync(app, secret.Secret!, device)).StatusCode);

        await admin.RevokeEnrollmentSecretAsync(secret.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await EnrollRawAsync(app, secret.Secret!, Laptop("9b2f7a4e-1111-4222-8333-000000000001"))).StatusCode);

        var expiring = await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Verloopt", null, DateTime.UtcNow.AddDays(1)));
        await app.WithSystemAsync(async (_, db) => await db.Set<EnrollmentSecret>().Where(s => s.Id == expiring.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await EnrollRawAsync(app, expiring.Secret!, Laptop("9b2f7a4e-1111-4222-8333-000000000002"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await EnrollRawAsync(app, "ppe_" + new string('A', 43), Laptop("9b2f7a4e-1111-4222-8333-000000000003"))).StatusCode);
        Assert.Equal(1, await CountAsync<AgentDevice>(app));

        // Secret expiry beyond a year, or in the past, is refused.
        var tooLong = await (await organisation.ApiClientAsync()).PostAsJsonAsync("/api/v1/agent/enrollment-secrets", new EnrollmentSecretInput("x", null, DateTime.UtcNow.AddYears(2)), PatchpeilClient.JsonOptions);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("expiresUtc", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Only administrators manage secrets.
        var staff = await organisation.ApiClientAsync(Contracts.Role.ITStaff);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/agent/enrollment-secrets")).StatusCode);
    }

    [Fact]
    public async Task TooManyReportsFromOneDeviceAreAnswered429WithRetryAfter()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Haast");
        var secret = await SecretAsync(organisation);
        var device = Laptop("5e8f2c1a-2222-4333-8444-955566667777");
        var enrolled = await EnrollAsync(app, secret, device);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < new AgentOptions().ReportBurst + 1; i++)
        {
            last = await ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash));
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses.SkipLast(1), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // The limit is per device: another device of the same school is not held back.
        var other = Laptop("5e8f2c1a-2222-4333-8444-000000000000");
        var otherEnrolled = await EnrollAsync(app, secret, other);
        Assert.Equal(HttpStatusCode.OK, (await ReportRawAsync(app, otherEnrolled.DeviceKey, SmallReport(other, Bash))).StatusCode);
    }

    [Fact]
    public async Task HostileReportsAreRefusedWithTheFieldNamedAndNothingWritten()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Vijandig");
        var secret = await SecretAsync(organisation);
        var device = Laptop("7d444840-9dc0-11d1-b245-5ffdce74fad2");
        var enrolled = await EnrollAsync(app, secret, device);
        var victim = await EnrollAsync(app, secret, Laptop("7d444840-9dc0-11d1-b245-000000000000", "docent-pc"));
        var victimReport = SmallReport(Laptop("7d444840-9dc0-11d1-b245-000000000000", "docent-pc"), Bash);
        Assert.Equal(HttpStatusCode.OK, (await ReportRawAsync(app, victim.DeviceKey, victimReport)).StatusCode);
        var good = System.Text.Json.JsonSerializer.Serialize(SmallReport(device, new InstalledItem("dpkg", "bash", "5.2.15-2", null, "amd64")), PatchpeilClient.JsonOptions);

        async Task<string> RefusedAsync(HttpStatusCode expected, Task<HttpResponseMessage> send)
        {
            using var response = await send;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
            return body;
        }

        // Huge: refused before it is read.
        var huge = good.Replace("\"software\":[", "\"software\":[" + string.Concat(Enumerable.Repeat("{\"source\":\"dpkg\",\"name\":\"" + new string('x', 400) + "\",\"version\":\"1\"},", 12_000)), StringComparison.Ordinal);
        // (An agent announces its body, as HTTP clients do for large uploads, so the refusal arrives before the upload.)
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/reports") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        hugeRequest.Headers.ExpectContinue = true;
        await RefusedAsync(HttpStatusCode.RequestEntityTooLarge, DeviceClient(app, enrolled.DeviceKey).SendAsync(hugeRequest));

        // Deep: a nesting no report needs.
        var deep = good.Replace("\"agentVersion\":\"1.0.0\"", "\"agentVersion\":\"1.0.0\",\"extra\":" + new string('[', 5000) + new string(']', 5000), StringComparison.Ordinal);
        Assert.Contains("depth", await RefusedAsync(HttpStatusCode.BadRequest, PostJsonTextAsync(app, enrolled.DeviceKey, deep)), StringComparison.OrdinalIgnoreCase);

        // Wrong types and missing fields name the field.
        Assert.Contains("$.software[0].version", await RefusedAsync(HttpStatusCode.BadRequest,
            PostJsonTextAsync(app, enrolled.DeviceKey, good.Replace("\"version\":\"5.2.15-2\"", "\"version\":5", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Contains("$.software", await RefusedAsync(HttpStatusCode.BadRequest,
            PostJsonTextAsync(app, enrolled.DeviceKey, good.Replace("\"software\":[", "\"software\":\"all\",\"x\":[", StringComparison.Ordinal))), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.BadRequest, PostJsonTextAsync(app, enrolled.DeviceKey, good.Replace("\"name\":\"bash\"", "\"name\":null", StringComparison.Ordinal)));
        await RefusedAsync(HttpStatusCode.BadRequest, PostJsonTextAsync(app, enrolled.DeviceKey, "{\"reportId\":\"" + Guid.NewGuid() + "\",\"reportId\":\"" + Guid.NewGuid() + "\"}"));
        Assert.Contains("software[1].name", await RefusedAsync(HttpStatusCode.BadRequest,
            ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash, Bash with { Name = "evil\0name" }))), StringComparison.Ordinal);
        Assert.Contains("software[0].version", await RefusedAsync(HttpStatusCode.BadRequest,
            ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash with { Version = new string('9', 5000) }))), StringComparison.Ordinal);
        Assert.Contains("delta", await RefusedAsync(HttpStatusCode.BadRequest,
            ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash) with { Full = false })), StringComparison.Ordinal);

        // Another device's identity, another device's report id, no key, an API token instead of a device key.
        await RefusedAsync(HttpStatusCode.Forbidden, ReportRawAsync(app, enrolled.DeviceKey, SmallReport(victimReport.Device, Bash)));
        await RefusedAsync(HttpStatusCode.Conflict, ReportRawAsync(app, enrolled.DeviceKey, SmallReport(device, Bash) with { ReportId = victimReport.ReportId }));
        await RefusedAsync(HttpStatusCode.Unauthorized, Anonymous(app).PostAsJsonAsync("/api/v1/agent/reports", SmallReport(device, Bash), PatchpeilClient.JsonOptions));
        var apiToken = (await organisation.ApiClientAsync()).DefaultRequestHeaders.Authorization!.Parameter!;
        await RefusedAsync(HttpStatusCode.Unauthorized, ReportRawAsync(app, apiToken, SmallReport(device, Bash)));

        // Nothing of any of it was stored: only the victim's one snapshot exists, and the device was never seen.
        Assert.Equal(1, await CountAsync<AssetSnapshot>(app));
        Assert.Equal(1, await CountAsync<InventorySetItem>(app));
        Assert.Null((await new PatchpeilClient(await organisation.ApiClientAsync()).GetAgentDevicesAsync()).Single(d => d.Id == enrolled.DeviceId).LastReportUtc);
    }

    [Fact]
    public async Task OrganisationsCannotSeeOrChangeEachOthersSecretsDevicesOrInventories()
    {
        var app = await StartAsync();
        var a = await app.CreateOrganisationAsync("Bestuur A");
        var b = await app.CreateOrganisationAsync("Bestuur B");
        var bAdmin = new PatchpeilClient(await b.ApiClientAsync());
        var bSecret = await bAdmin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Geheim van B", null, null));
        var bDevice = Laptop("11111111-2222-4333-8444-555555555555", "geheim-laptop-b");
        var bEnrolled = await EnrollAsync(app, bSecret.Secret!, bDevice);
        Assert.Equal(HttpStatusCode.OK, (await ReportRawAsync(app, bEnrolled.DeviceKey, SmallReport(bDevice, Openssl, Bash))).StatusCode);

        // A's identical inventory is A's own: inventories are never shared across organisations.
        var aDevice = Laptop("11111111-2222-4333-8444-555555555555", "laptop-a");
        var aEnrolled = await EnrollAsync(app, await SecretAsync(a), aDevice);
        Assert.NotEqual(bEnrolled.AssetId, aEnrolled.AssetId);
        Assert.Equal(HttpStatusCode.OK, (await ReportRawAsync(app, aEnrolled.DeviceKey, SmallReport(aDevice, Openssl, Bash))).StatusCode);
        Assert.Equal(2, await CountAsync<InventorySet>(app));

        var http = await a.ApiClientAsync();
        foreach (var list in new[] { "/api/v1/agent/enrollment-secrets", "/api/v1/agent/devices", "/api/v1/assets" })
        {
            var text = await http.GetStringAsync(list);
            Assert.DoesNotContain(bSecret.Id.ToString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(bEnrolled.DeviceId.ToString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain("geheim", text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"/api/v1/agent/enrollment-secrets/{bSecret.Id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"/api/v1/agent/devices/{bEnrolled.DeviceId}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"/api/v1/agent/devices/{bEnrolled.DeviceId}/request-full", null)).StatusCode);
        var browser = await SignedInAsync(app, a);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/assets/{bEnrolled.AssetId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/assets/revoke-agent/{bEnrolled.AssetId}")).StatusCode);
        var token = await browser.AntiforgeryTokenAsync($"/assets/revoke-agent/{aEnrolled.AssetId}");
        foreach (var path in new[] { $"/assets/revoke-agent/{bEnrolled.AssetId}", $"/assets/{bEnrolled.AssetId}?handler=requestFull" })
        {
            var post = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        // A's own device: revoked after the confirmation page, and then refused.
        var revoked = await browser.PostAsync($"/assets/revoke-agent/{aEnrolled.AssetId}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ReportRawAsync(app, aEnrolled.DeviceKey, SmallReport(aDevice, Bash))).StatusCode);
        Assert.DoesNotContain("Geheim van B", await browser.GetStringAsync("/settings/enrollment"), StringComparison.Ordinal);
        Assert.DoesNotContain("geheim-laptop-b", await browser.GetStringAsync("/assets"), StringComparison.Ordinal);

        var untouched = (await bAdmin.GetAgentDevicesAsync()).Single();
        Assert.Null(untouched.RevokedUtc);
        Assert.False(untouched.FullReportRequested);
    }
}

public sealed class AgentCheckInTestsSqlite(PostgresServer postgres) : AgentCheckInTests(postgres, Provider.Sqlite);

public sealed class AgentCheckInTestsPostgres(PostgresServer postgres) : AgentCheckInTests(postgres, Provider.Postgres);
