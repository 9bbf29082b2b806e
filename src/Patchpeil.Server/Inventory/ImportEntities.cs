using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory;

/// <summary>
/// One uploaded file (CSV or SBOM), applied or refused: the provenance of every component it brought in. Refused
/// uploads are kept too, with their problems, so the history shows what was tried. Check-only runs are not stored.
/// </summary>
public sealed class InventoryImport : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public ImportKind Kind { get; set; }
    public ImportStatus Status { get; set; }
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }

    /// <summary>For an SBOM: the asset it describes.</summary>
    public Guid? AssetId { get; set; }

    public Guid? UserId { get; set; }
    public required string Actor { get; set; }
    public DateTime CreatedUtc { get; set; }
    public int Rows { get; set; }
    public int Components { get; set; }
    public int AssetsCreated { get; set; }
    public int AssetsUpdated { get; set; }

    /// <summary>The problems (at most <see cref="ImportService.MaxStoredProblems"/>), one per line: "line 4, column 'soort': …".</summary>
    public string Problems { get; set; } = "";

    public int ProblemCount { get; set; }

    public string AuditSummary() =>
        $"kind={Kind}; status={Status}; file={FileName}; sha256={Sha256}; asset={AssetId}; rows={Rows}; components={Components}; " +
        $"assetsCreated={AssetsCreated}; assetsUpdated={AssetsUpdated}; problems={ProblemCount}";
}

/// <summary>
/// A piece of software an import says is on an asset, raw as given and as Patchpeil reads it. Re-importing the same
/// kind for an asset replaces these rows; agent check-ins keep their own snapshots.
/// </summary>
public sealed class ImportedComponent : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AssetId { get; set; }
    public Guid ImportId { get; set; }
    public ImportKind Source { get; set; }
    public bool IsOperatingSystem { get; set; }
    public required string Name { get; set; }
    public string? Version { get; set; }
    public string? Publisher { get; set; }

    /// <summary>Where in the file: "line 12" or a JSON pointer.</summary>
    public required string Origin { get; set; }

    /// <summary>purl or CPE as the SBOM gave it.</summary>
    public string? Purl { get; set; }
    public string? Cpe { get; set; }

    /// <summary>The identity Patchpeil matches on (purl, or CPE from the catalog or a mapping); null = unmapped.</summary>
    public string? Identity { get; set; }
    public string? Scheme { get; set; }
    public string? EndOfLifeProduct { get; set; }
    public string? EndOfLifeCycle { get; set; }

    /// <summary>The rule that gave the identity: "purl", "cpe", "catalog:firefox" or "mapping:{id}".</summary>
    public string? Rule { get; set; }
}

/// <summary>An administrator's rule for software the built-in catalog does not know; tried after the catalog.</summary>
public sealed class SoftwareMapping : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }

    /// <summary>Name pattern: exact text with `*` as wildcard, case-insensitive, whole name.</summary>
    public required string NamePattern { get; set; }

    /// <summary>Publisher pattern, same syntax; null = any publisher.</summary>
    public string? PublisherPattern { get; set; }

    /// <summary>CPE 2.3 prefix `cpe:2.3:a:vendor:product` (the version is filled in) or a purl without version.</summary>
    public required string Identity { get; set; }
    public required string Scheme { get; set; }
    public string? EndOfLifeProduct { get; set; }
    public DateTime CreatedUtc { get; set; }
    public required string CreatedBy { get; set; }

    public string AuditSummary() =>
        $"name={NamePattern}; publisher={PublisherPattern}; identity={Identity}; scheme={Scheme}; eol={EndOfLifeProduct}";
}

