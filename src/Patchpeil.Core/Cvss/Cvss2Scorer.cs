namespace Patchpeil.Core.Cvss;

/// <summary>CVSS v2 equations (CVSS v2 Guide, section 3.2), in decimal so that the weights are exact.</summary>
internal static class Cvss2Scorer
{
    public static (decimal Base, decimal? Temporal, decimal? Environmental) Score(CvssMetricValues v)
    {
        var accessVector = v.Required("AV") switch { "L" => 0.395m, "A" => 0.646m, _ => 1.0m };
        var accessComplexity = v.Required("AC") switch { "H" => 0.35m, "M" => 0.61m, _ => 0.71m };
        var authentication = v.Required("Au") switch { "M" => 0.45m, "S" => 0.56m, _ => 0.704m };
        var c = Impact(v.Required("C"));
        var i = Impact(v.Required("I"));
        var a = Impact(v.Required("A"));
        var exploitability = 20m * accessVector * accessComplexity * authentication;

        var impact = 10.41m * (1m - ((1m - c) * (1m - i) * (1m - a)));
        var baseScore = BaseEquation(impact, exploitability);

        var e = v["E"] switch { "U" => 0.85m, "POC" => 0.9m, "F" => 0.95m, _ => 1.0m };
        var rl = v["RL"] switch { "OF" => 0.87m, "TF" => 0.90m, "W" => 0.95m, _ => 1.0m };
        var rc = v["RC"] switch { "UC" => 0.90m, "UR" => 0.95m, _ => 1.0m };
        decimal? temporal = v.HasAny(CvssMetricGroup.Temporal) ? Round1(baseScore * e * rl * rc) : null;

        if (!v.HasAny(CvssMetricGroup.Environmental))
        {
            return (baseScore, temporal, null);
        }

        var cdp = v["CDP"] switch { "L" => 0.1m, "LM" => 0.3m, "MH" => 0.4m, "H" => 0.5m, _ => 0m };
        var td = v["TD"] switch { "N" => 0m, "L" => 0.25m, "M" => 0.75m, _ => 1.0m };
        var cr = Requirement(v["CR"]);
        var ir = Requirement(v["IR"]);
        var ar = Requirement(v["AR"]);
        var adjustedImpact = Math.Min(10m, 10.41m * (1m - ((1m - (c * cr)) * (1m - (i * ir)) * (1m - (a * ar)))));
        var adjustedBase = BaseEquation(adjustedImpact, exploitability);
        var adjustedTemporal = Round1(adjustedBase * e * rl * rc);
        // With low security requirements AdjustedImpact can drop so far that AdjustedBase (and AdjustedTemporal) go
        // negative, e.g. AV:L/AC:H/Au:M/C:N/I:P/A:N/IR:L. The Guide states no floor; like the Red Hat cvss library we
        // keep the intermediate values as the equations give them and only keep the final score in the 0–10 range.
        var environmental = Math.Max(0.0m, Round1((adjustedTemporal + ((10m - adjustedTemporal) * cdp)) * td));
        return (baseScore, temporal, environmental);
    }

    private static decimal BaseEquation(decimal impact, decimal exploitability) =>
        // f(Impact) = 0 if Impact = 0: return 0 directly instead of multiplying a negative number by 0.
        impact == 0m ? 0m : Round1(((0.6m * impact) + (0.4m * exploitability) - 1.5m) * 1.176m);

    private static decimal Impact(string value) => value switch { "P" => 0.275m, "C" => 0.660m, _ => 0m };

    private static decimal Requirement(string? value) => value switch { "L" => 0.5m, "H" => 1.51m, _ => 1.0m };

    /// <summary>The Guide's round_to_1_decimal: half away from zero, on the exact decimal value.</summary>
    private static decimal Round1(decimal x) => Math.Round(x, 1, MidpointRounding.AwayFromZero);
}
