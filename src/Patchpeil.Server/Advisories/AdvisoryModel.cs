using Microsoft.EntityFrameworkCore;

namespace Patchpeil.Server.Advisories;

public static class AdvisoryModel
{
    public static void ConfigureAdvisories(this ModelBuilder builder)
    {
        builder.Entity<Advisory>(b =>
        {
            b.Property(a => a.Source).HasConversion<string>().HasMaxLength(10);
            b.Property(a => a.DocumentId).HasMaxLength(200);
            b.Property(a => a.Publisher).HasMaxLength(200);
            b.Property(a => a.Title).HasMaxLength(1000);
            b.Property(a => a.Severity).HasMaxLength(100);
            b.Property(a => a.NcscLabel).HasMaxLength(100);
            b.Property(a => a.CurrentRevision).HasMaxLength(50);
            b.Property(a => a.ContentSha256).HasMaxLength(64);
            b.Property(a => a.Language).HasMaxLength(20);
            b.Property(a => a.SearchText).HasMaxLength(4000);
            b.HasIndex(a => new { a.Source, a.DocumentId }).IsUnique();
            b.HasIndex(a => a.PublishedUtc);
            b.HasMany(a => a.Revisions).WithOne().HasForeignKey(r => r.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(a => a.Vulnerabilities).WithOne().HasForeignKey(v => v.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(a => a.Products).WithOne().HasForeignKey(p => p.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AdvisoryRevision>(b =>
        {
            b.Property(r => r.Revision).HasMaxLength(50);
            b.Property(r => r.ContentSha256).HasMaxLength(64);
            b.Property(r => r.FileName).HasMaxLength(400);
            b.HasIndex(r => new { r.AdvisoryId, r.ContentSha256 }).IsUnique();
        });

        builder.Entity<AdvisoryVulnerability>(b =>
        {
            b.Property(v => v.VulnerabilityId).HasMaxLength(100);
            b.Property(v => v.Title).HasMaxLength(1000);
            b.Property(v => v.CvssVersion).HasMaxLength(10);
            b.Property(v => v.CvssVector).HasMaxLength(300);
            b.Property(v => v.CvssScore).HasMaxLength(20);
            b.HasIndex(v => v.VulnerabilityId);
        });

        builder.Entity<AffectedProduct>(b =>
        {
            b.Property(p => p.Vendor).HasMaxLength(200);
            b.Property(p => p.Name).HasMaxLength(1000);
            b.Property(p => p.Identity).HasMaxLength(1000);
            b.Property(p => p.Status).HasMaxLength(40);
            b.Property(p => p.Range).HasMaxLength(2000);
            b.Property(p => p.FixedVersions).HasMaxLength(2000);
            b.Property(p => p.Remediation).HasMaxLength(4000);
            b.Property(p => p.RemediationUrl).HasMaxLength(1000);
        });

        builder.Entity<KevEntry>(b =>
        {
            b.HasKey(k => k.CveId);
            b.Property(k => k.CveId).HasMaxLength(30);
            b.Property(k => k.VendorProject).HasMaxLength(200);
            b.Property(k => k.Product).HasMaxLength(200);
            b.Property(k => k.VulnerabilityName).HasMaxLength(500);
            b.Property(k => k.CatalogVersion).HasMaxLength(50);
        });

        builder.Entity<EpssScore>(b =>
        {
            b.HasKey(e => e.CveId);
            b.Property(e => e.CveId).HasMaxLength(30);
            b.Property(e => e.Score).HasPrecision(9, 5);
            b.Property(e => e.Percentile).HasPrecision(9, 5);
        });

        builder.Entity<ImportRun>(b =>
        {
            b.Property(r => r.Source).HasMaxLength(20);
            b.Property(r => r.FileName).HasMaxLength(400);
            b.Property(r => r.Actor).HasMaxLength(256);
            b.HasIndex(r => r.StartedUtc);
            b.HasMany(r => r.QuarantinedItems).WithOne().HasForeignKey(q => q.ImportRunId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<QuarantinedItem>(b =>
        {
            b.Property(q => q.Location).HasMaxLength(400);
            b.Property(q => q.Reasons).HasMaxLength(8000);
        });
    }
}
