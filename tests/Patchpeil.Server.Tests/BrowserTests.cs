using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>
/// The main journeys in a real browser (Debian's chromium, headless, kept off the network) against the app on
/// 127.0.0.1. Each page visited is checked with axe-core for serious accessibility violations; screenshots of key
/// pages go to TestResults/screenshots.
/// </summary>
public sealed class BrowserTests(PostgresServer postgres) : AppTest(postgres, Provider.Sqlite), IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "TestResults", "screenshots");
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
    }

    private async Task<(IPage Page, string BaseUrl)> OpenAsync()
    {
        if (_browser is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail($"Browser tests must run in CI, but {Chromium} is missing.");
            }

            Assert.Skip($"Browser tests skipped: {Chromium} is not installed (apt-get install chromium).");
        }

        var app = await AppAsync();
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "nl-NL", BaseURL = baseUrl });
        return (await context.NewPageAsync(), baseUrl);
    }

    [Fact]
    public async Task NewcomerSetsUpCreatesSchoolAndAssetSeesErrorsAndSwitchesLanguage()
    {
        var (page, _) = await OpenAsync();

        await page.GotoAsync("/");
        Assert.EndsWith("/setup", page.Url, StringComparison.Ordinal);
        await CheckAccessibilityAsync(page, "setup");
        await page.GetByLabel("Naam van de organisatie").FillAsync("Stichting Browsertest");
        await page.GetByLabel("E-mailadres").FillAsync("beheer@browsertest.nl");
        await page.GetByLabel("Wachtwoord").FillAsync("een heel lang wachtwoord");
        await page.GetByRole(AriaRole.Button, new() { Name = "Instellen en aanmelden" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Nog geen apparaten.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "dashboard-empty");
        await CheckAccessibilityAsync(page, "dashboard");

        // A school, first with mistakes: the error summary takes focus and each error stands beside its field.
        await page.GetByRole(AriaRole.Link, new() { Name = "Scholen en locaties" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "School toevoegen" }).ClickAsync();
        await page.GetByLabel("BRIN-code").FillAsync("ABCD");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        var summary = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(summary).ToContainTextAsync("Vul dit veld in.");
        await Assertions.Expect(page.Locator("#Input_Brin-error0")).ToContainTextAsync("twee cijfers en twee letters");
        await Assertions.Expect(page.GetByLabel("BRIN-code")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("BRIN-code")).ToHaveValueAsync("ABCD");
        await ScreenshotAsync(page, "school-validation");
        await CheckAccessibilityAsync(page, "school-validation");
        await page.GetByLabel("Naam").FillAsync("OBS De Regenboog");
        await page.GetByLabel("BRIN-code").FillAsync("12ab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("‘OBS De Regenboog’ is opgeslagen.");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "12AB" })).ToBeVisibleAsync();

        // An asset.
        await page.GetByRole(AriaRole.Link, new() { Name = "Apparaten & systemen" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Apparaat of systeem toevoegen" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Name-error0")).ToContainTextAsync("Vul dit veld in.");
        await page.GetByLabel("Naam", new() { Exact = true }).FillAsync("lln-laptop-042");
        await page.GetByLabel("Soort").SelectOptionAsync(new SelectOptionValue { Label = "Apparaat" });
        await page.GetByLabel("School").SelectOptionAsync(new SelectOptionValue { Label = "OBS De Regenboog" });
        await page.GetByLabel("Vertrouwelijkheid").SelectOptionAsync(new SelectOptionValue { Label = "Hoog" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "lln-laptop-042" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("1 apparaat of systeem")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "assets");
        await CheckAccessibilityAsync(page, "assets");

        // Filters live in the URL, so the link can be shared.
        await page.GetByLabel("Kritiekheid (BIV)").SelectOptionAsync(new SelectOptionValue { Label = "Laag" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        Assert.Contains("criticality=Low", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("Geen apparaten of systemen gevonden met deze filters.")).ToBeVisibleAsync();

        // English, remembered across pages.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Devices & systems", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Schools and locations" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schools and locations", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        await ScreenshotAsync(page, "schools-en");
        await CheckAccessibilityAsync(page, "schools-en");
    }

    [Fact]
    public async Task KeyboardUsersSkipToContentAndSignIn()
    {
        var (page, _) = await OpenAsync();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Toetsenbord");

        await page.GotoAsync("/account/signin");
        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Naar de inhoud" });
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();

        await page.GetByLabel("E-mailadres").FillAsync(organisation.AdminEmail);
        await page.GetByLabel("Wachtwoord").FillAsync("fout wachtwoord");
        await page.GetByLabel("Wachtwoord").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Het e-mailadres of wachtwoord klopt niet.");
        await CheckAccessibilityAsync(page, "signin-error");
        await page.GetByLabel("Wachtwoord").FillAsync(TestOrganisation.Password);
        await page.GetByLabel("Wachtwoord").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        // The lifecycle page is checked with real rows: endoflife.date's Windows product (many cycles, both lifecycles).
        var eol = await app.WithSystemAsync((sp, _) => sp.GetRequiredService<Patchpeil.Server.Advisories.FeedImporter>()
            .ImportPathAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "endoflife", "api_v1", "windows.json")));
        Assert.True(eol.Added > 0, string.Join("; ", eol.Files.SelectMany(f => f.Quarantined)));
        foreach (var path in new[] { "/organisations", "/settings/users", "/settings/tokens", "/settings/connectors", "/audit", "/advisories", "/advisories/import", "/lifecycle", "/settings/policy" })
        {
            await page.GotoAsync(path);
            await CheckAccessibilityAsync(page, path.Trim('/').Replace('/', '-'));
        }

        await ScreenshotAsync(page, "audit");
    }

    [Fact]
    public async Task TheDemoBoardsDashboardFindingsAndAFindingsExplanationAreAccessible()
    {
        var (page, _) = await OpenAsync();
        var app = await AppAsync();
        var jobs = app.Services.GetRequiredService<Patchpeil.Server.Findings.IFindingsJobs>();
        await jobs.IdleAsync();
        var seed = await DemoSeedTests.SeedAsync(app);
        await jobs.IdleAsync();
        var board = new TestOrganisation(app, seed.OrganisationId, seed.Organisation, "");
        var staff = await board.AddMemberAsync(Patchpeil.Contracts.Role.ITStaff);

        await page.GotoAsync("/account/signin");
        await page.GetByLabel("E-mailadres").FillAsync(staff);
        await page.GetByLabel("Wachtwoord").FillAsync(TestOrganisation.Password);
        await page.GetByLabel("Wachtwoord").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "dashboard-demo");
        await ScreenshotAsync(page, "dashboard-demo");

        await page.GotoAsync("/findings?subject=CVE-2024-38063");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "CVE-2024-38063" }).First).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "findings-demo");
        await page.GotoAsync("/findings?group=advisory");
        await CheckAccessibilityAsync(page, "findings-by-advisory");

        // A finding's explanation with the transition forms (IT staff may change state).
        await page.GotoAsync("/findings?subject=CVE-2024-38063");
        await page.Locator("a[href^='/findings/']").First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waarom?" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "finding-detail");
        await ScreenshotAsync(page, "finding-detail");
    }

    [Fact]
    public async Task ItStaffImportsACsvSeesBadRowsThenMapsUnknownSoftwareAndFillsTheSupplierRegister()
    {
        var (page, _) = await OpenAsync();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Import");
        var client = new Patchpeil.Contracts.PatchpeilClient(await organisation.ApiClientAsync());
        await client.CreateSchoolAsync(new Patchpeil.Contracts.SchoolInput("De Regenboog", "12AB"));
        var saas = await client.CreateAssetAsync(new Patchpeil.Contracts.AssetInput(Patchpeil.Contracts.AssetKind.Saas, "ParnasSys", null, null, null, null, null,
            Patchpeil.Contracts.BivLevel.High, Patchpeil.Contracts.BivLevel.High, Patchpeil.Contracts.BivLevel.High, true, null));
        var folder = Directory.CreateTempSubdirectory("patchpeil-import-");
        var bad = Path.Combine(folder.FullName, "fout.csv");
        var good = Path.Combine(folder.FullName, "inventaris.csv");
        const string Header = "school;hostname;soort;softwarenaam;versie;leverancier\r\n";
        await File.WriteAllTextAsync(bad, Header + "12AB;lok12-pc03;apparaat;Mozilla Firefox (x64 nl);133.0.3;Mozilla\r\n12AB;lok 12;apparaat;;;\r\n");
        await File.WriteAllTextAsync(good, Header + "12AB;lok12-pc03;apparaat;Mozilla Firefox (x64 nl);133.0.3;Mozilla\r\n12AB;lok12-pc03;;Rekenrijk Desktop;4.1;Noordhoff\r\n");

        await page.GotoAsync("/account/signin");
        await page.GetByLabel("E-mailadres").FillAsync(organisation.AdminEmail);
        await page.GetByLabel("Wachtwoord").FillAsync(TestOrganisation.Password);
        await page.GetByLabel("Wachtwoord").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Importeren", Exact = true }).ClickAsync();
        await CheckAccessibilityAsync(page, "import");
        await page.GetByLabel("Bestand").SetInputFilesAsync(bad);
        await page.GetByRole(AriaRole.Button, new() { Name = "Importeren", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Geweigerd" })).ToBeVisibleAsync();
        var problems = page.GetByRole(AriaRole.Table, new() { Name = "Problemen per regel" });
        await Assertions.Expect(problems.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("3");
        await Assertions.Expect(problems).ToContainTextAsync("'lok 12' is not a host name");
        await ScreenshotAsync(page, "import-refused");
        await CheckAccessibilityAsync(page, "import-refused");

        await page.GetByLabel("Bestand").SetInputFilesAsync(good);
        await page.GetByRole(AriaRole.Button, new() { Name = "Importeren", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Geïmporteerd" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "import-applied");

        await page.GetByRole(AriaRole.Link, new() { Name = "Niet-herkende software" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "Rekenrijk Desktop" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "unmapped");
        await page.GetByRole(AriaRole.Row, new() { Name = "Rekenrijk Desktop" }).GetByRole(AriaRole.Link, new() { Name = "Nieuwe koppeling" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Naam", new() { Exact = true })).ToHaveValueAsync("Rekenrijk Desktop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "mappings-error");
        await page.GetByLabel("Identiteit (purl of CPE)").FillAsync("cpe:2.3:a:noordhoff:rekenrijk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "cpe:2.3:a:noordhoff:rekenrijk" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "mappings");
        await page.GotoAsync("/software/unmapped");
        await Assertions.Expect(page.GetByText("Alle software die agents, koppelingen en imports melden, is herkend.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Leveranciers en SaaS" }).ClickAsync();
        await CheckAccessibilityAsync(page, "suppliers-empty");
        await page.GetByRole(AriaRole.Link, new() { Name = "ParnasSys" }).ClickAsync();
        await page.GetByLabel("Leverancier", new() { Exact = true }).FillAsync("Topicus");
        await page.GetByLabel("Product of dienst").FillAsync("ParnasSys");
        await page.GetByLabel("Patchafspraak").FillAsync("Kritieke kwetsbaarheden binnen 72 uur");
        await page.GetByLabel("ROSA-certificering").SelectOptionAsync("Certified");
        await page.GetByLabel("Volgende beoordeling").FillAsync("2027-01-15");
        await CheckAccessibilityAsync(page, "supplier-edit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "ParnasSys" })).ToContainTextAsync("Gecertificeerd");
        await ScreenshotAsync(page, "suppliers");
        await CheckAccessibilityAsync(page, "suppliers");

        var pc = (await client.GetAssetsAsync(q: "lok12-pc03")).Items.Single();
        await page.GotoAsync($"/assets/components/{pc.Id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "Mozilla Firefox (x64 nl)" })).ToContainTextAsync("cpe:2.3:a:mozilla:firefox:133.0.3");
        await ScreenshotAsync(page, "components");
        await CheckAccessibilityAsync(page, "components");
        Assert.Equal(saas.Id, (await client.GetAssetAsync(saas.Id)).Id);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task AdministratorCreatesEnrollmentSecretAndReadsAnAgentsAssetPage()
    {
        var (page, baseUrl) = await OpenAsync();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Agentpagina");
        var admin = new Contracts.PatchpeilClient(await organisation.ApiClientAsync());
        var secret = (await admin.CreateEnrollmentSecretAsync(new Contracts.EnrollmentSecretInput("Via API", null, null))).Secret!;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var device = new Contracts.DeviceIdentity("lln-laptop-007", "6f1d2a9e-1234-4abc-9def-0123456789ab", null, null);
        var enrolled = (await (await http.PostAsJsonAsync("/api/v1/agent/enroll", new Contracts.AgentEnrollRequest(secret, device, "1.0.0"), Contracts.PatchpeilClient.JsonOptions))
            .Content.ReadFromJsonAsync<Contracts.AgentEnrollResponse>(Contracts.PatchpeilClient.JsonOptions))!;
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", enrolled.DeviceKey);
        var report = new Contracts.AgentReport(Guid.NewGuid(), DateTime.UtcNow, "1.0.0", true, device,
            new Contracts.OperatingSystemInfo("linux", "Debian GNU/Linux 12 (bookworm)", null, "12", null, "debian", "12", "6.1.0-28-amd64", DateTime.UtcNow.AddDays(-2), true),
            [new("dpkg", "openssl", "3.0.15-1~deb12u1", null, "amd64", "openssl"), new("dpkg", "postgresql-15", "15.10-0+deb12u1", null, "amd64", "postgresql-15")],
            [], [new("openssl", "3.0.15-1~deb12u1", "3.0.16-1~deb12u1", "bookworm-security")], [new("PostgreSQL", "15.10-0+deb12u1", "postgresql-15")]);
        (await http.PostAsJsonAsync("/api/v1/agent/reports", report, Contracts.PatchpeilClient.JsonOptions)).EnsureSuccessStatusCode();

        await page.GotoAsync("/account/signin");
        await page.GetByLabel("E-mailadres").FillAsync(organisation.AdminEmail);
        await page.GetByLabel("Wachtwoord").FillAsync(TestOrganisation.Password);
        await page.GetByLabel("Wachtwoord").PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "Agent-aanmelding" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agent-aanmelding", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmeldgeheim aanmaken" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeFocusedAsync();
        await page.GetByLabel("Naam").FillAsync("Uitrol groep 8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmeldgeheim aanmaken" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-secret")).ToContainTextAsync("ppe_");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "1" }).First).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "enrollment");
        await ScreenshotAsync(page, "enrollment");

        await page.GetByRole(AriaRole.Link, new() { Name = "Apparaten & systemen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Laatst gezien" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "assets-last-seen");
        await page.GetByRole(AriaRole.Link, new() { Name = "lln-laptop-007" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "lln-laptop-007", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Debian GNU/Linux 12 (bookworm)").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("12 · kernel 6.1.0-28-amd64").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "postgresql-15" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Zoek in software" }).FillAsync("openssl");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoeken" }).ClickAsync();
        await Assertions.Expect(page.GetByText("1 van 2 onderdelen.")).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "asset-detail");
        await ScreenshotAsync(page, "asset-detail");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Installed software" })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "asset-detail-en");
    }

    [Fact]
    public async Task AnAdministratorFindsTheSourcesEditsOneAndSeesErrorsBesideTheFields()
    {
        var (page, _) = await OpenAsync();
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Stichting Bronnen");

        await page.GotoAsync("/account/signin");
        await page.GetByLabel("E-mailadres").FillAsync(organisation.AdminEmail);
        await page.GetByLabel("Wachtwoord").FillAsync(TestOrganisation.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Bronnen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bronnen", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "NCSC-NL" })).ToContainTextAsync("Uit");
        await ScreenshotAsync(page, "feeds");
        await CheckAccessibilityAsync(page, "feeds");

        await page.GetByRole(AriaRole.Link, new() { Name = "NCSC-NL" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "NCSC-NL", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Deze bron is nog niet opgehaald.")).ToBeVisibleAsync();
        await page.GetByLabel("Interval in minuten").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        var summary = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#Input_IntervalMinutes-error0")).ToContainTextAsync("Vul een heel getal in van 15 tot en met 10080.");
        await ScreenshotAsync(page, "feed-edit-validation");
        await CheckAccessibilityAsync(page, "feed-edit-validation");

        await page.GetByLabel("Interval in minuten").FillAsync("120");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("‘NCSC-NL’ is opgeslagen.");
        await Assertions.Expect(page.GetByLabel("Interval in minuten")).ToHaveValueAsync("120");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "← All sources" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "← All sources" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Feeds", Level = 1 })).ToBeVisibleAsync();
        await CheckAccessibilityAsync(page, "feeds-en");
    }

    private static async Task CheckAccessibilityAsync(IPage page, string name)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("; ", serious.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})")));
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }
}
