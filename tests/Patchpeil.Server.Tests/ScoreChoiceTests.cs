using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>Every source's score is stored; the detail shows the one the documented rule chooses.</summary>
public abstract class ScoreChoiceTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    private async Task ImportAsync(string path)
    {
        var summary = await (await AppAsync()).WithSystemAsync((sp, _) => sp.GetRequiredService<FeedImporter>().ImportPathAsync(path));
        Assert.True(summary.Added == 1, string.Join("; ", summary.Files.SelectMany(f => f.Quarantined)));
    }

    private async Task<AdvisoryVulnerabilityDto> DetailAsync(string documentId, AdvisorySource source) => await (await AppAsync()).WithSystemAsync(async (_, db) =>
    {
        var id = db.Set<Advisory>().Single(a => a.DocumentId == documentId && a.Source == source).Id;
        var detail = await AdvisoriesApi.LoadDetailAsync(db, id, CancellationToken.None);
        return detail!.Vulnerabilities.Single(v => v.Id == "CVE-2017-20197");
    });

    [Fact]
    public async Task TheShownScoreFollowsCsafThenCnaThenNvdAndEverySourceIsKept()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-scores-").FullName;

        // The CVE record: the CNA (VulDB) scores CVSS 4.0, 3.1, 3.0 and 2.0; the newest version is shown.
        File.Copy(Fixture("cve5", "CVE-2017-20197.json"), Path.Combine(folder, "cve5.json"));
        await ImportAsync(Path.Combine(folder, "cve5.json"));
        var cnaOnly = await DetailAsync("CVE-2017-20197", AdvisorySource.Cve5);
        Assert.Equal(4, cnaOnly.Scores.Count);
        Assert.Equal(("Cna", "4.0", 6.9m), (cnaOnly.Chosen!.Origin, cnaOnly.Chosen.CvssVersion, cnaOnly.Chosen.BaseScore));

        // NVD's primary 9.8 for the same CVE does not outrank the CNA.
        var nvd = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("nvd", "cve-2.0-records", "CVE-2024-4577.json")))!;
        nvd["id"] = "CVE-2017-20197";
        await File.WriteAllTextAsync(Path.Combine(folder, "nvd.json"), nvd.ToJsonString());
        await ImportAsync(Path.Combine(folder, "nvd.json"));
        var withNvd = await DetailAsync("CVE-2017-20197", AdvisorySource.Cve5);
        Assert.Equal(6, withNvd.Scores.Count);
        Assert.Equal("Cna", withNvd.Chosen!.Origin);
        Assert.Contains(withNvd.Scores, s => s is { Origin: "NvdPrimary", BaseScore: 9.8m, Scorer: "nvd@nist.gov" });
        Assert.Contains(withNvd.Scores, s => s is { Origin: "NvdSecondary", Scorer: "security@php.net" });

        // A vendor's CSAF advisory outranks both, on the CVE's own advisories as on the vendor's.
        var csaf = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("csaf", "redhat-siemens", "rhsa-2024_3351.json")))!;
        csaf["document"]!["tracking"]!["id"] = "RH-TEST-20197";
        csaf["vulnerabilities"]![0]!["cve"] = "CVE-2017-20197";
        await File.WriteAllTextAsync(Path.Combine(folder, "csaf.json"), csaf.ToJsonString());
        await ImportAsync(Path.Combine(folder, "csaf.json"));
        foreach (var (documentId, source) in new[] { ("CVE-2017-20197", AdvisorySource.Cve5), ("CVE-2017-20197", AdvisorySource.Nvd), ("RH-TEST-20197", AdvisorySource.Csaf) })
        {
            var all = await DetailAsync(documentId, source);
            Assert.Equal(7, all.Scores.Count);
            Assert.Equal(("Csaf", "Red Hat Product Security", 4.3m), (all.Chosen!.Origin, all.Chosen.Scorer, all.Chosen.BaseScore));
            Assert.Same(all.Chosen, all.Scores[0]);
        }

        var organisation = await (await AppAsync()).CreateOrganisationAsync("Bestuur scores");
        var client = await organisation.SignedInClientAsync();
        var id = await (await AppAsync()).WithSystemAsync((_, db) => Task.FromResult(db.Set<Advisory>().Single(a => a.DocumentId == "CVE-2017-20197" && a.Source == AdvisorySource.Nvd).Id));
        var html = await client.GetStringAsync($"/advisories/{id}");
        Assert.Contains("Scores per bron", html, StringComparison.Ordinal);
        Assert.Contains("Red Hat Product Security", html, StringComparison.Ordinal);

        // The list shows each advisory's highest chosen score with its origin: the vendor's 4.3, not NVD's 9.8.
        var list = await client.GetStringAsync("/advisories?q=cve-2017-20197&source=Nvd");
        Assert.Matches(@">4,3 <small>CVSS 3\.\d · Csaf</small>", list);
        Assert.DoesNotContain(">9,8 <small>", list, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class ScoreChoiceTestsSqlite(PostgresServer postgres) : ScoreChoiceTests(postgres, Provider.Sqlite);

public sealed class ScoreChoiceTestsPostgres(PostgresServer postgres) : ScoreChoiceTests(postgres, Provider.Postgres);
