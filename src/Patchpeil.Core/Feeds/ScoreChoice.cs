using System.Globalization;

namespace Patchpeil.Core.Feeds;

/// <summary>Who gave a score, in the order the score shown is chosen (ADR 0009): the first is preferred.</summary>
public enum ScoreOrigin
{
    /// <summary>A CSAF document: the vendor's own advisory or a CSIRT's (NCSC-NL, CISA).</summary>
    Csaf = 0,

    /// <summary>The CNA container of a CVE 5 record (often the vendor itself).</summary>
    Cna = 1,

    /// <summary>An ADP container of a CVE 5 record (e.g. CISA-ADP Vulnrichment).</summary>
    Adp = 2,

    /// <summary>NVD, metric of type Primary (NVD's own analysis).</summary>
    NvdPrimary = 3,

    /// <summary>NVD, metric of type Secondary (a CNA's score copied into NVD).</summary>
    NvdSecondary = 4,

    /// <summary>An OSV record's severity (an aggregator's copy, a vector only).</summary>
    Osv = 5,
}

/// <summary>One score as a source gave it.</summary>
/// <param name="Version">CVSS version ("2.0", "3.0", "3.1", "4.0").</param>
public sealed record ScoreCandidate(ScoreOrigin Origin, string? Version, string? Vector, decimal? BaseScore, string? Scorer);

/// <summary>
/// Chooses the one score shown when sources disagree; every score stays stored. Rule, in order: the origin
/// (<see cref="ScoreOrigin"/>: vendor or CSIRT CSAF, then CNA, ADP, NVD primary, NVD secondary, OSV); within an origin
/// the newest CVSS version; then a score with a base score over a bare vector; then the higher base score (the cautious
/// choice when two equal sources disagree); then the scorer's name, so the choice never depends on storage order.
/// </summary>
public static class ScoreChoice
{
    public static T? Choose<T>(IEnumerable<T> scores, Func<T, ScoreCandidate> describe)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(describe);
        return scores.Where(s => describe(s) is { } c && (c.Vector is not null || c.BaseScore is not null))
            .OrderBy(s => describe(s), Comparer).FirstOrDefault();
    }

    public static ScoreCandidate? Choose(IEnumerable<ScoreCandidate> scores) => Choose(scores, s => s);

    public static readonly IComparer<ScoreCandidate> Comparer = Comparer<ScoreCandidate>.Create(Compare);

    private static int Compare(ScoreCandidate? a, ScoreCandidate? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : 1) : -1;
        }

        var byOrigin = a.Origin.CompareTo(b.Origin);
        if (byOrigin != 0)
        {
            return byOrigin;
        }

        var byVersion = VersionRank(b.Version).CompareTo(VersionRank(a.Version));
        if (byVersion != 0)
        {
            return byVersion;
        }

        var byPresence = (b.BaseScore is not null).CompareTo(a.BaseScore is not null);
        if (byPresence != 0)
        {
            return byPresence;
        }

        var byScore = (b.BaseScore ?? 0).CompareTo(a.BaseScore ?? 0);
        return byScore != 0 ? byScore : string.CompareOrdinal(a.Scorer ?? a.Vector, b.Scorer ?? b.Vector);
    }

    /// <summary>"4.0" → 40, "3.1" → 31, "CVSS_V3" → 30; unknown → 0. A version can come from the vector prefix too.</summary>
    public static int VersionRank(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return 0;
        }

        var v = version.Trim().ToUpperInvariant();
        if (v.StartsWith("CVSS_V", StringComparison.Ordinal))
        {
            return int.TryParse(v.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major * 10 : 0;
        }

        if (v.StartsWith("CVSS:", StringComparison.Ordinal))
        {
            v = v[5..].Split('/')[0];
        }

        return decimal.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? (int)Math.Round(d * 10) : 0;
    }

    /// <summary>The CVSS version named by a vector ("CVSS:3.1/…" → "3.1"; a v2 vector has no prefix → "2.0").</summary>
    public static string? VersionOfVector(string? vector) =>
        vector is null ? null
        : vector.StartsWith("CVSS:", StringComparison.OrdinalIgnoreCase) ? vector[5..].Split('/')[0]
        : vector.Contains("AV:", StringComparison.Ordinal) && vector.Contains("Au:", StringComparison.Ordinal) ? "2.0"
        : null;
}
