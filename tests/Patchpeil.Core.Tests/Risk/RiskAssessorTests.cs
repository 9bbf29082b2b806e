using Patchpeil.Core.Matching;
using Patchpeil.Core.Risk;

namespace Patchpeil.Core.Tests.Risk;

public class RiskAssessorTests
{
    // kind, cvss, epss, epss percentile, kev, ncsc, criticality (0 low, 1 medium, 2 high), internet-facing, confidence,
    // expected priority, expected urgent, the reason codes in order.
    [Theory]
    // Base: CVSS bands and their boundaries (medium criticality, internal, high confidence: no context moves).
    [InlineData("Vulnerable", 9.0, null, null, false, null, 1, false, "High", "P1", false, "cvss-critical")]
    [InlineData("Vulnerable", 8.9, null, null, false, null, 1, false, "High", "P2", false, "cvss-high")]
    [InlineData("Vulnerable", 7.0, null, null, false, null, 1, false, "High", "P2", false, "cvss-high")]
    [InlineData("Vulnerable", 6.9, null, null, false, null, 1, false, "High", "P3", false, "cvss-medium")]
    [InlineData("Vulnerable", 4.0, null, null, false, null, 1, false, "High", "P3", false, "cvss-medium")]
    [InlineData("Vulnerable", 3.9, null, null, false, null, 1, false, "High", "P4", false, "cvss-low")]
    [InlineData("Vulnerable", null, null, null, false, null, 1, false, "High", "P3", false, "cvss-unknown")]
    // Threat: KEV and NCSC Urgent make P1; on an internet-facing asset they are urgent.
    [InlineData("Vulnerable", 5.0, null, null, true, null, 1, false, "High", "P1", false, "cvss-medium,kev")]
    [InlineData("Vulnerable", 5.0, null, null, true, null, 0, false, "High", "P1", false, "cvss-medium,kev")]
    [InlineData("Vulnerable", 5.0, null, null, true, null, 1, true, "High", "P1", true, "cvss-medium,kev,urgent")]
    [InlineData("Vulnerable", 6.0, null, null, false, "Urgent", 1, true, "High", "P1", true, "cvss-medium,ncsc-urgent,urgent")]
    [InlineData("Vulnerable", 6.0, null, null, false, "Urgent", 1, false, "High", "P1", false, "cvss-medium,ncsc-urgent")]
    [InlineData("Vulnerable", 6.0, null, null, false, "kans: hoog, schade: hoog", 1, false, "High", "P1", false, "cvss-medium,ncsc-urgent")]
    [InlineData("Vulnerable", 3.0, null, null, false, "Normaal", 1, false, "High", "P3", false, "cvss-low,ncsc-normal")]
    [InlineData("Vulnerable", 3.0, null, null, false, "medium/hoog", 1, false, "High", "P3", false, "cvss-low,ncsc-normal")]
    [InlineData("Vulnerable", 3.0, null, null, false, "laag/medium", 1, false, "High", "P4", false, "cvss-low")]
    [InlineData("Vulnerable", 9.8, null, null, true, "Urgent", 1, false, "High", "P1", false, "cvss-critical")]
    // EPSS: probability 0.1 and percentile 0.95 are the thresholds; one step up.
    [InlineData("Vulnerable", 7.5, 0.1, null, false, null, 1, false, "High", "P1", false, "cvss-high,epss-high")]
    [InlineData("Vulnerable", 7.5, 0.099, 0.94, false, null, 1, false, "High", "P2", false, "cvss-high")]
    [InlineData("Vulnerable", 5.0, 0.02, 0.95, false, null, 1, false, "High", "P2", false, "cvss-medium,epss-high")]
    // Context: internet-facing and BIV high raise, never to P1; BIV low internal lowers unless exploited.
    [InlineData("Vulnerable", 5.0, null, null, false, null, 1, true, "High", "P2", false, "cvss-medium,internet-facing")]
    [InlineData("Vulnerable", 8.0, null, null, false, null, 2, true, "High", "P2", false, "cvss-high")]
    [InlineData("Vulnerable", 5.0, null, null, false, null, 2, false, "High", "P2", false, "cvss-medium,biv-high")]
    [InlineData("Vulnerable", 3.0, null, null, false, null, 2, true, "High", "P2", false, "cvss-low,internet-facing,biv-high")]
    [InlineData("Vulnerable", 9.0, null, null, false, null, 0, false, "High", "P2", false, "cvss-critical,biv-low")]
    [InlineData("Vulnerable", 3.0, null, null, false, null, 0, false, "High", "P4", false, "cvss-low")]
    [InlineData("Vulnerable", 9.0, null, null, false, null, 0, true, "High", "P1", false, "cvss-critical")]
    // Trust: low confidence is never P1 and never urgent; unverified and under investigation at most P3.
    [InlineData("Vulnerable", 9.8, null, null, false, null, 1, false, "Low", "P2", false, "cvss-critical,low-confidence")]
    [InlineData("Vulnerable", 5.0, null, null, true, null, 1, true, "Low", "P2", false, "cvss-medium,kev,low-confidence")]
    [InlineData("Vulnerable", 9.8, null, null, false, null, 1, false, "Medium", "P1", false, "cvss-critical")]
    [InlineData("Unverified", 9.8, null, null, true, null, 1, true, "High", "P3", false, "cvss-critical,unverified")]
    [InlineData("UnderInvestigation", 7.0, null, null, false, null, 1, false, "High", "P3", false, "cvss-high,under-investigation")]
    // Lifecycle: own bases; KEV, EPSS and NCSC do not apply; context does.
    [InlineData("EndOfSupport", null, null, null, false, null, 1, false, "High", "P2", false, "end-of-support")]
    [InlineData("EndOfSupport", null, null, null, false, null, 0, false, "High", "P3", false, "end-of-support,biv-low")]
    [InlineData("EndOfSupport", null, null, null, true, "Urgent", 2, true, "High", "P2", false, "end-of-support")]
    [InlineData("UpdateExpired", null, null, null, false, null, 1, false, "High", "P2", false, "update-expired")]
    [InlineData("BehindLatest", null, null, null, false, null, 1, false, "High", "P3", false, "behind-latest")]
    [InlineData("BehindLatest", null, null, null, false, null, 1, true, "High", "P2", false, "behind-latest,internet-facing")]
    [InlineData("BehindLatest", null, null, null, false, null, 0, false, "High", "P4", false, "behind-latest,biv-low")]
    [InlineData("EndingSoon", null, null, null, false, null, 1, true, "High", "P4", false, "ending-soon")]
    [InlineData("EndingSoon", null, null, null, false, null, 2, false, "High", "P3", false, "ending-soon,biv-high")]
    public void Rule(string kind, double? cvss, double? epss, double? percentile, bool kev, string? ncsc, int criticality, bool internet, string confidence,
        string priority, bool urgent, string codes)
    {
        var factors = new RiskFactors(Enum.Parse<FindingKind>(kind), (decimal?)cvss, "nvd", (decimal?)epss, kev, ncsc, criticality, internet,
            Enum.Parse<MatchConfidence>(confidence), (decimal?)percentile);

        var result = RiskAssessor.Assess(factors);

        Assert.Equal(Enum.Parse<Priority>(priority), result.Priority);
        Assert.Equal(urgent, result.Urgent);
        Assert.Equal(codes.Split(','), result.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void ReasonsCarryTheValues()
    {
        var result = RiskAssessor.Assess(new RiskFactors(FindingKind.Vulnerable, 7.5m, "NCSC-NL", 0.42m, false, null, 1, false, MatchConfidence.High, 0.97m));

        Assert.Equal(new RiskReason("cvss-high", "7.5 (NCSC-NL)"), result.Reasons[0]);
        Assert.Equal(new RiskReason("epss-high", "0.420 (p97)"), result.Reasons[1]);
    }

    [Theory]
    [InlineData("Urgent", NcscRating.Urgent)]
    [InlineData(" urgent ", NcscRating.Urgent)]
    [InlineData("Normaal", NcscRating.Normal)]
    [InlineData("hoog/hoog", NcscRating.Urgent)]
    [InlineData("H/H", NcscRating.Urgent)]
    [InlineData("kans: high, schade: high", NcscRating.Urgent)]
    [InlineData("kans: medium, schade: hoog", NcscRating.Normal)]
    [InlineData("kans: medium, schade: medium", NcscRating.Normal)]
    [InlineData("kans: laag, schade: hoog", NcscRating.Normal)]
    [InlineData("kans: medium, schade: laag", NcscRating.None)]
    [InlineData("L/L", NcscRating.None)]
    [InlineData("hoog", NcscRating.None)]
    [InlineData("", NcscRating.None)]
    [InlineData(null, NcscRating.None)]
    public void NcscLabels(string? label, NcscRating expected) => Assert.Equal(expected, RiskAssessor.ParseNcsc(label));
}
