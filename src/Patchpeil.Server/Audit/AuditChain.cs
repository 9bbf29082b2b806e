using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Audit;

/// <summary>
/// The audit log is one hash chain: each event's hash is SHA-256 over its own fields and the previous event's hash,
/// so changing, inserting or removing a row breaks every link after it.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // One writer at a time in this process; on PostgreSQL an advisory lock extends that across hosts.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private const long PostgresLockKey = 0x7061746368;

    internal static async Task LockAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
            }
            catch
            {
                Gate.Release();
                throw;
            }
        }
    }

    internal static void Unlock(PatchpeilDbContext db) => Gate.Release();

    internal static async Task AppendAsync(PatchpeilDbContext db, IReadOnlyList<PendingAuditEvent> pending, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        var id = last?.Id ?? 0;
        var previous = last?.Hash ?? GenesisHash;
        var timestamp = TruncateToMicroseconds(nowUtc);
        foreach (var p in pending)
        {
            var e = new AuditEvent
            {
                Id = ++id,
                TimestampUtc = timestamp,
                OrganisationId = p.OrganisationId,
                ActorUserId = db.Request.UserId,
                Actor = db.Request.Actor,
                Action = p.Action,
                EntityType = p.EntityType,
                EntityId = p.EntityId,
                Before = p.Before,
                After = p.After,
                PreviousHash = previous,
                Hash = "",
            };
            e.Hash = ComputeHash(e);
            previous = e.Hash;
            db.AuditEvents.Add(e);
        }
    }

    /// <summary>PostgreSQL keeps microseconds; hash exactly what every provider stores.</summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static string ComputeHash(AuditEvent e)
    {
        // A JSON array fixes the field order and escapes separators, so no two events share a canonical form.
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            e.Id,
            e.TimestampUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            e.OrganisationId?.ToString(),
            e.ActorUserId?.ToString(),
            e.Actor,
            e.Action,
            e.EntityType,
            e.EntityId,
            e.Before,
            e.After,
            e.PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Walks the whole chain in order and names the first event whose link does not hold.</summary>
    public static async Task<AuditVerification> VerifyAsync(PatchpeilDbContext db, CancellationToken cancellationToken = default)
    {
        var previous = GenesisHash;
        long expectedId = 1;
        long count = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (e.Id != expectedId)
            {
                return new AuditVerification(false, count, expectedId, $"event {expectedId} is missing (next is {e.Id})");
            }

            if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, e.Id, $"event {e.Id} does not point at the hash of event {e.Id - 1}");
            }

            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, e.Id, $"event {e.Id} was changed after it was written (its hash does not match its content)");
            }

            previous = e.Hash;
            expectedId++;
            count++;
        }

        return new AuditVerification(true, count, null, null);
    }
}

public sealed record AuditVerification(bool Intact, long EventsChecked, long? FirstBrokenEventId, string? Problem);
