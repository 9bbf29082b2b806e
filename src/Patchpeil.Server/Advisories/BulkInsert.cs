using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Patchpeil.Server.Data;
using SQLitePCL;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// Appends rows of one entity type to its table without the change tracker: binary COPY on PostgreSQL; on SQLite one
/// single-row INSERT prepared once on the native connection and stepped per row with positional bindings (see
/// <see cref="SqliteRows"/>), or, for a column type it does not know, a prepared multi-row INSERT through ADO.NET. The sibling of <see cref="KeyedBulkUpsert{T}"/> for rows that
/// are known to be new (advisories, revisions, vulnerabilities, products, scores: their ids are fresh version-7 GUIDs).
/// Column names and value conversions come from the EF model, so the rows are the ones EF would write. Runs in the
/// caller's transaction.
/// </summary>
internal sealed class BulkInsert<T> : IAsyncDisposable
    where T : class
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly bool _postgres;
    private readonly string _table;
    private readonly IProperty[] _properties;
    private readonly string[] _columns;
    private readonly int _rowsPerStatement;
    private readonly bool _native;
    private DbCommand? _insert;
    private sqlite3_stmt? _nativeInsert;

    public BulkInsert(PatchpeilDbContext db)
    {
        _connection = db.Database.GetDbConnection();
        _transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A bulk insert runs inside the import's transaction.");
        _postgres = db.Database.IsNpgsql();
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        _table = Quote(entity.GetTableName()!);
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        _properties = entity.GetProperties().Where(p => p.GetColumnName(store) is not null).ToArray();
        _columns = _properties.Select(p => Quote(p.GetColumnName(store)!)).ToArray();

        // About 100 variables per statement: binding looks parameters up by name, which grows with the statement, so
        // 1,000-variable statements cost twice as much per row as 100-variable ones (measured on the OSV corpus).
        _rowsPerStatement = Math.Max(1, 100 / _properties.Length);
        _native = !_postgres && _properties.All(p => SqliteRows.CanBind(p.GetTypeMapping().Converter?.ProviderClrType ?? p.ClrType));
    }

    public int Written { get; private set; }

    /// <summary>Writes all rows now.</summary>
    public async Task WriteAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (_postgres)
        {
            await CopyAsync(rows, cancellationToken);
        }
        else if (_native)
        {
            InsertNative(rows);
        }
        else
        {
            for (var offset = 0; offset < rows.Count; offset += _rowsPerStatement)
            {
                await InsertAsync(rows, offset, Math.Min(_rowsPerStatement, rows.Count - offset), cancellationToken);
            }
        }

        Written += rows.Count;
    }

    public async ValueTask DisposeAsync()
    {
        if (_insert is not null)
        {
            await _insert.DisposeAsync();
        }

        _nativeInsert?.Dispose();
    }

    /// <summary>
    /// Microsoft.Data.Sqlite looks every parameter up by name on every execution and adds a reader per command, about
    /// 10 µs per row here; the native statement binds by position and costs what SQLite's B-tree inserts cost. The
    /// values are converted exactly as Microsoft.Data.Sqlite converts them (<see cref="SqliteRows.Bind"/>).
    /// </summary>
    private void InsertNative(IReadOnlyList<T> rows)
    {
        var handle = ((SqliteConnection)_connection).Handle!;
        if (_nativeInsert is null)
        {
            var placeholders = string.Join(", ", Enumerable.Range(1, _properties.Length).Select(i => string.Create(CultureInfo.InvariantCulture, $"?{i}")));
            SqliteRows.Check(handle, raw.sqlite3_prepare_v2(handle, $"INSERT INTO {_table} ({string.Join(", ", _columns)}) VALUES ({placeholders})", out var statement));
            _nativeInsert = statement;
        }

        var insert = _nativeInsert;
        foreach (var row in rows)
        {
            for (var c = 0; c < _properties.Length; c++)
            {
                SqliteRows.Check(handle, SqliteRows.Bind(insert, c + 1, ProviderValue(_properties[c], row)));
            }

            var rc = raw.sqlite3_step(insert);
            raw.sqlite3_reset(insert);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteRows.Check(handle, rc);
            }
        }
    }

    private async Task CopyAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        await using var copy = await ((NpgsqlConnection)_connection).BeginBinaryImportAsync(
            $"COPY {_table} ({string.Join(", ", _columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            foreach (var property in _properties)
            {
                var value = ProviderValue(property, row);
                if (value is null)
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await copy.WriteAsync(value, NpgsqlType(value), cancellationToken);
                }
            }
        }

        await copy.CompleteAsync(cancellationToken);
    }

    internal static NpgsqlDbType NpgsqlType(object value) => value switch
    {
        string => NpgsqlDbType.Varchar,
        decimal => NpgsqlDbType.Numeric,
        DateTime => NpgsqlDbType.TimestampTz,
        DateOnly => NpgsqlDbType.Date,
        bool => NpgsqlDbType.Boolean,
        int => NpgsqlDbType.Integer,
        long => NpgsqlDbType.Bigint,
        Guid => NpgsqlDbType.Uuid,
        byte[] => NpgsqlDbType.Bytea,
        IEnumerable<string> => NpgsqlDbType.Array | NpgsqlDbType.Text,
        _ => throw new NotSupportedException($"No COPY type for {value.GetType().Name}."),
    };

    private async Task InsertAsync(IReadOnlyList<T> rows, int offset, int count, CancellationToken cancellationToken)
    {
        // The full-size statement is prepared once and reused; only a shorter last chunk gets its own.
        DbCommand command;
        if (count == _rowsPerStatement)
        {
            _insert ??= CreateInsert(_rowsPerStatement);
            command = _insert;
        }
        else
        {
            command = CreateInsert(count);
        }

        var width = _properties.Length;
        for (var r = 0; r < count; r++)
        {
            var row = rows[offset + r];
            for (var c = 0; c < width; c++)
            {
                command.Parameters[(r * width) + c].Value = ProviderValue(_properties[c], row) ?? DBNull.Value;
            }
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        if (command != _insert)
        {
            await command.DisposeAsync();
        }
    }

    private DbCommand CreateInsert(int rows)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        var values = new List<string>(rows);
        for (var r = 0; r < rows; r++)
        {
            var names = new List<string>(_properties.Length);
            for (var c = 0; c < _properties.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}");
                names.Add(name);
                command.Parameters.Add(_properties[c].GetRelationalTypeMapping().CreateParameter(command, name, null, _properties[c].IsNullable));
            }

            values.Add($"({string.Join(", ", names)})");
        }

        command.CommandText = $"INSERT INTO {_table} ({string.Join(", ", _columns)}) VALUES {string.Join(", ", values)}";
        command.Prepare();
        return command;
    }

    internal static object? ProviderValue(IProperty property, T row)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
        return value is null ? null : property.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>Binding values to native SQLite statements the way Microsoft.Data.Sqlite binds them for EF Core.</summary>
