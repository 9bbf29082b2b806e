using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Contracts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Demo;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// The dashboard, Bevindingen, finding detail, the asset's findings and "Getroffen hier" on the demo board, with findings
/// the real matcher raised from the real demo advisories. A fake clock moves past deadlines so "overdue" is real too.
/// </summary>
public abstract class FindingsPageTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    private sealed record Board(PatchpeilFactory App, DemoSeedResult Seed, TestOrganisation Demo, TestOrganisation Other, HttpClient Staff);

    private async Task<Board> SeedAndMatchAsync()
    {
        var app = await AppAsync();
        if (app.TestServices.Count == 0)
        {
            app.TestServices.Add(services => services.AddSingleton<TimeProvider>(_time));
        }

        var jobs = app.Services.GetRequiredService<IFindingsJobs>();
        await jobs.IdleAsync();
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var seed = await DemoSeedTests.SeedAsync(app);
        await jobs.IdleAsync();
        var demo = new TestOrganisation(app, seed.OrganisationId, seed.Organisation, other.AdminEmail);
        var staff = await demo.SignedInClientAsync(await demo.AddMemberAsync(Role.ITStaff));
        return new Board(app, seed, demo, other, staff);
    }

    private static Task<List<AssetFinding>> FindingsAsync(Board board) => board.App.WithSystemAsync((_, db) =>
        db.Set<AssetFinding>().AsNoTracking().Include(f => f.Asset).Where(f => f.OrganisationId == board.Seed.OrganisationId).ToListAsync());

    private static Task<Asset> AssetAsync(Board board, string patchLevel) => board.App.WithSystemAsync((_, db) =>
        db.Assets.AsNoTracking().Where(a => a.OrganisationId == board.Seed.OrganisationId && a.PatchLevel == patchLevel).OrderBy(a => a.Name).FirstAsync());

    [Fact]
    public async Task DemoBoardShowsRealFindingsOnTheDashboardAndTheFiltersIncludeAndExclude()
    {
        var board = await SeedAndMatchAsync();
        var findings = await FindingsAsync(board);

        // Real matches from real documents, and the patched machines rightly skipped.
        var vulnerableWindows = await AssetAsync(board, "10.0.19045.4651");
        var patchedWindows = await AssetAsync(board, "10.0.19045.4780");
        Assert.Contains(findings, f => f.AssetId == vulnerableWindows.Id && f.Subject == "CVE-2024-38063");
        Assert.DoesNotContain(findings, f => f.AssetId == patchedWindows.Id && f.Subject == "CVE-2024-38063");
        Assert.Contains(findings, f => f.Asset!.Name == "lx-moodle01" && f.Subject == "CVE-2024-6387");
        Assert.DoesNotContain(findings, f => f.Asset!.Name == "lx-backup01" && f.Subject == "CVE-2024-6387");

        var staff = board.Staff;
        var dashboard = await staff.GetStringAsync("/");
        var open = findings.Count(f => f.State is FindingState.Open or FindingState.InProgress);
        Assert.Contains($">{open.ToString("N0", new System.Globalization.CultureInfo("nl-NL"))}</span>Openstaande bevindingen", dashboard);
        Assert.Contains("href=\"/findings?priority=P1\"", dashboard);
        Assert.Contains("href=\"/findings?kev=true\"", dashboard);
        Assert.Contains("Platformen per school", dashboard);
        Assert.Contains("/assets?schoolId=", dashboard);

        // The subject filter includes the vulnerable machine and excludes the patched one.
        var vulnerable = await staff.GetStringAsync($"/findings?subject=CVE-2024-38063&q={vulnerableWindows.Name}");
        Assert.Contains($"/assets/{vulnerableWindows.Id}", vulnerable);
        var patched = await staff.GetStringAsync($"/findings?subject=CVE-2024-38063&q={patchedWindows.Name}");
        Assert.DoesNotContain($"/assets/{patchedWindows.Id}\"", patched);
        Assert.Contains("Geen bevindingen met deze filters", patched);

        // School, asset kind, priority and KEV filters.
        var school = await board.App.WithSystemAsync((_, db) => db.Schools.AsNoTracking().SingleAsync(s => s.OrganisationId == board.Seed.OrganisationId && s.Brin == "21QK"));
        var bySchool = await staff.GetStringAsync($"/findings?schoolId={school.Id}&pageSize=200");
        Assert.Contains("RB-", bySchool);
        Assert.DoesNotContain(">DC-", bySchool);
        Assert.DoesNotContain(">KP-", bySchool);
        var servers = await staff.GetStringAsync("/findings?assetKind=Server&pageSize=200");
        Assert.Contains("lx-moodle01", servers);
        Assert.DoesNotContain("-LT-", servers);
        var top = findings.Where(f => f.State == FindingState.Open).Min(f => f.Priority);
        var byPriority = await staff.GetStringAsync($"/findings?priority={top}&pageSize=200");
        Assert.Contains($"badge badge--{top.ToString().ToLowerInvariant()}\">", byPriority);
        foreach (var other in Enum.GetValues<Core.Matching.Priority>().Where(p => p != top))
        {
            Assert.DoesNotContain($"badge badge--{other.ToString().ToLowerInvariant()}\">", byPriority);
        }

        var kev = findings.First(f => f.KnownExploited);
        var notKev = findings.First(f => !f.KnownExploited);
        var kevPage = await staff.GetStringAsync($"/findings?kev=true&subject={kev.Subject}&pageSize=200");
        Assert.Contains(">" + kev.Subject + "</a>", kevPage);
        Assert.Contains("Geen bevindingen met deze filters", await staff.GetStringAsync($"/findings?kev=true&subject={notKev.Subject}"));

        // Grouping: by advisory the CVE is one row that links to its filtered list.
        var grouped = await staff.GetStringAsync("/findings?group=advisory&pageSize=200");
        Assert.Contains("href=\"/findings?subject=CVE-2024-38063&amp;pageSize=200\"", grouped);
        var byAsset = await staff.GetStringAsync("/findings?group=asset&subject=CVE-2024-6387&pageSize=200");
        Assert.Contains("lx-moodle01", byAsset);
        Assert.DoesNotContain("lx-backup01", byAsset);

        // Nothing is overdue yet; three weeks later the P1/P2 deadlines have passed and show as such.
        Assert.Contains("Geen bevindingen met deze filters", await staff.GetStringAsync("/findings?overdue=true"));
        _time.Advance(TimeSpan.FromDays(21));
        var later = await board.Demo.SignedInClientAsync(await board.Demo.AddMemberAsync(Role.ITStaff)); // sessions end after 8 hours
        var overdue = await later.GetStringAsync("/findings?overdue=true&pageSize=200");
        Assert.Contains("badge badge--overdue\">Te laat: ", overdue);
        Assert.Contains("class=\"overdue\"", overdue);
        Assert.DoesNotContain("badge badge--overdue", await later.GetStringAsync("/findings?overdue=false&pageSize=200"));
    }

    [Fact]
    public async Task DetailExplainsBulkAndTransitionsChangeStateReadersSeeNoFormsOtherBoardsSeeNothing()
    {
        var board = await SeedAndMatchAsync();
        var findings = await FindingsAsync(board);
        var staff = board.Staff;
        var windows = findings.First(f => f.Subject == "CVE-2024-38063");
        var advisoryId = await board.App.WithSystemAsync((_, db) => db.Set<Advisory>().AsNoTracking().Where(a => a.DocumentId == "CVE-2024-38063").Select(a => a.Id).SingleAsync());

        // The explanation: document with a link to the advisory page, range as published, version compared.
        var detail = await staff.GetStringAsync($"/findings/{windows.Id}");
        Assert.Contains("Waarom?", detail);
        Assert.Contains($"href=\"/advisories/{advisoryId}\"", detail);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(windows.Range), detail);
        Assert.Contains(windows.Version, detail);
        Assert.Contains("Input.Action\" value=\"start\"", detail);

        // The asset's findings section and "Getroffen hier" on the advisory.
        Assert.Contains($"/findings/{windows.Id}", await staff.GetStringAsync($"/assets/{windows.AssetId}"));
        var advisory = await staff.GetStringAsync($"/advisories/{advisoryId}");
        Assert.Contains("Getroffen hier", advisory);
        Assert.Contains("href=\"/findings?state=all&amp;subject=CVE-2024-38063\"", advisory);
        var affected = findings.Where(f => f.Subject == windows.Subject).Select(f => $"/assets/{f.AssetId}").ToList();
        Assert.Contains(affected, advisory.Contains);
        Assert.DoesNotContain(findings.Where(f => f.Subject != windows.Subject && findings.All(w => w.Subject != windows.Subject || w.AssetId != f.AssetId)).Select(f => $"/assets/{f.AssetId}\""), advisory.Contains);

        // One transition from the detail page, then a bulk action on two more.
        var start = await staff.PostFormAsync($"/findings/{windows.Id}", $"/findings/{windows.Id}", [new("Input.Action", "start"), new("Input.Reason", "Update staat klaar")]);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var two = findings.Where(f => f.State == FindingState.Open && f.Id != windows.Id).Take(2).Select(f => f.Id).ToList();
        var bulk = await staff.PostFormAsync("/findings", "/findings?handler=bulk",
            two.Select(id => new KeyValuePair<string, string>("ids", id.ToString())).Append(new("action", "start")).Append(new("returnUrl", "/findings")));
        Assert.Equal(HttpStatusCode.Redirect, bulk.StatusCode);
        var states = await board.App.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking()
            .Where(f => f.Id == windows.Id || two.Contains(f.Id)).Select(f => f.State).ToListAsync());
        Assert.Equal(3, states.Count(s => s == FindingState.InProgress));
        Assert.Contains("In behandeling", await staff.GetStringAsync($"/findings/{windows.Id}"));

        // All or nothing: a selection with a finding that cannot start (already in progress) changes none.
        var third = findings.First(f => f.State == FindingState.Open && f.Id != windows.Id && !two.Contains(f.Id));
        await staff.PostFormAsync("/findings", "/findings?handler=bulk",
            [new("ids", third.Id.ToString()), new("ids", windows.Id.ToString()), new("action", "start"), new("returnUrl", "/findings")]);
        Assert.Equal(FindingState.Open, await board.App.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking().Where(f => f.Id == third.Id).Select(f => f.State).SingleAsync()));

        // Management and Auditor read, without forms.
        foreach (var role in new[] { Role.Management, Role.Auditor })
        {
            var reader = await board.Demo.SignedInClientAsync(await board.Demo.AddMemberAsync(role));
            var page = await reader.GetStringAsync($"/findings/{third.Id}");
            Assert.Contains("Waarom?", page);
            Assert.DoesNotContain("Input.Action", page);
            var list = await reader.GetStringAsync("/findings");
            Assert.Contains($"/findings/", list);
            Assert.DoesNotContain("name=\"ids\"", list);
            await reader.PostFormAsync("/findings", "/findings?handler=bulk", [new("ids", third.Id.ToString()), new("action", "start"), new("returnUrl", "/findings")]);
            Assert.Equal(FindingState.Open, await board.App.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking().Where(f => f.Id == third.Id).Select(f => f.State).SingleAsync()));
        }

        // Another board: no findings, no detail, nothing affected on the shared advisory page.
        var other = await board.Other.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/findings/{windows.Id}")).StatusCode);
        Assert.Contains("Geen openstaande bevindingen", await other.GetStringAsync("/findings"));
        var otherAdvisory = await other.GetStringAsync($"/advisories/{advisoryId}");
        Assert.Contains("Geen apparaat of systeem in jouw organisatie", otherAdvisory);
        Assert.DoesNotContain($"/assets/{windows.AssetId}", otherAdvisory);
        await other.PostFormAsync("/findings", "/findings?handler=bulk", [new("ids", third.Id.ToString()), new("action", "start"), new("returnUrl", "/findings")]);
        Assert.Equal(FindingState.Open, await board.App.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking().Where(f => f.Id == third.Id).Select(f => f.State).SingleAsync()));
    }
}

public sealed class FindingsPageTestsSqlite(PostgresServer postgres) : FindingsPageTests(postgres, Provider.Sqlite);

public sealed class FindingsPageTestsPostgres(PostgresServer postgres) : FindingsPageTests(postgres, Provider.Postgres);
