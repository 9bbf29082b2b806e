using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// Connection settings for one file's import transaction on SQLite, restored afterwards (the pooled connection is
/// shared with the rest of the server):
/// <list type="bullet">
/// <item><c>synchronous=NORMAL</c>: in WAL mode the commit is no longer fsynced, only checkpoints are; the database
/// stays consistent after a crash or power loss, at worst the last imports are missing and are simply imported again.
/// The journal stays WAL, never off.</item>
/// <item><c>temp_store=MEMORY</c>: the statement journals SQLite keeps for each multi-row statement inside the
/// transaction (and the KEV/EPSS staging tables) live in memory instead of temporary files.</item>
/// <item><c>cache_size</c> 32 MB instead of 2 MB: a 10,000-record file changes about 100 MB of pages in one
/// transaction; with a small cache SQLite spills dirty index pages to the WAL early and writes some of them again.</item>
/// </list>
/// A no-op on PostgreSQL.
/// </summary>
internal sealed class SqliteImportSettings : IAsyncDisposable
{
    private readonly PatchpeilDbContext? _db;

    private SqliteImportSettings(PatchpeilDbContext? db) => _db = db;

    public static async Task<SqliteImportSettings> ApplyAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return new SqliteImportSettings(null);
        }

        // Opened here and kept open until disposal, so the settings hold for the transaction that follows.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768;", cancellationToken);
        return new SqliteImportSettings(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        try
        {
            await _db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL; PRAGMA temp_store=DEFAULT; PRAGMA cache_size=-2000;");
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }
}
