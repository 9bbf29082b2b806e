using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Policy;

namespace Patchpeil.Server.Findings;

/// <summary>Who asks for a transition.</summary>
public sealed record FindingActor(Guid? UserId, string Name, Role Role);

/// <summary>Why a transition is refused: <see cref="Key"/> names the resource text; 403 when this person may not, 422 when the finding or input does not allow it.</summary>
public sealed record TransitionError(string Key, int Status);

/// <summary>
/// The people's side of the lifecycle (ADR 0017): start, verify, risk acceptance (request, approve by a different
/// administrator, reject), not affected, false positive, reopen. Each transition is checked first and applied second,
/// so a bulk action can check every finding before changing any. Changes are audited (IAudited) and recorded in the
/// finding's history with actor and reason.
/// </summary>
public static class FindingLifecycle
{
    public static readonly string[] Actions = ["start", "verify", "accept-risk", "approve-risk", "reject-risk", "not-affected", "false-positive", "reopen"];

    private static readonly FindingState[] Active = [FindingState.Open, FindingState.InProgress];

    public static TransitionError? Check(AssetFinding f, string action, FindingTransitionInput input, FindingActor actor, DateTime now, TimeSpan maxAcceptance)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role is not (Role.Administrator or Role.ITStaff))
        {
            return new TransitionError("Finding_Error_NotAllowed", 403);
        }

        switch (action)
        {
            case "start":
                return f.State == FindingState.Open ? null : new TransitionError("Finding_Error_NotOpen", 422);
            case "verify":
                return f.State == FindingState.Resolved ? null : new TransitionError("Finding_Error_NotResolved", 422);
            case "accept-risk":
                if (!Active.Contains(f.State))
                {
                    return new TransitionError("Finding_Error_NotActive", 422);
                }

                if (f.AcceptancePending)
                {
                    return new TransitionError("Finding_Error_AcceptancePending", 422);
                }

                if (string.IsNullOrWhiteSpace(input.Reason))
                {
                    return new TransitionError("Finding_Error_ReasonRequired", 422);
                }

                if (string.IsNullOrWhiteSpace(input.Measures))
                {
                    return new TransitionError("Finding_Error_MeasuresRequired", 422);
                }

                if (input.ExpiresUtc is not { } expires || expires.ToUniversalTime() <= now)
                {
                    return new TransitionError("Finding_Error_ExpiryRequired", 422);
                }

                return expires.ToUniversalTime() > now + maxAcceptance ? new TransitionError("Finding_Error_ExpiryTooLate", 422) : null;
            case "approve-risk" or "reject-risk":
                if (!f.AcceptancePending)
                {
                    return new TransitionError("Finding_Error_NoAcceptancePending", 422);
                }

                if (actor.Role != Role.Administrator)
                {
                    return new TransitionError("Finding_Error_ApproverRole", 403);
                }

                if (action == "approve-risk" && (actor.UserId is null || actor.UserId == f.AcceptanceRequestedById))
                {
                    return new TransitionError("Finding_Error_SameApprover", 403);
                }

                if (action == "reject-risk" && string.IsNullOrWhiteSpace(input.Reason))
                {
                    return new TransitionError("Finding_Error_ReasonRequired", 422);
                }

                return f.AcceptanceExpiresUtc <= now ? new TransitionError("Finding_Error_ExpiryRequired", 422) : null;
            case "not-affected":
                if (!Active.Contains(f.State))
                {
                    return new TransitionError("Finding_Error_NotActive", 422);
                }

                return VexJustifications.IsValid(input.Justification) ? null : new TransitionError("Finding_Error_Justification", 422);
            case "false-positive":
                if (!Active.Contains(f.State))
                {
                    return new TransitionError("Finding_Error_NotActive", 422);
                }

                return string.IsNullOrWhiteSpace(input.Reason) ? new TransitionError("Finding_Error_ReasonRequired", 422) : null;
            case "reopen":
                if (Active.Contains(f.State))
                {
                    return new TransitionError("Finding_Error_AlreadyOpen", 422);
                }

                return string.IsNullOrWhiteSpace(input.Reason) ? new TransitionError("Finding_Error_ReasonRequired", 422) : null;
            default:
                return new TransitionError("Finding_Error_UnknownAction", 422);
        }
    }

    /// <summary>Applies a transition that <see cref="Check"/> accepted. The caller saves.</summary>
    public static void Apply(PatchpeilDbContext db, AssetFinding f, string action, FindingTransitionInput input, FindingActor actor, DateTime now, PolicyInEffect policy)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        var from = f.State;
        var reason = Clean(input.Reason);
        switch (action)
        {
            case "start":
                f.State = FindingState.InProgress;
                break;
            case "verify":
                f.State = FindingState.Verified;
                f.VerifiedUtc = now;
                f.VerifiedBy = actor.Name;
                break;
            case "accept-risk":
                f.AcceptanceReason = reason;
                f.AcceptanceMeasures = Clean(input.Measures);
                f.AcceptanceExpiresUtc = input.ExpiresUtc!.Value.ToUniversalTime();
                f.AcceptanceRequestedById = actor.UserId;
                f.AcceptanceRequestedBy = actor.Name;
                f.AcceptanceRequestedUtc = now;
                f.AcceptanceApprovedById = null;
                f.AcceptanceApprovedBy = null;
                f.AcceptanceApprovedUtc = null;
                reason = $"{reason} — {f.AcceptanceMeasures} (until {f.AcceptanceExpiresUtc:yyyy-MM-dd})";
                break;
            case "approve-risk":
                f.State = FindingState.RiskAccepted;
                f.AcceptanceApprovedById = actor.UserId;
                f.AcceptanceApprovedBy = actor.Name;
                f.AcceptanceApprovedUtc = now;
                reason ??= f.AcceptanceReason;
                break;
            case "reject-risk":
                ClearAcceptance(f);
                break;
            case "not-affected":
                f.State = FindingState.NotAffected;
                f.VexJustification = input.Justification;
                reason = reason is null ? input.Justification : $"{input.Justification}: {reason}";
                break;
            case "false-positive":
                f.State = FindingState.FalsePositive;
                f.FalsePositiveReason = reason;
                f.FalsePositiveVersion = f.Version;
                break;
            case "reopen":
                Reopen(f, now, policy);
                break;
            default:
                throw new ArgumentException($"unknown action {action}", nameof(action));
        }

        f.StateReason = reason;
        f.StateChangedUtc = now;
        db.Add(new FindingStateChange
        {
            OrganisationId = f.OrganisationId,
            FindingId = f.Id,
            AtUtc = now,
            From = from,
            To = f.State,
            Action = action,
            Actor = actor.Name,
            ActorUserId = actor.UserId,
            Reason = reason is null ? null : reason.Length <= 2000 ? reason : reason[..2000],
        });
    }

    private static void Reopen(AssetFinding f, DateTime deadlineStart, PolicyInEffect policy)
    {
        f.State = FindingState.Open;
        f.DeadlineStartUtc = deadlineStart;
        f.ResolvedUtc = null;
        f.ResolvedBySnapshotId = null;
        f.VerifiedUtc = null;
        f.VerifiedBy = null;
        f.VexJustification = null;
        f.FalsePositiveReason = null;
        f.FalsePositiveVersion = null;
        ClearAcceptance(f);
        FindingWriter.SetDeadline(f, policy, f.Asset?.Kind ?? AssetKind.Device);
    }

    private static void ClearAcceptance(AssetFinding f)
    {
        f.AcceptanceReason = null;
        f.AcceptanceMeasures = null;
        f.AcceptanceRequestedById = null;
        f.AcceptanceRequestedBy = null;
        f.AcceptanceRequestedUtc = null;
        f.AcceptanceApprovedById = null;
        f.AcceptanceApprovedBy = null;
        f.AcceptanceApprovedUtc = null;
        f.AcceptanceExpiresUtc = null;
    }

    /// <summary>
    /// Accepted risks whose expiry has passed reopen; the deadline restarts from the expiry moment (not from now: a
    /// late tick must not give extra time). Runs as the matching job (system), audited per finding.
    /// </summary>
    public static async Task<int> ExpireAcceptancesAsync(PatchpeilDbContext db, IPatchPolicyService policies, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().UtcDateTime;
        var expired = await db.Set<AssetFinding>().Include(f => f.Asset)
            .Where(f => f.State == FindingState.RiskAccepted && f.AcceptanceExpiresUtc <= now).ToListAsync(ct);
        var policyByOrg = new Dictionary<Guid, PolicyInEffect>();
        foreach (var f in expired)
        {
            if (!policyByOrg.TryGetValue(f.OrganisationId, out var policy))
            {
                policyByOrg[f.OrganisationId] = policy = await policies.CurrentAsync(f.OrganisationId, ct);
            }

            var expiry = f.AcceptanceExpiresUtc!.Value;
            var reason = $"risk acceptance expired {expiry:yyyy-MM-dd HH:mm} UTC ({f.AcceptanceReason})";
            db.Add(new FindingStateChange
            {
                OrganisationId = f.OrganisationId,
                FindingId = f.Id,
                AtUtc = now,
                From = f.State,
                To = FindingState.Open,
                Action = "acceptance-expired",
                Actor = "matching",
                Reason = reason.Length <= 2000 ? reason : reason[..2000],
            });
            Reopen(f, expiry, policy);
            f.StateReason = reason.Length <= 2000 ? reason : reason[..2000];
            f.StateChangedUtc = now;
        }

        if (expired.Count > 0)
        {
            await db.SaveChangesAsync(ct);
        }

        db.ChangeTracker.Clear();
        return expired.Count;
    }

    private static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        return text.Length <= 2000 ? text : text[..2000];
    }
}
