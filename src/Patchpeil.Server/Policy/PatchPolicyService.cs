using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;

namespace Patchpeil.Server.Policy;

/// <summary>
/// The stored, versioned patch policy: the approved version with the highest number is in effect; without one the
/// defaults (version 0) apply. A singleton that opens its own scope, so jobs and requests can both ask for it.
/// </summary>
public sealed class PatchPolicyService(IServiceScopeFactory scopes) : IPatchPolicyService
{
    public async Task<PolicyInEffect> CurrentAsync(Guid organisationId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("patch-policy");
        var db = scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>();
        var version = await PatchPolicyRules.InEffectAsync(db.Set<PatchPolicyVersion>().Where(v => v.OrganisationId == organisationId), cancellationToken);
        return version?.ToPolicy() ?? PolicyInEffect.Default;
    }
}

/// <summary>Validation, drafts and approval, shared by the API and the settings page.</summary>
public static class PatchPolicyRules
{
    public const int MaxDays = 3650;
    public const int MaxWarningMonths = 36;
    public const int MaxRiskAcceptanceLimit = 36;

    public static Task<PatchPolicyVersion?> InEffectAsync(IQueryable<PatchPolicyVersion> versions, CancellationToken ct) =>
        versions.AsNoTracking().Where(v => v.ApprovedUtc != null).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);

    /// <summary>Field-named errors (the field names of <see cref="PatchPolicyInput"/>); valid input gives none.</summary>
    public static ValidationErrors Validate(PatchPolicyInput input)
    {
        var errors = new ValidationErrors();
        var urgent = Positive(errors, nameof(input.UrgentHours), input.UrgentHours, MaxDays * 24);
        var p1 = Positive(errors, nameof(input.P1Days), input.P1Days, MaxDays);
        var p2 = Positive(errors, nameof(input.P2Days), input.P2Days, MaxDays);
        var p3 = Positive(errors, nameof(input.P3Days), input.P3Days, MaxDays);
        var p4 = Positive(errors, nameof(input.P4Days), input.P4Days, MaxDays);
        Positive(errors, nameof(input.EndOfSupportPlanDays), input.EndOfSupportPlanDays, MaxDays);
        if (urgent is { } u && p1 is { } d1 && u > d1 * 24)
        {
            errors.Add(nameof(input.UrgentHours), "Validation_Policy_UrgentAfterP1");
        }

        // A lower priority never gets a shorter deadline than a higher one.
        if (p1 is { } a && p2 is { } b && b < a)
        {
            errors.Add(nameof(input.P2Days), "Validation_Policy_P2BeforeP1");
        }

        if (p2 is { } c && p3 is { } e && e < c)
        {
            errors.Add(nameof(input.P3Days), "Validation_Policy_P3BeforeP2");
        }

        if (p3 is { } f && p4 is { } g && g < f)
        {
            errors.Add(nameof(input.P4Days), "Validation_Policy_P4BeforeP3");
        }

        var months = input.EndOfSupportWarningMonths ?? [];
        if (months.Count == 0)
        {
            errors.Add(nameof(input.EndOfSupportWarningMonths), "Validation_Required");
        }
        else if (months.Count > 6 || months.Any(m => m < 1 || m > MaxWarningMonths) || months.Distinct().Count() != months.Count)
        {
            errors.Add(nameof(input.EndOfSupportWarningMonths), "Validation_Policy_WarningMonths");
        }

        Positive(errors, nameof(input.MaxRiskAcceptanceMonths), input.MaxRiskAcceptanceMonths, MaxRiskAcceptanceLimit);
        if (input.Scope?.Length > PatchPolicyModel.MaxScopeLength)
        {
            errors.Add(nameof(input.Scope), "Validation_TooLong");
        }

        var seen = new HashSet<(Priority, AssetKind)>();
        foreach (var o in input.Overrides ?? [])
        {
            if (!TryPriority(o.Priority, out var priority) || o.AssetKind is not { } kind || !Enum.IsDefined(kind))
            {
                errors.Add(nameof(input.Overrides), "Validation_Policy_Override");
            }
            else if (o.Days is not ({ } days and > 0 and <= MaxDays) || !seen.Add((priority, kind)))
            {
                errors.Add(nameof(input.Overrides), "Validation_Policy_OverrideDays");
            }
        }

        return errors;
    }

    /// <summary>Adds a new draft with the next version number; audited as a created record.</summary>
    public static async Task<PatchPolicyVersion> CreateDraftAsync(PatchpeilDbContext db, PatchPolicyInput input, DateTime now, CancellationToken ct)
    {
        var last = await db.Set<PatchPolicyVersion>().MaxAsync(v => (int?)v.Version, ct) ?? 0;
        var version = new PatchPolicyVersion
        {
            Version = last + 1,
            UrgentHours = input.UrgentHours!.Value,
            P1Days = input.P1Days!.Value,
            P2Days = input.P2Days!.Value,
            P3Days = input.P3Days!.Value,
            P4Days = input.P4Days!.Value,
            EndOfSupportPlanDays = input.EndOfSupportPlanDays!.Value,
            Overrides = string.Join(';', (input.Overrides ?? [])
                .Select(o => (Priority: Enum.Parse<Priority>(o.Priority!.Trim(), ignoreCase: true), Kind: o.AssetKind!.Value, o.Days!.Value))
                .OrderBy(o => o.Priority).ThenBy(o => o.Kind)
                .Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Priority}:{o.Kind}={o.Item3}"))),
            WarningMonths = string.Join(',', input.EndOfSupportWarningMonths!.OrderDescending().Select(m => m.ToString(CultureInfo.InvariantCulture))),
            MaxRiskAcceptanceMonths = input.MaxRiskAcceptanceMonths!.Value,
            Scope = string.IsNullOrWhiteSpace(input.Scope) ? null : input.Scope.Trim(),
            CreatedBy = db.Request.Actor,
            CreatedUtc = now,
        };
        db.Set<PatchPolicyVersion>().Add(version);
        await db.SaveChangesAsync(ct);
        return version;
    }

    public enum ApprovalOutcome
    {
        Approved,
        NotFound,
        Invalid,
    }

    /// <summary>
    /// Approves a draft: it becomes the policy in effect, the decision goes to the audit log, and every
    /// <see cref="IPolicyChangeListener"/> is told. A version older than the one in effect cannot be approved.
    /// </summary>
    public static async Task<(ApprovalOutcome Outcome, PatchPolicyVersion? Version, ValidationErrors Errors)> ApproveAsync(
        PatchpeilDbContext db, IEnumerable<IPolicyChangeListener> listeners, Guid id, PolicyApprovalInput input, DateTime now, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var version = await db.Set<PatchPolicyVersion>().SingleOrDefaultAsync(v => v.Id == id, ct);
        if (version is null)
        {
            return (ApprovalOutcome.NotFound, null, errors);
        }

        var reference = input.Reference?.Trim();
        if (string.IsNullOrEmpty(reference))
        {
            errors.Add(nameof(input.Reference), "Validation_Required");
        }
        else if (reference.Length > PatchPolicyModel.MaxReferenceLength)
        {
            errors.Add(nameof(input.Reference), "Validation_TooLong");
        }

        if (version.IsApproved)
        {
            errors.Add("", "Validation_Policy_AlreadyApproved");
        }
        else if (await InEffectAsync(db.Set<PatchPolicyVersion>(), ct) is { } current && current.Version > version.Version)
        {
            errors.Add("", "Validation_Policy_Superseded");
        }

        if (!errors.IsValid)
        {
            return (ApprovalOutcome.Invalid, version, errors);
        }

        version.ApprovedBy = db.Request.Actor;
        version.ApprovedUtc = now;
        version.ApprovalReference = reference;
        db.RecordAudit("PatchPolicy.Approved", nameof(PatchPolicyVersion), version.Id.ToString(), null,
            string.Create(CultureInfo.InvariantCulture, $"version={version.Version}; reference={reference}"), version.OrganisationId);
        await db.SaveChangesAsync(ct);

        var policy = version.ToPolicy();
        foreach (var listener in listeners)
        {
            await listener.PolicyChangedAsync(version.OrganisationId, policy, ct);
        }

        return (ApprovalOutcome.Approved, version, errors);
    }

    public static PatchPolicyVersionDto ToDto(this PatchPolicyVersion v, Guid? inEffectId) => new(
        v.Id, v.Version, v.UrgentHours, v.P1Days, v.P2Days, v.P3Days, v.P4Days, v.EndOfSupportPlanDays,
        [.. v.OverrideList().Select(o => new DeadlineOverrideDto(o.Priority.ToString(), o.Kind, o.Days))],
        v.WarningMonthList(), v.MaxRiskAcceptanceMonths, v.Scope, v.CreatedBy, v.CreatedUtc,
        v.IsApproved, v.ApprovedBy, v.ApprovedUtc, v.ApprovalReference, v.Id == inEffectId);

    /// <summary>The built-in defaults as version 0: shown as not approved.</summary>
    public static PatchPolicyVersionDto DefaultDto(bool inEffect)
    {
        var m = DeadlineMatrix.Default;
        return new PatchPolicyVersionDto(null, 0, (int)m.Urgent.TotalHours, Days(m, Priority.P1), Days(m, Priority.P2), Days(m, Priority.P3), Days(m, Priority.P4),
            (int)m.EndOfSupportPlan.TotalDays, [], PolicyInEffect.DefaultWarningMonths, PolicyInEffect.DefaultMaxRiskAcceptanceMonths,
            null, null, null, false, null, null, null, inEffect);

        static int Days(DeadlineMatrix m, Priority p) => (int)m.ByPriority[p].TotalDays;
    }

    public static async Task<PatchPolicyOverview> OverviewAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        var versions = await db.Set<PatchPolicyVersion>().AsNoTracking().OrderByDescending(v => v.Version).ToListAsync(ct);
        var inEffect = versions.FirstOrDefault(v => v.IsApproved);
        return new PatchPolicyOverview(inEffect?.ToDto(inEffect.Id) ?? DefaultDto(true), [.. versions.Select(v => v.ToDto(inEffect?.Id))]);
    }

    /// <summary>What changed from one version to the next, as (field, before, after) in invariant text.</summary>
    public static IReadOnlyList<(string Field, string Before, string After)> Changes(PatchPolicyVersionDto before, PatchPolicyVersionDto after)
    {
        var list = new List<(string, string, string)>();
        void Compare(string field, string a, string b)
        {
            if (a != b)
            {
                list.Add((field, a, b));
            }
        }

        Compare(nameof(after.UrgentHours), Num(before.UrgentHours), Num(after.UrgentHours));
        Compare(nameof(after.P1Days), Num(before.P1Days), Num(after.P1Days));
        Compare(nameof(after.P2Days), Num(before.P2Days), Num(after.P2Days));
        Compare(nameof(after.P3Days), Num(before.P3Days), Num(after.P3Days));
        Compare(nameof(after.P4Days), Num(before.P4Days), Num(after.P4Days));
        Compare(nameof(after.EndOfSupportPlanDays), Num(before.EndOfSupportPlanDays), Num(after.EndOfSupportPlanDays));
        Compare(nameof(after.Overrides), OverridesText(before.Overrides), OverridesText(after.Overrides));
        Compare(nameof(after.EndOfSupportWarningMonths), string.Join(", ", before.EndOfSupportWarningMonths), string.Join(", ", after.EndOfSupportWarningMonths));
        Compare(nameof(after.MaxRiskAcceptanceMonths), Num(before.MaxRiskAcceptanceMonths), Num(after.MaxRiskAcceptanceMonths));
        Compare(nameof(after.Scope), before.Scope ?? "", after.Scope ?? "");
        return list;

        static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
    }

    public static string OverridesText(IEnumerable<DeadlineOverrideDto> overrides) =>
        string.Join("; ", overrides.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Priority} {o.AssetKind} {o.Days}")));

    private static int? Positive(ValidationErrors errors, string field, int? value, int max)
    {
        if (value is null)
        {
            errors.Add(field, "Validation_Required");
            return null;
        }

        if (value <= 0 || value > max)
        {
            errors.Add(field, "Validation_Policy_Positive");
            return null;
        }

        return value;
    }

    private static bool TryPriority(string? text, out Priority priority)
    {
        priority = default;
        var t = text?.Trim();
        return t is { Length: 2 } && (t[0] is 'P' or 'p') && Enum.TryParse(t, ignoreCase: true, out priority) && Enum.IsDefined(priority);
    }
}
