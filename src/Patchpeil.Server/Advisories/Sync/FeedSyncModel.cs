using Microsoft.EntityFrameworkCore;

namespace Patchpeil.Server.Advisories.Sync;

public static class FeedSyncModel
{
    public static void ConfigureFeedSync(this ModelBuilder builder)
    {
        builder.Entity<FeedSyncSource>(b =>
        {
            b.Property(s => s.Key).HasMaxLength(100);
            b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(s => s.Name).HasMaxLength(200);
            b.Property(s => s.Url).HasMaxLength(2000);
            b.Property(s => s.ProtectedApiKey).HasMaxLength(2000);
            b.Property(s => s.LastOutcome).HasConversion<string>().HasMaxLength(20);
            b.Property(s => s.Version).IsConcurrencyToken();
            b.HasIndex(s => s.Key).IsUnique();
        });

        builder.Entity<FeedSyncRun>(b =>
        {
            b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
            b.Property(r => r.Trigger).HasMaxLength(256);
            b.HasIndex(r => new { r.SourceId, r.StartedUtc });
            b.HasOne<FeedSyncSource>().WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
