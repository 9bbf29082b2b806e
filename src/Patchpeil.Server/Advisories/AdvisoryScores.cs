using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// One score one source gives one vulnerability (a CSAF document's CVSS v3 and v4, NVD's primary and secondary metrics,
/// a CVE record's CNA and ADP scores …). Every score is kept; <see cref="ScoreChoice"/> picks the one shown.
/// Replaced together with the advisory's vulnerabilities when a newer revision arrives.
/// </summary>
public sealed class AdvisoryScore
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AdvisoryId { get; set; }
    public required string VulnerabilityId { get; set; }
    public ScoreOrigin Origin { get; set; }

    /// <summary>Who scored: the CSAF publisher, the NVD source, the CNA/ADP short name.</summary>
    public string? Scorer { get; set; }

    public string? CvssVersion { get; set; }
    public string? Vector { get; set; }
    public decimal? BaseScore { get; set; }
    public string? Severity { get; set; }

    public ScoreCandidate Candidate() => new(Origin, CvssVersion, Vector, BaseScore, Scorer);
}

/// <summary>A score with the advisory it came from, as the detail page and the API show it.</summary>
public sealed record ScoreDto(string Origin, string? Scorer, string? CvssVersion, string? Vector, decimal? BaseScore, string? Severity, string Source, string DocumentId, bool Chosen);

public static class AdvisoryScoreModel
{
    public static void ConfigureAdvisoryScores(this ModelBuilder builder) => builder.Entity<AdvisoryScore>(b =>
    {
        b.Property(s => s.VulnerabilityId).HasMaxLength(100);
        b.Property(s => s.Origin).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Scorer).HasMaxLength(200);
        b.Property(s => s.CvssVersion).HasMaxLength(10);
        b.Property(s => s.Vector).HasMaxLength(300);
        b.Property(s => s.BaseScore).HasPrecision(3, 1);
        b.Property(s => s.Severity).HasMaxLength(20);
        b.HasIndex(s => s.VulnerabilityId);
        b.HasOne<Advisory>().WithMany(a => a.Scores).HasForeignKey(s => s.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
    });

    /// <summary>Every stored score of the given vulnerabilities, from every source, with the chosen one marked first.</summary>
    public static async Task<Dictionary<string, List<ScoreDto>>> ScoresForAsync(PatchpeilDbContext db, IReadOnlyCollection<string> vulnerabilityIds, CancellationToken ct)
    {
        var ids = vulnerabilityIds.Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.Set<AdvisoryScore>().AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.VulnerabilityId))
            .Join(db.Set<Advisory>(), s => s.AdvisoryId, a => a.Id, (s, a) => new { Score = s, a.Source, a.DocumentId })
            .ToListAsync(ct);
        var result = new Dictionary<string, List<ScoreDto>>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.Score.VulnerabilityId, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(r => r.Score.Candidate(), ScoreChoice.Comparer).ThenBy(r => r.DocumentId, StringComparer.Ordinal).ToList();
            var chosen = ScoreChoice.Choose(ordered, r => r.Score.Candidate());
            result[group.Key] = ordered.Select(r => new ScoreDto(r.Score.Origin.ToString(), r.Score.Scorer, r.Score.CvssVersion, r.Score.Vector, r.Score.BaseScore, r.Score.Severity,
                r.Source.ToString(), r.DocumentId, ReferenceEquals(r, chosen))).ToList();
        }

        return result;
    }
}
