using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Settings.Connectors;

/// <summary>
/// One connector: add or change it (the secret can only be replaced, never shown), test the connection, run it now,
/// and see its runs with their per-device errors and what it read besides devices (Intune update rings).
/// </summary>
public sealed class EditModel(PatchpeilDbContext db, ConnectorRunner runner, ConnectorScheduler scheduler, IDataProtectionProvider protection, TimeProvider time, IStringLocalizer<SharedResource> text)
    : PatchpeilPageModel(text)
{
    public const int MinInterval = 15;
    public const int MaxInterval = 7 * 24 * 60;
    public const int MaxSecretLength = 16 * 1024;

    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public ConnectorKind Kind { get; set; }

    [BindProperty]
    public ConnectorForm Input { get; set; } = new();

    public Connector? Connector { get; private set; }

    public IConnectorSource Source { get; private set; } = null!;

    public List<ConnectorRun> Runs { get; private set; } = [];

    public int ActiveDevices { get; private set; }

    public int RemovedDevices { get; private set; }

    public List<SelectListItem> SchoolOptions { get; private set; } = [];

    public bool Running => Id is { } id && runner.IsRunning(id);

    /// <summary>The Windows update rings Intune reported, for the information table; empty for other kinds.</summary>
    public List<Dictionary<string, JsonElement>> UpdateRings { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        Input = Connector is { } c
            ? new ConnectorForm
            {
                Name = c.Name,
                SchoolId = c.SchoolId?.ToString(),
                BaseUrl = c.BaseUrl,
                AuthUrl = c.AuthUrl,
                Enabled = c.Enabled,
                IntervalMinutes = c.IntervalMinutes.ToString(CultureInfo.InvariantCulture),
                Settings = new Dictionary<string, string?>(c.Settings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))),
            }
            : new ConnectorForm { BaseUrl = Source.DefaultBaseUrl, AuthUrl = Source.DefaultAuthUrl, IntervalMinutes = "360", Enabled = true, Settings = Source.Settings.ToDictionary(f => f.Key, f => (string?)null) };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        ModelState.Clear();
        var name = Input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            ModelState.AddModelError("Input.Name", Text["Validation_Required"]);
        }
        else if (name.Length > 200)
        {
            ModelState.AddModelError("Input.Name", Text["Validation_TooLong"]);
        }

        var baseUrl = Input.BaseUrl?.Trim() ?? "";
        if (!ValidUrl(baseUrl))
        {
            ModelState.AddModelError("Input.BaseUrl", Text["Connectors_UrlInvalid"]);
        }

        var authUrl = Input.AuthUrl?.Trim();
        if (Source.DefaultAuthUrl is not null && !ValidUrl(authUrl ?? ""))
        {
            ModelState.AddModelError("Input.AuthUrl", Text["Connectors_UrlInvalid"]);
        }

        if (!int.TryParse(Input.IntervalMinutes, NumberStyles.None, CultureInfo.InvariantCulture, out var interval) || interval < MinInterval || interval > MaxInterval)
        {
            ModelState.AddModelError("Input.IntervalMinutes", Text["Connectors_IntervalInvalid", MinInterval, MaxInterval]);
        }

        Guid? schoolId = null;
        if (!string.IsNullOrEmpty(Input.SchoolId))
        {
            if (Guid.TryParse(Input.SchoolId, out var sid) && await db.Schools.AnyAsync(s => s.Id == sid, HttpContext.RequestAborted))
            {
                schoolId = sid;
            }
            else
            {
                ModelState.AddModelError("Input.SchoolId", Text["Validation_Required"]);
            }
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in Source.Settings)
        {
            var value = (Input.Settings.GetValueOrDefault(field.Key) ?? "").Trim();
            if (value.Length == 0)
            {
                if (field.Required)
                {
                    ModelState.AddModelError($"Input.Settings[{field.Key}]", Text["Validation_Required"]);
                }

                continue;
            }

            if (value.Length > field.MaxLength || value.Any(char.IsControl))
            {
                ModelState.AddModelError($"Input.Settings[{field.Key}]", Text["Validation_TooLong"]);
                continue;
            }

            settings[field.Key] = value;
        }

        // The secret is never echoed back into the page, not even after an error elsewhere on the form.
        var secret = Input.Secret?.Trim();
        if (!string.IsNullOrEmpty(secret) && secret.Length > MaxSecretLength)
        {
            ModelState.AddModelError("Input.Secret", Text["Validation_TooLong"]);
        }
        else if (string.IsNullOrEmpty(secret) && Connector?.ProtectedSecret is null && Input.Enabled)
        {
            ModelState.AddModelError("Input.Secret", Text["Connectors_SecretRequired"]);
        }

        if (!ModelState.IsValid)
        {
            if (ModelState.TryGetValue("Input.Secret", out var entry))
            {
                entry.AttemptedValue = null;
                entry.RawValue = null;
            }

            Input.Secret = null;
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var connector = Connector is null
            ? new Connector { Kind = Kind, Name = name, BaseUrl = baseUrl, CreatedUtc = now }
            : await db.Set<Connector>().SingleAsync(c => c.Id == Connector.Id, HttpContext.RequestAborted);
        if (Connector is null)
        {
            db.Add(connector);
        }

        if (Input.Enabled && !connector.Enabled)
        {
            connector.NextRunUtc = now; // Enabling means: read soon, then on the interval.
        }

        connector.Name = name;
        connector.SchoolId = schoolId;
        connector.BaseUrl = baseUrl;
        connector.AuthUrl = Source.DefaultAuthUrl is null ? null : authUrl;
        connector.Settings = settings;
        connector.IntervalMinutes = interval;
        connector.Enabled = Input.Enabled;
        if (!string.IsNullOrEmpty(secret))
        {
            connector.ProtectedSecret = ConnectorSecrets.Protect(protection, secret);
            connector.SecretSetUtc = now;
        }

        connector.Version = Guid.NewGuid();
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        if (connector.Enabled)
        {
            scheduler.Wake();
        }

        TempData["Notice"] = Text["Saved", connector.Name].Value;
        return Redirect($"/settings/connectors/{connector.Id}");
    }

    public async Task<IActionResult> OnPostTestAsync()
    {
        if (!await LoadAsync() || Connector is null)
        {
            return NotFound();
        }

        var result = await runner.TestAsync(Connector.Id, HttpContext.RequestAborted);
        db.RecordAudit("Connector.Tested", nameof(Patchpeil.Server.Connectors.Connector), Connector.Id.ToString(), null, $"success={result.Success}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData[result.Success ? "Notice" : "TestFailed"] = (result.Success ? Text["Connectors_TestOk", result.Message] : Text["Connectors_TestFailed", result.Message]).Value;
        return Redirect($"/settings/connectors/{Connector.Id}");
    }

    public async Task<IActionResult> OnPostRunAsync()
    {
        if (!await LoadAsync() || Connector is null)
        {
            return NotFound();
        }

        if (Connector.ProtectedSecret is null)
        {
            TempData["TestFailed"] = Text["Connectors_SecretRequired"].Value;
            return Redirect($"/settings/connectors/{Connector.Id}");
        }

        db.RecordAudit("Connector.RunRequested", nameof(Patchpeil.Server.Connectors.Connector), Connector.Id.ToString(), null, $"name={Connector.Name}");
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        scheduler.RequestRun(Connector.Id, db.Request.Actor);
        TempData["Notice"] = Text["Connectors_RunRequested", Connector.Name].Value;
        return Redirect($"/settings/connectors/{Connector.Id}");
    }

    /// <summary>
    /// Removes the connector, its run history and its device links; the assets it created or joined stay, with their
    /// snapshots (which keep the connector id as history). Administrators only (the Settings folder), audited.
    /// </summary>
    public async Task<IActionResult> OnPostDeleteAsync()
    {
        if (!await LoadAsync() || Connector is null)
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        var id = Connector.Id;
        if (runner.IsRunning(id))
        {
            TempData["TestFailed"] = Text["Connectors_DeleteRunning", Connector.Name].Value;
            return Redirect($"/settings/connectors/{id}");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var devices = await db.Set<ConnectorDeviceLink>().Where(l => l.ConnectorId == id).ExecuteDeleteAsync(ct);
        var runs = await db.Set<ConnectorRun>().Where(r => r.ConnectorId == id).ExecuteDeleteAsync(ct);
        db.Remove(await db.Set<Connector>().SingleAsync(c => c.Id == id, ct));
        // The removal itself is audited as Connector.Deleted with the connector's settings (IAudited); this says what went with it.
        db.RecordAudit("Connector.HistoryRemoved", nameof(Patchpeil.Server.Connectors.Connector), id.ToString(), null,
            string.Create(CultureInfo.InvariantCulture, $"name={Connector.Name}; kind={Connector.Kind}; deviceLinks={devices}; runs={runs}; assets kept"));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        TempData["Notice"] = Text["Connectors_Deleted", Connector.Name, devices].Value;
        return Redirect("/settings/connectors");
    }

    private async Task<bool> LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (Id is { } id)
        {
            Connector = await db.Set<Connector>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
            if (Connector is null)
            {
                return false;
            }

            Kind = Connector.Kind;
            Runs = await db.Set<ConnectorRun>().AsNoTracking().Where(r => r.ConnectorId == id).OrderByDescending(r => r.StartedUtc).Take(20).ToListAsync(ct);
            ActiveDevices = await db.Set<ConnectorDeviceLink>().CountAsync(l => l.ConnectorId == id && l.DeletedUtc == null, ct);
            RemovedDevices = await db.Set<ConnectorDeviceLink>().CountAsync(l => l.ConnectorId == id && l.DeletedUtc != null, ct);
            UpdateRings = ReadRings(Connector.InformationJson);
        }

        if (runner.Source(Kind) is not { } source)
        {
            return false;
        }

        Source = source;
        var schools = await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        SchoolOptions = [new SelectListItem(Text["Connectors_NoSchool"], ""), .. schools.Select(s => new SelectListItem(s.Name, s.Id.ToString()))];
        return true;
    }

    private static List<Dictionary<string, JsonElement>> ReadRings(string? json)
    {
        if (json is null)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("updateRings", out var rings) && rings.ValueKind == JsonValueKind.Array
                ? rings.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
                    .Select(r => r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool ValidUrl(string url) =>
        url.Length is > 0 and <= 2000 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;
}

public sealed class ConnectorForm
{
    public string? Name { get; set; }

    public string? SchoolId { get; set; }

    public string? BaseUrl { get; set; }

    public string? AuthUrl { get; set; }

    public Dictionary<string, string?> Settings { get; set; } = new(StringComparer.Ordinal);

    public string? Secret { get; set; }

    public bool Enabled { get; set; }

    public string? IntervalMinutes { get; set; }
}