internal static class SqliteRows
{
    private static readonly Type[] Known =
    [
        typeof(string), typeof(Guid), typeof(DateTime), typeof(decimal), typeof(bool), typeof(int), typeof(long), typeof(byte[]),
    ];

    public static bool CanBind(Type type) => Known.Contains(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>
    /// Binds one provider value: text for strings, GUIDs (upper case, as EF Core's SQLite mapping stores them),
    /// DateTime (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>) and decimal (<c>0.0###…</c>); integers for bool and whole numbers; a
    /// blob for bytes. <c>AdvisoryBulkTests</c> compares the stored rows, as text, with the ones EF Core writes.
    /// </summary>
    public static int Bind(sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        Guid guid => raw.sqlite3_bind_text(statement, index, guid.ToString().ToUpperInvariant()),
        DateTime time => raw.sqlite3_bind_text(statement, index, time.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        decimal number => raw.sqlite3_bind_text(statement, index, number.ToString("0.0###########################", CultureInfo.InvariantCulture)),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        int number => raw.sqlite3_bind_int64(statement, index, number),
        long number => raw.sqlite3_bind_int64(statement, index, number),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        _ => throw new NotSupportedException($"No SQLite binding for {value.GetType().Name}."),
    };

    /// <summary>Throws SQLite's own error (constraint, I/O …) as Microsoft.Data.Sqlite would.</summary>
    public static void Check(sqlite3 handle, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
    }
}