/// <summary>The supplier register entry of a SaaS service or application: who patches it, on what terms.</summary>
public sealed class SupplierRecord : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AssetId { get; set; }
    public Asset? Asset { get; set; }
    public required string Vendor { get; set; }
    public required string Product { get; set; }
    public string? Version { get; set; }

    /// <summary>What the supplier promises about patching (e.g. "critical within 72 hours"), as in the contract.</summary>
    public string? PatchCommitment { get; set; }

    /// <summary>Contract or processing agreement (verwerkersovereenkomst) reference.</summary>
    public string? ContractReference { get; set; }
    public RosaStatus Rosa { get; set; }
    public DateOnly? RosaValidUntil { get; set; }
    public DateOnly? NextReview { get; set; }
    public DateTime UpdatedUtc { get; set; }

    public string AuditSummary() =>
        $"asset={AssetId}; vendor={Vendor}; product={Product}; version={Version}; patchCommitment={PatchCommitment}; contract={ContractReference}; " +
        $"rosa={Rosa}; rosaValidUntil={RosaValidUntil:yyyy-MM-dd}; nextReview={NextReview:yyyy-MM-dd}";
}

public static class ImportModel
{
    public static void ConfigureImports(this ModelBuilder builder)
    {
        builder.Entity<InventoryImport>(b =>
        {
            b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(10);
            b.Property(i => i.Status).HasConversion<string>().HasMaxLength(10);
            b.Property(i => i.FileName).HasMaxLength(260);
            b.Property(i => i.Sha256).HasMaxLength(64);
            b.Property(i => i.Actor).HasMaxLength(256);
            b.HasIndex(i => new { i.OrganisationId, i.CreatedUtc });
            b.HasOne<Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Asset>().WithMany().HasForeignKey(i => i.AssetId).OnDelete(DeleteBehavior.SetNull);
        });

        builder.Entity<ImportedComponent>(b =>
        {
            b.Property(c => c.Source).HasConversion<string>().HasMaxLength(10);
            b.Property(c => c.Name).HasMaxLength(500);
            b.Property(c => c.Version).HasMaxLength(200);
            b.Property(c => c.Publisher).HasMaxLength(500);
            b.Property(c => c.Origin).HasMaxLength(200);
            b.Property(c => c.Purl).HasMaxLength(1000);
            b.Property(c => c.Cpe).HasMaxLength(1000);
            b.Property(c => c.Identity).HasMaxLength(1000);
            b.Property(c => c.Scheme).HasMaxLength(20);
            b.Property(c => c.EndOfLifeProduct).HasMaxLength(100);
            b.Property(c => c.EndOfLifeCycle).HasMaxLength(50);
            b.Property(c => c.Rule).HasMaxLength(100);
            b.HasIndex(c => new { c.OrganisationId, c.AssetId, c.Source });
            b.HasIndex(c => new { c.OrganisationId, c.Identity });
            b.HasOne<Asset>().WithMany().HasForeignKey(c => c.AssetId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<InventoryImport>().WithMany().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<SoftwareMapping>(b =>
        {
            b.Property(m => m.NamePattern).HasMaxLength(500);
            b.Property(m => m.PublisherPattern).HasMaxLength(500);
            b.Property(m => m.Identity).HasMaxLength(500);
            b.Property(m => m.Scheme).HasMaxLength(20);
            b.Property(m => m.EndOfLifeProduct).HasMaxLength(100);
            b.Property(m => m.CreatedBy).HasMaxLength(256);
            b.HasIndex(m => new { m.OrganisationId, m.NamePattern, m.PublisherPattern }).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<SupplierRecord>(b =>
        {
            b.Property(s => s.Vendor).HasMaxLength(200);
            b.Property(s => s.Product).HasMaxLength(200);
            b.Property(s => s.Version).HasMaxLength(100);
            b.Property(s => s.PatchCommitment).HasMaxLength(1000);
            b.Property(s => s.ContractReference).HasMaxLength(200);
            b.Property(s => s.Rosa).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(s => s.AssetId).IsUnique();
            b.HasIndex(s => new { s.OrganisationId, s.NextReview });
            b.HasOne(s => s.Asset).WithMany().HasForeignKey(s => s.AssetId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
