using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings.Feeds;

/// <summary>One source: its settings (URL, interval, enabled, API key), "run now", "stop", and its recent runs with their errors.</summary>
public sealed class EditModel(PatchpeilDbContext db, FeedSyncRunner runner, FeedSyncScheduler scheduler, IDataProtectionProvider protection, TimeProvider time, IStringLocalizer<SharedResource> text)
    : PatchpeilPageModel(text)
{
    public const int MinInterval = 15;
    public const int MaxInterval = 7 * 24 * 60;

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public FeedSourceForm Input { get; set; } = new();

    public FeedSyncSource Source { get; private set; } = null!;

    public List<FeedSyncRun> Runs { get; private set; } = [];

    public bool Supported => runner.Supports(Source.Kind);

    public bool Running => runner.RunningSourceId == Id;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        Input = new FeedSourceForm { Url = Source.Url, IntervalMinutes = Source.IntervalMinutes.ToString(CultureInfo.InvariantCulture), Enabled = Source.Enabled };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        ModelState.Clear();
        var url = Input.Url?.Trim() ?? "";
        if (url.Length == 0)
        {
            ModelState.AddModelError("Input.Url", Text["Validation_Required"]);
        }
        else if (url.Length > 2000 || !ValidUrl(Source.Kind, url))
        {
            ModelState.AddModelError("Input.Url", Text[Source.Kind == FeedSyncKind.Csaf ? "Feeds_UrlInvalidCsaf" : "Feeds_UrlInvalid"]);
        }

        if (!int.TryParse(Input.IntervalMinutes, NumberStyles.None, CultureInfo.InvariantCulture, out var interval) || interval < MinInterval || interval > MaxInterval)
        {
            ModelState.AddModelError("Input.IntervalMinutes", Text["Feeds_IntervalInvalid", MinInterval, MaxInterval]);
        }

        var apiKey = Input.ApiKey?.Trim();
        if (!string.IsNullOrEmpty(apiKey) && (apiKey.Length > 500 || apiKey.Any(char.IsControl)))
        {
            ModelState.AddModelError("Input.ApiKey", Text["Validation_TooLong"]);
        }

        if (Input.Enabled && !Supported)
        {
            ModelState.AddModelError("Input.Enabled", Text["Feeds_NotSupported"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var source = await db.Set<FeedSyncSource>().SingleAsync(s => s.Id == Id, HttpContext.RequestAborted);
        if (Input.Enabled && !source.Enabled)
        {
            source.NextRunUtc = time.GetUtcNow().UtcDateTime; // Enabling means: fetch soon, then on the interval.
        }

        source.Url = url;
        source.IntervalMinutes = interval;
        source.Enabled = Input.Enabled;
        if (!string.IsNullOrEmpty(apiKey))
        {
            source.ProtectedApiKey = protection.CreateProtector(FeedSyncRunner.ApiKeyPurpose).Protect(apiKey);
        }
        else if (Input.RemoveApiKey)
        {
            source.ProtectedApiKey = null;
        }

        source.Version = Guid.NewGuid();
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        if (source.Enabled)
        {
            scheduler.Wake();
        }

        TempData["Notice"] = Text["Saved", source.Name].Value;
        return Redirect($"/settings/feeds/{Id}");
    }

    public async Task<IActionResult> OnPostRunAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (Supported && Source.Enabled)
        {
            await FeedRuns.RequestAsync(db, scheduler, Source, HttpContext.RequestAborted);
            TempData["Notice"] = Text["Feeds_RunRequested", Source.Name].Value;
        }

        return Redirect($"/settings/feeds/{Id}");
    }

    public async Task<IActionResult> OnPostCancelAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (runner.Cancel(Id))
        {
            db.RecordAudit("FeedSync.Cancelled", nameof(FeedSyncSource), Id.ToString(), null, $"key={Source.Key}");
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            TempData["Notice"] = Text["Feeds_Cancelled", Source.Name].Value;
        }

        return Redirect($"/settings/feeds/{Id}");
    }

    private async Task<bool> LoadAsync()
    {
        var source = await db.Set<FeedSyncSource>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id, HttpContext.RequestAborted);
        if (source is null)
        {
            return false;
        }

        Source = source;
        Runs = await db.Set<FeedSyncRun>().AsNoTracking().Where(r => r.SourceId == Id).OrderByDescending(r => r.StartedUtc).Take(20).ToListAsync(HttpContext.RequestAborted);
        return true;
    }

    /// <summary>An http(s) URL; for a CSAF provider also a bare domain (its metadata is then looked up as CSAF §7.3.1 says).</summary>
    internal static bool ValidUrl(FeedSyncKind kind, string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;
        }

        return kind == FeedSyncKind.Csaf && !url.Contains("://", StringComparison.Ordinal)
            && Uri.CheckHostName(url) is UriHostNameType.Dns or UriHostNameType.IPv4 && url.Contains('.', StringComparison.Ordinal);
    }
}

public sealed class FeedSourceForm
{
    public string? Url { get; set; }

    public string? IntervalMinutes { get; set; }

    public bool Enabled { get; set; }

    public string? ApiKey { get; set; }

    public bool RemoveApiKey { get; set; }
}
