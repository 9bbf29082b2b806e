using System.Globalization;
using System.Text;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Core.Inventory;

/// <summary>The columns a school can fill in by hand; each has a Dutch and an English header.</summary>
public enum InventoryCsvColumn
{
    School,
    Name,
    Hostname,
    Kind,
    OperatingSystem,
    OperatingSystemVersion,
    Software,
    Version,
    Publisher,
    Serial,
}

/// <summary>One valid row: an asset (found by host name, else by name) and optionally one piece of software on it.</summary>
/// <param name="Line">1-based line in the file where the row starts.</param>
/// <param name="School">BRIN or school name, if given.</param>
/// <param name="Name">Asset name; the host name when the column is empty.</param>
/// <param name="Hostname">Host name, if given.</param>
/// <param name="Kind">Canonical kind (Device, Server, Database, Application, Saas, NetworkDevice), if given.</param>
/// <param name="OperatingSystem">Operating system name, if given.</param>
/// <param name="OperatingSystemVersion">Operating system version, if given.</param>
/// <param name="Software">Software name, if the row lists software.</param>
/// <param name="Version">Software version, if given.</param>
/// <param name="Publisher">Software publisher, if given.</param>
/// <param name="Serial">Serial number, if given.</param>
public sealed record InventoryCsvRow(
    int Line, string? School, string Name, string? Hostname, string? Kind, string? OperatingSystem, string? OperatingSystemVersion,
    string? Software, string? Version, string? Publisher, string? Serial)
{
    /// <summary>The key that groups rows of one asset: host name, else name (case-insensitive).</summary>
    public string AssetKey => (Hostname ?? Name).ToUpperInvariant();
}

/// <summary>Why a row (or the whole file) was refused: line, column and reason, so a person can fix it in Excel.</summary>
/// <param name="Line">1-based line; 0 for the file as a whole.</param>
/// <param name="Column">The column's header as written in the file, or null.</param>
/// <param name="Message">What is wrong, in English (the server translates the common ones).</param>
public sealed record InventoryCsvError(int Line, string? Column, string Message)
{
    public override string ToString() => Line == 0 ? Message : Column is null ? $"line {Line}: {Message}" : $"line {Line}, column '{Column}': {Message}";
}

