using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;

namespace Patchpeil.Server.Connectors;

/// <summary>Counts of one run, added to per page.</summary>
public sealed class MergeCounts
{
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Merged { get; set; }
    public int Deleted { get; set; }
    public int Unchanged { get; set; }

    /// <summary>Assets that got a new snapshot (their findings need a fresh look).</summary>
    public HashSet<Guid> ChangedAssets { get; } = [];
}

/// <summary>
/// Turns a page of <see cref="ConnectorDevice"/>s into assets, links and snapshots. One laptop is one asset: a device
/// joins the asset with its serial number (the asset's, or an enrolled agent's), else its hardware id (an agent's),
/// else the asset this connector linked it to before; only then is a new asset made. Snapshots go over the same shared
/// inventory sets as agent check-ins, and only when the OS or the software changed.
/// </summary>
public static class ConnectorMerge
{
    public const int MaxText = 200;

    /// <summary>Writes one page in one transaction: all of it or nothing.</summary>
    public static async Task MergePageAsync(PatchpeilDbContext db, Connector connector, IReadOnlyList<ConnectorDevice> page, DateTime now, MergeCounts counts, Action<string> error, CancellationToken ct)
    {
        var devices = new List<ConnectorDevice>();
        foreach (var device in page)
        {
            if (string.IsNullOrWhiteSpace(device.ExternalId) || device.ExternalId.Length > 256)
            {
                error("[connector.device] a device without a usable id was skipped" + (device.Name is { Length: > 0 } name ? $" ({Truncate(name, 100)})" : ""));
                continue;
            }

            devices.Add(device);
        }

        // The latest report of a laptop is written last, so an old duplicate record never overwrites a fresh one.
        devices = devices.OrderBy(d => d.LastSyncUtc ?? DateTime.MinValue).ToList();

        var ids = devices.Select(d => d.ExternalId).Distinct().ToList();
        var links = await db.Set<ConnectorDeviceLink>().Where(l => l.ConnectorId == connector.Id && ids.Contains(l.ExternalId)).ToDictionaryAsync(l => l.ExternalId, StringComparer.Ordinal, ct);

        var serials = devices.Select(d => SerialKey(d.SerialNumber)).OfType<string>().Distinct().ToList();
        var serialVariants = serials.SelectMany(s => new[] { s, s.ToUpperInvariant() }).Distinct().ToList();
        var assetBySerial = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (serials.Count > 0)
        {
            // Agents first: an enrolled agent is the most exact report of a machine.
            foreach (var a in await db.Set<AgentDevice>().Where(d => d.SerialNumber != null && serialVariants.Contains(d.SerialNumber) && d.RevokedUtc == null)
                         .OrderBy(d => d.EnrolledUtc).Select(d => new { d.SerialNumber, d.AssetId }).ToListAsync(ct))
            {
                assetBySerial.TryAdd(a.SerialNumber!.ToLowerInvariant(), a.AssetId);
            }

            foreach (var a in await db.Assets.Where(x => x.SerialNumber != null && serialVariants.Contains(x.SerialNumber))
                         .OrderBy(x => x.CreatedUtc).Select(x => new { x.SerialNumber, x.Id }).ToListAsync(ct))
            {
                assetBySerial.TryAdd(a.SerialNumber!.ToLowerInvariant(), a.Id);
            }
        }

        var hardwareIds = devices.Select(d => SerialKey(d.HardwareId)).OfType<string>().Distinct().ToList();
        var assetByHardware = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (hardwareIds.Count > 0)
        {
            var variants = hardwareIds.SelectMany(s => new[] { s, s.ToUpperInvariant() }).Distinct().ToList();
            foreach (var a in await db.Set<AgentDevice>().Where(d => d.HardwareUuid != null && variants.Contains(d.HardwareUuid) && d.RevokedUtc == null)
                         .Select(d => new { d.HardwareUuid, d.AssetId }).ToListAsync(ct))
            {
                assetByHardware.TryAdd(a.HardwareUuid!.ToLowerInvariant(), a.AssetId);
            }
        }

        var assetIds = links.Values.Select(l => l.AssetId).Concat(assetBySerial.Values).Concat(assetByHardware.Values).Distinct().ToList();
        var assets = await db.Assets.Where(a => assetIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var withAgent = (await db.Set<AgentDevice>().Where(d => assetIds.Contains(d.AssetId) && d.RevokedUtc == null).Select(d => d.AssetId).Distinct().ToListAsync(ct)).ToHashSet();

        var origin = OriginOf(connector.Kind);
        foreach (var device in devices)
        {
            links.TryGetValue(device.ExternalId, out var link);
            if (device.Deleted)
            {
                if (link is not null && link.DeletedUtc is null)
                {
                    link.DeletedUtc = now;
                    link.DetailsJson = DetailsOf(device);
                    counts.Deleted++;
                }

                continue;
            }

            var serial = SerialKey(device.SerialNumber);
            var hardware = SerialKey(device.HardwareId);
            Guid? matched = serial is not null && assetBySerial.TryGetValue(serial, out var bySerial) ? bySerial
                : hardware is not null && assetByHardware.TryGetValue(hardware, out var byHardware) ? byHardware
                : null;
            Asset? asset = null;
            if (matched is { } matchedId && assets.TryGetValue(matchedId, out var found))
            {
                asset = found;
                if (link?.AssetId == asset.Id)
                {
                    counts.Updated++;
                }
                else
                {
                    counts.Merged++;
                }
            }
            else if (link is not null && assets.TryGetValue(link.AssetId, out var linked))
            {
                asset = linked;
                counts.Updated++;
            }

            if (asset is null)
            {
                asset = new Asset
                {
                    OrganisationId = connector.OrganisationId,
                    Kind = AssetKind.Device,
                    Name = Truncate(FirstOf(device.Name, device.SerialNumber, device.ExternalId)!, MaxText),
                    SchoolId = connector.SchoolId,
                    CreatedUtc = now,
                    UpdatedUtc = now,
                };
                db.Assets.Add(asset);
                assets[asset.Id] = asset;
                counts.Created++;
            }

            if (serial is not null)
            {
                assetBySerial.TryAdd(serial, asset.Id);
            }

            Apply(asset, device, withAgent.Contains(asset.Id), now);

            if (link is null)
            {
                link = new ConnectorDeviceLink { OrganisationId = connector.OrganisationId, ConnectorId = connector.Id, ExternalId = device.ExternalId, FirstSeenUtc = now };
                db.Set<ConnectorDeviceLink>().Add(link);
                links[device.ExternalId] = link;
            }

            link.AssetId = asset.Id;
            link.LastSeenUtc = now;
            link.LastSyncUtc = device.LastSyncUtc;
            link.DeletedUtc = null;
            link.DetailsJson = DetailsOf(device);

            await WriteSnapshotAsync(db, connector, origin, asset, link, device, now, counts, ct);
        }

        await db.SaveChangesAsync(ct);
    }

    private static async Task WriteSnapshotAsync(PatchpeilDbContext db, Connector connector, string origin, Asset asset, ConnectorDeviceLink link, ConnectorDevice device, DateTime now, MergeCounts counts, CancellationToken ct)
    {
        // Apps not read this run: keep the software the last snapshot of this link had.
        var previous = device.Apps is null && link.StateHash is not null
            ? await db.Set<AssetSnapshot>().Where(s => s.AssetId == link.AssetId && s.ConnectorId == connector.Id).OrderByDescending(s => s.ReceivedUtc)
                .Select(s => new { s.InventorySetId, s.InventoryHash, s.ItemCount }).FirstOrDefaultAsync(ct)
            : null;

        List<InstalledItem>? items = null;
        string inventoryHash;
        if (previous is not null)
        {
            inventoryHash = previous.InventoryHash;
        }
        else
        {
            var source = AppSourceOf(device.Platform);
            items = InventoryHash.Canonical((device.Apps ?? [])
                .Where(a => !string.IsNullOrWhiteSpace(a.Name))
                .Select(a => new InstalledItem(a.Source ?? source, Truncate(a.Name.Trim(), ReportValidation.MaxNameLength), Truncate(a.Version?.Trim() ?? "", ReportValidation.MaxVersionLength),
                    a.Publisher is { Length: > 0 } p ? Truncate(p, ReportValidation.MaxNameLength) : null, SourcePackage: a.BundleId is { Length: > 0 } b ? Truncate(b, ReportValidation.MaxNameLength) : null)));
            inventoryHash = InventoryHash.OfCanonical(items);
        }

        var family = FamilyOf(device.Platform);
        var osName = Truncate(device.OsName ?? OsNameOf(device.Platform, device.OsBuild), ReportValidation.MaxTextLength);
        var osVersion = TruncateOrNull(device.OsVersion, ReportValidation.MaxTextLength);
        var osBuild = TruncateOrNull(device.OsBuild, ReportValidation.MaxTextLength);
        var state = StateHash(asset.Id, family, osName, osVersion, osBuild, inventoryHash);
        if (state == link.StateHash)
        {
            counts.Unchanged++;
            return;
        }

        var setId = previous?.InventorySetId ?? await CheckIn.FindOrAddSetAsync(db, connector.OrganisationId, inventoryHash, items!, now, ct);
        db.Set<AssetSnapshot>().Add(new AssetSnapshot
        {
            OrganisationId = connector.OrganisationId,
            AssetId = asset.Id,
            Origin = origin,
            ConnectorId = connector.Id,
            ReportId = Guid.CreateVersion7(),
            ReceivedUtc = now,
            CollectedUtc = device.LastSyncUtc ?? now,
            Full = true,
            Unchanged = previous is not null,
            InventorySetId = setId,
            InventoryHash = inventoryHash,
            ItemCount = previous?.ItemCount ?? items!.Count,
            Hostname = Truncate(FirstOf(device.Name, device.SerialNumber, device.ExternalId)!, 253),
            OsFamily = family,
            OsName = osName,
            OsVersion = osVersion,
            OsBuild = osBuild,
        });
        link.StateHash = state;
        counts.ChangedAssets.Add(asset.Id);
    }

    /// <summary>What a platform may say about the asset. An enrolled agent knows the OS better, so it keeps platform and patch level.</summary>
    private static void Apply(Asset asset, ConnectorDevice device, bool hasAgent, DateTime now)
    {
        var seen = device.LastSyncUtc is { } sync && sync <= now ? sync : now;
        if (asset.LastSeenUtc is null || asset.LastSeenUtc < seen)
        {
            asset.LastSeenUtc = seen;
        }

        if (!hasAgent)
        {
            asset.Platform = TruncateOrNull(device.OsName ?? OsNameOf(device.Platform, device.OsBuild), MaxText);
            asset.PatchLevel = TruncateOrNull(PatchLevelOf(device), MaxText);
        }

        asset.Hostname ??= TruncateOrNull(device.Name, 253);
        if (string.IsNullOrEmpty(asset.SerialNumber) && SerialKey(device.SerialNumber) is not null)
        {
            asset.SerialNumber = Truncate(device.SerialNumber!.Trim(), 128);
        }

        if (!string.IsNullOrWhiteSpace(device.Model))
        {
            asset.Model = Truncate(device.Model.Trim(), MaxText);
        }

        if (!string.IsNullOrWhiteSpace(device.ModelIdentifier))
        {
            asset.ModelIdentifier = Truncate(device.ModelIdentifier.Trim(), 64);
        }

        if (device.AutoUpdateExpiration is { } aue)
        {
            asset.UpdateExpiresOn = aue;
        }

        asset.UpdatedUtc = now;
    }

    private static string? PatchLevelOf(ConnectorDevice device) => FamilyOf(device.Platform) switch
    {
        "windows" => device.OsBuild ?? device.OsVersion,
        "chromeos" => device.OsVersion is null ? device.OsBuild : device.OsBuild is null ? device.OsVersion : $"{device.OsVersion} ({PlatformVersionOnly(device.OsBuild)})",
        _ => device.OsBuild is null ? device.OsVersion : $"{device.OsVersion} ({device.OsBuild})",
    };

    private static string PlatformVersionOnly(string platformVersion) => platformVersion.Split(' ', 2)[0];

    /// <summary>The snapshot origin for a kind (ADR 0019; the matcher reads it).</summary>
    public static string OriginOf(ConnectorKind kind) => kind switch
    {
        ConnectorKind.Intune => "intune",
        ConnectorKind.Google => "google",
        ConnectorKind.JamfPro => "jamf-pro",
        ConnectorKind.JamfSchool => "jamf-school",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The OS family as agents write it (windows, macos, linux) plus chromeos, ios, ipados, android.</summary>
    public static string FamilyOf(string? platform)
    {
        var p = (platform ?? "").Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        return p switch
        {
            _ when p.StartsWith("windows", StringComparison.Ordinal) => "windows",
            "chromeos" or "chromeosflex" => "chromeos",
            "ipados" => "ipados",
            "ios" => "ios",
            "macos" or "osx" or "macosx" => "macos",
            _ when p.StartsWith("android", StringComparison.Ordinal) => "android",
            "linux" => "linux",
            "" => "unknown",
            _ => p.Length <= 16 ? p : p[..16],
        };
    }

    /// <summary>Windows 11 is build 22000 and later (Microsoft release information); both report "10.0.build.UBR".</summary>
    public static string OsNameOf(string? platform, string? build)
    {
        var family = FamilyOf(platform);
        if (family == "windows")
        {
            var parts = (build ?? "").Split('.');
            return parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number >= 22000 ? "Windows 11" : number >= 10240 ? "Windows 10" : "Windows"
                : "Windows";
        }

        return family switch
        {
            "chromeos" => "ChromeOS",
            "ipados" => "iPadOS",
            "ios" => "iOS",
            "macos" => "macOS",
            "android" => "Android",
            "linux" => "Linux",
            _ => platform is { Length: > 0 } p ? p : "Unknown",
        };
    }

    private static string AppSourceOf(string? platform) => FamilyOf(platform) switch
    {
        "windows" => "windows-registry",
        "macos" => "macos-app",
        "ios" or "ipados" => "ios-app",
        "chromeos" => "chromeos-app",
        "android" => "android-app",
        _ => "connector-app",
    };

    /// <summary>A serial number or hardware id fit to match on (placeholders such as "Default string" are not), lower-cased as agents store it.</summary>
    public static string? SerialKey(string? value) => ReportValidation.RealIdentity(value);

    private static string? DetailsOf(ConnectorDevice device)
    {
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                details[key] = Truncate(value, 500);
            }
        }

        Add("status", device.Status);
        Add("compliance", device.ComplianceState);
        Add("ownership", device.Ownership);
        Add("orgUnit", device.OrgUnit);
        Add("manufacturer", device.Manufacturer);
        Add("autoUpdateExpiration", device.AutoUpdateExpiration?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var (key, value) in device.Details ?? new Dictionary<string, string>())
        {
            Add(key, value);
        }

        return details.Count == 0 ? null : JsonSerializer.Serialize(details);
    }

    private static string StateHash(Guid assetId, string family, string osName, string? osVersion, string? osBuild, string inventoryHash)
    {
        var text = string.Join('\n', assetId.ToString(), family, osName, osVersion ?? "", osBuild ?? "", inventoryHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private static string? TruncateOrNull(string? value, int max) => string.IsNullOrWhiteSpace(value) ? null : Truncate(value.Trim(), max);
}
