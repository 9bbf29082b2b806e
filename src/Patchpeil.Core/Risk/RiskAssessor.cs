using Patchpeil.Core.Matching;

namespace Patchpeil.Core.Risk;

/// <summary>What the priority of one finding is computed from; every factor that changes the outcome becomes a reason.</summary>
/// <param name="Cvss">Base score of the chosen source (see <paramref name="CvssSource"/>), null when nobody scored it.</param>
/// <param name="Epss">EPSS probability 0–1, null when unknown.</param>
/// <param name="NcscLabel">"Urgent", "Normaal" or older "kans/schade" text of an NCSC-NL advisory, null otherwise.</param>
/// <param name="Criticality">The asset's highest BIV level: 0 low, 1 medium, 2 high.</param>
public sealed record RiskFactors(
    FindingKind Kind,
    decimal? Cvss,
    string? CvssSource,
    decimal? Epss,
    bool KnownExploited,
    string? NcscLabel,
    int Criticality,
    bool InternetFacing,
    MatchConfidence Confidence);

/// <summary>One readable reason: <see cref="Code"/> is stable (the UI translates it), <see cref="Detail"/> carries the value.</summary>
public sealed record RiskReason(string Code, string Detail);

/// <param name="Urgent">Known exploited or NCSC "Urgent" on an internet-facing asset: the policy's shortest deadline applies.</param>
public sealed record RiskAssessment(Priority Priority, bool Urgent, IReadOnlyList<RiskReason> Reasons);

/// <summary>
/// Priority P1–P4 from the finding's factors. First version: the scan rule (<see cref="PriorityRules"/>) plus the
/// urgent flag; the policy branch refines it with EPSS, the NCSC label, BIV and exposure.
/// </summary>
public static class RiskAssessor
{
    public static RiskAssessment Assess(RiskFactors f)
    {
        var reasons = new List<RiskReason>();
        if (f.Cvss is { } cvss)
            reasons.Add(new RiskReason("cvss", $"{cvss:0.0} ({f.CvssSource})"));
        if (f.KnownExploited)
            reasons.Add(new RiskReason("kev", "CISA KEV"));
        var ncscUrgent = string.Equals(f.NcscLabel, "Urgent", StringComparison.OrdinalIgnoreCase);
        if (ncscUrgent)
            reasons.Add(new RiskReason("ncsc-urgent", f.NcscLabel!));
        var priority = PriorityRules.For(f.Kind, f.Cvss, f.KnownExploited);
        var urgent = (f.KnownExploited || ncscUrgent) && f.InternetFacing;
        if (urgent)
            reasons.Add(new RiskReason("internet-facing", "internet-facing"));
        return new RiskAssessment(priority, urgent, reasons);
    }
}
