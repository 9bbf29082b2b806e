using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// A secret an administrator hands to the agent installer of one organisation (optionally one school). Agents
/// exchange it for their own device key; only its SHA-256 is stored, it expires and can be revoked.
/// </summary>
public sealed class EnrollmentSecret : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid? SchoolId { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters, shown so people can tell secrets apart; not a secret.</summary>
    public required string Prefix { get; set; }

    public required string Hash { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public int Enrollments { get; set; }
    public DateTime? LastUsedUtc { get; set; }

    public string AuditSummary() => $"name={Name}; prefix={Prefix}; school={SchoolId}; expires={ExpiresUtc:O}; revoked={RevokedUtc:O}";
}

/// <summary>
/// An enrolled agent: the hardware identity it enrolled with, its key (SHA-256 only) and the asset it reports for.
/// The same hardware enrolling again gets a new key on the same row and asset.
/// </summary>
public sealed class AgentDevice : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AssetId { get; set; }
    public Guid? EnrollmentSecretId { get; set; }
    public string? HardwareUuid { get; set; }
    public string? SerialNumber { get; set; }
    public string? MachineId { get; set; }
    public required string KeyPrefix { get; set; }
    public required string KeyHash { get; set; }
    public DateTime EnrolledUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastReportUtc { get; set; }
    public string? AgentVersion { get; set; }

    /// <summary>Content hash of the installed software the server holds for this device: the base a delta must name.</summary>
    public string? InventoryHash { get; set; }

    public Guid? InventorySetId { get; set; }

    /// <summary>Set by an administrator (or when the server lost track): the next report must be full.</summary>
    public bool FullReportRequested { get; set; }

    public string AuditSummary() =>
        $"asset={AssetId}; uuid={HardwareUuid}; serial={SerialNumber}; key={KeyPrefix}; enrolled={EnrolledUtc:O}; revoked={RevokedUtc:O}; fullRequested={FullReportRequested}";
}

/// <summary>
/// One distinct list of installed software, stored once per organisation and content hash: cloned school images
/// and unchanged reports share it, so a report that changes nothing costs one snapshot row.
/// </summary>
public sealed class InventorySet : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string ContentHash { get; set; }
    public int ItemCount { get; set; }
    public DateTime CreatedUtc { get; set; }
    public List<InventorySetItem> Items { get; set; } = [];
}

public sealed class InventorySetItem : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid SetId { get; set; }
    public required string Source { get; set; }
    public required string Name { get; set; }
    public required string Version { get; set; }
    public string? Publisher { get; set; }
    public string? Architecture { get; set; }
    public string? SourcePackage { get; set; }
    public string? SourceVersion { get; set; }
}

/// <summary>
/// One accepted report: the evidence of what an asset had installed at that moment. History is kept; the items
/// live in the shared <see cref="InventorySet"/>.
/// </summary>
public sealed class AssetSnapshot : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AssetId { get; set; }

    /// <summary>The enrolled agent that sent the report; null for a snapshot read by a connector (see <see cref="Origin"/>).</summary>
    public Guid? DeviceId { get; set; }

    /// <summary>Who reported: "agent", or the connector kind ("intune", "google", "jamf-pro", "jamf-school").</summary>
    public string Origin { get; set; } = "agent";

    /// <summary>The connector whose sync produced this snapshot; null for agent reports.</summary>
    public Guid? ConnectorId { get; set; }

    public Guid ReportId { get; set; }
    public DateTime ReceivedUtc { get; set; }
    public DateTime CollectedUtc { get; set; }
    public bool Full { get; set; }

    /// <summary>The software was the same as in the previous report: only this row was written.</summary>
    public bool Unchanged { get; set; }

    public Guid InventorySetId { get; set; }
    public required string InventoryHash { get; set; }
    public int ItemCount { get; set; }
    public required string Hostname { get; set; }
    public required string OsFamily { get; set; }
    public required string OsName { get; set; }
    public string? OsVersion { get; set; }
    public string? OsBuild { get; set; }
    public string? Kernel { get; set; }

    /// <summary>Windows edition (Education, Pro …): it decides the lifecycle the matcher applies.</summary>
    public string? OsEdition { get; set; }

    /// <summary>os-release ID and VERSION_ID ("debian", "12"): distribution packages are matched per release.</summary>
    public string? DistributionId { get; set; }

    public string? DistributionVersion { get; set; }
    public DateTime? LastBootUtc { get; set; }
    public bool PendingReboot { get; set; }
    public int PendingUpdateCount { get; set; }
    public string? AgentVersion { get; set; }

    /// <summary>Pending updates, installed updates (KBs) and databases as reported, JSON; small and shown as is.</summary>
    public string? DetailsJson { get; set; }
}

