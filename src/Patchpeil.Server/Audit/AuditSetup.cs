using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Audit;

/// <summary>Filters of the audit log, shared by the page, the API and the CSV export.</summary>
public sealed record AuditQuery(string? Action = null, string? Actor = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 50)
{
    public IQueryable<AuditEvent> Apply(PatchpeilDbContext db)
    {
        // The audit table is not tenant-owned (sign-in failures have no organisation), so filter explicitly here:
        // members see their own organisation's events only.
        var organisationId = db.Request.OrganisationId;
        var events = db.AuditEvents.AsNoTracking().Where(e => e.OrganisationId == organisationId);
        if (!string.IsNullOrWhiteSpace(Action))
        {
            events = events.Where(e => e.Action.StartsWith(Action.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            events = events.Where(e => e.Actor.Contains(Actor.Trim()));
        }

        if (From is { } from)
        {
            var f = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            events = events.Where(e => e.TimestampUtc >= f);
        }

        if (To is { } to)
        {
            var t = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            events = events.Where(e => e.TimestampUtc < t);
        }

        return events.OrderByDescending(e => e.Id);
    }

    public static string ToCsv(IEnumerable<AuditEvent> events)
    {
        var csv = new StringBuilder("id,timestamp_utc,actor,action,entity_type,entity_id,before,after,hash\n");
        foreach (var e in events)
        {
            csv.AppendJoin(',', new[]
            {
                e.Id.ToString(CultureInfo.InvariantCulture), e.TimestampUtc.ToString("O", CultureInfo.InvariantCulture),
                e.Actor, e.Action, e.EntityType, e.EntityId, e.Before, e.After, e.Hash,
            }.Select(Web.Csv.Cell)).Append('\n');
        }

        return csv.ToString();
    }
}

public sealed record AuditEventDto(long Id, DateTime TimestampUtc, string Actor, string Action, string EntityType, string? EntityId, string? Before, string? After, string Hash);

public static class AuditSetup
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").RequireAuthorization(Policies.Audit).WithTags("Audit");
        api.MapGet("/", async (PatchpeilDbContext db, string? action, string? actor, DateOnly? from, DateOnly? to, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = Web.ApiResults.Paging(page, pageSize);
            var query = new AuditQuery(action, actor, from, to).Apply(db);
            var items = await query.Skip((p - 1) * size).Take(size)
                .Select(e => new AuditEventDto(e.Id, e.TimestampUtc, e.Actor, e.Action, e.EntityType, e.EntityId, e.Before, e.After, e.Hash))
                .ToListAsync(ct);
            return TypedResults.Ok(new PagedResult<AuditEventDto>(items, p, size, await query.CountAsync(ct)));
        });
        api.MapGet("/verify", async (PatchpeilDbContext db, CancellationToken ct) => TypedResults.Ok(await AuditChain.VerifyAsync(db, ct)))
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}
