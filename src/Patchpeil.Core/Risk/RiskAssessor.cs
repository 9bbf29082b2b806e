using System.Globalization;
using System.Text.RegularExpressions;
using Patchpeil.Core.Matching;

namespace Patchpeil.Core.Risk;

/// <summary>What the priority of one finding is computed from; every factor that changes the outcome becomes a reason.</summary>
/// <param name="Cvss">Base score of the chosen source (see <paramref name="CvssSource"/>), null when nobody scored it.</param>
/// <param name="Epss">EPSS probability 0–1, null when unknown.</param>
/// <param name="NcscLabel">"Urgent", "Normaal" or older "kans/schade" text of an NCSC-NL advisory, null otherwise.</param>
/// <param name="Criticality">The asset's highest BIV level: 0 low, 1 medium, 2 high.</param>
/// <param name="EpssPercentile">EPSS percentile 0–1, null when unknown.</param>
public sealed record RiskFactors(
    FindingKind Kind,
    decimal? Cvss,
    string? CvssSource,
    decimal? Epss,
    bool KnownExploited,
    string? NcscLabel,
    int Criticality,
    bool InternetFacing,
    MatchConfidence Confidence,
    decimal? EpssPercentile = null);

/// <summary>One readable reason: <see cref="Code"/> is stable (the UI translates it), <see cref="Detail"/> carries the value.</summary>
public sealed record RiskReason(string Code, string Detail);

/// <param name="Urgent">Known exploited or NCSC "Urgent" on an internet-facing asset: the policy's shortest deadline applies.</param>
public sealed record RiskAssessment(Priority Priority, bool Urgent, IReadOnlyList<RiskReason> Reasons);

/// <summary>How an NCSC-NL advisory rates the threat: the current labels, or the older kans/schade pair mapped onto them.</summary>
public enum NcscRating
{
    None,

    /// <summary>"Normaal", or an older pair with at least one "hoog" or both "medium": plan in the regular cycle.</summary>
    Normal,

    /// <summary>"Urgent", or the older kans hoog / schade hoog (BIO 12.6.1: at the latest within one week).</summary>
    Urgent,
}

/// <summary>
/// Priority P1–P4 from the finding's factors, in four documented steps (ADR 0018). Every step that sets or moves the
/// priority adds a <see cref="RiskReason"/>; codes are stable and translated by the UI as <c>Risk.&lt;code&gt;</c>.
/// <list type="number">
/// <item>Base. Vulnerabilities: CVSS ≥ 9.0 P1, ≥ 7.0 P2, ≥ 4.0 P3, lower P4, unscored P3. Lifecycle: end of support
/// and update expired P2, behind latest P3, ending soon P4.</item>
/// <item>Threat. CISA KEV or NCSC Urgent (kans/schade hoog/hoog): P1. EPSS ≥ <see cref="EpssHighProbability"/> or
/// percentile ≥ <see cref="EpssHighPercentile"/>: one step up. NCSC Normaal: at least P3.</item>
/// <item>Context. Internet-facing: one step up; BIV high: one step up; context alone never makes P1 (only severity or
/// exploitation does). BIV low and not internet-facing: one step down, unless known exploited or NCSC Urgent.</item>
/// <item>Trust. Low match confidence: never P1 (at most P2). Unverified or under-investigation findings: at most P3.</item>
/// </list>
/// </summary>
public static partial class RiskAssessor
{
    /// <summary>EPSS probability (30-day exploitation) from which a vulnerability moves one step up: 10 %.</summary>
    public const decimal EpssHighProbability = 0.1m;

    /// <summary>EPSS percentile from which a vulnerability moves one step up: the top 5 % of all scored CVEs.</summary>
    public const decimal EpssHighPercentile = 0.95m;