public static class AgentModel
{
    public static void ConfigureAgents(this ModelBuilder builder)
    {
        builder.Entity<EnrollmentSecret>(b =>
        {
            b.Property(s => s.Name).HasMaxLength(100);
            b.Property(s => s.Prefix).HasMaxLength(16);
            b.Property(s => s.Hash).HasMaxLength(64);
            b.HasIndex(s => s.Hash).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<School>().WithMany().HasForeignKey(s => s.SchoolId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<AgentDevice>(b =>
        {
            b.Property(d => d.HardwareUuid).HasMaxLength(128);
            b.Property(d => d.SerialNumber).HasMaxLength(128);
            b.Property(d => d.MachineId).HasMaxLength(128);
            b.Property(d => d.KeyPrefix).HasMaxLength(16);
            b.Property(d => d.KeyHash).HasMaxLength(64);
            b.Property(d => d.AgentVersion).HasMaxLength(64);
            b.Property(d => d.InventoryHash).HasMaxLength(64);
            b.HasIndex(d => d.KeyHash).IsUnique();
            b.HasIndex(d => new { d.OrganisationId, d.HardwareUuid });
            b.HasIndex(d => new { d.OrganisationId, d.SerialNumber });
            b.HasIndex(d => d.AssetId);
            b.HasOne<Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Asset>().WithMany().HasForeignKey(d => d.AssetId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<EnrollmentSecret>().WithMany().HasForeignKey(d => d.EnrollmentSecretId).OnDelete(DeleteBehavior.SetNull);
            b.HasOne<InventorySet>().WithMany().HasForeignKey(d => d.InventorySetId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<InventorySet>(b =>
        {
            b.Property(s => s.ContentHash).HasMaxLength(64);
            b.HasIndex(s => new { s.OrganisationId, s.ContentHash }).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(s => s.Items).WithOne().HasForeignKey(i => i.SetId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<InventorySetItem>(b =>
        {
            b.Property(i => i.Source).HasMaxLength(32);
            b.Property(i => i.Name).HasMaxLength(ReportValidation.MaxNameLength);
            b.Property(i => i.Version).HasMaxLength(ReportValidation.MaxVersionLength);
            b.Property(i => i.Publisher).HasMaxLength(ReportValidation.MaxNameLength);
            b.Property(i => i.Architecture).HasMaxLength(32);
            b.Property(i => i.SourcePackage).HasMaxLength(ReportValidation.MaxNameLength);
            b.Property(i => i.SourceVersion).HasMaxLength(ReportValidation.MaxVersionLength);
            b.HasIndex(i => new { i.SetId, i.Name });
        });

        builder.Entity<AssetSnapshot>(b =>
        {
            b.Property(s => s.InventoryHash).HasMaxLength(64);
            b.Property(s => s.Hostname).HasMaxLength(253);
            b.Property(s => s.OsFamily).HasMaxLength(16);
            b.Property(s => s.OsName).HasMaxLength(ReportValidation.MaxTextLength);
            b.Property(s => s.OsVersion).HasMaxLength(ReportValidation.MaxTextLength);
            b.Property(s => s.OsBuild).HasMaxLength(ReportValidation.MaxTextLength);
            b.Property(s => s.Kernel).HasMaxLength(ReportValidation.MaxTextLength);
            b.Property(s => s.OsEdition).HasMaxLength(ReportValidation.MaxTextLength);
            b.Property(s => s.DistributionId).HasMaxLength(64);
            b.Property(s => s.DistributionVersion).HasMaxLength(64);
            b.Property(s => s.AgentVersion).HasMaxLength(64);
            b.Property(s => s.Origin).HasMaxLength(32);
            b.HasIndex(s => s.ReportId).IsUnique();
            b.HasIndex(s => new { s.AssetId, s.ReceivedUtc });
            b.HasOne<Asset>().WithMany().HasForeignKey(s => s.AssetId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<AgentDevice>().WithMany().HasForeignKey(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<InventorySet>().WithMany().HasForeignKey(s => s.InventorySetId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
