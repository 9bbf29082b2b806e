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
/// Appends rows of one entity type to its table without the change tracker: binary COPY on PostgreSQL, a prepared
/// multi-row INSERT (reused for every full chunk) on SQLite. The sibling of <see cref="KeyedBulkUpsert{T}"/> for rows that
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
    private DbCommand? _insert;

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
