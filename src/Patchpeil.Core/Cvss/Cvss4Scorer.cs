namespace Patchpeil.Core.Cvss;

/// <summary>
/// CVSS v4.0 scoring (specification section 8, "CVSS v4.0 Scoring"): the vector is reduced to a MacroVector of six
/// equivalence classes (EQ1–EQ6), the MacroVector's expert score is looked up, and the score is lowered by the mean
/// proportional severity distance of the vector from the highest-severity vector of its MacroVector, towards the next
/// lower MacroVector of each EQ. Data comes from <see cref="Cvss4Data"/>; the algorithm follows the reference
/// calculator's <c>cvss_score.js</c> step for step.
/// </summary>
internal static class Cvss4Scorer
{
    /// <summary>Which metric groups take part: CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE.</summary>
    public static decimal Score(CvssMetricValues v, bool useThreat, bool useEnvironmental)
    {
        var m = new Effective(v, useThreat, useEnvironmental);

        // No impact on the vulnerable or subsequent system: 0.0 whatever the rest says.
        if (m["VC"] == "N" && m["VI"] == "N" && m["VA"] == "N" && m["SC"] == "N" && m["SI"] == "N" && m["SA"] == "N")
        {
            return 0.0m;
        }

        var (eq1, eq2, eq3, eq4, eq5, eq6) = MacroVector(m);
        var value = Lookup(eq1, eq2, eq3, eq4, eq5, eq6)
            ?? throw new InvalidOperationException("Every reachable CVSS v4.0 MacroVector is in the lookup table.");

        // Score of the next lower MacroVector per EQ; null when there is none (the EQ is then left out of the mean).
        var lowerEq1 = Lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        var lowerEq2 = Lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        var lowerEq3Eq6 = (eq3, eq6) switch
        {
            (1, 1) => Lookup(eq1, eq2, 2, eq4, eq5, 1),
            (0, 1) => Lookup(eq1, eq2, 1, eq4, eq5, 1),
            (1, 0) => Lookup(eq1, eq2, 1, eq4, eq5, 1),
            // 00 has two lower neighbours (01 and 10); the reference takes the higher-scoring one.
            (0, 0) => Max(Lookup(eq1, eq2, 0, eq4, eq5, 1), Lookup(eq1, eq2, 1, eq4, eq5, 0)),
            _ => null, // 21 is the lowest combination
        };
        var lowerEq4 = Lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        var lowerEq5 = Lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // Severity distance (in steps of 0.1) from the first highest-severity vector of the MacroVector that is at
        // least as severe as this vector in every metric. If none qualifies, the reference keeps the last candidate.
        var distances = Distances(m, eq1, eq2, eq3, eq4, eq6);
        var distanceEq1 = distances["AV"] + distances["PR"] + distances["UI"];
        var distanceEq2 = distances["AC"] + distances["AT"];
        var distanceEq3Eq6 = distances["VC"] + distances["VI"] + distances["VA"] + distances["CR"] + distances["IR"] + distances["AR"];
        var distanceEq4 = distances["SC"] + distances["SI"] + distances["SA"];

        // Each present EQ contributes (value − lower) × distance / depth; EQ5 counts but contributes 0. Everything is
        // a rational number with a small denominator, so compute it exactly as a fraction over the common denominator
        // 10 (tenths) × n × ∏depths and round half up at the end: no floating-point epsilon needed.
        var terms = new List<(long ScoreDifferenceTenths, long Distance, long Depth)>();
        AddTerm(terms, value, lowerEq1, distanceEq1, Cvss4Data.MaxSeverityEq1[eq1]);
        AddTerm(terms, value, lowerEq2, distanceEq2, Cvss4Data.MaxSeverityEq2[eq2]);
        AddTerm(terms, value, lowerEq3Eq6, distanceEq3Eq6, Cvss4Data.MaxSeverityEq3Eq6[eq3][eq6]);
        AddTerm(terms, value, lowerEq4, distanceEq4, Cvss4Data.MaxSeverityEq4[eq4]);
        AddTerm(terms, value, lowerEq5, 0, 1);

        var valueTenths = (long)(value * 10m);
        if (terms.Count == 0)
        {
            return valueTenths / 10m;
        }

        long depthProduct = 1;
        foreach (var term in terms)
        {
            depthProduct *= term.Depth;
        }

        // score × 10 = valueTenths − (Σ diff·distance·(P/depth)) / (n·P)
        long weightedSum = 0;
        foreach (var term in terms)
        {
            weightedSum += term.ScoreDifferenceTenths * term.Distance * (depthProduct / term.Depth);
        }

        var denominator = terms.Count * depthProduct;
        var numerator = (valueTenths * denominator) - weightedSum;
        numerator = Math.Clamp(numerator, 0, 100 * denominator);
        // Round half up: floor(numerator / denominator + 1/2).
        var roundedTenths = ((2 * numerator) + denominator) / (2 * denominator);
        return roundedTenths / 10m;
    }

