using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// "The latest file replaces, only changed rows are written" for tables keyed by one column (KEV and EPSS by CVE), without
/// the change tracker: rows are streamed into a temporary staging table (binary COPY on PostgreSQL, prepared multi-row
/// INSERTs on SQLite), then four set-based statements count what is new and what changed, delete the changed keys and
/// insert the new and changed rows. Everything runs inside the caller's transaction, so a failure leaves the previous
/// data untouched. Column names and value conversions come from the EF model, so the rows are the same as EF writes.
/// </summary>
internal sealed class KeyedBulkUpsert<T> : IAsyncDisposable
    where T : class
{
    private const int SqliteRowsPerStatement = 100;
    private const string Stage = "pp_bulk_stage";
    private const string Sequence = "pp_seq";

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly bool _postgres;
    private readonly string _table;
    private readonly IProperty[] _properties;
    private readonly string[] _columns;
    private readonly string _key;
    private readonly string _differs;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<T> _pending = [];
    private bool _duplicates;
    private int _sequence;
    private DbCommand? _insert;
    private NpgsqlBinaryImporter? _copy;

    private KeyedBulkUpsert(PatchpeilDbContext db, IReadOnlyCollection<string> compared)
    {
        _connection = db.Database.GetDbConnection();
        _transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A bulk upsert runs inside the file's transaction.");
        _postgres = db.Database.IsNpgsql();
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        _table = Quote(entity.GetTableName()!);
        var key = entity.FindPrimaryKey()!.Properties.Single();
        _properties = [key, .. entity.GetProperties().Where(p => p != key)];
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        _columns = _properties.Select(p => Quote(p.GetColumnName(store)!)).ToArray();
        _key = _columns[0];
        _differs = string.Join(" OR ", _properties.Where(p => compared.Contains(p.Name)).Select(p => Quote(p.GetColumnName(store)!))
            .Select(c => $"m.{c} IS DISTINCT FROM s.{c}"));
        if (_differs.Length == 0)
        {
            throw new ArgumentException("Name at least one compared property.", nameof(compared));
        }
    }

    /// <summary>Distinct keys seen so far (a key repeated in the file counts once; its last row wins).</summary>
    public int Total => _keys.Count;

    public static async Task<KeyedBulkUpsert<T>> BeginAsync(PatchpeilDbContext db, IReadOnlyCollection<string> compared, CancellationToken cancellationToken)
    {
        var upsert = new KeyedBulkUpsert<T>(db, compared);
        await upsert.ExecuteAsync($"DROP TABLE IF EXISTS {Stage}", cancellationToken);
        await upsert.ExecuteAsync($"CREATE TEMP TABLE {Stage} AS SELECT {string.Join(", ", upsert._columns)}, 0 AS {Sequence} FROM {upsert._table} WHERE 1 = 0", cancellationToken);
        return upsert;
    }

    public async Task AddAsync(IEnumerable<T> rows, Func<T, string> key, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            _duplicates |= !_keys.Add(key(row));
            if (_postgres)
            {
                await CopyAsync(row, cancellationToken);
            }
            else
            {
                _pending.Add(row);
                if (_pending.Count == SqliteRowsPerStatement)
                {
                    await InsertPendingAsync(cancellationToken);
                }
            }
        }
    }

    /// <summary>Writes the staged rows into the table; returns how many keys were new and how many changed.</summary>
    public async Task<(int Added, int Changed)> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }

        await InsertPendingAsync(cancellationToken);
        await ExecuteAsync($"CREATE INDEX {Stage}_key ON {Stage} ({_key})", cancellationToken);
        if (_duplicates)
        {
            await ExecuteAsync($"DELETE FROM {Stage} WHERE EXISTS (SELECT 1 FROM {Stage} b WHERE b.{_key} = {Stage}.{_key} AND b.{Sequence} > {Stage}.{Sequence})", cancellationToken);
        }

        if (_postgres)
        {
            await ExecuteAsync($"ANALYZE {Stage}", cancellationToken);
        }

        var isNew = $"NOT EXISTS (SELECT 1 FROM {_table} m WHERE m.{_key} = s.{_key})";
        var changedKeys = $"SELECT s.{_key} FROM {Stage} s JOIN {_table} m ON m.{_key} = s.{_key} WHERE {_differs}";
        var added = await CountAsync($"SELECT COUNT(*) FROM {Stage} s WHERE {isNew}", cancellationToken);
        var changed = await CountAsync($"SELECT COUNT(*) FROM ({changedKeys}) c", cancellationToken);
        if (changed > 0)
        {
            await ExecuteAsync($"DELETE FROM {_table} WHERE {_key} IN ({changedKeys})", cancellationToken);
        }

        if (added + changed > 0)
        {
            var columns = string.Join(", ", _columns);
            await ExecuteAsync($"INSERT INTO {_table} ({columns}) SELECT {string.Join(", ", _columns.Select(c => "s." + c))} FROM {Stage} s WHERE {isNew}", cancellationToken);
        }

        await ExecuteAsync($"DROP TABLE {Stage}", cancellationToken);
        return (added, changed);
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            await _copy.DisposeAsync(); // Not completed: the COPY is cancelled and the transaction rolls back.
        }

        if (_insert is not null)
        {
            await _insert.DisposeAsync();
        }
    }

    private async Task CopyAsync(T row, CancellationToken cancellationToken)
    {
        _copy ??= await ((NpgsqlConnection)_connection).BeginBinaryImportAsync(
            $"COPY {Stage} ({string.Join(", ", _columns)}, {Sequence}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await _copy.StartRowAsync(cancellationToken);
        foreach (var property in _properties)
        {
            var value = ProviderValue(property, row);
            if (value is null)
            {
                await _copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                await _copy.WriteAsync(value, NpgsqlType(value), cancellationToken);
            }
        }

        await _copy.WriteAsync(_sequence++, NpgsqlDbType.Integer, cancellationToken);
    }

    private static NpgsqlDbType NpgsqlType(object value) => value switch
    {
        string => NpgsqlDbType.Varchar,
        decimal => NpgsqlDbType.Numeric,
        DateTime => NpgsqlDbType.TimestampTz,
        DateOnly => NpgsqlDbType.Date,
        bool => NpgsqlDbType.Boolean,
        int => NpgsqlDbType.Integer,
        long => NpgsqlDbType.Bigint,
        Guid => NpgsqlDbType.Uuid,
        _ => throw new NotSupportedException($"No COPY type for {value.GetType().Name}."),
    };

    private async Task InsertPendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // The full-size statement is prepared once and reused; only a shorter last batch gets its own.
        DbCommand command;
        if (_pending.Count == SqliteRowsPerStatement)
        {
            _insert ??= CreateInsert(SqliteRowsPerStatement);
            command = _insert;
        }
        else
        {
            command = CreateInsert(_pending.Count);
        }

        var width = _properties.Length + 1;
        for (var r = 0; r < _pending.Count; r++)
        {
            for (var c = 0; c < _properties.Length; c++)
            {
                command.Parameters[(r * width) + c].Value = ProviderValue(_properties[c], _pending[r]) ?? DBNull.Value;
            }

            command.Parameters[(r * width) + _properties.Length].Value = _sequence++;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        if (command != _insert)
        {
            await command.DisposeAsync();
        }

        _pending.Clear();
    }

    private DbCommand CreateInsert(int rows)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        var values = new List<string>(rows);
        for (var r = 0; r < rows; r++)
        {
            var names = new List<string>(_properties.Length + 1);
            for (var c = 0; c <= _properties.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}");
                names.Add(name);
                command.Parameters.Add(c < _properties.Length
                    ? _properties[c].GetRelationalTypeMapping().CreateParameter(command, name, null, _properties[c].IsNullable)
                    : CreateParameter(command, name));
            }

            values.Add($"({string.Join(", ", names)})");
        }

        command.CommandText = $"INSERT INTO {Stage} ({string.Join(", ", _columns)}, {Sequence}) VALUES {string.Join(", ", values)}";
        command.Prepare();
        return command;
    }

    private static DbParameter CreateParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = 0;
        return parameter;
    }

    private static object? ProviderValue(IProperty property, T row)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
        return value is null ? null : property.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<int> CountAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
