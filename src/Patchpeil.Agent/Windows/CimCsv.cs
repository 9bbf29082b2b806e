using System.Text;

namespace Patchpeil.Agent.Windows;

/// <summary>
/// Reads the CSV that PowerShell's ConvertTo-Csv / Export-Csv writes for CIM instances: an optional "#TYPE …" line
/// (Windows PowerShell 5.1), a header row, then one row per instance, every field quoted, quotes doubled inside.
/// Rows are returned as dictionaries by column name (case-insensitive, as PowerShell property names are).
/// </summary>
public static class CimCsv
{
    public sealed record Result(IReadOnlyList<IReadOnlyDictionary<string, string>> Rows, IReadOnlyList<CollectionProblem> Problems);

    public static Result Read(string path) => Parse(ReadText(RecordedInput.ReadBytes(path)), Path.GetFileName(path));

    /// <summary>Windows PowerShell 5.1 writes files as UTF-16 LE with a byte-order mark, PowerShell 7 as UTF-8.</summary>
    private static string ReadText(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    public static Result Parse(string text, string fileName)
    {
        var rows = new List<IReadOnlyDictionary<string, string>>();
        var problems = new List<CollectionProblem>();
        string[]? header = null;
        var position = 0;
        var line = 0;
        while (position < text.Length)
        {
            var startLine = line + 1;
            var (fields, error) = ReadRecord(text, ref position, ref line);
            if (error is not null)
            {
                problems.Add(new(fileName, startLine, error));
                break;
            }

            if (fields is [""] || (header is null && fields is [var type] && type.StartsWith("#TYPE", StringComparison.Ordinal)))
            {
                continue;
            }

            if (header is null)
            {
                header = fields;
                continue;
            }

            if (fields.Length != header.Length)
            {
                problems.Add(new(fileName, startLine, $"row has {fields.Length} fields, the header has {header.Length}; row skipped"));
                continue;
            }

            var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = fields[i];
            }

            rows.Add(row);
        }

        if (header is null)
        {
            throw new InputFormatException(fileName, null, "no header row: expected the output of `… | ConvertTo-Csv`");
        }

        return new Result(rows, problems);
    }

    private static (string[] Fields, string? Error) ReadRecord(string text, ref int position, ref int line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var quoteLine = line + 1;
        line++;
        while (position < text.Length)
        {
            var c = text[position++];
            if (quoted)
            {
                if (c == '"' && position < text.Length && text[position] == '"')
                {
                    field.Append('"');
                    position++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
                quoteLine = line;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                break;
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return ([], $"quoted field opened on line {quoteLine} is not closed (truncated file?)");
        }

        fields.Add(field.ToString());
        return (fields.ToArray(), null);
    }
}
