using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds.EndOfLife;

namespace Patchpeil.Server.Lifecycle;

// endoflife.date data is global knowledge like advisories (ADR 0009): no OrganisationId, no tenant filter.

/// <summary>An endoflife.date product with the provenance of the file it was last imported from.</summary>
public sealed class LifecycleProduct
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The endoflife.date slug ("windows", "ubuntu").</summary>
    public required string Name { get; set; }

    public required string Label { get; set; }
    public string? Category { get; set; }

    /// <summary>Other slugs the product is known by, one per line.</summary>
    public string? Aliases { get; set; }

    /// <summary>purl / CPE identifiers as "type:id", one per line.</summary>
    public string? Identifiers { get; set; }

    public string? Revision { get; set; }
    public DateTime? ModifiedUtc { get; set; }
    public required string ContentSha256 { get; set; }
    public DateTime FetchedUtc { get; set; }
    public string? FileName { get; set; }
    public List<LifecycleCycle> Cycles { get; set; } = [];
}

/// <summary>
/// One release cycle. Each date-or-boolean field is stored as its kind and its date, exactly as published; whether the
/// cycle is end-of-life is computed from them with a clock (<see cref="EolRelease.StateOf"/>), never stored.
/// </summary>
public sealed class LifecycleCycle
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProductId { get; set; }
    public required string Name { get; set; }
    public string? Codename { get; set; }
    public required string Label { get; set; }
    public DateOnly? ReleaseDate { get; set; }
    public bool IsLts { get; set; }
    public DateOnly? LtsFrom { get; set; }
    public LifecycleKind EolKind { get; set; }
    public DateOnly? EolDate { get; set; }
    public LifecycleKind ActiveSupportKind { get; set; }
    public DateOnly? ActiveSupportDate { get; set; }
    public LifecycleKind ExtendedSupportKind { get; set; }
    public DateOnly? ExtendedSupportDate { get; set; }
    public LifecycleKind DiscontinuedKind { get; set; }
    public DateOnly? DiscontinuedDate { get; set; }
    public string? Latest { get; set; }
    public DateOnly? LatestDate { get; set; }
    public string? LatestLink { get; set; }

    public LifecycleDate EndOfLife() => new(EolKind, EolDate);

    public LifecycleDate ActiveSupport() => new(ActiveSupportKind, ActiveSupportDate);

    public LifecycleDate ExtendedSupport() => new(ExtendedSupportKind, ExtendedSupportDate);

    /// <summary>Everything the cycle says, to tell a changed cycle from an unchanged one on re-import.</summary>
    public string Signature() => string.Join('|', Codename, Label, ReleaseDate, IsLts, LtsFrom, EolKind, EolDate, ActiveSupportKind, ActiveSupportDate,
        ExtendedSupportKind, ExtendedSupportDate, DiscontinuedKind, DiscontinuedDate, Latest, LatestDate, LatestLink);

    public static LifecycleCycle From(EolRelease r) => new()
    {
        Name = Cut(r.Name, 100)!,
        Codename = Cut(r.Codename, 200),
        Label = Cut(r.Label, 200)!,
        ReleaseDate = r.ReleaseDate,
        IsLts = r.IsLts,
        LtsFrom = r.LtsFrom,
        EolKind = r.EndOfLife.Kind,
        EolDate = r.EndOfLife.Date,
        ActiveSupportKind = r.ActiveSupport.Kind,
        ActiveSupportDate = r.ActiveSupport.Date,
        ExtendedSupportKind = r.ExtendedSupport.Kind,
        ExtendedSupportDate = r.ExtendedSupport.Date,
        DiscontinuedKind = r.Discontinued.Kind,
        DiscontinuedDate = r.Discontinued.Date,
        Latest = Cut(r.Latest?.Name, 100),
        LatestDate = r.Latest?.Date,
        LatestLink = Cut(r.Latest?.Link, 1000),
    };

    internal static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}

public static class LifecycleModel
{
    public static void ConfigureLifecycle(this ModelBuilder builder)
    {
        builder.Entity<LifecycleProduct>(b =>
        {
            b.Property(p => p.Name).HasMaxLength(100);
            b.Property(p => p.Label).HasMaxLength(200);
            b.Property(p => p.Category).HasMaxLength(50);
            b.Property(p => p.Aliases).HasMaxLength(1000);
            b.Property(p => p.Identifiers).HasMaxLength(4000);
            b.Property(p => p.Revision).HasMaxLength(50);
            b.Property(p => p.ContentSha256).HasMaxLength(64);
            b.Property(p => p.FileName).HasMaxLength(400);
            b.HasIndex(p => p.Name).IsUnique();
            b.HasMany(p => p.Cycles).WithOne().HasForeignKey(c => c.ProductId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LifecycleCycle>(b =>
        {
            b.Property(c => c.Name).HasMaxLength(100);
            b.Property(c => c.Codename).HasMaxLength(200);
            b.Property(c => c.Label).HasMaxLength(200);
            foreach (var kind in new[] { nameof(LifecycleCycle.EolKind), nameof(LifecycleCycle.ActiveSupportKind), nameof(LifecycleCycle.ExtendedSupportKind), nameof(LifecycleCycle.DiscontinuedKind) })
            {
                b.Property<LifecycleKind>(kind).HasConversion<string>().HasMaxLength(20);
            }

            b.Property(c => c.Latest).HasMaxLength(100);
            b.Property(c => c.LatestLink).HasMaxLength(1000);
            b.HasIndex(c => new { c.ProductId, c.Name }).IsUnique();
        });
    }
}