    public static RiskAssessment Assess(RiskFactors f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var reasons = new List<RiskReason>();
        var lifecycle = f.Kind is FindingKind.EndOfSupport or FindingKind.EndingSoon or FindingKind.BehindLatest or FindingKind.UpdateExpired;
        var priority = lifecycle ? LifecycleBase(f.Kind, reasons) : CvssBase(f.Cvss, f.CvssSource, reasons);

        // Threat: signals that someone is (likely to be) exploiting it.
        var ncsc = ParseNcsc(f.NcscLabel);
        var exploited = !lifecycle && (f.KnownExploited || ncsc == NcscRating.Urgent);
        if (!lifecycle)
        {
            if (f.KnownExploited && priority > Priority.P1)
            {
                priority = Priority.P1;
                reasons.Add(new RiskReason("kev", "CISA KEV"));
            }

            if (ncsc == NcscRating.Urgent && priority > Priority.P1)
            {
                priority = Priority.P1;
                reasons.Add(new RiskReason("ncsc-urgent", f.NcscLabel!.Trim()));
            }

            if (IsEpssHigh(f.Epss, f.EpssPercentile) && priority > Priority.P1)
            {
                priority = Up(priority);
                reasons.Add(new RiskReason("epss-high", EpssText(f.Epss, f.EpssPercentile)));
            }

            if (ncsc == NcscRating.Normal && priority > Priority.P3)
            {
                priority = Priority.P3;
                reasons.Add(new RiskReason("ncsc-normal", f.NcscLabel!.Trim()));
            }
        }

        // Context: where the asset is and how much it matters. Raising stops at P2: P1 needs severity or exploitation.
        if (f.InternetFacing && priority > Priority.P2 && f.Kind != FindingKind.EndingSoon)
        {
            priority = Up(priority);
            reasons.Add(new RiskReason("internet-facing", "internet"));
        }

        if (f.Criticality >= 2 && priority > Priority.P2)
        {
            priority = Up(priority);
            reasons.Add(new RiskReason("biv-high", "BIV hoog"));
        }

        if (f.Criticality <= 0 && !f.InternetFacing && !exploited && priority < Priority.P4)
        {
            priority = priority + 1;
            reasons.Add(new RiskReason("biv-low", "BIV laag"));
        }

        // Trust: how sure the match is.
        if (f.Confidence == MatchConfidence.Low && priority == Priority.P1)
        {
            priority = Priority.P2;
            reasons.Add(new RiskReason("low-confidence", f.Confidence.ToString()));
        }

        if (f.Kind is FindingKind.Unverified or FindingKind.UnderInvestigation && priority < Priority.P3)
        {
            priority = Priority.P3;
            reasons.Add(new RiskReason(f.Kind == FindingKind.Unverified ? "unverified" : "under-investigation", f.Kind.ToString()));
        }

        var urgent = exploited && f.InternetFacing && f.Kind == FindingKind.Vulnerable && f.Confidence != MatchConfidence.Low;
        if (urgent)
        {
            reasons.Add(new RiskReason("urgent", f.KnownExploited ? "CISA KEV + internet" : "NCSC Urgent + internet"));
        }

        return new RiskAssessment(priority, urgent, reasons);
    }

    /// <summary>
    /// Reads the NCSC label: "Urgent"/"Normaal" (also English "Normal"), or the older kans/schade pair in any of the
    /// seen spellings ("hoog/hoog", "kans: high, schade: medium", "H/M"). Hoog/hoog is Urgent; a pair with a "hoog" or
    /// medium/medium is Normaal; anything lower or unreadable is no rating.
    /// </summary>
    public static NcscRating ParseNcsc(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return NcscRating.None;
        }

        var text = label.Trim();
        if (text.Equals("urgent", StringComparison.OrdinalIgnoreCase))
        {
            return NcscRating.Urgent;
        }

        if (text.Equals("normaal", StringComparison.OrdinalIgnoreCase) || text.Equals("normal", StringComparison.OrdinalIgnoreCase))
        {
            return NcscRating.Normal;
        }

        var levels = LevelWord().Matches(text).Select(m => Level(m.Value)).ToList();
        if (levels.Count != 2)
        {
            return NcscRating.None;
        }

        return (levels[0], levels[1]) switch
        {
            (2, 2) => NcscRating.Urgent,
            (2, _) or (_, 2) or (1, 1) => NcscRating.Normal,
            _ => NcscRating.None,
        };
    }

    private static int Level(string word) => word.ToLowerInvariant() switch
    {
        "hoog" or "high" or "h" => 2,
        "medium" or "midden" or "m" => 1,
        _ => 0,
    };

    [GeneratedRegex(@"\b(hoog|high|medium|midden|laag|low|h|m|l)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LevelWord();

    private static bool IsEpssHigh(decimal? probability, decimal? percentile) =>
        probability >= EpssHighProbability || percentile >= EpssHighPercentile;

    private static string EpssText(decimal? probability, decimal? percentile)
    {
        var p = probability is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "?";
        return percentile is { } pc ? $"{p} (p{(pc * 100m).ToString("0", CultureInfo.InvariantCulture)})" : p;
    }

    private static Priority Up(Priority p) => p > Priority.P1 ? p - 1 : p;

    private static Priority CvssBase(decimal? cvss, string? source, List<RiskReason> reasons)
    {
        if (cvss is not { } score)
        {
            reasons.Add(new RiskReason("cvss-unknown", "-"));
            return Priority.P3;
        }

        var detail = score.ToString("0.0", CultureInfo.InvariantCulture) + (string.IsNullOrWhiteSpace(source) ? "" : $" ({source})");
        var (priority, code) = score switch
        {
            >= 9.0m => (Priority.P1, "cvss-critical"),
            >= 7.0m => (Priority.P2, "cvss-high"),
            >= 4.0m => (Priority.P3, "cvss-medium"),
            _ => (Priority.P4, "cvss-low"),
        };
        reasons.Add(new RiskReason(code, detail));
        return priority;
    }

    private static Priority LifecycleBase(FindingKind kind, List<RiskReason> reasons)
    {
        var (priority, code) = kind switch
        {
            FindingKind.EndOfSupport => (Priority.P2, "end-of-support"),
            FindingKind.UpdateExpired => (Priority.P2, "update-expired"),
            FindingKind.BehindLatest => (Priority.P3, "behind-latest"),
            _ => (Priority.P4, "ending-soon"),
        };
        reasons.Add(new RiskReason(code, kind.ToString()));
        return priority;
    }
}
