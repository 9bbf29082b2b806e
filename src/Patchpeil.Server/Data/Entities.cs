using Microsoft.AspNetCore.Identity;
using Patchpeil.Contracts;

namespace Patchpeil.Server.Data;

/// <summary>A row that belongs to one organisation; the DbContext filters and guards it centrally.</summary>
public interface ITenantOwned
{
    Guid OrganisationId { get; set; }
}

/// <summary>A record whose create, change and delete are written to the audit log.</summary>
public interface IAudited
{
    Guid Id { get; }

    /// <summary>A short, human-readable summary of the record's state for the audit log.</summary>
    string AuditSummary();
}

public sealed class Organisation : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateTime CreatedUtc { get; set; }

    public string AuditSummary() => $"name={Name}";
}

public sealed class School : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }
    public required string Brin { get; set; }
    public List<Location> Locations { get; set; } = [];

    public string AuditSummary() => $"name={Name}; brin={Brin}";
}

public sealed class Location : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid SchoolId { get; set; }
    public School? School { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }

    public string AuditSummary() => $"name={Name}; school={SchoolId}; address={Address}";
}

public sealed class Asset : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public AssetKind Kind { get; set; }
    public required string Name { get; set; }
    public string? Hostname { get; set; }
    public string? Platform { get; set; }
    public string? Owner { get; set; }
    public Guid? SchoolId { get; set; }
    public School? School { get; set; }
    public Guid? LocationId { get; set; }
    public Location? Location { get; set; }
    public BivLevel Availability { get; set; } = BivLevel.Medium;
    public BivLevel Integrity { get; set; } = BivLevel.Medium;
    public BivLevel Confidentiality { get; set; } = BivLevel.Medium;
    public bool InternetFacing { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary>Lower-cased name, host name, platform and owner: one portable column for case-insensitive search on both providers.</summary>
    public string SearchText { get; set; } = "";

    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }

    /// <summary>When an agent or connector last reported this asset; null for assets entered by hand.</summary>
    public DateTime? LastSeenUtc { get; set; }

    /// <summary>The operating system's patch level as last reported (Windows build.UBR, or distribution release and kernel).</summary>
    public string? PatchLevel { get; set; }

    /// <summary>Serial number as an agent or management platform reports it: one laptop is one asset across sources.</summary>
    public string? SerialNumber { get; set; }

    /// <summary>Hardware model (e.g. "HP Chromebook 14 G7", "iPad (9th generation)").</summary>
    public string? Model { get; set; }

    /// <summary>
    /// Apple product type ("iPad12,1") or Mac board id ("J413AP") as a management platform reports it: Apple's version
    /// sources say per identifier which releases a model supports, so the matcher judges the device by its model.
    /// </summary>
    public string? ModelIdentifier { get; set; }

    /// <summary>Chromebooks: the Auto Update Expiration month (first day) from Google Admin; null when unknown.</summary>
    public DateOnly? UpdateExpiresOn { get; set; }

    /// <summary>The highest of the three BIV levels: how critical the asset is. Stored so lists can filter and sort on it.</summary>
    public BivLevel Criticality { get; set; }

    /// <summary>Recomputes the stored derived columns; the DbContext calls it before every save.</summary>
    public void Normalise()
    {
        Criticality = (BivLevel)Math.Max((int)Availability, Math.Max((int)Integrity, (int)Confidentiality));
        SearchText = string.Join(' ', new[] { Name, Hostname, Platform, Owner }.Where(s => !string.IsNullOrEmpty(s))).ToLowerInvariant();
    }

    public string AuditSummary() =>
        $"kind={Kind}; name={Name}; hostname={Hostname}; platform={Platform}; owner={Owner}; school={SchoolId}; location={LocationId}; " +
        $"biv={Availability}/{Integrity}/{Confidentiality}; internetFacing={InternetFacing}; tags={string.Join(',', Tags)}";
}

public sealed class User : IdentityUser<Guid>
{
    public User() => Id = Guid.CreateVersion7();

    public string? DisplayName { get; set; }
    public string PreferredCulture { get; set; } = "nl";
    public DateTime CreatedUtc { get; set; }
}

public sealed class Membership : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public Role Role { get; set; }

    public string AuditSummary() => $"user={UserId}; role={Role}";
}

public sealed class ApiToken : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the token, shown so people can tell tokens apart; not a secret.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole token. Tokens are 256-bit random values, so a fast hash is enough (no dictionary to guess from).</summary>
    public required string Hash { get; set; }

    public Role Role { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? ExpiresUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }

    public string AuditSummary() => $"name={Name}; prefix={Prefix}; role={Role}; expires={ExpiresUtc:O}; revoked={RevokedUtc:O}";
}

public sealed class AuditEvent
{
    /// <summary>Position in the chain; strictly increasing.</summary>
    public long Id { get; set; }
    public DateTime TimestampUtc { get; set; }
    public Guid? OrganisationId { get; set; }
    public Guid? ActorUserId { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
