using System.Collections.Frozen;

namespace Patchpeil.Core.Cvss;

internal enum CvssMetricGroup
{
    Base,
    Temporal,
    Threat,
    Environmental,
    Supplemental,
}

/// <summary>One metric of a CVSS version: its abbreviation, group and the values the specification allows.</summary>
internal sealed class CvssMetricDefinition(string key, string name, CvssMetricGroup group, string[] values, string? notDefined)
{
    public string Key { get; } = key;

    public string Name { get; } = name;

    public CvssMetricGroup Group { get; } = group;

    /// <summary>Allowed values in specification order, including the "not defined" value if the metric has one.</summary>
    public IReadOnlyList<string> Values { get; } = values;

    /// <summary><c>X</c> (v3, v4) or <c>ND</c> (v2) for optional metrics; null for mandatory base metrics.</summary>
    public string? NotDefined { get; } = notDefined;

    public bool Mandatory => Group == CvssMetricGroup.Base;
}

/// <summary>The vector grammar of one CVSS version: prefix, metrics in canonical order, and whether order is enforced.</summary>
internal sealed class CvssSpec
{
    private CvssSpec(CvssVersion version, string displayName, string? prefix, bool strictOrder, CvssMetricDefinition[] metrics)
    {
        Version = version;
        DisplayName = displayName;
        Prefix = prefix;
        StrictOrder = strictOrder;
        Metrics = metrics;
        IndexOf = metrics.Select((m, i) => (m.Key, i)).ToFrozenDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
    }

    public CvssVersion Version { get; }

    public string DisplayName { get; }

    /// <summary><c>CVSS:3.1</c> etc.; v2 vectors carry no prefix.</summary>
    public string? Prefix { get; }

    /// <summary>
    /// CVSS v4.0 fixes the metric order (specification section 7, and the FIRST JSON schema's vectorString pattern);
    /// v2, v3.0 and v3.1 allow any order after the prefix (their FIRST JSON schema patterns accept any sequence).
    /// </summary>
    public bool StrictOrder { get; }

    public IReadOnlyList<CvssMetricDefinition> Metrics { get; }

    public FrozenDictionary<string, int> IndexOf { get; }

    public static CvssSpec For(CvssVersion version) => version switch
    {
        CvssVersion.Cvss20 => V20,
        CvssVersion.Cvss30 => V30,
        CvssVersion.Cvss31 => V31,
        _ => V40,
    };

    private static CvssMetricDefinition B(string key, string name, params string[] values) =>
        new(key, name, CvssMetricGroup.Base, values, null);

    private static CvssMetricDefinition O(string key, string name, CvssMetricGroup group, string notDefined, params string[] values) =>
        new(key, name, group, [.. values, notDefined], notDefined);

    // CVSS v2 Guide, section 2.4 (vector order and values).
    public static readonly CvssSpec V20 = new(CvssVersion.Cvss20, "CVSS 2.0", null, false,
    [
        B("AV", "Access Vector", "L", "A", "N"),
        B("AC", "Access Complexity", "H", "M", "L"),
        B("Au", "Authentication", "M", "S", "N"),
        B("C", "Confidentiality Impact", "N", "P", "C"),
        B("I", "Integrity Impact", "N", "P", "C"),
        B("A", "Availability Impact", "N", "P", "C"),
        O("E", "Exploitability", CvssMetricGroup.Temporal, "ND", "U", "POC", "F", "H"),
        O("RL", "Remediation Level", CvssMetricGroup.Temporal, "ND", "OF", "TF", "W", "U"),
        O("RC", "Report Confidence", CvssMetricGroup.Temporal, "ND", "UC", "UR", "C"),
        O("CDP", "Collateral Damage Potential", CvssMetricGroup.Environmental, "ND", "N", "L", "LM", "MH", "H"),
        O("TD", "Target Distribution", CvssMetricGroup.Environmental, "ND", "N", "L", "M", "H"),
        O("CR", "Confidentiality Requirement", CvssMetricGroup.Environmental, "ND", "L", "M", "H"),
        O("IR", "Integrity Requirement", CvssMetricGroup.Environmental, "ND", "L", "M", "H"),
        O("AR", "Availability Requirement", CvssMetricGroup.Environmental, "ND", "L", "M", "H"),
    ]);

