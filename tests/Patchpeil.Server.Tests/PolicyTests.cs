using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The stored patch policy: draft, approval, what is in effect, who may do what, and what the audit log keeps.</summary>
public abstract class PolicyTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static readonly PatchPolicyInput Valid = new(48, 5, 14, 30, 90, 60, [new DeadlineOverrideDto("P2", AssetKind.Server, 7)], [12, 6, 3], 6, "Alle scholen; BYOD valt erbuiten.");

    private readonly RecordingListener _listener = new();

    private async Task<PatchpeilFactory> AppWithListenerAsync()
    {
        var app = await AppAsync();
        app.TestServices.Add(s => s.AddSingleton<IPolicyChangeListener>(_listener));
        return app;
    }

    [Fact]
    public async Task DraftIsNotInEffectUntilApprovedThenListenersAreToldAndEverythingIsAudited()
    {
        var app = await AppWithListenerAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Beleid");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        var service = app.Services.GetRequiredService<IPatchPolicyService>();

        var start = await client.GetPolicyAsync();
        Assert.Equal(0, start.InEffect.Version);
        Assert.Null(start.InEffect.Id);
        Assert.False(start.InEffect.Approved);
        Assert.Empty(start.Versions);

        var draft = await client.CreatePolicyDraftAsync(Valid);
        Assert.Equal(1, draft.Version);
        Assert.False(draft.Approved);
        Assert.Equal(0, (await client.GetPolicyAsync()).InEffect.Version);
        Assert.Equal(0, (await service.CurrentAsync(organisation.Id)).Version);
        Assert.Empty(_listener.Calls);

        var approved = await client.ApprovePolicyAsync(draft.Id!.Value, new PolicyApprovalInput("Besluit CvB 2026-14"));
        Assert.True(approved.Approved);
        Assert.True(approved.InEffect);
        Assert.Equal("Besluit CvB 2026-14", approved.ApprovalReference);
        Assert.StartsWith(organisation.AdminEmail + " (token ", approved.ApprovedBy, StringComparison.Ordinal);

        var overview = await client.GetPolicyAsync();
        Assert.Equal(1, overview.InEffect.Version);
        Assert.Equal([new DeadlineOverrideDto("P2", AssetKind.Server, 7)], overview.InEffect.Overrides);
        var policy = await service.CurrentAsync(organisation.Id);
        Assert.Equal(draft.Id, policy.VersionId);
        Assert.Equal(TimeSpan.FromHours(48), policy.Deadlines.Urgent);
        Assert.Equal(TimeSpan.FromDays(7), policy.Deadlines.DeadlineFor(Priority.P2, AssetKind.Server, FindingKind.Vulnerable, urgent: false));
        Assert.Equal(TimeSpan.FromDays(14), policy.Deadlines.DeadlineFor(Priority.P2, AssetKind.Device, FindingKind.Vulnerable, urgent: false));
        Assert.Equal(TimeSpan.FromDays(60), policy.Deadlines.DeadlineFor(Priority.P2, AssetKind.Device, FindingKind.EndOfSupport, urgent: false));
        Assert.Equal([12, 6, 3], policy.EndOfSupportWarningMonths);
        Assert.Equal(6, policy.MaxRiskAcceptanceMonths);

        var call = Assert.Single(_listener.Calls);
        Assert.Equal(organisation.Id, call.OrganisationId);
        Assert.Equal(1, call.Policy.Version);
        Assert.Equal(draft.Id, call.Policy.VersionId);

        var again = await (await organisation.ApiClientAsync()).PostAsJsonAsync($"/api/v1/policy/versions/{draft.Id}/approve", new PolicyApprovalInput("nogmaals"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Single(_listener.Calls);

        var actions = await app.WithSystemAsync((_, db) => db.AuditEvents.Where(e => e.OrganisationId == organisation.Id && e.EntityType == nameof(PatchPolicyVersion))
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.Actor, e.After }).ToListAsync());
        // The approval decision is queued before the record change is collected, so it comes first in the chain.
        Assert.Equal(["PatchPolicyVersion.Created", "PatchPolicy.Approved", "PatchPolicyVersion.Changed"], actions.Select(a => a.Action));
        Assert.All(actions, a => Assert.Equal(approved.ApprovedBy, a.Actor));
        Assert.Contains("reference=Besluit CvB 2026-14", actions[1].After, StringComparison.Ordinal);
        Assert.Contains("approvalReference=Besluit CvB 2026-14", actions[2].After, StringComparison.Ordinal);
        Assert.Contains("days=P1 5, P2 14, P3 30, P4 90", actions[0].After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyAdministratorsDraftAndApproveEveryoneReads()
    {
        var app = await AppWithListenerAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Rollen Beleid");
        var draft = await new PatchpeilClient(await organisation.ApiClientAsync()).CreatePolicyDraftAsync(Valid);
        foreach (var role in new[] { Role.ITStaff, Role.Management, Role.Auditor })
        {
            var http = await organisation.ApiClientAsync(role);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/policy")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/v1/policy/versions", Valid)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync($"/api/v1/policy/versions/{draft.Id}/approve", new PolicyApprovalInput("x"))).StatusCode);

            var browser = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(role));
            var html = await browser.GetStringAsync("/settings/policy");
            Assert.Contains("Patchbeleid", html, StringComparison.Ordinal);
            Assert.DoesNotContain("handler=draft", html, StringComparison.Ordinal);
            Assert.DoesNotContain("handler=approve", html, StringComparison.Ordinal);
            var post = await browser.PostFormAsync("/settings/policy", "/settings/policy?handler=approve", [new("versionId", draft.Id.ToString()!), new("Reference", "x")]);
            Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
            Assert.StartsWith("http://localhost/account/denied", post.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        var after = await new PatchpeilClient(await organisation.ApiClientAsync()).GetPolicyAsync();
        Assert.Single(after.Versions);
        Assert.False(after.Versions[0].Approved);
        Assert.Equal(0, after.InEffect.Version);
        Assert.Empty(_listener.Calls);
    }

    [Theory]
    [InlineData("p2Days", 48, 14, 7, 30, 90)]
    [InlineData("p4Days", 48, 7, 14, 30, 20)]
    [InlineData("urgentHours", 200, 7, 14, 30, 90)]
    [InlineData("p3Days", 48, 7, 14, 0, 90)]
    public async Task InvalidMatrixIsRejectedNamingTheFieldAndNothingIsSaved(string field, int urgent, int p1, int p2, int p3, int p4)
    {
        var app = await AppWithListenerAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Fout");
        var http = await organisation.ApiClientAsync();
        var response = await http.PostAsJsonAsync("/api/v1/policy/versions", Valid with { UrgentHours = urgent, P1Days = p1, P2Days = p2, P3Days = p3, P4Days = p4 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));

        var duplicate = await http.PostAsJsonAsync("/api/v1/policy/versions", Valid with { Overrides = [new("P2", AssetKind.Server, 7), new("p2", AssetKind.Server, 3)], EndOfSupportWarningMonths = [] });
        using var duplicateProblem = JsonDocument.Parse(await duplicate.Content.ReadAsStringAsync());
        Assert.Equal(["endOfSupportWarningMonths", "overrides"], duplicateProblem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        Assert.Empty((await new PatchpeilClient(http).GetPolicyAsync()).Versions);
    }

    [Fact]
    public async Task AnOlderDraftCannotBeApprovedOverANewerPolicy()
    {
        var app = await AppWithListenerAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Volgorde");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        var first = await client.CreatePolicyDraftAsync(Valid);
        var second = await client.CreatePolicyDraftAsync(Valid with { P1Days = 3 });
        Assert.Equal(2, second.Version);
        await client.ApprovePolicyAsync(second.Id!.Value, new PolicyApprovalInput("Besluit 2"));
        var error = await Assert.ThrowsAsync<PatchpeilApiException>(() => client.ApprovePolicyAsync(first.Id!.Value, new PolicyApprovalInput("Besluit 1")));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(2, (await client.GetPolicyAsync()).InEffect.Version);
        Assert.Equal(3, (await app.Services.GetRequiredService<IPatchPolicyService>().CurrentAsync(organisation.Id)).Deadlines.ByPriority[Priority.P1].TotalDays);
    }

    [Fact]
    public async Task AnotherOrganisationNeitherSeesNorApprovesAPolicy()
    {
        var app = await AppWithListenerAsync();
        var a = await app.CreateOrganisationAsync("Bestuur A");
        var b = await app.CreateOrganisationAsync("Bestuur B");
        var draft = await new PatchpeilClient(await a.ApiClientAsync()).CreatePolicyDraftAsync(Valid);
        var bHttp = await b.ApiClientAsync();

        Assert.Empty((await new PatchpeilClient(bHttp).GetPolicyAsync()).Versions);
        Assert.Equal(HttpStatusCode.NotFound, (await bHttp.PostAsJsonAsync($"/api/v1/policy/versions/{draft.Id}/approve", new PolicyApprovalInput("x"))).StatusCode);
        var bBrowser = await b.SignedInClientAsync();
        var page = await bBrowser.PostFormAsync("/settings/policy", "/settings/policy?handler=approve", [new("versionId", draft.Id.ToString()!), new("Reference", "x")]);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);

        var aView = await new PatchpeilClient(await a.ApiClientAsync()).GetPolicyAsync();
        Assert.False(Assert.Single(aView.Versions).Approved);
        Assert.Equal(0, (await app.Services.GetRequiredService<IPatchPolicyService>().CurrentAsync(b.Id)).Version);
        Assert.Empty(_listener.Calls);
    }

    [Fact]
    public async Task PageSavesADraftApprovesItAndShowsErrorsBesideTheField()
    {
        var app = await AppWithListenerAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Pagina");
        var browser = await organisation.SignedInClientAsync();

        var first = await browser.GetStringAsync("/settings/policy");
        Assert.Contains("Standaardbeleid (versie 0)", first, StringComparison.Ordinal);
        Assert.Contains("72 uur", first, StringComparison.Ordinal);

        KeyValuePair<string, string>[] Form(string p2) =>
        [
            new("Input.UrgentHours", "48"), new("Input.P1Days", "5"), new("Input.P2Days", p2), new("Input.P3Days", "30"), new("Input.P4Days", "90"),
            new("Input.EndOfSupportPlanDays", "60"), new("Input.Overrides", "P2 Server 7"), new("Input.EndOfSupportWarningMonths", "12, 6, 3"),
            new("Input.MaxRiskAcceptanceMonths", "6"), new("Input.Scope", "Alle scholen"),
        ];

        var invalid = await browser.PostFormAsync("/settings/policy", "/settings/policy?handler=draft", Form("3"));
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var invalidHtml = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("id=\"Input_P2Days-error0\"", invalidHtml, StringComparison.Ordinal);
        Assert.Contains("De termijn voor P2 mag niet korter zijn dan die voor P1.", invalidHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"3\"", invalidHtml, StringComparison.Ordinal); // the user's input is kept

        var saved = await browser.PostFormAsync("/settings/policy", "/settings/policy?handler=draft", Form("14"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var withDraft = await browser.GetStringAsync("/settings/policy");
        Assert.Contains("Concept, nog niet goedgekeurd", withDraft, StringComparison.Ordinal);
        Assert.Contains("Spoedtermijn (uren): 72 → 48", withDraft, StringComparison.Ordinal);
        Assert.Contains("Standaardbeleid (versie 0)", withDraft, StringComparison.Ordinal);

        var id = (await new PatchpeilClient(await organisation.ApiClientAsync()).GetPolicyAsync()).Versions[0].Id!.Value;
        var missingReference = await browser.PostFormAsync("/settings/policy", "/settings/policy?handler=approve", [new("versionId", id.ToString()), new("Reference", " ")]);
        Assert.Contains("Vul dit veld in.", await missingReference.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_listener.Calls);

        var approve = await browser.PostFormAsync("/settings/policy", "/settings/policy?handler=approve", [new("versionId", id.ToString()), new("Reference", "Besluit CvB 2026-14")]);
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        var approved = await browser.GetStringAsync("/settings/policy");
        Assert.Contains("Geldt nu", approved, StringComparison.Ordinal);
        Assert.Contains("Besluit CvB 2026-14", approved, StringComparison.Ordinal);
        Assert.Contains("48 uur", approved, StringComparison.Ordinal);
        Assert.DoesNotContain("Standaardbeleid (versie 0)", approved, StringComparison.Ordinal);
        Assert.Single(_listener.Calls);

        var english = await organisation.SignedInClientAsync(language: "en");
        Assert.Contains("Policy in effect", await english.GetStringAsync("/settings/policy"), StringComparison.Ordinal);
    }

    private sealed class RecordingListener : IPolicyChangeListener
    {
        public ConcurrentQueue<(Guid OrganisationId, PolicyInEffect Policy)> Calls { get; } = new();

        public Task PolicyChangedAsync(Guid organisationId, PolicyInEffect policy, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue((organisationId, policy));
            return Task.CompletedTask;
        }
    }
}

public sealed class PolicyTestsSqlite(PostgresServer postgres) : PolicyTests(postgres, Provider.Sqlite);

public sealed class PolicyTestsPostgres(PostgresServer postgres) : PolicyTests(postgres, Provider.Postgres);