/// <summary>What was read: the valid rows and the errors. A file-level error (size, encoding, header) leaves no rows.</summary>
public sealed record InventoryCsvResult(IReadOnlyList<InventoryCsvRow> Rows, IReadOnlyList<InventoryCsvError> Errors, char Separator)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The CSV format for what a school lists by hand. Headers in Dutch or English (any order, case-insensitive; unknown
/// columns are refused so a typo is not silently ignored), `;` or `,` as separator (detected from the header line;
/// Dutch Excel writes `;`), RFC 4180 quoting, UTF-8 with or without BOM. One row per asset, or per piece of
/// software on an asset (repeat the asset columns).
/// </summary>
public static class InventoryCsv
{
    public const int DefaultMaxBytes = 5 * 1024 * 1024;
    public const int DefaultMaxRows = 50_000;
    public const int MaxFieldLength = 500;

    public static readonly IReadOnlyList<string> Kinds = ["Device", "Server", "Database", "Application", "Saas", "NetworkDevice"];

    private static readonly Dictionary<string, InventoryCsvColumn> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["school"] = InventoryCsvColumn.School,
        ["brin"] = InventoryCsvColumn.School,
        ["naam"] = InventoryCsvColumn.Name,
        ["name"] = InventoryCsvColumn.Name,
        ["hostname"] = InventoryCsvColumn.Hostname,
        ["hostnaam"] = InventoryCsvColumn.Hostname,
        ["computernaam"] = InventoryCsvColumn.Hostname,
        ["soort"] = InventoryCsvColumn.Kind,
        ["kind"] = InventoryCsvColumn.Kind,
        ["type"] = InventoryCsvColumn.Kind,
        ["besturingssysteem"] = InventoryCsvColumn.OperatingSystem,
        ["os"] = InventoryCsvColumn.OperatingSystem,
        ["operating system"] = InventoryCsvColumn.OperatingSystem,
        ["osversie"] = InventoryCsvColumn.OperatingSystemVersion,
        ["os-versie"] = InventoryCsvColumn.OperatingSystemVersion,
        ["osversion"] = InventoryCsvColumn.OperatingSystemVersion,
        ["os version"] = InventoryCsvColumn.OperatingSystemVersion,
        ["softwarenaam"] = InventoryCsvColumn.Software,
        ["software"] = InventoryCsvColumn.Software,
        ["versie"] = InventoryCsvColumn.Version,
        ["version"] = InventoryCsvColumn.Version,
        ["softwareversie"] = InventoryCsvColumn.Version,
        ["leverancier"] = InventoryCsvColumn.Publisher,
        ["uitgever"] = InventoryCsvColumn.Publisher,
        ["publisher"] = InventoryCsvColumn.Publisher,
        ["vendor"] = InventoryCsvColumn.Publisher,
        ["serienummer"] = InventoryCsvColumn.Serial,
        ["serial"] = InventoryCsvColumn.Serial,
        ["serial number"] = InventoryCsvColumn.Serial,
    };

    private static readonly Dictionary<string, string> KindWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["device"] = "Device",
        ["apparaat"] = "Device",
        ["laptop"] = "Device",
        ["desktop"] = "Device",
        ["chromebook"] = "Device",
        ["ipad"] = "Device",
        ["tablet"] = "Device",
        ["server"] = "Server",
        ["database"] = "Database",
        ["application"] = "Application",
        ["applicatie"] = "Application",
        ["toepassing"] = "Application",
        ["saas"] = "Saas",
        ["dienst"] = "Saas",
        ["service"] = "Saas",
        ["networkdevice"] = "NetworkDevice",
        ["network device"] = "NetworkDevice",
        ["netwerkapparaat"] = "NetworkDevice",
        ["switch"] = "NetworkDevice",
        ["firewall"] = "NetworkDevice",
        ["access point"] = "NetworkDevice",
    };

    private static readonly (InventoryCsvColumn Column, string Dutch, string English, string ExampleNl, string ExampleEn)[] TemplateColumns =
    [
        (InventoryCsvColumn.School, "school", "school", "12AB", "12AB"),
        (InventoryCsvColumn.Name, "naam", "name", "Lokaal 12 pc 3", "Room 12 pc 3"),
        (InventoryCsvColumn.Hostname, "hostname", "hostname", "lok12-pc03", "lok12-pc03"),
        (InventoryCsvColumn.Kind, "soort", "kind", "apparaat", "device"),
        (InventoryCsvColumn.OperatingSystem, "besturingssysteem", "os", "Windows 11 Education", "Windows 11 Education"),
        (InventoryCsvColumn.OperatingSystemVersion, "osversie", "osversion", "10.0.22631.4460", "10.0.22631.4460"),
        (InventoryCsvColumn.Software, "softwarenaam", "software", "Mozilla Firefox (x64 nl)", "Mozilla Firefox (x64 en-GB)"),
        (InventoryCsvColumn.Version, "versie", "version", "133.0.3", "133.0.3"),
        (InventoryCsvColumn.Publisher, "leverancier", "publisher", "Mozilla", "Mozilla"),
        (InventoryCsvColumn.Serial, "serienummer", "serial", "5CG1234XYZ", "5CG1234XYZ"),
    ];

    /// <summary>
    /// The downloadable template: header and two example rows. Dutch uses `;` (what Dutch Excel opens directly),
    /// English `,`; both start with a UTF-8 BOM so Excel reads accents correctly.
    /// </summary>
    public static byte[] Template(string language)
    {
        var dutch = !string.Equals(language, "en", StringComparison.OrdinalIgnoreCase);
        var separator = dutch ? ';' : ',';
        var text = new StringBuilder();
        text.AppendJoin(separator, TemplateColumns.Select(c => dutch ? c.Dutch : c.English)).Append("\r\n");
        text.AppendJoin(separator, TemplateColumns.Select(c => dutch ? c.ExampleNl : c.ExampleEn)).Append("\r\n");
        text.AppendJoin(separator, TemplateColumns.Select(c => c.Column switch
        {
            InventoryCsvColumn.Software => "7-Zip 23.01 (x64)",
            InventoryCsvColumn.Version => "23.01",
            InventoryCsvColumn.Publisher => "Igor Pavlov",
            InventoryCsvColumn.OperatingSystem or InventoryCsvColumn.OperatingSystemVersion => "",
            _ => dutch ? c.ExampleNl : c.ExampleEn,
        })).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static InventoryCsvResult Read(byte[] content, int maxRows = DefaultMaxRows, int maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > maxBytes)
        {
            return Refused(string.Create(CultureInfo.InvariantCulture, $"the file is {content.Length:N0} bytes; at most {maxBytes:N0} bytes are accepted — split it into several files"));
        }

        var bytes = content.AsSpan();
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes[..Math.Max(0, Math.Min(e.Index, bytes.Length))].Count((byte)'\n');
            return Refused($"the file is not UTF-8 (first bad byte on line {line}); in Excel choose 'CSV UTF-8 (door komma's gescheiden)' when saving");
        }

        if (text.Trim().Length == 0)
        {
            return Refused("the file is empty; it needs a header line (see the template)");
        }

        var separator = DetectSeparator(text);
        var reader = new CsvReader(new StringReader(text), separator);
        var header = reader.ReadRecord(out var headerError);
        if (headerError is not null || header is null)
        {
            return Refused($"line 1: {headerError ?? "no header"}", separator);
        }

        var columns = new InventoryCsvColumn[header.Count];
        var headerNames = header.Select(h => h.Trim()).ToArray();
        var errors = new List<InventoryCsvError>();
        var seen = new Dictionary<InventoryCsvColumn, string>();
        for (var i = 0; i < headerNames.Length; i++)
        {
            if (!Headers.TryGetValue(headerNames[i], out var column))
            {
                errors.Add(new InventoryCsvError(1, headerNames[i], $"unknown column; known columns are {string.Join(", ", TemplateColumns.Select(c => $"{c.Dutch}/{c.English}").Distinct())}"));
                continue;
            }

            if (!seen.TryAdd(column, headerNames[i]))
            {
                errors.Add(new InventoryCsvError(1, headerNames[i], $"the same column as '{seen[column]}'"));
            }

            columns[i] = column;
        }

        if (!seen.ContainsKey(InventoryCsvColumn.Hostname) && !seen.ContainsKey(InventoryCsvColumn.Name))
        {
            errors.Add(new InventoryCsvError(1, null, "a column 'hostname' or 'naam'/'name' is required to know which asset a row is about"));
        }

        if (errors.Count > 0)
        {
            return new InventoryCsvResult([], errors, separator);
        }

        var rows = new List<InventoryCsvRow>();
        var firstOfAsset = new Dictionary<string, InventoryCsvRow>(StringComparer.Ordinal);
        var count = 0;
        while (reader.ReadRecord(out var recordError) is { } record)
        {
            var line = checked((int)reader.RecordLine);
            if (recordError is not null)
            {
                errors.Add(new InventoryCsvError(line, null, recordError));
                break;
            }

            if (record.All(f => f.Trim().Length == 0))
            {
                continue;
            }

            if (++count > maxRows)
            {
                return Refused(string.Create(CultureInfo.InvariantCulture, $"more than {maxRows:N0} rows; split the file into several files"), separator);
            }

            if (record.Count != columns.Length)
            {
                errors.Add(new InventoryCsvError(line, null, $"{record.Count} fields where the header has {columns.Length} (is a separator missing, or a '{separator}' inside a value without quotes?)"));
                continue;
            }

            var row = ReadRow(line, record, columns, headerNames, errors);
            if (row is null)
            {
                continue;
            }

            if (firstOfAsset.TryGetValue(row.AssetKey, out var first))
            {
                if (!Agrees(row, first, out var column, out var value))
                {
                    errors.Add(new InventoryCsvError(line, seen[column], $"'{value}' differs from line {first.Line} for the same asset"));
                    continue;
                }
            }
            else
            {
                firstOfAsset[row.AssetKey] = row;
            }

            rows.Add(row);
        }

        return new InventoryCsvResult(rows, errors, separator);
    }

    private static InventoryCsvRow? ReadRow(int line, List<string> record, InventoryCsvColumn[] columns, string[] headerNames, List<InventoryCsvError> errors)
    {
        var values = new Dictionary<InventoryCsvColumn, string>();
        var before = errors.Count;
        for (var i = 0; i < columns.Length; i++)
        {
            var value = record[i].Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (value.Length > MaxFieldLength)
            {
                errors.Add(new InventoryCsvError(line, headerNames[i], $"longer than {MaxFieldLength} characters"));
            }
            else if (value.Any(char.IsControl))
            {
                errors.Add(new InventoryCsvError(line, headerNames[i], "contains a line break or other control character"));
            }
            else
            {
                values[columns[i]] = value;
            }
        }

        string? Get(InventoryCsvColumn c) => values.TryGetValue(c, out var v) ? v : null;
        string Header(InventoryCsvColumn c) => headerNames[Array.IndexOf(columns, c)];
        var hostname = Get(InventoryCsvColumn.Hostname);
        var name = Get(InventoryCsvColumn.Name) ?? hostname;
        if (name is null && errors.Count == before)
        {
            errors.Add(new InventoryCsvError(line, null, "needs a host name or a name"));
        }

        if (hostname is not null && !IsHostname(hostname))
        {
            errors.Add(new InventoryCsvError(line, Header(InventoryCsvColumn.Hostname), $"'{hostname}' is not a host name (letters, digits, hyphens and dots)"));
        }

        string? kind = null;
        if (Get(InventoryCsvColumn.Kind) is { } kindText)
        {
            if (KindWords.TryGetValue(kindText, out var k))
            {
                kind = k;
            }
            else
            {
                errors.Add(new InventoryCsvError(line, Header(InventoryCsvColumn.Kind), $"'{kindText}' is not a kind; use apparaat/device, server, database, applicatie/application, saas or netwerkapparaat/networkdevice"));
            }
        }

        var software = Get(InventoryCsvColumn.Software);
        if (software is null && (Get(InventoryCsvColumn.Version) is not null || Get(InventoryCsvColumn.Publisher) is not null))
        {
            errors.Add(new InventoryCsvError(line, Header(InventoryCsvColumn.Software), "a version or publisher needs the software's name"));
        }

        if (Get(InventoryCsvColumn.OperatingSystemVersion) is not null && Get(InventoryCsvColumn.OperatingSystem) is null)
        {
            errors.Add(new InventoryCsvError(line, Header(InventoryCsvColumn.OperatingSystemVersion), "an operating system version needs the operating system's name"));
        }

        return errors.Count > before
            ? null
            : new InventoryCsvRow(line, Get(InventoryCsvColumn.School), name!, hostname, kind, Get(InventoryCsvColumn.OperatingSystem), Get(InventoryCsvColumn.OperatingSystemVersion),
                software, Get(InventoryCsvColumn.Version), Get(InventoryCsvColumn.Publisher), Get(InventoryCsvColumn.Serial));
    }

    /// <summary>Rows of one asset must not contradict each other; an empty cell agrees with anything.</summary>
    private static bool Agrees(InventoryCsvRow row, InventoryCsvRow first, out InventoryCsvColumn column, out string? value)
    {
        foreach (var (c, a, b) in new[]
        {
            (InventoryCsvColumn.School, row.School, first.School),
            (InventoryCsvColumn.Kind, row.Kind, first.Kind),
            (InventoryCsvColumn.OperatingSystem, row.OperatingSystem, first.OperatingSystem),
            (InventoryCsvColumn.OperatingSystemVersion, row.OperatingSystemVersion, first.OperatingSystemVersion),
            (InventoryCsvColumn.Serial, row.Serial, first.Serial),
        })
        {
            if (a is not null && b is not null && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
            {
                (column, value) = (c, a);
                return false;
            }
        }

        (column, value) = (default, null);
        return true;
    }

    /// <summary>`;` when the header line has more semicolons than commas (outside quotes), else `,`.</summary>
    private static char DetectSeparator(string text)
    {
        int semicolons = 0, commas = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '\n')
            {
                break;
            }
            else if (!quoted && c == ';')
            {
                semicolons++;
            }
            else if (!quoted && c == ',')
            {
                commas++;
            }
        }

        return semicolons > commas ? ';' : ',';
    }

    private static bool IsHostname(string value) =>
        value.Length <= 253 && value.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-');

    private static InventoryCsvResult Refused(string message, char separator = ',') => new([], [new InventoryCsvError(0, null, message)], separator);
}
