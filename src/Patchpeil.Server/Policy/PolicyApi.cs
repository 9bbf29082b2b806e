using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Policy;

/// <summary>/api/v1/policy: everyone in the organisation reads the policy; administrators save drafts and approve them.</summary>
public static class PolicyApi
{
    public static IServiceCollection AddPatchPolicy(this IServiceCollection services) =>
        services.AddSingleton<IPatchPolicyService, PatchPolicyService>();

    public static IEndpointRouteBuilder MapPolicyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/policy").RequireAuthorization(Policies.Read).WithTags("Policy");
        api.MapGet("", (PatchpeilDbContext db, CancellationToken ct) => PatchPolicyRules.OverviewAsync(db, ct));
        api.MapPost("/versions", async Task<Results<Created<PatchPolicyVersionDto>, ValidationProblem>> (PatchPolicyInput input, PatchpeilDbContext db, TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var errors = PatchPolicyRules.Validate(input);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var version = await PatchPolicyRules.CreateDraftAsync(db, input, time.GetUtcNow().UtcDateTime, ct);
            return TypedResults.Created($"/api/v1/policy/versions/{version.Id}", version.ToDto(null));
        }).RequireAuthorization(Policies.Admin);
        api.MapPost("/versions/{id:guid}/approve", async Task<Results<Ok<PatchPolicyVersionDto>, NotFound, ValidationProblem>> (Guid id, PolicyApprovalInput input, PatchpeilDbContext db,
            IEnumerable<IPolicyChangeListener> listeners, TimeProvider time, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var (outcome, version, errors) = await PatchPolicyRules.ApproveAsync(db, listeners, id, input, time.GetUtcNow().UtcDateTime, ct);
            return outcome switch
            {
                PatchPolicyRules.ApprovalOutcome.NotFound => TypedResults.NotFound(),
                PatchPolicyRules.ApprovalOutcome.Invalid => errors.ToProblem(text),
                _ => TypedResults.Ok(version!.ToDto(version!.Id)),
            };
        }).RequireAuthorization(Policies.Admin);
        return app;
    }
}
