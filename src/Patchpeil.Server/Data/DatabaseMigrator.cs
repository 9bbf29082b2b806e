using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Patchpeil.Server.Data;

/// <summary>Applies pending migrations; on SQLite the database file is backed up first.</summary>
public sealed class DatabaseMigrator(PatchpeilDbContext db, DatabaseSettings settings, TimeProvider time, ILogger<DatabaseMigrator> logger)
{
    public async Task<MigrationOutcome> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return new MigrationOutcome([], null);
        }

        string? backup = null;
        if (settings.Provider == DatabaseProvider.Sqlite && File.Exists(settings.SqliteFile)
            && (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any())
        {
            backup = Path.Combine(Path.GetDirectoryName(settings.SqliteFile)!, "backups",
                $"patchpeil-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-before-{pending[0]}.db");
            BackupSqlite(settings.ConnectionString, backup);
            logger.LogInformation("Backed up {Database} to {Backup} before migrating", settings.SqliteFile, backup);
        }

        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Applied migrations: {Migrations}", string.Join(", ", pending));
        return new MigrationOutcome(pending, backup);
    }

    /// <summary>SQLite's online backup: consistent even while the server writes.</summary>
    public static void BackupSqlite(string connectionString, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        if (File.Exists(target))
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"The backup file {target} exists already; choose another name."));
        }

        using var source = new SqliteConnection(connectionString);
        using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target }.ToString());
        source.Open();
        destination.Open();
        source.BackupDatabase(destination);
        SqliteConnection.ClearPool(destination);
    }
}

public sealed record MigrationOutcome(IReadOnlyList<string> Applied, string? BackupFile);

/// <summary>Migrates the database when the host starts, before the server accepts requests.</summary>
internal sealed class MigrateOnStart(IServiceProvider services, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Database:MigrateOnStart", true))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("startup");
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