    internal static (int Eq1, int Eq2, int Eq3, int Eq4, int Eq5, int Eq6) MacroVector(Effective m)
    {
        string av = m["AV"], pr = m["PR"], ui = m["UI"];
        var eq1 = av == "N" && pr == "N" && ui == "N" ? 0
            : (av == "N" || pr == "N" || ui == "N") && av != "P" ? 1
            : 2;
        var eq2 = m["AC"] == "L" && m["AT"] == "N" ? 0 : 1;

        string vc = m["VC"], vi = m["VI"], va = m["VA"];
        var eq3 = vc == "H" && vi == "H" ? 0
            : vc == "H" || vi == "H" || va == "H" ? 1
            : 2;

        string sc = m["SC"], si = m["SI"], sa = m["SA"];
        var eq4 = si == "S" || sa == "S" ? 0
            : sc == "H" || si == "H" || sa == "H" ? 1
            : 2;

        var eq5 = m["E"] switch { "A" => 0, "P" => 1, _ => 2 };

        var eq6 = (m["CR"] == "H" && vc == "H") || (m["IR"] == "H" && vi == "H") || (m["AR"] == "H" && va == "H") ? 0 : 1;
        return (eq1, eq2, eq3, eq4, eq5, eq6);
    }

    private static void AddTerm(List<(long, long, long)> terms, decimal value, decimal? lower, int distance, int depth)
    {
        if (lower is { } lowerScore)
        {
            terms.Add(((long)((value - lowerScore) * 10m), distance, depth));
        }
    }

    private static Dictionary<string, int> Distances(Effective m, int eq1, int eq2, int eq3, int eq4, int eq6)
    {
        var distances = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var max1 in Cvss4Data.MaxComposedEq1[eq1])
        {
            foreach (var max2 in Cvss4Data.MaxComposedEq2[eq2])
            {
                foreach (var max36 in Cvss4Data.MaxComposedEq3Eq6[eq3][eq6])
                {
                    foreach (var max4 in Cvss4Data.MaxComposedEq4[eq4])
                    {
                        distances.Clear();
                        var allNonNegative = true;
                        foreach (var part in string.Join('/', max1, max2, max36, max4).Split('/'))
                        {
                            var key = part[..part.IndexOf(':', StringComparison.Ordinal)];
                            var maxValue = part[(key.Length + 1)..];
                            var distance = Level(key, m[key]) - Level(key, maxValue);
                            distances[key] = distance;
                            allNonNegative &= distance >= 0;
                        }

                        if (allNonNegative)
                        {
                            return distances;
                        }
                    }
                }
            }
        }

        return distances;
    }

    /// <summary>Severity level of a value in steps of 0.1 (0 = most severe), as in the reference calculator.</summary>
    private static int Level(string metric, string value) => metric switch
    {
        "AV" => value switch { "N" => 0, "A" => 1, "L" => 2, _ => 3 },
        "PR" => value switch { "N" => 0, "L" => 1, _ => 2 },
        "UI" => value switch { "N" => 0, "P" => 1, _ => 2 },
        "AC" => value == "L" ? 0 : 1,
        "AT" => value == "N" ? 0 : 1,
        "VC" or "VI" or "VA" => value switch { "H" => 0, "L" => 1, _ => 2 },
        // Subsequent-system levels start at 1 because Safety (MSI/MSA:S) is 0.
        "SC" or "SI" or "SA" => value switch { "S" => 0, "H" => 1, "L" => 2, _ => 3 },
        "CR" or "IR" or "AR" => value switch { "H" => 0, "M" => 1, _ => 2 },
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a CVSS v4.0 distance metric."),
    };

    private static decimal? Lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
    {
        Span<char> key = [(char)('0' + eq1), (char)('0' + eq2), (char)('0' + eq3), (char)('0' + eq4), (char)('0' + eq5), (char)('0' + eq6)];
        return Cvss4Data.MacroVectorScores.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var score) ? score : null;
    }

    private static decimal? Max(decimal? left, decimal? right) =>
        left is { } l && right is { } r ? Math.Max(l, r) : left ?? right;

    /// <summary>
    /// Effective value of a metric for the chosen score variant: a defined Modified metric replaces its base metric;
    /// undefined threat and security-requirement metrics take their worst case (E:A, CR/IR/AR:H), as the
    /// specification defines Not Defined for them.
    /// </summary>
    internal readonly struct Effective(CvssMetricValues values, bool useThreat, bool useEnvironmental)
    {
        public string this[string metric] => metric switch
        {
            "E" => (useThreat ? values["E"] : null) ?? "A",
            "CR" or "IR" or "AR" => (useEnvironmental ? values[metric] : null) ?? "H",
            _ => (useEnvironmental ? values["M" + metric] : null) ?? values.Required(metric),
        };
    }
}
