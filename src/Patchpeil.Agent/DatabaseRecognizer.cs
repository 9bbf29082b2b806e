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

    public static List<DatabaseInfo> Recognise(IEnumerable<InstalledItem> software) =>
        software.SelectMany(item => Rules.Where(r => r.Pattern.IsMatch(item.Name)).Select(r => new DatabaseInfo(r.Engine, item.Version, $"{item.Source}:{item.Name}")))
            .DistinctBy(d => d.Evidence, StringComparer.Ordinal)
            .ToList();

    [GeneratedRegex(@"^postgresql(-|)\d+(\.\d+)?$|^postgresql-server$", RegexOptions.CultureInvariant)]
    private static partial Regex PostgresServer();

    [GeneratedRegex(@"^mariadb-server(-\d+(\.\d+)*)?$|^mariadb-server-core$", RegexOptions.CultureInvariant)]
    private static partial Regex MariaDbServer();

    [GeneratedRegex(@"^mysql-(community-)?server(-\d+(\.\d+)*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MySqlServer();

    [GeneratedRegex(@"^mongodb-(org-)?server$|^mongodb-org$", RegexOptions.CultureInvariant)]
    private static partial Regex MongoServer();

    [GeneratedRegex(@"^redis(-server)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RedisServer();

    [GeneratedRegex(@"^mssql-server$", RegexOptions.CultureInvariant)]
    private static partial Regex SqlServer();
}