    // CVSS v3.0 and v3.1 specification, section 6 "Vector String" (same metrics in both; only scoring differs).
    private static CvssMetricDefinition[] V3Metrics() =>
    [
        B("AV", "Attack Vector", "N", "A", "L", "P"),
        B("AC", "Attack Complexity", "L", "H"),
        B("PR", "Privileges Required", "N", "L", "H"),
        B("UI", "User Interaction", "N", "R"),
        B("S", "Scope", "U", "C"),
        B("C", "Confidentiality", "H", "L", "N"),
        B("I", "Integrity", "H", "L", "N"),
        B("A", "Availability", "H", "L", "N"),
        O("E", "Exploit Code Maturity", CvssMetricGroup.Temporal, "X", "H", "F", "P", "U"),
        O("RL", "Remediation Level", CvssMetricGroup.Temporal, "X", "U", "W", "T", "O"),
        O("RC", "Report Confidence", CvssMetricGroup.Temporal, "X", "C", "R", "U"),
        O("CR", "Confidentiality Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("IR", "Integrity Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("AR", "Availability Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("MAV", "Modified Attack Vector", CvssMetricGroup.Environmental, "X", "N", "A", "L", "P"),
        O("MAC", "Modified Attack Complexity", CvssMetricGroup.Environmental, "X", "L", "H"),
        O("MPR", "Modified Privileges Required", CvssMetricGroup.Environmental, "X", "N", "L", "H"),
        O("MUI", "Modified User Interaction", CvssMetricGroup.Environmental, "X", "N", "R"),
        O("MS", "Modified Scope", CvssMetricGroup.Environmental, "X", "U", "C"),
        O("MC", "Modified Confidentiality", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MI", "Modified Integrity", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MA", "Modified Availability", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
    ];

    public static readonly CvssSpec V30 = new(CvssVersion.Cvss30, "CVSS 3.0", "CVSS:3.0", false, V3Metrics());

    public static readonly CvssSpec V31 = new(CvssVersion.Cvss31, "CVSS 3.1", "CVSS:3.1", false, V3Metrics());

    // CVSS v4.0 specification, section 7 "Vector String" (order is normative, as in the FIRST JSON schema).
    public static readonly CvssSpec V40 = new(CvssVersion.Cvss40, "CVSS 4.0", "CVSS:4.0", true,
    [
        B("AV", "Attack Vector", "N", "A", "L", "P"),
        B("AC", "Attack Complexity", "L", "H"),
        B("AT", "Attack Requirements", "N", "P"),
        B("PR", "Privileges Required", "N", "L", "H"),
        B("UI", "User Interaction", "N", "P", "A"),
        B("VC", "Vulnerable System Confidentiality", "H", "L", "N"),
        B("VI", "Vulnerable System Integrity", "H", "L", "N"),
        B("VA", "Vulnerable System Availability", "H", "L", "N"),
        B("SC", "Subsequent System Confidentiality", "H", "L", "N"),
        B("SI", "Subsequent System Integrity", "H", "L", "N"),
        B("SA", "Subsequent System Availability", "H", "L", "N"),
        O("E", "Exploit Maturity", CvssMetricGroup.Threat, "X", "A", "P", "U"),
        O("CR", "Confidentiality Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("IR", "Integrity Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("AR", "Availability Requirement", CvssMetricGroup.Environmental, "X", "H", "M", "L"),
        O("MAV", "Modified Attack Vector", CvssMetricGroup.Environmental, "X", "N", "A", "L", "P"),
        O("MAC", "Modified Attack Complexity", CvssMetricGroup.Environmental, "X", "L", "H"),
        O("MAT", "Modified Attack Requirements", CvssMetricGroup.Environmental, "X", "N", "P"),
        O("MPR", "Modified Privileges Required", CvssMetricGroup.Environmental, "X", "N", "L", "H"),
        O("MUI", "Modified User Interaction", CvssMetricGroup.Environmental, "X", "N", "P", "A"),
        O("MVC", "Modified Vulnerable System Confidentiality", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MVI", "Modified Vulnerable System Integrity", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MVA", "Modified Vulnerable System Availability", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MSC", "Modified Subsequent System Confidentiality", CvssMetricGroup.Environmental, "X", "H", "L", "N"),
        O("MSI", "Modified Subsequent System Integrity", CvssMetricGroup.Environmental, "X", "S", "H", "L", "N"),
        O("MSA", "Modified Subsequent System Availability", CvssMetricGroup.Environmental, "X", "S", "H", "L", "N"),
        O("S", "Safety", CvssMetricGroup.Supplemental, "X", "N", "P"),
        O("AU", "Automatable", CvssMetricGroup.Supplemental, "X", "N", "Y"),
        O("R", "Recovery", CvssMetricGroup.Supplemental, "X", "A", "U", "I"),
        O("V", "Value Density", CvssMetricGroup.Supplemental, "X", "D", "C"),
        O("RE", "Vulnerability Response Effort", CvssMetricGroup.Supplemental, "X", "L", "M", "H"),
        O("U", "Provider Urgency", CvssMetricGroup.Supplemental, "X", "Clear", "Green", "Amber", "Red"),
    ]);
}
