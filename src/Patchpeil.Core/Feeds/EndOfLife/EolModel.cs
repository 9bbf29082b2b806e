namespace Patchpeil.Core.Feeds.EndOfLife;

public enum LifecycleKind
{
    /// <summary>The product has no such phase (field absent in the API).</summary>
    NotApplicable,

    /// <summary>The phase exists but neither its end nor whether it ended is known.</summary>
    Unknown,

    /// <summary>The phase ends (or ended) on <see cref="LifecycleDate.Date"/>.</summary>
    Date,

    /// <summary>Ended, date unknown (<c>true</c> in the product files / API v0).</summary>
    Ended,

    /// <summary>Not ended and no end announced (<c>false</c>).</summary>
    NotEnded,
}

/// <summary>A date-or-boolean lifecycle field (eol, eoas, eoes, discontinued).</summary>
public readonly record struct LifecycleDate(LifecycleKind Kind, DateOnly? Date)
{
    public static readonly LifecycleDate NotApplicable = new(LifecycleKind.NotApplicable, null);

    /// <summary>True when ended on <paramref name="today"/> (the end date itself counts as ended), null when unknown.</summary>
    public bool? HasEnded(DateOnly today) => Kind switch
    {
        LifecycleKind.Date => today >= Date!.Value,
        LifecycleKind.Ended => true,
        LifecycleKind.NotEnded => false,
        _ => null,
    };

    public override string ToString() => Kind == LifecycleKind.Date ? Date!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : Kind.ToString();
}

public enum EndOfLifeState
{
    Supported,
    EndingWithin,
    EndOfLife,
    Unknown,
}

/// <summary>The computed state and the date it is based on (null for true/false/unknown fields).</summary>
public sealed record EndOfLifeStatus(EndOfLifeState State, DateOnly? EndDate);

public sealed record EolLatest(string Name, DateOnly? Date, string? Link);

/// <summary>
/// One release cycle. End-of-life is always computed from the dates with the caller's clock; the API's
/// <c>isEol</c>/<c>isMaintained</c> flags (computed when the site was generated) are kept only as <see cref="StatedIsEol"/>
/// for diagnostics and are never used for a decision.
/// </summary>
public sealed record EolRelease(
    string Name,
    string? Codename,
    string Label,
    DateOnly? ReleaseDate,
    bool IsLts,
    DateOnly? LtsFrom,
    LifecycleDate ActiveSupport,
    LifecycleDate EndOfLife,
    LifecycleDate ExtendedSupport,
    LifecycleDate Discontinued,
    EolLatest? Latest,
    string? CustomJson,
    bool? StatedIsEol)
{
    /// <summary>End of security support (eol) reached according to <paramref name="clock"/>; false when unknown.</summary>
    public bool IsEndOfLife(TimeProvider clock) => EndOfLife.HasEnded(Today(clock)) == true;

    /// <summary>Supported / EndingWithin(horizon) / EndOfLife / Unknown for the eol date.</summary>
    public EndOfLifeStatus State(TimeProvider clock, TimeSpan horizon) => StateOf(EndOfLife, Today(clock), horizon);

    /// <summary>The same evaluation for extended (often paid) support, e.g. Windows 10 ESU.</summary>
    public EndOfLifeStatus ExtendedSupportState(TimeProvider clock, TimeSpan horizon) => StateOf(ExtendedSupport, Today(clock), horizon);

    public static EndOfLifeStatus StateOf(LifecycleDate end, DateOnly today, TimeSpan horizon)
    {
        switch (end.Kind)
        {
            case LifecycleKind.Date:
                var date = end.Date!.Value;
                if (today >= date)
                {
                    return new EndOfLifeStatus(EndOfLifeState.EndOfLife, date);
                }

                return new EndOfLifeStatus(today.AddDays((int)Math.Ceiling(horizon.TotalDays)) >= date ? EndOfLifeState.EndingWithin : EndOfLifeState.Supported, date);
            case LifecycleKind.Ended:
                return new EndOfLifeStatus(EndOfLifeState.EndOfLife, null);
            case LifecycleKind.NotEnded:
                return new EndOfLifeStatus(EndOfLifeState.Supported, null);
            default:
                return new EndOfLifeStatus(EndOfLifeState.Unknown, null);
        }
    }

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}

public sealed record EolIdentifier(string Type, string Id);

public sealed record EolProduct(
    string Name,
    string Label,
    IReadOnlyList<string> Aliases,
    string? Category,
    IReadOnlyList<string> Tags,
    string? VersionCommand,
    IReadOnlyList<EolIdentifier> Identifiers,
    IReadOnlyList<EolRelease> Releases,
    Provenance Provenance);

public sealed record EolProductSummary(string Name, string Label, IReadOnlyList<string> Aliases, string? Category, IReadOnlyList<string> Tags, string? Uri);
