using Patchpeil.Contracts;
using Patchpeil.Core.Matching;

namespace Patchpeil.Server.Policy;

/// <summary>
/// The deadline matrix of a patch policy: how long IT staff have, by priority and asset kind. Lifecycle findings
/// (end of support, update expired) get <see cref="EndOfSupportPlan"/>: a plan, not a patch, is due.
/// </summary>
public sealed record DeadlineMatrix(
    TimeSpan Urgent,
    IReadOnlyDictionary<Priority, TimeSpan> ByPriority,
    IReadOnlyDictionary<(Priority, AssetKind), TimeSpan> Overrides,
    TimeSpan EndOfSupportPlan)
{
    /// <summary>Common practice (GOVERNANCE.md): KEV or NCSC Urgent on an internet-facing system 72 h; P1 7 days, P2 14, P3 30, P4 90; end of support a plan within 90 days.</summary>
    public static DeadlineMatrix Default { get; } = new(
        TimeSpan.FromHours(72),
        new Dictionary<Priority, TimeSpan>
        {
            [Priority.P1] = TimeSpan.FromDays(7),
            [Priority.P2] = TimeSpan.FromDays(14),
            [Priority.P3] = TimeSpan.FromDays(30),
            [Priority.P4] = TimeSpan.FromDays(90),
        },
        new Dictionary<(Priority, AssetKind), TimeSpan>(),
        TimeSpan.FromDays(90));

    public TimeSpan DeadlineFor(Priority priority, AssetKind kind, FindingKind finding, bool urgent)
    {
        if (urgent)
            return Urgent;
        if (finding is FindingKind.EndOfSupport or FindingKind.EndingSoon or FindingKind.UpdateExpired)
            return EndOfSupportPlan;
        return Overrides.TryGetValue((priority, kind), out var o) ? o : ByPriority[priority];
    }
}

/// <summary>The policy version in effect for an organisation; findings record <see cref="VersionId"/> with their deadline.</summary>
/// <param name="VersionId">Null while the organisation has not saved a policy yet and the defaults apply.</param>
/// <param name="EndOfSupportWarningMonths">How far ahead an approaching end of support (or Chromebook update expiry) becomes a finding, and the warning steps (default 12, 6, 3 months).</param>
public sealed record PolicyInEffect(Guid? VersionId, int Version, DeadlineMatrix Deadlines, IReadOnlyList<int> EndOfSupportWarningMonths)
{
    public static IReadOnlyList<int> DefaultWarningMonths { get; } = [12, 6, 3];

    /// <summary>Default longest risk acceptance: 12 months, then it must be decided again.</summary>
    public const int DefaultMaxRiskAcceptanceMonths = 12;

    /// <summary>The defaults (version 0, "standaardbeleid"): in force until an administrator approves a version.</summary>
    public static PolicyInEffect Default { get; } = new(null, 0, DeadlineMatrix.Default, DefaultWarningMonths);

    /// <summary>How long a risk acceptance may run at most before it must be decided again.</summary>
    public int MaxRiskAcceptanceMonths { get; init; } = DefaultMaxRiskAcceptanceMonths;
}

public interface IPatchPolicyService
{
    Task<PolicyInEffect> CurrentAsync(Guid organisationId, CancellationToken cancellationToken = default);
}

/// <summary>Told after an administrator approves a new policy version, which is then in effect (findings recompute their deadlines as a job).</summary>
public interface IPolicyChangeListener
{
    Task PolicyChangedAsync(Guid organisationId, PolicyInEffect policy, CancellationToken cancellationToken = default);
}

/// <summary>Until an organisation saves its own policy the defaults apply (version 0). The policy branch stores versions.</summary>
public sealed class DefaultPatchPolicyService : IPatchPolicyService
{
    public Task<PolicyInEffect> CurrentAsync(Guid organisationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(PolicyInEffect.Default);
}
