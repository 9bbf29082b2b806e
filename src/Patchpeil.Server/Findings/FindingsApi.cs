using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Findings;

/// <summary>Query-string filters of the findings endpoints (see <see cref="FindingQuery"/>).</summary>
public sealed record FindingListParameters(
    Guid? SchoolId, AssetKind? AssetKind, Priority? Priority, FindingState? State, string? Source, bool? Kev, bool? Overdue,
    Guid? AssetId, string? Subject, FindingKind? Kind, string? ComponentKey, string? Q, bool? Active, string? Sort, bool? Descending, int? Page, int? PageSize)
{
    public FindingQuery ToQuery(DateTime now)
    {
        var (page, size) = ApiResults.Paging(Page, PageSize);
        return new FindingQuery(SchoolId, AssetKind, Priority, State, Source, Kev, Overdue, AssetId, Subject, Kind, ComponentKey, Q, Active ?? false, Sort, Descending ?? false, page, 25)
            .Normalised() with
        { PageSize = size, Now = now };
    }
}

public static class FindingsSetup
{
    public static IServiceCollection AddFindings(this IServiceCollection services)
    {
        services.AddSingleton<FindingsOptions>();
        services.AddSingleton<MatchingService>();
        services.AddSingleton<IFindingsJobs>(sp => sp.GetRequiredService<MatchingService>());
        services.AddSingleton<IPolicyChangeListener>(sp => sp.GetRequiredService<MatchingService>());
        services.AddHostedService(sp => sp.GetRequiredService<MatchingService>());
        return services;
    }

    /// <summary>/api/v1/findings: lists, groups, counts, one finding with its explanation and history, and lifecycle transitions.</summary>
    public static IEndpointRouteBuilder MapFindingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/findings").RequireAuthorization(Policies.Read).WithTags("Findings");

        api.MapGet("/", async ([AsParameters] FindingListParameters p, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok(await p.ToQuery(time.GetUtcNow().UtcDateTime).ExecuteDtoAsync(db, ct)));

        api.MapGet("/groups/{by}", async Task<Results<Ok<PagedResult<FindingGroupDto>>, NotFound>> (string by, [AsParameters] FindingListParameters p, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var query = p.ToQuery(time.GetUtcNow().UtcDateTime);
            return by switch
            {
                "advisory" => TypedResults.Ok(await query.ByAdvisoryAsync(db, ct)),
                "asset" => TypedResults.Ok(await query.ByAssetAsync(db, ct)),
                "product" => TypedResults.Ok(await query.ByProductAsync(db, ct)),
                _ => TypedResults.NotFound(),
            };
        });

        api.MapGet("/counts", async ([AsParameters] FindingListParameters p, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok(await p.ToQuery(time.GetUtcNow().UtcDateTime).CountsAsync(db, ct)));

        api.MapGet("/{id:guid}", async Task<Results<Ok<FindingDetailDto>, NotFound>> (Guid id, PatchpeilDbContext db, TimeProvider time, CancellationToken ct) =>
            await DetailAsync(db, id, time.GetUtcNow().UtcDateTime, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound());

        api.MapPost("/{id:guid}/{action}", async Task<Results<Ok<FindingDetailDto>, NotFound, ProblemHttpResult>> (
            Guid id, string action, FindingTransitionInput? input, HttpContext http, PatchpeilDbContext db, IPatchPolicyService policies, FindingsOptions options,
            TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            if (!FindingLifecycle.Actions.Contains(action, StringComparer.Ordinal))
            {
                return TypedResults.NotFound();
            }

            var finding = await db.Set<AssetFinding>().Include(f => f.Asset).SingleOrDefaultAsync(f => f.Id == id, ct);
            if (finding is null)
            {
                return TypedResults.NotFound();
            }

            input ??= new FindingTransitionInput();
            var now = time.GetUtcNow().UtcDateTime;
            var actor = ActorOf(http, db.Request);
            if (FindingLifecycle.Check(finding, action, input, actor, now, options.MaxRiskAcceptance) is { } error)
            {
                return TypedResults.Problem(text[error.Key].Value, statusCode: error.Status, title: text["Finding_Error_Title"].Value,
                    extensions: new Dictionary<string, object?> { ["code"] = error.Key });
            }

            FindingLifecycle.Apply(db, finding, action, input, actor, now, await policies.CurrentAsync(finding.OrganisationId, ct));
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok((await DetailAsync(db, id, now, ct))!);
        }).RequireAuthorization(Policies.Write);

        api.MapPost("/bulk", async Task<Results<Ok<FindingBulkResult>, UnprocessableEntity<FindingBulkResult>, ProblemHttpResult>> (
            FindingBulkInput input, HttpContext http, PatchpeilDbContext db, IPatchPolicyService policies, FindingsOptions options,
            TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            if (!FindingLifecycle.Actions.Contains(input.Action, StringComparer.Ordinal))
            {
                return TypedResults.Problem(text["Finding_Error_UnknownAction"].Value, statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            var ids = (input.Ids ?? []).Distinct().ToList();
            if (ids.Count is 0 or > MaxBulk)
            {
                return TypedResults.Problem(text["Finding_Error_BulkSize", MaxBulk].Value, statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            var findings = await db.Set<AssetFinding>().Include(f => f.Asset).Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
            var now = time.GetUtcNow().UtcDateTime;
            var actor = ActorOf(http, db.Request);
            var transition = input.Input ?? new FindingTransitionInput();
            var errors = new List<FindingBulkError>();
            foreach (var id in ids)
            {
                if (!findings.TryGetValue(id, out var f))
                {
                    errors.Add(new FindingBulkError(id, text["Finding_Error_NotFound"].Value));
                }
                else if (FindingLifecycle.Check(f, input.Action, transition, actor, now, options.MaxRiskAcceptance) is { } error)
                {
                    errors.Add(new FindingBulkError(id, text[error.Key].Value));
                }
            }

            if (errors.Count > 0)
            {
                return TypedResults.UnprocessableEntity(new FindingBulkResult(0, errors));
            }

            var policyByOrg = new Dictionary<Guid, PolicyInEffect>();
            foreach (var f in findings.Values)
            {
                if (!policyByOrg.TryGetValue(f.OrganisationId, out var policy))
                {
                    policyByOrg[f.OrganisationId] = policy = await policies.CurrentAsync(f.OrganisationId, ct);
                }

                FindingLifecycle.Apply(db, f, input.Action, transition, actor, now, policy);
            }

            await db.SaveChangesAsync(ct); // one transaction: all or nothing
            return TypedResults.Ok(new FindingBulkResult(findings.Count, []));
        }).RequireAuthorization(Policies.Write);

        return app;
    }

    public const int MaxBulk = 1000;

    public static async Task<FindingDetailDto?> DetailAsync(PatchpeilDbContext db, Guid id, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var finding = await db.Set<AssetFinding>().AsNoTracking().Include(f => f.Asset).ThenInclude(a => a!.School).SingleOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return null;
        }

        var history = await db.Set<FindingStateChange>().AsNoTracking().Where(h => h.FindingId == id).OrderBy(h => h.Id).ToListAsync(ct);
        return finding.ToDetailDto(history, now);
    }

    /// <summary>The person (or token) acting, with the role of the current membership.</summary>
    public static FindingActor ActorOf(HttpContext http, RequestContext request)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var role = Enum.TryParse<Role>(http.User.FindFirstValue(ClaimTypes.Role), out var r) ? r : Role.Auditor;
        return new FindingActor(request.UserId, request.Actor, role);
    }
}
