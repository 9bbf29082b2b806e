using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Connectors;

/// <summary>The management platforms Patchpeil reads devices from; each kind has one <see cref="IConnectorSource"/>.</summary>
public enum ConnectorKind
{
    Intune,
    Google,
    JamfPro,
    JamfSchool,
}

public enum ConnectorRunOutcome
{
    Running,

    /// <summary>Every page read and merged.</summary>
    Succeeded,

    /// <summary>The run finished; some devices (or the optional app or update-ring reads) had errors, the rest is stored.</summary>
    Warnings,

    /// <summary>The run stopped on an error; pages merged before it are kept, the cursor is not moved.</summary>
    Failed,

    Cancelled,
}

/// <summary>
/// One configured connection to a management platform of an organisation (optionally for one school): where, with
/// which non-secret settings, the secret (protected with ASP.NET Data Protection, never shown again), how often, and
/// the cursor its last good run left.
/// </summary>
public sealed class Connector : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public ConnectorKind Kind { get; set; }
    public required string Name { get; set; }

    /// <summary>New assets this connector creates belong to this school.</summary>
    public Guid? SchoolId { get; set; }

    /// <summary>The vendor API's base URL (Graph, Admin SDK, the Jamf instance); tests point it at 127.0.0.1.</summary>
    public required string BaseUrl { get; set; }

    /// <summary>The token service's base URL (Entra ID, Google OAuth); null where the API itself issues tokens.</summary>
    public string? AuthUrl { get; set; }

    /// <summary>Non-secret settings by key (tenantId, clientId, customerId, delegatedAdmin, networkId …); shown and audited.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Client secret, private key or API key protected with Data Protection (<see cref="ConnectorSecrets"/>); never shown, logged or audited.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>When the secret was last replaced: audited instead of the secret itself.</summary>
    public DateTime? SecretSetUtc { get; set; }

    public bool Enabled { get; set; }
    public int IntervalMinutes { get; set; } = 360;
    public DateTime? NextRunUtc { get; set; }

    /// <summary>Changes on every claim, so one host of several runs a due connector (as feed sources do).</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>JSON owned by the connector's source: delta token, last-sync time. Only written by a run that finished.</summary>
    public string? Cursor { get; set; }

    /// <summary>JSON read-only information the source found (Intune: Windows update rings), shown on the connector page.</summary>
    public string? InformationJson { get; set; }

    public DateTime? LastRunUtc { get; set; }
    public ConnectorRunOutcome? LastOutcome { get; set; }
    public int LastDeviceCount { get; set; }
    public int LastErrorCount { get; set; }
    public DateTime CreatedUtc { get; set; }

    public string AuditSummary() =>
        string.Create(CultureInfo.InvariantCulture,
            $"kind={Kind}; name={Name}; school={SchoolId}; baseUrl={BaseUrl}; authUrl={AuthUrl}; settings={string.Join(',', Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))}; ") +
        string.Create(CultureInfo.InvariantCulture, $"secretSet={SecretSetUtc:O}; enabled={Enabled}; interval={IntervalMinutes}");
}

/// <summary>One run of a connector: what it read, created, merged and could not read.</summary>
public sealed class ConnectorRun : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid ConnectorId { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }

    /// <summary>"schedule", "test" or who pressed "run now".</summary>
    public required string Trigger { get; set; }

    public ConnectorRunOutcome Outcome { get; set; }
    public int Requests { get; set; }
    public int DevicesRead { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }

    /// <summary>Devices joined to an asset another source (an agent, another connector) already reported.</summary>
    public int Merged { get; set; }

    /// <summary>Devices the platform reports as removed (marked, not deleted from history).</summary>
    public int Deleted { get; set; }

    /// <summary>Devices whose OS and software were the same as last time: no new snapshot.</summary>
    public int Unchanged { get; set; }

    public int ErrorCount { get; set; }

    /// <summary>One line per problem: "[code] connector …, request …: reason" or "device &lt;id&gt;: reason".</summary>
    public string? Errors { get; set; }
}

/// <summary>
/// The connector's own device id joined to the asset it became; kept when the platform removes the device (marked
/// <see cref="DeletedUtc"/>), so history stays. <see cref="StateHash"/> lets a run skip devices that did not change.
/// </summary>
public sealed class ConnectorDeviceLink : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid ConnectorId { get; set; }
    public required string ExternalId { get; set; }
    public Guid AssetId { get; set; }
    public DateTime FirstSeenUtc { get; set; }
    public DateTime LastSeenUtc { get; set; }

    /// <summary>The platform's own last contact with the device.</summary>
    public DateTime? LastSyncUtc { get; set; }

    public DateTime? DeletedUtc { get; set; }

    /// <summary>Hash over the OS fields and the software the last snapshot held.</summary>
    public string? StateHash { get; set; }

    /// <summary>Platform facts that are not inventory (status, compliance, ownership, org unit, AUE fields), JSON.</summary>
    public string? DetailsJson { get; set; }
}

public static class ConnectorModel
{
    public static void ConfigureConnectors(this ModelBuilder builder)
    {
        var settingsComparer = new ValueComparer<Dictionary<string, string>>(
            (a, b) => a != null && b != null && a.Count == b.Count && a.All(p => b.ContainsKey(p.Key) && b[p.Key] == p.Value),
            d => d.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key.GetHashCode(StringComparison.Ordinal), p.Value.GetHashCode(StringComparison.Ordinal))),
            d => new Dictionary<string, string>(d, StringComparer.Ordinal));

        builder.Entity<Connector>(b =>
        {
            b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.BaseUrl).HasMaxLength(2000);
            b.Property(c => c.AuthUrl).HasMaxLength(2000);
            b.Property(c => c.Settings)
                .HasConversion(
                    d => JsonSerializer.Serialize(d, (JsonSerializerOptions?)null),
                    s => JsonSerializer.Deserialize<Dictionary<string, string>>(s, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(StringComparer.Ordinal),
                    settingsComparer)
                .HasMaxLength(8000);
            b.Property(c => c.LastOutcome).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(c => new { c.OrganisationId, c.Name });
            b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<School>().WithMany().HasForeignKey(c => c.SchoolId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ConnectorRun>(b =>
        {
            b.Property(r => r.Trigger).HasMaxLength(256);
            b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(r => new { r.ConnectorId, r.StartedUtc });
            b.HasOne<Connector>().WithMany().HasForeignKey(r => r.ConnectorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ConnectorDeviceLink>(b =>
        {
            b.Property(l => l.ExternalId).HasMaxLength(256);
            b.Property(l => l.StateHash).HasMaxLength(64);
            b.HasIndex(l => new { l.ConnectorId, l.ExternalId }).IsUnique();
            b.HasIndex(l => l.AssetId);
            b.HasOne<Connector>().WithMany().HasForeignKey(l => l.ConnectorId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Asset>().WithMany().HasForeignKey(l => l.AssetId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
