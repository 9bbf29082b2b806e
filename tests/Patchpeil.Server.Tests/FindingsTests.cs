using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Findings end to end: a real Ubuntu OSV record (regreSSHion, CVE-2024-6387) and agent reports of an Ubuntu 22.04
/// machine with the vulnerable and the fixed openssh, through the real check-in API and the matching jobs.
/// </summary>
public abstract class FindingsTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private const string Advisory = "fixtures/osv/ubuntu/UBUNTU-CVE-2024-6387.json";
    private const string Vulnerable = "1:8.9p1-3ubuntu0.7";
    private const string AlsoVulnerable = "1:8.9p1-3ubuntu0.5";
    private const string Fixed = "1:8.9p1-3ubuntu0.10";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    private async Task<PatchpeilFactory> StartAsync()
    {
        var app = await AppAsync();
        if (app.TestServices.Count == 0)
        {
            app.TestServices.Add(services => services.AddSingleton<TimeProvider>(_time));
        }

        await Jobs(app).IdleAsync(); // the start-up load
        return app;
    }

    private static IFindingsJobs Jobs(PatchpeilFactory app) => app.Services.GetRequiredService<IFindingsJobs>();

    private static async Task ImportAdvisoryAsync(PatchpeilFactory app) =>
        await app.WithSystemAsync(async (sp, _) => await sp.GetRequiredService<FeedImporter>().ImportPathAsync(Advisory));

    private sealed record Device(HttpClient Http, PatchpeilClient Client, DeviceIdentity Identity, Guid AssetId);

    private static async Task<Device> EnrollAsync(PatchpeilFactory app, TestOrganisation organisation, string hostname)
    {
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        var secret = (await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("Uitrol", null, null))).Secret!;
        var identity = new DeviceIdentity(hostname, Guid.NewGuid().ToString(), "SN-" + hostname, null);
        var enrolled = await new PatchpeilClient(app.CreateClient()).EnrollAgentAsync(new AgentEnrollRequest(secret, identity, "1.0.0"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", enrolled.DeviceKey);
        return new Device(http, new PatchpeilClient(http), identity, enrolled.AssetId);
    }

    private async Task<AgentReportResult> ReportAsync(PatchpeilFactory app, Device device, string opensshVersion)
    {
        var report = new AgentReport(Guid.NewGuid(), _time.GetUtcNow().UtcDateTime, "1.0.0", true, device.Identity,
            new OperatingSystemInfo("linux", "Ubuntu 22.04.4 LTS", null, "22.04", null, "ubuntu", "22.04", "5.15.0-107-generic", null, false),
            [
                new InstalledItem("dpkg", "openssh-server", opensshVersion, null, "amd64", "openssh", null),
                new InstalledItem("dpkg", "bash", "5.1-6ubuntu1.1", null, "amd64", "bash", null),
            ],
            [], [], []);
        var result = await device.Client.SendAgentReportAsync(report);
        await Jobs(app).IdleAsync();
        return result;
    }

    private static async Task<List<AssetFinding>> FindingsAsync(PatchpeilFactory app, Guid assetId) =>
        await app.WithSystemAsync(async (_, db) => await db.Set<AssetFinding>().AsNoTracking().Where(f => f.AssetId == assetId).ToListAsync());

    [Fact]
    public async Task VulnerableReportRaisesExplainedFindingThatAFixedReportResolvesAndStaffVerify()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Bevindingen");
        var api = new PatchpeilClient(await organisation.ApiClientAsync());
        var device = await EnrollAsync(app, organisation, "srv-web-01");

        await ReportAsync(app, device, Vulnerable);
        var list = await api.GetFindingsAsync("active=true");
        var dto = Assert.Single(list.Items);
        Assert.Equal("CVE-2024-6387", dto.Subject);
        Assert.Equal(device.AssetId, dto.AssetId);
        Assert.Equal("Vulnerable", dto.Kind);
        Assert.Equal(FindingState.Open, dto.State);
        Assert.Equal("P2", dto.Priority); // CVSS 8.1 from the record; not in KEV
        Assert.Equal(8.1m, dto.Cvss);
        var firstSeen = _time.GetUtcNow().UtcDateTime;
        Assert.Equal(firstSeen, dto.FirstSeenUtc);
        Assert.Equal(firstSeen + DeadlineMatrix.Default.ByPriority[Priority.P2], dto.DeadlineUtc);

        var detail = await api.GetFindingAsync(dto.Id);
        Assert.Equal("UBUNTU-CVE-2024-6387", detail.Finding.DocumentId);
        Assert.Equal(Vulnerable, detail.ComparedVersion);
        Assert.Contains(Fixed, detail.Range, StringComparison.Ordinal);
        Assert.NotEmpty(detail.Rule);
        Assert.NotEmpty(detail.Comparisons);
        Assert.Equal("High", detail.Confidence);
        Assert.Contains(detail.PriorityReasons, r => r.Code == "cvss-high" && r.Detail.StartsWith("8.1", StringComparison.Ordinal));
        Assert.Equal(0, detail.PolicyVersion);
        Assert.Null(detail.PolicyVersionId);

        // The fixed version arrives: resolved, with that report's snapshot as the evidence.
        _time.Advance(TimeSpan.FromDays(2));
        var fixedReport = await ReportAsync(app, device, Fixed);
        detail = await api.GetFindingAsync(dto.Id);
        Assert.Equal(FindingState.Resolved, detail.Finding.State);
        Assert.Equal(fixedReport.SnapshotId, detail.ResolvedBySnapshotId);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, detail.ResolvedUtc);
        Assert.Empty((await api.GetFindingsAsync("active=true")).Items);

        detail = await api.TransitionFindingAsync(dto.Id, "verify");
        Assert.Equal(FindingState.Verified, detail.Finding.State);
        Assert.StartsWith(organisation.AdminEmail, detail.VerifiedBy, StringComparison.Ordinal);
        Assert.Equal(["resolved", "verify"], detail.History.Select(h => h.Action));
        Assert.Equal(fixedReport.SnapshotId, detail.History[0].SnapshotId);

        // A second verify is refused: only a resolved finding can be verified.
        var again = await Assert.ThrowsAsync<PatchpeilApiException>(() => api.TransitionFindingAsync(dto.Id, "verify"));
        Assert.Equal(422, again.StatusCode);

        var audit = await app.WithSystemAsync(async (_, db) => await db.AuditEvents.AsNoTracking().Where(e => e.EntityId == dto.Id.ToString()).ToListAsync());
        var verified = Assert.Single(audit, e => e.Action == "AssetFinding.Changed");
        Assert.StartsWith(organisation.AdminEmail, verified.Actor, StringComparison.Ordinal);
        Assert.Contains("state=Verified", verified.After, StringComparison.Ordinal);
        Assert.Equal(organisation.Id, verified.OrganisationId);
    }

    [Fact]
    public async Task AdvisoryImportedAfterTheReportRaisesTheFindingThroughTheAdvisoryJob()
    {
        var app = await StartAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Later Advies");
        var device = await EnrollAsync(app, organisation, "srv-late");
        await ReportAsync(app, device, Vulnerable);
        Assert.Empty(await FindingsAsync(app, device.AssetId));

        await ImportAdvisoryAsync(app);
        await Jobs(app).IdleAsync();
        var finding = Assert.Single(await FindingsAsync(app, device.AssetId));
        Assert.Equal("CVE-2024-6387", finding.Subject);
        Assert.Equal(Vulnerable, finding.Version);
        Assert.Equal(FindingState.Open, finding.State);

        // A machine that already has the fix gets nothing.
        var patched = await EnrollAsync(app, organisation, "srv-patched");
        await ReportAsync(app, patched, Fixed);
        Assert.Empty(await FindingsAsync(app, patched.AssetId));
    }

    [Fact]
    public async Task PolicyChangeRecomputesDeadlinesAndRecordsTheNewVersion()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Beleid");
        var device = await EnrollAsync(app, organisation, "srv-policy");
        await ReportAsync(app, device, Vulnerable);
        var before = Assert.Single(await FindingsAsync(app, device.AssetId));

        var versionId = Guid.NewGuid();
        var matrix = DeadlineMatrix.Default with { ByPriority = new Dictionary<Priority, TimeSpan>(DeadlineMatrix.Default.ByPriority) { [Priority.P2] = TimeSpan.FromDays(3) } };
        await app.Services.GetRequiredService<IPolicyChangeListener>().PolicyChangedAsync(organisation.Id, new PolicyInEffect(versionId, 2, matrix, [6, 3]));
        await Jobs(app).IdleAsync();

        var after = Assert.Single(await FindingsAsync(app, device.AssetId));
        Assert.Equal(before.FirstSeenUtc + TimeSpan.FromDays(3), after.DeadlineUtc);
        Assert.Equal(2, after.PolicyVersion);
        Assert.Equal(versionId, after.PolicyVersionId);
    }

    [Fact]
    public async Task FalsePositiveIsNotRaisedAgainForTheSameVersionButIsForANewVulnerableVersion()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Vals Alarm");
        var api = new PatchpeilClient(await organisation.ApiClientAsync(Role.ITStaff));
        var device = await EnrollAsync(app, organisation, "srv-fp");
        await ReportAsync(app, device, Vulnerable);
        var id = Assert.Single(await FindingsAsync(app, device.AssetId)).Id;

        var refused = await Assert.ThrowsAsync<PatchpeilApiException>(() => api.TransitionFindingAsync(id, "false-positive"));
        Assert.Equal(422, refused.StatusCode); // a reason is required
        await api.TransitionFindingAsync(id, "false-positive", new FindingTransitionInput("sshd is not installed, only the client"));

        _time.Advance(TimeSpan.FromHours(1));
        await ReportAsync(app, device, Vulnerable);
        await Jobs(app).RematchAllAsync();
        await Jobs(app).IdleAsync();
        var row = Assert.Single(await FindingsAsync(app, device.AssetId));
        Assert.Equal(FindingState.FalsePositive, row.State);
        Assert.Equal(Vulnerable, row.FalsePositiveVersion);

        _time.Advance(TimeSpan.FromHours(1));
        await ReportAsync(app, device, AlsoVulnerable);
        row = Assert.Single(await FindingsAsync(app, device.AssetId));
        Assert.Equal(FindingState.Open, row.State);
        Assert.Equal(AlsoVulnerable, row.Version);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, row.DeadlineStartUtc);
        var detail = await api.GetFindingAsync(id);
        Assert.Equal(["false-positive", "reopened"], detail.History.Select(h => h.Action));
    }

    [Fact]
    public async Task RiskAcceptanceNeedsAnotherApproverAndReopensWhenItExpires()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Risico");
        var requester = new PatchpeilClient(await organisation.ApiClientAsync());
        var staff = new PatchpeilClient(await organisation.ApiClientAsync(Role.ITStaff));
        var secondAdmin = new PatchpeilClient(await organisation.ApiClientAsync(Role.Administrator, await organisation.AddMemberAsync(Role.Administrator)));
        var device = await EnrollAsync(app, organisation, "srv-risk");
        await ReportAsync(app, device, Vulnerable);
        var id = Assert.Single(await FindingsAsync(app, device.AssetId)).Id;

        var tooLate = new FindingTransitionInput("Leverancier levert pas in maart", "Poort 22 alleen via VPN", _time.GetUtcNow().UtcDateTime.AddYears(2));
        Assert.Equal(422, (await Assert.ThrowsAsync<PatchpeilApiException>(() => requester.TransitionFindingAsync(id, "accept-risk", tooLate))).StatusCode);

        var expires = _time.GetUtcNow().UtcDateTime.AddDays(30);
        var requested = await requester.TransitionFindingAsync(id, "accept-risk", tooLate with { ExpiresUtc = expires });
        Assert.True(requested.Finding.AcceptancePending);
        Assert.Equal(FindingState.Open, requested.Finding.State);

        var self = await Assert.ThrowsAsync<PatchpeilApiException>(() => requester.TransitionFindingAsync(id, "approve-risk"));
        Assert.Equal(403, self.StatusCode);
        Assert.Contains("Finding_Error_SameApprover", self.Message, StringComparison.Ordinal);
        var notAdmin = await Assert.ThrowsAsync<PatchpeilApiException>(() => staff.TransitionFindingAsync(id, "approve-risk"));
        Assert.Equal(403, notAdmin.StatusCode);
        Assert.Contains("Finding_Error_ApproverRole", notAdmin.Message, StringComparison.Ordinal);

        var approved = await secondAdmin.TransitionFindingAsync(id, "approve-risk");
        Assert.Equal(FindingState.RiskAccepted, approved.Finding.State);
        Assert.StartsWith(organisation.AdminEmail, approved.AcceptanceRequestedBy, StringComparison.Ordinal);
        Assert.NotEqual(approved.AcceptanceRequestedBy, approved.AcceptanceApprovedBy);

        // The same vulnerable report does not disturb an accepted risk.
        _time.Advance(TimeSpan.FromDays(1));
        await ReportAsync(app, device, Vulnerable);
        Assert.Equal(FindingState.RiskAccepted, (await requester.GetFindingAsync(id)).Finding.State);

        // Expiry passes: the tick reopens it, and the deadline restarts from the expiry moment.
        _time.Advance(TimeSpan.FromDays(30));
        await Jobs(app).TickAsync();
        await Jobs(app).IdleAsync();
        var reopened = await requester.GetFindingAsync(id);
        Assert.Equal(FindingState.Open, reopened.Finding.State);
        Assert.Equal(expires, reopened.DeadlineStartUtc);
        Assert.Equal(expires + DeadlineMatrix.Default.ByPriority[Priority.P2], reopened.Finding.DeadlineUtc);
        Assert.Equal(["accept-risk", "approve-risk", "acceptance-expired"], reopened.History.Select(h => h.Action));

        var audit = await app.WithSystemAsync(async (_, db) => await db.AuditEvents.AsNoTracking().Where(e => e.EntityId == id.ToString() && e.Action == "AssetFinding.Changed").OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(3, audit.Count);
        Assert.Contains("Poort 22 alleen via VPN", audit[0].After, StringComparison.Ordinal);
        Assert.StartsWith(organisation.AdminEmail, audit[0].Actor, StringComparison.Ordinal);
        Assert.DoesNotContain(organisation.AdminEmail, audit[1].Actor, StringComparison.Ordinal);
        Assert.Contains("state=RiskAccepted", audit[1].After, StringComparison.Ordinal);
        Assert.Contains("state=Open", audit[2].After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkActionIsAllOrNothingWithAnErrorPerFinding()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Bulk");
        var api = new PatchpeilClient(await organisation.ApiClientAsync(Role.ITStaff));
        var one = await EnrollAsync(app, organisation, "ws-01");
        var two = await EnrollAsync(app, organisation, "ws-02");
        await ReportAsync(app, one, Vulnerable);
        await ReportAsync(app, two, Vulnerable);
        var first = Assert.Single(await FindingsAsync(app, one.AssetId)).Id;
        var second = Assert.Single(await FindingsAsync(app, two.AssetId)).Id;
        await api.TransitionFindingAsync(first, "start");

        var refused = await Assert.ThrowsAsync<PatchpeilApiException>(() => api.BulkFindingsAsync(new FindingBulkInput("start", [first, second])));
        Assert.Equal(422, refused.StatusCode);
        Assert.Contains(first.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(second.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Equal(FindingState.Open, (await api.GetFindingAsync(second)).Finding.State);

        var done = await api.BulkFindingsAsync(new FindingBulkInput("not-affected", [first, second], new FindingTransitionInput("sshd staat uit", Justification: "vulnerable_code_not_in_execute_path")));
        Assert.Equal(2, done.Changed);
        Assert.All(await FindingsAsync(app, one.AssetId), f => Assert.Equal(FindingState.NotAffected, f.State));
        Assert.All(await FindingsAsync(app, two.AssetId), f => Assert.Equal("vulnerable_code_not_in_execute_path", f.VexJustification));
    }

    [Fact]
    public async Task AnotherOrganisationCannotSeeOrChangeFindingsAndReadersCannotChangeThem()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var a = await app.CreateOrganisationAsync("Stichting A");
        var b = await app.CreateOrganisationAsync("Stichting B");
        var device = await EnrollAsync(app, a, "a-srv");
        await ReportAsync(app, device, Vulnerable);
        var id = Assert.Single(await FindingsAsync(app, device.AssetId)).Id;

        var other = await b.ApiClientAsync();
        var otherClient = new PatchpeilClient(other);
        Assert.Empty((await otherClient.GetFindingsAsync()).Items);
        Assert.Equal(0, (await otherClient.GetFindingCountsAsync()).Open);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/findings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/findings/{id}/start", new FindingTransitionInput())).StatusCode);
        var bulk = await Assert.ThrowsAsync<PatchpeilApiException>(() => otherClient.BulkFindingsAsync(new FindingBulkInput("start", [id])));
        Assert.Equal(422, bulk.StatusCode);

        var management = await a.ApiClientAsync(Role.Management);
        Assert.Single((await new PatchpeilClient(management).GetFindingsAsync()).Items);
        Assert.Equal(HttpStatusCode.Forbidden, (await management.PostAsJsonAsync($"/api/v1/findings/{id}/start", new FindingTransitionInput())).StatusCode);
        var auditor = await a.ApiClientAsync(Role.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/findings/bulk", new FindingBulkInput("start", [id]), PatchpeilClient.JsonOptions)).StatusCode);

        var row = Assert.Single(await FindingsAsync(app, device.AssetId));
        Assert.Equal(FindingState.Open, row.State);
        Assert.Equal(row.FirstSeenUtc, row.StateChangedUtc);
    }

    [Fact]
    public async Task QueryGroupsAndCountsOpenFindings()
    {
        var app = await StartAsync();
        await ImportAdvisoryAsync(app);
        var organisation = await app.CreateOrganisationAsync("Stichting Overzicht");
        var api = new PatchpeilClient(await organisation.ApiClientAsync());
        await ReportAsync(app, await EnrollAsync(app, organisation, "ws-a"), Vulnerable);
        await ReportAsync(app, await EnrollAsync(app, organisation, "ws-b"), AlsoVulnerable);
        await ReportAsync(app, await EnrollAsync(app, organisation, "ws-c"), Fixed);

        var byAdvisory = Assert.Single((await api.GetFindingGroupsAsync("advisory")).Items);
        Assert.Equal("CVE-2024-6387", byAdvisory.Key);
        Assert.Equal(2, byAdvisory.Assets);
        Assert.Equal("P2", byAdvisory.HighestPriority);
        Assert.Equal(2, (await api.GetFindingGroupsAsync("asset")).Total);
        Assert.Single((await api.GetFindingGroupsAsync("product")).Items);

        var counts = await api.GetFindingCountsAsync();
        Assert.Equal(2, counts.Open);
        Assert.Equal(2, counts.ByPriority["P2"]);
        Assert.Equal(0, counts.Overdue);
        Assert.Equal(2, (await api.GetFindingsAsync("subject=UBUNTU-CVE-2024-6387")).Total);
        Assert.Empty((await api.GetFindingsAsync("priority=P1")).Items);

        _time.Advance(TimeSpan.FromDays(15)); // past the P2 deadline of 14 days
        counts = await api.GetFindingCountsAsync();
        Assert.Equal(2, counts.Overdue);
        Assert.Equal(2, (await api.GetFindingsAsync("overdue=true")).Total);
        Assert.All((await api.GetFindingsAsync()).Items, f => Assert.True(f.Overdue));
    }
}

public sealed class FindingsTestsSqlite(PostgresServer postgres) : FindingsTests(postgres, Provider.Sqlite);

public sealed class FindingsTestsPostgres(PostgresServer postgres) : FindingsTests(postgres, Provider.Postgres);
