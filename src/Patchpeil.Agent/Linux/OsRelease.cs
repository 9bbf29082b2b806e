namespace Patchpeil.Agent.Linux;

/// <summary>/etc/os-release: KEY=value lines, values optionally quoted (freedesktop.org os-release(5)).</summary>
public static class OsRelease
{
    public static Dictionary<string, string> Parse(TextReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (trimmed.Length == 0 || trimmed[0] == '#' || equals <= 0)
            {
                continue;
            }

            var value = trimmed[(equals + 1)..];
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            values[trimmed[..equals]] = value;
        }

        return values;
    }
}
