using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>Outcome of testing one version against a range.</summary>
public enum RangeVerdict
{
    /// <summary>The version is in the range (affected).</summary>
    Inside,

    /// <summary>The version is outside the range.</summary>
    Outside,

    /// <summary>
    /// Could not be decided: the scheme has no order for a '&lt;'-style bound ("equality only"), a version does not
    /// parse, or the range is not evaluable (GIT events, free text). Never to be treated as Outside silently.
    /// </summary>
    Undecided,
}

/// <summary>
/// An explainable range evaluation: the verdict, the scheme used, the rule that decided it and each comparison made.
/// Auditors (SM.06) want to see why a version was judged affected.
/// </summary>
public sealed record RangeMatch(RangeVerdict Verdict, string Scheme, string Rule, IReadOnlyList<string> Comparisons)
{
    /// <summary>True when the scheme could only test equality (<see cref="VersionSchemeKind.Unknown"/>).</summary>
    public bool EqualityOnly { get; init; }

    public bool IsInside => Verdict == RangeVerdict.Inside;

    public override string ToString()
    {
        var text = $"{Verdict} ({Scheme}{(EqualityOnly ? ", equality only" : string.Empty)}): {Rule}";
        return Comparisons.Count == 0 ? text : text + " [" + string.Join("; ", Comparisons) + "]";
    }
}

/// <summary>Comparison helpers that record what they compared.</summary>
internal sealed class ComparisonLog(VersionScheme scheme)
{
    private readonly List<string> _steps = [];

    public VersionScheme Scheme { get; } = scheme;

    public IReadOnlyList<string> Steps => _steps;

    /// <summary>Relates <paramref name="a"/> to <paramref name="b"/>; Unordered when the scheme cannot order them.</summary>
    public VersionRelation Relate(string a, string b)
    {
        var relation = Scheme.Relate(a, b);
        var symbol = relation switch
        {
            VersionRelation.Less => "<",
            VersionRelation.Equal => "==",
            VersionRelation.Greater => ">",
            _ => "?",
        };
        _steps.Add(relation == VersionRelation.Unordered ? $"{a} vs {b}: not comparable ({Scheme.Name} has no order)" : $"{a} {symbol} {b}");
        return relation;
    }

    public RangeMatch Result(RangeVerdict verdict, string rule) =>
        new(verdict, Scheme.Name, rule, [.. _steps]) { EqualityOnly = !Scheme.IsOrdered };
}
