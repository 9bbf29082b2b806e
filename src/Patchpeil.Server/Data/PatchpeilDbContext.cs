using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Audit;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Inventory.Agents;

namespace Patchpeil.Server.Data;

/// <summary>
/// The one model. Each provider has its own subclass only so that each gets its own generated migration set.
/// Tenant isolation lives here, centrally: a query filter on every organisation-owned set, and a guard in
/// SaveChanges that refuses to write a row of another organisation.
/// </summary>
public abstract class PatchpeilDbContext : IdentityUserContext<User, Guid>
{
    private readonly RequestContext _request;
    private readonly TimeProvider _time;
    private readonly List<PendingAuditEvent> _pendingAudit = [];

    protected PatchpeilDbContext(DbContextOptions options, RequestContext request, TimeProvider time)
        : base(options)
    {
        _request = request;
        _time = time;
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<School> Schools => Set<School>();
    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public RequestContext Request => _request;

    /// <summary>
    /// True while the matching job writes findings in bulk: those rows are not audited one by one (millions of rows
    /// would swamp the chain); the job records one summary event per organisation and its own state history instead.
    /// </summary>
    public bool SuppressRecordAudit { get; set; }

    // Read by the query filters; EF parameterises these per context instance.
    private Guid CurrentOrganisationId => _request.OrganisationId ?? Guid.Empty;
    private bool BypassTenantFilter => _request.IsSystem;

    /// <summary>Which rows the query filters let through: "*" for the system, else the organisation (a cache key part).</summary>
    public string TenantScope => BypassTenantFilter ? "*" : CurrentOrganisationId.ToString("D");

    /// <summary>Queue an audit event that is not a record change (sign-in, verification …); written by the next SaveChanges.</summary>
    public void RecordAudit(string action, string entityType, string? entityId, string? before, string? after, Guid? organisationId = null) =>
        _pendingAudit.Add(new PendingAuditEvent(action, entityType, entityId, before, after, organisationId ?? _request.OrganisationId));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<User>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(200);
            b.Property(u => u.PreferredCulture).HasMaxLength(10);
        });

        builder.Entity<Organisation>(b =>
        {
            b.Property(o => o.Name).HasMaxLength(200);
            b.HasQueryFilter(o => BypassTenantFilter || o.Id == CurrentOrganisationId);
        });

        builder.Entity<School>(b =>
        {
            b.Property(s => s.Name).HasMaxLength(200);
            b.Property(s => s.Brin).HasMaxLength(6);
            b.HasIndex(s => new { s.OrganisationId, s.Brin }).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Location>(b =>
        {
            b.Property(l => l.Name).HasMaxLength(200);
            b.Property(l => l.Address).HasMaxLength(400);
            b.HasOne(l => l.School).WithMany(s => s.Locations).HasForeignKey(l => l.SchoolId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Asset>(b =>
        {
            b.Property(a => a.Name).HasMaxLength(200);
            b.Property(a => a.Hostname).HasMaxLength(253);
            b.Property(a => a.Platform).HasMaxLength(200);
            b.Property(a => a.Owner).HasMaxLength(200);
            b.Property(a => a.PatchLevel).HasMaxLength(200);
            b.Property(a => a.SerialNumber).HasMaxLength(128);
            b.Property(a => a.Model).HasMaxLength(200);
            b.Property(a => a.ModelIdentifier).HasMaxLength(64);
            b.HasIndex(a => new { a.OrganisationId, a.SerialNumber });
            b.HasIndex(a => new { a.OrganisationId, a.LastSeenUtc });
            b.Property(a => a.SearchText).HasMaxLength(1000);
            b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(a => a.Availability).HasConversion<string>().HasMaxLength(10);
            b.Property(a => a.Integrity).HasConversion<string>().HasMaxLength(10);
            b.Property(a => a.Confidentiality).HasConversion<string>().HasMaxLength(10);
            b.HasIndex(a => new { a.OrganisationId, a.Criticality });
            b.HasIndex(a => new { a.OrganisationId, a.Name });
            b.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(a => a.School).WithMany().HasForeignKey(a => a.SchoolId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(a => a.Location).WithMany().HasForeignKey(a => a.LocationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Membership>(b =>
        {
            b.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(m => new { m.UserId, m.OrganisationId }).IsUnique();
            b.HasOne(m => m.Organisation).WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiToken>(b =>
        {
            b.Property(t => t.Name).HasMaxLength(100);
            b.Property(t => t.Prefix).HasMaxLength(16);
            b.Property(t => t.Hash).HasMaxLength(64);
            b.Property(t => t.Role).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(t => t.Hash).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEvent>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();
            b.Property(e => e.Actor).HasMaxLength(256);
            b.Property(e => e.Action).HasMaxLength(64);
            b.Property(e => e.EntityType).HasMaxLength(64);
            b.Property(e => e.EntityId).HasMaxLength(64);
            b.Property(e => e.PreviousHash).HasMaxLength(64);
            b.Property(e => e.Hash).HasMaxLength(64);
            b.HasIndex(e => new { e.OrganisationId, e.TimestampUtc });
        });

        builder.ConfigureAdvisories();
        builder.ConfigureFeedSync();
        builder.ConfigureImports();
        builder.ConfigureAgents();
        builder.ConfigureAdvisoryScores();
        Lifecycle.LifecycleModel.ConfigureLifecycle(builder);
        Findings.FindingModel.ConfigureFindings(builder);
        Policy.PatchPolicyModel.ConfigurePatchPolicy(builder);
        Connectors.ConnectorModel.ConfigureConnectors(builder);
        Lifecycle.OsVersionModel.ConfigureOsVersions(builder);

        // Tenant filter for every organisation-owned set, declared once.
        foreach (var entityType in builder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)))
        {
            typeof(PatchpeilDbContext).GetMethod(nameof(ApplyTenantFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entityType.ClrType)
                .Invoke(this, [builder]);
        }
    }

    private void ApplyTenantFilter<T>(ModelBuilder builder)
        where T : class, ITenantOwned =>
        builder.Entity<T>().HasQueryFilter(e => BypassTenantFilter || e.OrganisationId == CurrentOrganisationId);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Times are stored as UTC; SQLite hands them back unspecified, so say what they are.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenants();
        if (ChangeTracker.Entries<Findings.AssetFinding>().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            || ChangeTracker.Entries<Asset>().Any(e => e.State is EntityState.Deleted or EntityState.Modified))
        {
            // Counts over findings are remembered briefly; a change here makes them stale (assets: school, cascade deletes).
            Findings.FindingFigures.Changed();
        }

        foreach (var entry in ChangeTracker.Entries<Asset>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            entry.Entity.Normalise();
        }

        CollectRecordAudit();
        if (_pendingAudit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null;
        var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await AuditChain.LockAsync(this, cancellationToken);
            try
            {
                var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                await AuditChain.AppendAsync(this, _pendingAudit, _time.GetUtcNow().UtcDateTime, cancellationToken);
                _pendingAudit.Clear();
                await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }

                return written;
            }
            finally
            {
                AuditChain.Unlock(this);
            }
        }
        catch
        {
            _pendingAudit.Clear();
            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private void GuardTenants()
    {
        if (_request.IsSystem)
        {
            return;
        }

        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    if (entry.Entity.OrganisationId == Guid.Empty && _request.OrganisationId is { } current)
                    {
                        entry.Entity.OrganisationId = current;
                    }

                    if (entry.Entity.OrganisationId != _request.OrganisationId)
                    {
                        throw new TenantViolationException(entry.Metadata.ClrType.Name);
                    }

                    break;
                case EntityState.Modified or EntityState.Deleted:
                    var original = entry.OriginalValues.GetValue<Guid>(nameof(ITenantOwned.OrganisationId));
                    if (original != _request.OrganisationId || entry.Entity.OrganisationId != _request.OrganisationId)
                    {
                        throw new TenantViolationException(entry.Metadata.ClrType.Name);
                    }

                    break;
            }
        }
    }

    private void CollectRecordAudit()
    {
        if (SuppressRecordAudit)
        {
            return;
        }

        foreach (var entry in ChangeTracker.Entries<IAudited>().ToList())
        {
            string? before = null, after = null;
            string action;
            switch (entry.State)
            {
                case EntityState.Added:
                    action = "Created";
                    after = entry.Entity.AuditSummary();
                    break;
                case EntityState.Modified:
                    action = "Changed";
                    before = ((IAudited)entry.OriginalValues.ToObject()).AuditSummary();
                    after = entry.Entity.AuditSummary();
                    if (before == after)
                    {
                        continue;
                    }

                    break;
                case EntityState.Deleted:
                    action = "Deleted";
                    before = ((IAudited)entry.OriginalValues.ToObject()).AuditSummary();
                    break;
                default:
                    continue;
            }

            var organisationId = entry.Entity switch
            {
                ITenantOwned owned => owned.OrganisationId,
                Organisation organisation => organisation.Id,
                _ => _request.OrganisationId,
            };
            _pendingAudit.Add(new PendingAuditEvent(
                $"{entry.Metadata.ClrType.Name}.{action}", entry.Metadata.ClrType.Name,
                entry.Entity.Id.ToString(), before, after, organisationId));
        }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>Thrown when code tries to write a row of an organisation other than the current one: a bug, never a user error.</summary>
public sealed class TenantViolationException(string entity)
    : InvalidOperationException($"Refused to write a {entity} of another organisation.");

public sealed record PendingAuditEvent(string Action, string EntityType, string? EntityId, string? Before, string? After, Guid? OrganisationId);

public sealed class SqlitePatchpeilDbContext(DbContextOptions<SqlitePatchpeilDbContext> options, RequestContext request, TimeProvider time)
    : PatchpeilDbContext(options, request, time);

public sealed class PostgresPatchpeilDbContext(DbContextOptions<PostgresPatchpeilDbContext> options, RequestContext request, TimeProvider time)
    : PatchpeilDbContext(options, request, time);
