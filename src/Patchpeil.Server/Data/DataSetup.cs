using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Patchpeil.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Which database and where: SQLite in ./data by default, PostgreSQL when a connection string says so.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string? SqliteFile)
{
    public const string DefaultSqliteFile = "data/patchpeil.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Patchpeil")
            ?? configuration["PATCHPEIL_DATABASE"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return ForSqliteFile(Path.GetFullPath(DefaultSqliteFile));
        }

        if (connectionString.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || connectionString.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseSettings(DatabaseProvider.PostgreSql, FromPostgresUri(new Uri(connectionString)), null);
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (builder.ContainsKey("Host") || builder.ContainsKey("Server"))
        {
            return new DatabaseSettings(DatabaseProvider.PostgreSql, connectionString, null);
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        return ForSqliteFile(Path.GetFullPath(sqlite.DataSource));
    }

    public static DatabaseSettings ForSqliteFile(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, ForeignKeys = true, DefaultTimeout = 30 };
        return new DatabaseSettings(DatabaseProvider.Sqlite, builder.ToString(), path);
    }

    private static string FromPostgresUri(Uri uri)
    {
        var userInfo = uri.UserInfo.Split(':', 2);
        var parts = new List<string>
        {
            $"Host={uri.Host}",
            $"Port={(uri.Port > 0 ? uri.Port : 5432)}",
            $"Database={uri.AbsolutePath.TrimStart('/')}",
        };
        if (userInfo[0].Length > 0)
        {
            parts.Add($"Username={Uri.UnescapeDataString(userInfo[0])}");
        }

        if (userInfo.Length > 1)
        {
            parts.Add($"Password={Uri.UnescapeDataString(userInfo[1])}");
        }

        return string.Join(';', parts);
    }
}

public static class DataSetup
{
    /// <summary>
    /// Both providers are registered; the settings, read from configuration when first needed (so tests and the
    /// command line can override them), decide which context stands behind <see cref="PatchpeilDbContext"/>.
    /// </summary>
    public static IServiceCollection AddPatchpeilData(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddScoped<RequestContext>();
        services.AddScoped<DatabaseMigrator>();
        services.AddHostedService<MigrateOnStart>();
        services.AddDbContext<SqlitePatchpeilDbContext>((sp, o) =>
        {
            var settings = sp.GetRequiredService<DatabaseSettings>();
            Directory.CreateDirectory(Path.GetDirectoryName(settings.SqliteFile!)!);
            o.UseSqlite(settings.ConnectionString).AddInterceptors(SqliteDurability.Instance);
        });
        services.AddDbContext<PostgresPatchpeilDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString));
        services.AddScoped<PatchpeilDbContext>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Sqlite
            ? sp.GetRequiredService<SqlitePatchpeilDbContext>()
            : sp.GetRequiredService<PostgresPatchpeilDbContext>());
        return services;
    }
}

/// <summary>WAL for readers beside one writer; synchronous=FULL so a committed change survives power loss.</summary>
internal sealed class SqliteDurability : DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
    }
}
