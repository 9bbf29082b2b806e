using System.Text;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// Minimal RFC 4180 reader: fields separated by commas, records by CRLF or LF; a quoted field may hold commas,
/// doubled quotes and line breaks. Streaming: one record at a time from a TextReader. The separator can be a
/// semicolon for what Dutch Excel writes.
/// </summary>
internal sealed class CsvReader(TextReader reader, char separator = ',')
{
    private readonly StringBuilder _field = new();

    /// <summary>1-based line on which the last returned record started.</summary>
    public long RecordLine { get; private set; }

    private long _line = 1;

    /// <summary>Next record, or null at the end. A quote that never closes is reported through <paramref name="error"/>.</summary>
    public List<string>? ReadRecord(out string? error)
    {
        error = null;
        var c = reader.Read();
        if (c < 0)
        {
            return null;
        }

        RecordLine = _line;
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var wasQuoted = false;
        while (true)
        {
            if (c < 0)
            {
                if (quoted)
                {
                    error = $"quoted field opened on line {RecordLine} is never closed";
                }

                fields.Add(_field.ToString());
                return fields;
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        _line++;
                    }

                    _field.Append(ch);
                }
            }
            else if (ch == '"' && _field.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
            }
            else if (ch == separator)
            {
                fields.Add(_field.ToString());
                _field.Clear();
                wasQuoted = false;
            }
            else if (ch == '\r' && reader.Peek() == '\n')
            {
                // CRLF: the LF ends the record on the next iteration.
            }
            else if (ch == '\n')
            {
                _line++;
                fields.Add(_field.ToString());
                return fields;
            }
            else
            {
                _field.Append(ch);
            }

            c = reader.Read();
        }
    }
}
