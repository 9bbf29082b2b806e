namespace Patchpeil.Server.Web;

public static class Csv
{
    /// <summary>One RFC 4180 cell; a leading = + - @ is neutralised against spreadsheet formula injection.</summary>
    public static string Cell(string? value)
    {
        value ??= "";
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
