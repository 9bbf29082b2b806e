namespace Patchpeil.Core.Cvss;

/// <summary>
/// CVSS v3.0 and v3.1 equations (specification section 7 and, for v3.1, Appendix A). All arithmetic is decimal, so
/// weight products such as 8.22 × 0.85 × 0.77 are exact and rounding up never sees a binary floating-point artefact.
/// </summary>
internal static class Cvss3Scorer
{
    public static (decimal Base, decimal Temporal, decimal Environmental) Score(CvssMetricValues v, bool v31)
    {
        var scopeChanged = v.Required("S") == "C";
        var iss = 1m - ((1m - Cia(v.Required("C"))) * (1m - Cia(v.Required("I"))) * (1m - Cia(v.Required("A"))));
        var impact = scopeChanged
            ? (7.52m * (iss - 0.029m)) - (3.25m * Pow(iss - 0.02m, 15))
            : 6.42m * iss;
        var exploitability = 8.22m * Av(v.Required("AV")) * Ac(v.Required("AC")) * Pr(v.Required("PR"), scopeChanged) * Ui(v.Required("UI"));
        var baseScore = impact <= 0m
            ? 0m
            : RoundUp(Math.Min((scopeChanged ? 1.08m : 1m) * (impact + exploitability), 10m), v31);

        var e = v["E"] switch { "U" => 0.91m, "P" => 0.94m, "F" => 0.97m, _ => 1m };
        var rl = v["RL"] switch { "O" => 0.95m, "T" => 0.96m, "W" => 0.97m, _ => 1m };
        var rc = v["RC"] switch { "U" => 0.92m, "R" => 0.96m, _ => 1m };
        var temporal = RoundUp(baseScore * e * rl * rc, v31);

        // Modified base metrics default to the base value when Not Defined (section 7.3).
        var modifiedScopeChanged = (v["MS"] ?? v.Required("S")) == "C";
        var miss = Math.Min(
            1m - ((1m - (Requirement(v["CR"]) * Cia(v["MC"] ?? v.Required("C"))))
                * (1m - (Requirement(v["IR"]) * Cia(v["MI"] ?? v.Required("I"))))
                * (1m - (Requirement(v["AR"]) * Cia(v["MA"] ?? v.Required("A"))))),
            0.915m);
        var modifiedImpact = !modifiedScopeChanged
            ? 6.42m * miss
            : v31
                // v3.1 changed the scope-changed modified impact (v3.1 specification 7.3); v3.0 (section 8.3)
                // reuses the base impact formula.
                ? (7.52m * (miss - 0.029m)) - (3.25m * Pow((miss * 0.9731m) - 0.02m, 13))
                : (7.52m * (miss - 0.029m)) - (3.25m * Pow(miss - 0.02m, 15));
        var modifiedExploitability = 8.22m
            * Av(v["MAV"] ?? v.Required("AV"))
            * Ac(v["MAC"] ?? v.Required("AC"))
            * Pr(v["MPR"] ?? v.Required("PR"), modifiedScopeChanged)
            * Ui(v["MUI"] ?? v.Required("UI"));
        var environmental = modifiedImpact <= 0m
            ? 0m
            : RoundUp(
                RoundUp(Math.Min((modifiedScopeChanged ? 1.08m : 1m) * (modifiedImpact + modifiedExploitability), 10m), v31)
                    * e * rl * rc,
                v31);

        return (baseScore, temporal, environmental);
    }

    /// <summary>
    /// v3.1 Appendix A Roundup: work on the value scaled to an integer at 5 decimals so that 4.000000001 (a
    /// floating-point artefact of 4.0) becomes 4.0, not 4.1. v3.0 defines Roundup as "the smallest number, specified to
    /// one decimal place, that is equal to or higher than its input", i.e. a plain ceiling.
    /// </summary>
    internal static decimal RoundUp(decimal input, bool v31)
    {
        if (!v31)
        {
            return Math.Ceiling(input * 10m) / 10m;
        }

        var intInput = Math.Round(input * 100_000m, MidpointRounding.AwayFromZero);
        return intInput % 10_000m == 0m
            ? intInput / 100_000m
            : (Math.Floor(intInput / 10_000m) + 1m) / 10m;
    }

    private static decimal Pow(decimal x, int n)
    {
        var result = 1m;
        for (var k = 0; k < n; k++)
        {
            result *= x;
        }

        return result;
    }

    private static decimal Av(string value) => value switch { "N" => 0.85m, "A" => 0.62m, "L" => 0.55m, _ => 0.2m };

    private static decimal Ac(string value) => value == "L" ? 0.77m : 0.44m;

    private static decimal Pr(string value, bool scopeChanged) => value switch
    {
        "N" => 0.85m,
        "L" => scopeChanged ? 0.68m : 0.62m,
        _ => scopeChanged ? 0.5m : 0.27m,
    };

    private static decimal Ui(string value) => value == "N" ? 0.85m : 0.62m;

    private static decimal Cia(string value) => value switch { "H" => 0.56m, "L" => 0.22m, _ => 0m };

    private static decimal Requirement(string? value) => value switch { "H" => 1.5m, "L" => 0.5m, _ => 1m };
}
