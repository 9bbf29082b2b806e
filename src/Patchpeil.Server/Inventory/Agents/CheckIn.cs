using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// Turns one validated report into a snapshot, in one SaveChanges (one transaction): nothing is half-written.
/// An inventory with a content hash the organisation already has is not stored again.
/// </summary>
public static class CheckIn
{
    public enum Outcome
    {
        Accepted,
        Replayed,
        FullReportRequired,
        ReportIdOfAnotherDevice,
    }

    /// <param name="device">The authenticated device, tracked by <paramref name="db"/>.</param>
    public static async Task<(Outcome Outcome, AgentReportResult? Result)> AcceptAsync(
        PatchpeilDbContext db, AgentDevice device, AgentReport report, DateTime now, CancellationToken ct)
    {
        // A replayed report id, or two clones storing the same new inventory at once, fail on a unique index; the
        // next attempt looks for the earlier report (or the other clone's inventory) first. The common case —
        // a new report — so costs no extra query.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryAcceptAsync(db, device, report, now, lookForReplay: attempt > 1, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
                device = await db.Set<AgentDevice>().IgnoreQueryFilters().SingleAsync(d => d.Id == device.Id, ct);
            }
        }
    }

    private static async Task<(Outcome, AgentReportResult?)> TryAcceptAsync(PatchpeilDbContext db, AgentDevice device, AgentReport report, DateTime now, bool lookForReplay, CancellationToken ct)
    {
        // Report ids are unique across the whole database, so look past the tenant filter.
        var earlier = !lookForReplay ? null : await db.Set<AssetSnapshot>().IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.ReportId == report.ReportId)
            .Select(s => new { s.Id, s.DeviceId, s.AssetId, s.Unchanged, s.InventoryHash })
            .FirstOrDefaultAsync(ct);
        if (earlier is not null)
        {
            return earlier.DeviceId != device.Id
                ? (Outcome.ReportIdOfAnotherDevice, null)
                : (Outcome.Replayed, new AgentReportResult(earlier.Id, earlier.AssetId, true, earlier.Unchanged, earlier.InventoryHash, device.FullReportRequested));
        }

        List<InstalledItem> items;
        if (report.Full)
        {
            items = InventoryHash.Canonical(report.Software);
        }
        else
        {
            var delta = report.Delta!;
            if (device.InventorySetId is not { } currentSet || device.InventoryHash != delta.BaseInventoryHash || device.FullReportRequested)
            {
                return (Outcome.FullReportRequired, null);
            }

            var current = await LoadItemsAsync(db, currentSet, ct);
            var removed = delta.RemovedSoftware.Select(InventoryHash.KeyOf).Concat(report.Software.Select(InventoryHash.KeyOf)).ToHashSet();
            items = InventoryHash.Canonical(current.Where(i => !removed.Contains(InventoryHash.KeyOf(i))).Concat(report.Software));
        }

        var hash = InventoryHash.OfCanonical(items);
        var unchanged = hash == device.InventoryHash && device.InventorySetId is not null;
        Guid setId;
        if (unchanged)
        {
            setId = device.InventorySetId!.Value;
        }
        else
        {
            setId = await FindOrAddSetAsync(db, device.OrganisationId, hash, items, now, ct);
        }

        var os = report.OperatingSystem;
        var snapshot = new AssetSnapshot
        {
            OrganisationId = device.OrganisationId,
            AssetId = device.AssetId,
            DeviceId = device.Id,
            ReportId = report.ReportId,
            ReceivedUtc = now,
            CollectedUtc = report.CollectedUtc.ToUniversalTime(),
            Full = report.Full,
            Unchanged = unchanged,
            InventorySetId = setId,
            InventoryHash = hash,
            ItemCount = items.Count,
            Hostname = report.Device.Hostname,
            OsFamily = os.Family,
            OsName = os.Name,
            OsVersion = os.Version,
            OsBuild = os.Build,
            Kernel = os.Kernel,
            OsEdition = Truncate(os.Edition, ReportValidation.MaxTextLength),
            DistributionId = Truncate(os.DistributionId, 64),
            DistributionVersion = Truncate(os.DistributionVersion, 64),
            LastBootUtc = os.LastBootUtc?.ToUniversalTime(),
            PendingReboot = os.PendingReboot,
            PendingUpdateCount = report.PendingUpdates.Count,
            AgentVersion = report.AgentVersion,
            DetailsJson = report.PendingUpdates.Count + report.InstalledUpdates.Count + report.Databases.Count == 0
                ? null
                : JsonSerializer.Serialize(new SnapshotDetails(report.PendingUpdates, report.InstalledUpdates, report.Databases), PatchpeilClient.JsonOptions),
        };
        db.Set<AssetSnapshot>().Add(snapshot);

        device.LastReportUtc = now;
        device.InventoryHash = hash;
        device.InventorySetId = setId;
        device.AgentVersion = report.AgentVersion;
        if (report.Full)
        {
            device.FullReportRequested = false;
        }

        var asset = await db.Assets.SingleAsync(a => a.Id == device.AssetId, ct);
        asset.LastSeenUtc = now;
        asset.Hostname = report.Device.Hostname;
        asset.Platform = Truncate(string.IsNullOrEmpty(os.Edition) || os.Name.Contains(os.Edition, StringComparison.OrdinalIgnoreCase) ? os.Name : $"{os.Name} {os.Edition}", 200);
        asset.PatchLevel = Truncate(PatchLevelOf(os), 200);
        await db.SaveChangesAsync(ct);
        return (Outcome.Accepted, new AgentReportResult(snapshot.Id, asset.Id, false, unchanged, hash, device.FullReportRequested));
    }

    /// <summary>What "patch level" means per family: the Windows build with UBR, the macOS version and build, the Linux release and kernel.</summary>
    public static string? PatchLevelOf(OperatingSystemInfo os) => os.Family switch
    {
        "windows" => os.Build ?? os.Version,
        "macos" => os.Build is null ? os.Version : $"{os.Version} ({os.Build})",
        _ => string.Join(" · ", new[] { os.DistributionVersion ?? os.Version, os.Build, os.Kernel is null ? null : "kernel " + os.Kernel }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } level ? level : null,
    };

    /// <summary>
    /// The organisation's inventory set with this content hash, or a new one (also found when added earlier in the same
    /// unit of work): agents and connectors share sets, so identical devices cost one set.
    /// </summary>
    /// <param name="items">The items in canonical order (<see cref="InventoryHash.Canonical"/>); <paramref name="hash"/> is their hash.</param>
    public static async Task<Guid> FindOrAddSetAsync(PatchpeilDbContext db, Guid organisationId, string hash, IReadOnlyList<InstalledItem> items, DateTime now, CancellationToken ct)
    {
        var local = db.Set<InventorySet>().Local.FirstOrDefault(s => s.OrganisationId == organisationId && s.ContentHash == hash);
        if (local is not null)
        {
            return local.Id;
        }

        var existing = await db.Set<InventorySet>().Where(s => s.OrganisationId == organisationId && s.ContentHash == hash).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        if (existing is { } found)
        {
            return found;
        }

        var set = new InventorySet { OrganisationId = organisationId, ContentHash = hash, ItemCount = items.Count, CreatedUtc = now };
        set.Items.AddRange(items.Select(i => new InventorySetItem
        {
            OrganisationId = organisationId,
            SetId = set.Id,
            Source = i.Source,
            Name = i.Name,
            Version = i.Version,
            Publisher = i.Publisher,
            Architecture = i.Architecture,
            SourcePackage = i.SourcePackage,
            SourceVersion = i.SourceVersion,
        }));
        db.Set<InventorySet>().Add(set);
        return set.Id;
    }

    public static async Task<List<InstalledItem>> LoadItemsAsync(PatchpeilDbContext db, Guid setId, CancellationToken ct) =>
        await db.Set<InventorySetItem>().AsNoTracking().Where(i => i.SetId == setId)
            .Select(i => new InstalledItem(i.Source, i.Name, i.Version, i.Publisher, i.Architecture, i.SourcePackage, i.SourceVersion))
            .ToListAsync(ct);

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

/// <summary>The small lists of a report kept with its snapshot as JSON.</summary>
public sealed record SnapshotDetails(IReadOnlyList<PendingUpdate> PendingUpdates, IReadOnlyList<string> InstalledUpdates, IReadOnlyList<DatabaseInfo> Databases);
