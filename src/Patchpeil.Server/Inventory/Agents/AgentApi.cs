using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// The agent's API: enrollment (secret → device key) and reports (device key), and the administrators' API for
/// enrollment secrets and devices. Keys and secrets are compared by SHA-256 and never logged.
/// </summary>
public static class AgentApi
{
    public const int DefaultSecretDays = 30;

    private static readonly JsonSerializerOptions ReportJson = new(PatchpeilClient.JsonOptions)
    {
        MaxDepth = ReportValidation.MaxDepth,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
    };

    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration("Agents")
            .Validate(o => o.ReportBurst > 0 && o.ReportPeriodSeconds > 0, "Agents:ReportBurst and Agents:ReportPeriodSeconds must be positive.")
            .Validate(o => o.InventoryCleanupHours >= 0, "Agents:InventoryCleanupHours must be 0 (off) or more.")
            .ValidateOnStart();
        services.AddSingleton<AgentRateLimiter>();
        services.AddSingleton<InventorySetCleanup>();
        services.AddHostedService<InventorySetCleanupJob>();
        return services;
    }

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        var agent = app.MapGroup("/api/v1/agent").WithTags("Agent");
        agent.MapPost("/enroll", EnrollAsync).AllowAnonymous();
        agent.MapPost("/reports", ReportAsync).AllowAnonymous();

        var admin = agent.MapGroup("").RequireAuthorization(Policies.Admin);
        admin.MapGet("/enrollment-secrets", async (PatchpeilDbContext db, CancellationToken ct) =>
            (await db.Set<EnrollmentSecret>().AsNoTracking().OrderByDescending(s => s.CreatedUtc).ToListAsync(ct)).Select(s => s.ToDto(null)).ToList());
        admin.MapPost("/enrollment-secrets", async Task<Results<Created<EnrollmentSecretDto>, ValidationProblem>> (EnrollmentSecretInput input, PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var errors = await ValidateSecretAsync(input, db, now, ct);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.Select(k => text[k].Value).ToArray()), title: text["Validation_Title"].Value);
            }

            var (secret, row) = NewSecret(input.Name!.Trim(), input.SchoolId, input.ExpiresUtc ?? now.AddDays(DefaultSecretDays), now);
            db.Set<EnrollmentSecret>().Add(row);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/agent/enrollment-secrets/{row.Id}", row.ToDto(secret));
        });
        admin.MapPost("/enrollment-secrets/{id:guid}/revoke", async Task<Results<Ok<EnrollmentSecretDto>, NotFound>> (Guid id, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var row = await db.Set<EnrollmentSecret>().SingleOrDefaultAsync(s => s.Id == id, ct);
            if (row is null)
            {
                return TypedResults.NotFound();
            }

            row.RevokedUtc ??= time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(row.ToDto(null));
        });
        admin.MapGet("/devices", async (PatchpeilDbContext db, CancellationToken ct) =>
            (await db.Set<AgentDevice>().AsNoTracking().OrderByDescending(d => d.EnrolledUtc).ToListAsync(ct)).Select(d => d.ToDto()).ToList());
        admin.MapPost("/devices/{id:guid}/revoke", (Guid id, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
            ChangeDeviceAsync(db, id, d => d.RevokedUtc ??= time.GetUtcNow().UtcDateTime, ct));
        admin.MapPost("/devices/{id:guid}/request-full", (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            ChangeDeviceAsync(db, id, d => d.FullReportRequested = true, ct));
        return app;
    }

    public static (string Secret, EnrollmentSecret Row) NewSecret(string name, Guid? schoolId, DateTime expiresUtc, DateTime now)
    {
        var (secret, prefix, hash) = AgentKeys.NewSecret();
        return (secret, new EnrollmentSecret { Name = name, SchoolId = schoolId, Prefix = prefix, Hash = hash, CreatedUtc = now, ExpiresUtc = expiresUtc });
    }

    public static async Task<Dictionary<string, string[]>> ValidateSecretAsync(EnrollmentSecretInput input, PatchpeilDbContext db, DateTime now, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["name"] = ["Validation_Required"];
        }
        else if (name.Length > 100 || name.Any(char.IsControl))
        {
            errors["name"] = ["Validation_TooLong"];
        }

        if (input.ExpiresUtc is { } expires && (expires <= now || expires > now.AddYears(1)))
        {
            errors["expiresUtc"] = ["Validation_SecretExpiry"];
        }

        if (input.SchoolId is { } schoolId && !await db.Schools.AnyAsync(s => s.Id == schoolId, ct))
        {
            errors["schoolId"] = ["Validation_UnknownSchool"];
        }

        return errors;
    }

    private static async Task<Results<Ok<AgentDeviceDto>, NotFound>> ChangeDeviceAsync(PatchpeilDbContext db, Guid id, Action<AgentDevice> change, CancellationToken ct)
    {
        var device = await db.Set<AgentDevice>().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (device is null)
        {
            return TypedResults.NotFound();
        }

        change(device);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(device.ToDto());
    }

    private static async Task<IResult> EnrollAsync(AgentEnrollRequest? input, PatchpeilDbContext db, RequestContext request, TimeProvider time, CancellationToken ct)
    {
        if (input?.Secret is not { } secret || !AgentKeys.LooksLike(secret, AgentKeys.SecretMarker))
        {
            return TypedResults.Problem("The enrollment secret is missing or malformed.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var hash = AgentKeys.HashOf(secret);
        var row = await db.Set<EnrollmentSecret>().IgnoreQueryFilters().SingleOrDefaultAsync(s => s.Hash == hash, ct);
        if (row is null || row.RevokedUtc is not null || row.ExpiresUtc <= now)
        {
            return TypedResults.Problem("The enrollment secret is unknown, revoked or expired.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var identity = input.Device;
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value, max) in new[] { ("device.hostname", identity?.Hostname, 253), ("device.hardwareUuid", identity?.HardwareUuid, 128), ("device.serialNumber", identity?.SerialNumber, 128), ("device.machineId", identity?.MachineId, 128), ("agentVersion", input.AgentVersion, 64) })
        {
            if (value is not null && (value.Length > max || value.Any(char.IsControl)))
            {
                errors[field] = [$"is longer than {max} characters or contains control characters."];
            }
        }

        var uuid = ReportValidation.RealIdentity(identity?.HardwareUuid);
        var serial = ReportValidation.RealIdentity(identity?.SerialNumber);
        var machineId = ReportValidation.RealIdentity(identity?.MachineId);
        if (string.IsNullOrWhiteSpace(identity?.Hostname))
        {
            errors["device.hostname"] = ["is required."];
        }

        if (uuid is null && serial is null && machineId is null)
        {
            errors["device"] = ["needs a hardware UUID, a serial number or at least a machine id: the host name alone cannot tell cloned machines apart."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        request.SetAnonymous($"agent enrollment ({row.Prefix}…)");
        request.SetOrganisation(row.OrganisationId);

        // Hardware identity decides, strongest first; the host name never does (school images are cloned).
        var devices = db.Set<AgentDevice>();
        var device = uuid is not null ? await devices.FirstOrDefaultAsync(d => d.HardwareUuid == uuid, ct)
            : serial is not null ? await devices.FirstOrDefaultAsync(d => d.HardwareUuid == null && d.SerialNumber == serial, ct)
            : await devices.FirstOrDefaultAsync(d => d.HardwareUuid == null && d.SerialNumber == null && d.MachineId == machineId, ct);
        if (device?.RevokedUtc is not null)
        {
            return TypedResults.Problem("This device was revoked by an administrator and cannot enroll again.", statusCode: StatusCodes.Status403Forbidden);
        }

        var (key, prefix, keyHash) = AgentKeys.NewDeviceKey();
        var reenrolled = device is not null;
        if (device is null)
        {
            var hostname = identity!.Hostname.Trim();
            var asset = new Asset
            {
                Kind = AssetKind.Device,
                Name = hostname.Length > 200 ? hostname[..200] : hostname,
                Hostname = hostname,
                SchoolId = row.SchoolId,
                CreatedUtc = now,
                UpdatedUtc = now,
            };
            db.Assets.Add(asset);
            device = new AgentDevice { AssetId = asset.Id, KeyPrefix = prefix, KeyHash = keyHash };
            devices.Add(device);
        }

        // The previous key of re-enrolled hardware stops working here.
        device.KeyPrefix = prefix;
        device.KeyHash = keyHash;
        device.HardwareUuid = uuid;
        device.SerialNumber = serial;
        device.MachineId = machineId;
        device.EnrolledUtc = now;
        device.EnrollmentSecretId = row.Id;
        device.AgentVersion = input.AgentVersion;
        device.FullReportRequested = true;
        row.Enrollments++;
        row.LastUsedUtc = now;
        db.RecordAudit(reenrolled ? "AgentDevice.Reenrolled" : "AgentDevice.Enrolled", nameof(AgentDevice), device.Id.ToString(), null,
            $"asset={device.AssetId}; secret={row.Prefix}; key={prefix}", row.OrganisationId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new AgentEnrollResponse(device.Id, device.AssetId, key, reenrolled));
    }

    private static async Task<IResult> ReportAsync(HttpContext http, PatchpeilDbContext db, RequestContext request, AgentRateLimiter limiter, TimeProvider time, Findings.IFindingsJobs findings, CancellationToken ct)
    {
        var key = AgentKeys.DeviceKeyFrom(http.Request);
        if (key is null)
        {
            return TypedResults.Problem("A device key is required: `Authorization: Bearer ppd_…` (run `patchpeil-agent enroll`).", statusCode: StatusCodes.Status401Unauthorized);
        }

        var keyHash = AgentKeys.HashOf(key);
        var device = await db.Set<AgentDevice>().IgnoreQueryFilters().SingleOrDefaultAsync(d => d.KeyHash == keyHash, ct);
        if (device is null)
        {
            return TypedResults.Problem("The device key is unknown (it is replaced when the device enrolls again).", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (device.RevokedUtc is not null)
        {
            return TypedResults.Problem("This device was revoked by an administrator.", statusCode: StatusCodes.Status403Forbidden);
        }

        request.SetAnonymous($"agent {device.KeyPrefix}…");
        request.SetOrganisation(device.OrganisationId);
        if (limiter.TryAcquire(device.Id) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem("Too many reports from this device; try again later.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        var body = await ReadBodyAsync(http.Request, WebSetup.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem($"The report is larger than {WebSetup.MaxRequestBodyBytes / 1024 / 1024} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        AgentReport? report;
        try
        {
            report = JsonSerializer.Deserialize<AgentReport>(body.Value.Span, ReportJson);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(
                $"The report is not a valid agent report at {e.Path ?? "$"} (line {(e.LineNumber ?? 0) + 1}, byte {e.BytePositionInLine ?? 0}): {e.Message}",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid report");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (report is null)
        {
            return TypedResults.Problem("The report is empty.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid report");
        }

        var errors = ReportValidation.Validate(report, now);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid report");
        }

        if (!SameHardware(device, report.Device))
        {
            return TypedResults.Problem("The report names other hardware than the device this key belongs to.", statusCode: StatusCodes.Status403Forbidden);
        }

        var (outcome, result) = await CheckIn.AcceptAsync(db, device, report, now, ct);
        if (outcome == CheckIn.Outcome.Accepted && result is not null)
        {
            await findings.AssetChangedAsync(result.AssetId, ct);
        }

        return outcome switch
        {
            CheckIn.Outcome.Accepted or CheckIn.Outcome.Replayed => TypedResults.Ok(result),
            CheckIn.Outcome.FullReportRequired => TypedResults.Problem(
                "The server does not hold the inventory this delta applies to; send a full report.", statusCode: StatusCodes.Status409Conflict,
                title: "Full report required", extensions: new Dictionary<string, object?> { ["fullReportRequired"] = true }),
            _ => TypedResults.Problem("This report id was already used by another device.", statusCode: StatusCodes.Status409Conflict),
        };
    }

    /// <summary>
    /// A key may only report for the hardware it enrolled with: an identity the report names must be the enrolled
    /// one (a value the report leaves out is not a claim). The host name may change freely.
    /// </summary>
    private static bool SameHardware(AgentDevice device, DeviceIdentity reported) =>
        Matches(device.HardwareUuid, ReportValidation.RealIdentity(reported.HardwareUuid))
        && Matches(device.SerialNumber, ReportValidation.RealIdentity(reported.SerialNumber))
        && (device.HardwareUuid is not null || device.SerialNumber is not null || Matches(device.MachineId, ReportValidation.RealIdentity(reported.MachineId)));

    private static bool Matches(string? enrolled, string? reported) => enrolled is null || reported is null || enrolled == reported;

    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 64 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static EnrollmentSecretDto ToDto(this EnrollmentSecret s, string? secret) =>
        new(s.Id, s.Name, s.Prefix, s.SchoolId, s.CreatedUtc, s.ExpiresUtc, s.RevokedUtc, s.Enrollments, secret);

    private static AgentDeviceDto ToDto(this AgentDevice d) =>
        new(d.Id, d.AssetId, d.HardwareUuid, d.SerialNumber, d.KeyPrefix, d.EnrolledUtc, d.RevokedUtc, d.LastReportUtc, d.FullReportRequested);
}
