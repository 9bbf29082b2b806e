using System.Text.RegularExpressions;
using Patchpeil.Contracts;

namespace Patchpeil.Agent;

/// <summary>Database engines recognised by the packages that install their servers (not their client libraries).</summary>
public static partial class DatabaseRecognizer
{
    private static readonly (Regex Pattern, string Engine)[] Rules =
    [
        (PostgresServer(), "PostgreSQL"),
        (MariaDbServer(), "MariaDB"),
        (MySqlServer(), "MySQL"),
        (MongoServer(), "MongoDB"),
        (RedisServer(), "Redis"),
        (SqlServer(), "SQL Server"),
    ];

    public static List<DatabaseInfo> Recognise(IEnumerable<InstalledItem> software)
    {
        var found = software.SelectMany(item => Rules.Where(r => r.Pattern.IsMatch(item.Name.Trim())).Select(r => new DatabaseInfo(r.Engine, item.Version, $"{item.Source}:{item.Name.Trim()}")))
            .DistinctBy(d => d.Evidence, StringComparer.Ordinal)
            .ToList();

        // SQL Server lists a versionless "Microsoft SQL Server 2019 (64-bit)" next to its versioned engine entry; the
        // versionless one only adds noise when the engine is there with its patch level.
        return found.Where(d => d.Version.Length > 0 || !found.Any(o => o.Engine == d.Engine && o.Version.Length > 0)).ToList();
    }

    // Linux package names; Windows Uninstall names (EDB installer "PostgreSQL 16"); macOS Postgres.app ("Postgres").
    [GeneratedRegex(@"^postgresql(-|)\d+(\.\d+)?$|^postgresql-server$|^PostgreSQL \d+(\.\d+)?$|^Postgres$", RegexOptions.CultureInvariant)]
    private static partial Regex PostgresServer();

    [GeneratedRegex(@"^mariadb-server(-\d+(\.\d+)*)?$|^mariadb-server-core$|^MariaDB \d+\.\d+( \(x64\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex MariaDbServer();

    [GeneratedRegex(@"^mysql-(community-)?server(-\d+(\.\d+)*)?$|^MySQL Server \d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex MySqlServer();

    // Windows: "MongoDB 7.0.14 2008R2Plus SSL (64 bit)"; not "MongoDB Compass" or "MongoDB Shell", which are clients.
    [GeneratedRegex(@"^mongodb-(org-)?server$|^mongodb-org$|^MongoDB \d+\.\d+", RegexOptions.CultureInvariant)]
    private static partial Regex MongoServer();

    [GeneratedRegex(@"^redis(-server)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RedisServer();

    // Windows: the instance entry and the engine entry that carries the patch level (CU) in its version.
    [GeneratedRegex(@"^mssql-server$|^Microsoft SQL Server \d{4}( R2)? \((64|32)-bit\)$|^SQL Server \d{4}( R2)? Database Engine Services$", RegexOptions.CultureInvariant)]
    private static partial Regex SqlServer();
}
