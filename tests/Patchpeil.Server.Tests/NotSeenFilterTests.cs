using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Contracts;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>"Not seen for N days" on the asset list, its CSV export and the API, in Dutch and English, on a fake clock.</summary>
public abstract class NotSeenFilterTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    private static readonly DateTime Now = new(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc);

    private sealed record Fleet(PatchpeilFactory App, TestOrganisation Organisation, Dictionary<string, Guid> Assets);

    private async Task<Fleet> FleetAsync()
    {
        var app = await AppAsync();
        app.TestServices.Add(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(Now))));
        var organisation = await app.CreateOrganisationAsync("Stichting Zoekgeraakt");
        var other = await app.CreateOrganisationAsync("Ander Bestuur");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        var lastSeen = new Dictionary<string, DateTime?>
        {
            ["laptop-kwijt"] = Now.AddDays(-40),
            ["laptop-vakantie"] = Now.AddDays(-10),
            ["laptop-precies-7"] = Now.AddDays(-7),
            ["laptop-net-niet"] = Now.AddDays(-7).AddMinutes(1),
            ["laptop-vandaag"] = Now.AddHours(-2),
            ["server-handmatig"] = null,
        };
        var ids = new Dictionary<string, Guid>();
        foreach (var name in lastSeen.Keys)
        {
            ids[name] = (await client.CreateAssetAsync(new AssetInput(AssetKind.Device, name, name, "Windows 11 Education", null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null))).Id;
        }

        var foreign = (await new PatchpeilClient(await other.ApiClientAsync()).CreateAssetAsync(
            new AssetInput(AssetKind.Device, "laptop-ander-bestuur", null, null, null, null, null, BivLevel.Low, BivLevel.Low, BivLevel.Low, false, null))).Id;
        await app.WithSystemAsync(async (_, db) =>
        {
            foreach (var (name, seen) in lastSeen)
            {
                await db.Assets.Where(a => a.Id == ids[name]).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenUtc, seen));
            }

            return await db.Assets.Where(a => a.Id == foreign).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenUtc, Now.AddDays(-100)));
        });
        return new Fleet(app, organisation, ids);
    }

    private static List<string> Listed(Fleet fleet, string html) =>
        fleet.Assets.Where(a => html.Contains($"href=\"/assets/{a.Value}\"", StringComparison.Ordinal)).Select(a => a.Key).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task ListShowsOnlyDevicesLastSeenNOrMoreDaysAgoInDutchAndEnglish()
    {
        var fleet = await FleetAsync();
        var dutch = await fleet.Organisation.SignedInClientAsync();
        var all = await dutch.GetStringAsync("/assets");
        Assert.Equal(6, Listed(fleet, all).Count);
        Assert.Contains("<label for=\"notSeenDays\">Niet gezien sinds</label>", all, StringComparison.Ordinal);
        Assert.Contains(">7 dagen of langer</option>", all, StringComparison.Ordinal);

        var week = await dutch.GetStringAsync("/assets?notSeenDays=7");
        Assert.Equal(["laptop-kwijt", "laptop-precies-7", "laptop-vakantie"], Listed(fleet, week));
        Assert.Contains("<option value=\"7\" selected=\"selected\">7 dagen of langer</option>", week, StringComparison.Ordinal);
        Assert.Equal(["laptop-kwijt"], Listed(fleet, await dutch.GetStringAsync("/assets?notSeenDays=30")));
        Assert.Empty(Listed(fleet, await dutch.GetStringAsync("/assets?notSeenDays=90")));

        // The other board's long-lost laptop never shows, and the filter combines with search.
        Assert.DoesNotContain("laptop-ander-bestuur", await dutch.GetStringAsync("/assets?notSeenDays=90"), StringComparison.Ordinal);
        Assert.Equal(["laptop-vakantie"], Listed(fleet, await dutch.GetStringAsync("/assets?notSeenDays=7&q=vakantie")));

        var english = await fleet.Organisation.SignedInClientAsync(language: "en");
        var englishWeek = await english.GetStringAsync("/assets?notSeenDays=7");
        Assert.Contains("<label for=\"notSeenDays\">Not seen for</label>", englishWeek, StringComparison.Ordinal);
        Assert.Contains("<option value=\"7\" selected=\"selected\">7 days or more</option>", englishWeek, StringComparison.Ordinal);
        Assert.Equal(["laptop-kwijt", "laptop-precies-7", "laptop-vakantie"], Listed(fleet, englishWeek));

        // The CSV export of the filtered list has the same rows.
        var csv = await dutch.GetStringAsync("/assets?handler=csv&notSeenDays=7");
        var names = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => fleet.Assets.Keys.SingleOrDefault(k => line.Contains(k, StringComparison.Ordinal))).ToList();
        Assert.Equal(["laptop-kwijt", "laptop-precies-7", "laptop-vakantie"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApiFiltersSaysWhenEachWasLastSeenAndRefusesAnImpossibleNumberOfDays()
    {
        var fleet = await FleetAsync();
        var http = await fleet.Organisation.ApiClientAsync();
        var client = new PatchpeilClient(http);

        var stale = await client.GetAssetsAsync(sort: "lastseen", notSeenDays: 7);
        Assert.Equal(3, stale.Total);
        Assert.Equal(["laptop-kwijt", "laptop-vakantie", "laptop-precies-7"], stale.Items.Select(a => a.Name));
        Assert.Equal([Now.AddDays(-40), Now.AddDays(-10), Now.AddDays(-7)], stale.Items.Select(a => a.LastSeenUtc!.Value.ToUniversalTime()));
        Assert.Equal(6, (await client.GetAssetsAsync()).Total);
        Assert.Null((await client.GetAssetsAsync(q: "handmatig")).Items.Single().LastSeenUtc);
        Assert.Equal(0, (await client.GetAssetsAsync(notSeenDays: 3650)).Total);

        foreach (var bad in new[] { "0", "-3", "3651" })
        {
            using var response = await http.GetAsync($"/api/v1/assets?notSeenDays={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"notSeenDays\"", body, StringComparison.Ordinal);
            Assert.Contains("Kies een aantal dagen van 1 tot en met 3650.", body, StringComparison.Ordinal);
        }

        using var english = new HttpRequestMessage(HttpMethod.Get, "/api/v1/assets?notSeenDays=0");
        english.Headers.AcceptLanguage.ParseAdd("en");
        using var englishResponse = await http.SendAsync(english);
        Assert.Contains("Choose a number of days from 1 to 3650.", await englishResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var notANumber = await http.GetAsync("/api/v1/assets?notSeenDays=week");
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
    }
}

public sealed class NotSeenFilterTestsSqlite(PostgresServer postgres) : NotSeenFilterTests(postgres, Provider.Sqlite);

public sealed class NotSeenFilterTestsPostgres(PostgresServer postgres) : NotSeenFilterTests(postgres, Provider.Postgres);
