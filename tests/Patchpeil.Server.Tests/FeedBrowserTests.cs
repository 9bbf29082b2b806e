using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The feeds pages in a real browser (Debian's chromium, headless) with axe-core, in Dutch and English.</summary>
public sealed class FeedBrowserTests(PostgresServer postgres) : AppTest(postgres, Provider.Sqlite), IAsyncLifetime
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

    [Fact]
    public async Task AnAdministratorFindsTheSourcesEditsOneAndSeesErrorsBesideTheFields()
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
        var organisation = await app.CreateOrganisationAsync("Stichting Bronnen");
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "nl-NL", BaseURL = app.ClientOptions.BaseAddress.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();

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
