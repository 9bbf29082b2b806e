using System.Net;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// Dashboard, Bevindingen, finding detail, the asset's findings and "Getroffen hier" on the demo board. The findings
/// are stored rows of the real entity for seeded assets (the matching jobs are another branch's work): what is tested
/// here is that the pages filter, group, explain and isolate exactly.
/// </summary>
public abstract class FindingsPageTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static AssetFinding Finding(Asset asset, string subject, string component, string version, Priority priority, bool kev, DateTime now, int deadlineDays,
        FindingKind kind = FindingKind.Vulnerable, string source = "nvd", string range = "") => new()
        {
            OrganisationId = asset.OrganisationId,
            AssetId = asset.Id,
            Kind = kind,
            Component = component,
            ComponentKey = "cpe:o:microsoft:" + component.ToLowerInvariant().Replace(' ', '_'),
            Version = version,
            Subject = subject,
            Source = source,
            DocumentId = subject,
            Range = range,
            ComparedVersion = version,
            Rule = kind == FindingKind.Vulnerable ? "nvd: versionEndExcluding" : "eol",
            Comparisons = $"[\"{version} < {range}\"]",
            Confidence = MatchConfidence.High,
            Priority = priority,
            KnownExploited = kev,
            PriorityReasons = kev ? "[{\"code\":\"kev\",\"detail\":\"CISA KEV\"}]" : "[{\"code\":\"cvss\",\"detail\":\"9.8 (nvd)\"}]",
            FirstSeenUtc = now.AddDays(-10),
            LastMatchedUtc = now,
            DeadlineStartUtc = now.AddDays(-10),
            DeadlineUtc = now.AddDays(deadlineDays),
            State = FindingState.Open,
            StateChangedUtc = now.AddDays(-10),
        };

    [Fact]
    public async Task PagesFilterGroupExplainAndIsolateTheDemoBoardsFindings()
    {
        var app = await AppAsync();
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var seed = await DemoSeedTests.SeedAsync(app);
        var now = DateTime.UtcNow;
        var (windows, patched, moodle, chromebook, advisoryId) = await app.WithSystemAsync(async (_, db) =>
        {
            var assets = db.Assets.Where(a => a.OrganisationId == seed.OrganisationId);
            var w = await assets.Where(a => a.PatchLevel == "10.0.19045.4651").OrderBy(a => a.Name).FirstAsync();
            var p = await assets.Where(a => a.PatchLevel == "10.0.19045.4780").OrderBy(a => a.Name).FirstAsync();
            var m = await assets.SingleAsync(a => a.Name == "lx-moodle01");
            var c = await assets.Where(a => a.Platform == "ChromeOS" && a.SchoolId != w.SchoolId).OrderBy(a => a.Name).FirstAsync();
            var advisory = await db.Set<Advisory>().Where(a => a.DocumentId == "CVE-2024-38063").Select(a => a.Id).SingleAsync();
            db.AddRange(
                Finding(w, "CVE-2024-38063", "Windows 10 22H2", "10.0.19045.4651", Priority.P1, false, now, -3, range: "versionEndExcluding 10.0.19045.4780"),
                Finding(m, "CVE-2024-6387", "openssh", "1:8.9p1-3ubuntu0.6", Priority.P2, true, now, 5, source: "osv", range: "fixed 1:8.9p1-3ubuntu0.10"),
                Finding(c, "eol:chromeos/aue", "ChromeOS", "126.0.6478.222", Priority.P3, false, now, 80, FindingKind.UpdateExpired));
            await db.SaveChangesAsync();
            return (w, p, m, c, advisory);
        });
        var findings = await app.WithSystemAsync((_, db) => db.Set<AssetFinding>().AsNoTracking().ToListAsync());
        var windowsFinding = findings.Single(f => f.AssetId == windows.Id);

        var demo = new TestOrganisation(app, seed.OrganisationId, seed.Organisation, other.AdminEmail);
        var staff = await demo.SignedInClientAsync(await demo.AddMemberAsync(Role.ITStaff));

        // Dashboard: the figures, each linking to its filtered list, and the platform mix.
        var dashboard = await staff.GetStringAsync("/");
        Assert.Contains(">3</span>Openstaande bevindingen", dashboard);
        Assert.Contains("href=\"/findings?overdue=true\"><span class=\"number\">1</span>", dashboard);
        Assert.Contains("href=\"/findings?kev=true\"><span class=\"number\">1</span>", dashboard);
        Assert.Contains("href=\"/findings?kind=UpdateExpired\"><span class=\"number\">1</span>", dashboard);
        Assert.Contains("Platformen per school", dashboard);
        Assert.Contains($"href=\"/assets?schoolId={windows.SchoolId}&amp;q=chromeos\"", dashboard);

        // Filters include and exclude.
        var all = await staff.GetStringAsync("/findings");
        Assert.Contains("3 bevindingen, 1 te laat", all);
        var overdue = await staff.GetStringAsync("/findings?overdue=true");
        Assert.Contains($"/findings/{windowsFinding.Id}", overdue);
        Assert.Contains("Te laat: 3 dagen", overdue);
        Assert.DoesNotContain("CVE-2024-6387", overdue);
        var kev = await staff.GetStringAsync("/findings?kev=true");
        Assert.Contains("CVE-2024-6387", kev);
        Assert.DoesNotContain("CVE-2024-38063</a>", kev);
        var servers = await staff.GetStringAsync("/findings?assetKind=Server");
        Assert.Contains("lx-moodle01", servers);
        Assert.DoesNotContain(windows.Name, servers);
        var school = await staff.GetStringAsync($"/findings?schoolId={windows.SchoolId}");
        Assert.Contains(windows.Name, school);
        Assert.DoesNotContain(chromebook.Name, school);
        var p3 = await staff.GetStringAsync("/findings?priority=P3");
        Assert.Contains(chromebook.Name, p3);
        Assert.DoesNotContain("badge badge--p1\">", p3);
        var osv = await staff.GetStringAsync("/findings?source=osv");
        Assert.Contains("CVE-2024-6387", osv);
        Assert.DoesNotContain("eol:chromeos/aue</a>", osv);
        Assert.Contains("Geen bevindingen met deze filters", await staff.GetStringAsync($"/findings?q={patched.Name}"));
        Assert.Contains("Geen bevindingen met deze filters", await staff.GetStringAsync("/findings?state=Resolved"));
        Assert.Contains("3 bevindingen", await staff.GetStringAsync("/findings?state=all"));

        // Grouping by advisory, asset and product; each group links to its list.
        Assert.Contains("href=\"/findings?subject=CVE-2024-38063\"", await staff.GetStringAsync("/findings?group=advisory"));
        Assert.Contains($"href=\"/findings?assetId={moodle.Id}\"", await staff.GetStringAsync("/findings?group=asset"));
        Assert.Contains("href=\"/findings?componentKey=cpe%3Ao%3Amicrosoft%3Aopenssh\"", await staff.GetStringAsync("/findings?group=product"));
        var csv = (await staff.GetStringAsync("/findings?handler=csv&kev=true")).TrimEnd('\n').Split('\n');
        Assert.Equal(2, csv.Length);
        Assert.Contains("CVE-2024-6387", csv[1]);

        // Detail: the explanation with a link to the advisory page; the asset's section; "Getroffen hier".
        var detail = await staff.GetStringAsync($"/findings/{windowsFinding.Id}");
        Assert.Contains("Waarom?", detail);
        Assert.Contains($"href=\"/advisories/{advisoryId}\"", detail);
        Assert.Contains("versionEndExcluding 10.0.19045.4780", detail);
        Assert.Contains("CVSS-score", detail);
        Assert.Contains($"/findings/{windowsFinding.Id}", await staff.GetStringAsync($"/assets/{windows.Id}"));
        Assert.Contains("Geen openstaande bevindingen voor dit apparaat", await staff.GetStringAsync($"/assets/{patched.Id}"));
        var advisory = await staff.GetStringAsync($"/advisories/{advisoryId}");
        Assert.Contains("Getroffen hier", advisory);
        Assert.Contains($"/assets/{windows.Id}", advisory);
        Assert.DoesNotContain($"/assets/{patched.Id}", advisory);

        // English texts.
        Assert.Contains("3 findings, 1 overdue", await (await demo.SignedInClientAsync(await demo.AddMemberAsync(Role.Auditor), "en")).GetStringAsync("/findings"));

        // Another board sees none of it.
        var outsider = await other.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/findings/{windowsFinding.Id}")).StatusCode);
        Assert.Contains("0 bevindingen, 0 te laat", await outsider.GetStringAsync("/findings?state=all"));
        var outsiderAdvisory = await outsider.GetStringAsync($"/advisories/{advisoryId}");
        Assert.Contains("Geen apparaat of systeem in jouw organisatie", outsiderAdvisory);
        Assert.DoesNotContain($"/assets/{windows.Id}", outsiderAdvisory);
    }
}

public sealed class FindingsPageTestsSqlite(PostgresServer postgres) : FindingsPageTests(postgres, Provider.Sqlite);

public sealed class FindingsPageTestsPostgres(PostgresServer postgres) : FindingsPageTests(postgres, Provider.Postgres);
