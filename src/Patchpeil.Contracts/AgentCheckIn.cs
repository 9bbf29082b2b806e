using System.Security.Cryptography;
using System.Text;

namespace Patchpeil.Contracts;

/// <summary>What the agent sends once to exchange an enrollment secret for its own device key.</summary>
/// <param name="Secret">The enrollment secret an administrator created (shown once on the settings page).</param>
/// <param name="Device">The device's hardware identity; the SMBIOS UUID or serial number decides whether it is already known.</param>
/// <param name="AgentVersion">Version of the agent that enrolls.</param>
public sealed record AgentEnrollRequest(string Secret, DeviceIdentity Device, string? AgentVersion);

/// <summary>The answer to an enrollment: the device key is shown this once and stored hashed on the server.</summary>
/// <param name="DeviceId">The enrolled device.</param>
/// <param name="AssetId">The asset the device reports for (reused when the same hardware enrolls again).</param>
/// <param name="DeviceKey">The per-device key (256 random bits); send it as a bearer token with every report.</param>
/// <param name="Reenrolled">True when the hardware was known and its asset is reused.</param>
public sealed record AgentEnrollResponse(Guid DeviceId, Guid AssetId, string DeviceKey, bool Reenrolled);

/// <summary>The server's answer to a report.</summary>
/// <param name="SnapshotId">The snapshot that records this report.</param>
/// <param name="AssetId">The asset it was recorded on.</param>
/// <param name="Replayed">True when this report id was received before: nothing new was stored, this is the earlier answer.</param>
/// <param name="Unchanged">True when the installed software was the same as in the previous report.</param>
/// <param name="InventoryHash">The content hash of the installed software after this report; the base for the next delta.</param>
/// <param name="FullReportRequested">True when the server wants the next report to be full.</param>
public sealed record AgentReportResult(Guid SnapshotId, Guid AssetId, bool Replayed, bool Unchanged, string InventoryHash, bool FullReportRequested);

/// <summary>
/// A delta report: <see cref="AgentReport.Software"/> then holds added or changed items, this the removed ones, and
/// <see cref="BaseInventoryHash"/> the hash of the inventory the delta applies to.
/// </summary>
/// <param name="BaseInventoryHash">The <see cref="InventoryHash"/> of the inventory the changes apply to.</param>
/// <param name="RemovedSoftware">Items no longer installed (matched on source, name and architecture).</param>
public sealed record AgentDelta(string BaseInventoryHash, IReadOnlyList<InstalledItem> RemovedSoftware);

/// <summary>
/// The content hash of a list of installed items, the same on agent and server: SHA-256 over the items sorted
/// ordinally, duplicates removed. Two devices with the same software have the same hash, whatever the order.
/// </summary>
public static class InventoryHash
{
    /// <summary>The items in canonical order without exact duplicates.</summary>
    public static List<InstalledItem> Canonical(IEnumerable<InstalledItem> items) =>
        items.Distinct().Order(ItemOrder.Instance).ToList();

    /// <summary>The hash (lower-case hex) of items already in canonical order.</summary>
    public static string OfCanonical(IReadOnlyList<InstalledItem> canonical)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new StringBuilder(256);
        foreach (var item in canonical)
        {
            buffer.Clear();
            foreach (var field in new[] { item.Source, item.Name, item.Version, item.Publisher, item.Architecture, item.SourcePackage, item.SourceVersion })
            {
                // Length-prefixed, so no field content can imitate a separator.
                buffer.Append(field?.Length ?? -1).Append(':').Append(field).Append('|');
            }

            sha.AppendData(Encoding.UTF8.GetBytes(buffer.Append('\n').ToString()));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The hash of any list of items.</summary>
    public static string Of(IEnumerable<InstalledItem> items) => OfCanonical(Canonical(items));

    /// <summary>The key a delta matches items on: one version of a package per source, name and architecture.</summary>
    public static (string Source, string Name, string? Architecture) KeyOf(InstalledItem item) => (item.Source, item.Name, item.Architecture);

    private sealed class ItemOrder : IComparer<InstalledItem>
    {
        public static readonly ItemOrder Instance = new();

        public int Compare(InstalledItem? x, InstalledItem? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var c = string.CompareOrdinal(x.Source, y.Source);
            c = c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
            c = c != 0 ? c : string.CompareOrdinal(x.Architecture, y.Architecture);
            c = c != 0 ? c : string.CompareOrdinal(x.Version, y.Version);
            c = c != 0 ? c : string.CompareOrdinal(x.Publisher, y.Publisher);
            c = c != 0 ? c : string.CompareOrdinal(x.SourcePackage, y.SourcePackage);
            return c != 0 ? c : string.CompareOrdinal(x.SourceVersion, y.SourceVersion);
        }
    }
}

/// <summary>A new enrollment secret.</summary>
/// <param name="Name">What it is for, e.g. "Uitrol laptops 2026".</param>
/// <param name="SchoolId">The school new devices are placed in, if any.</param>
/// <param name="ExpiresUtc">When it stops working; default 30 days, at most one year.</param>
public sealed record EnrollmentSecretInput(string? Name, Guid? SchoolId, DateTime? ExpiresUtc);

/// <summary>An enrollment secret; <paramref name="Secret"/> is only set in the answer that created it.</summary>
/// <param name="Id">Id.</param>
/// <param name="Name">Name.</param>
/// <param name="Prefix">First characters of the secret, to tell secrets apart.</param>
/// <param name="SchoolId">School new devices are placed in.</param>
/// <param name="CreatedUtc">Created.</param>
/// <param name="ExpiresUtc">Expires.</param>
/// <param name="RevokedUtc">Revoked, if it was.</param>
/// <param name="Enrollments">How many devices enrolled with it.</param>
/// <param name="Secret">The secret itself, shown once.</param>
public sealed record EnrollmentSecretDto(
    Guid Id, string Name, string Prefix, Guid? SchoolId, DateTime CreatedUtc, DateTime ExpiresUtc, DateTime? RevokedUtc, int Enrollments, string? Secret);

/// <summary>An enrolled agent device.</summary>
/// <param name="Id">Id.</param>
/// <param name="AssetId">The asset it reports for.</param>
/// <param name="HardwareUuid">SMBIOS UUID it enrolled with.</param>
/// <param name="SerialNumber">Serial number it enrolled with.</param>
/// <param name="KeyPrefix">First characters of its key.</param>
/// <param name="EnrolledUtc">Last enrolled.</param>
/// <param name="RevokedUtc">Revoked, if it was.</param>
/// <param name="LastReportUtc">Last accepted report.</param>
/// <param name="FullReportRequested">Whether the next report must be full.</param>
public sealed record AgentDeviceDto(
    Guid Id, Guid AssetId, string? HardwareUuid, string? SerialNumber, string KeyPrefix, DateTime EnrolledUtc, DateTime? RevokedUtc, DateTime? LastReportUtc, bool FullReportRequested);
