using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Patchpeil.Core.Feeds.Kev;

/// <summary>Reads the CISA KEV catalog in its JSON and CSV forms; a broken entry is quarantined with its index.</summary>
public static class KevReader
{
    private const string DocumentId = "cisa-kev";

    private static readonly string[] CsvHeader =
    [
        "cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "shortDescription", "requiredAction",
        "dueDate", "knownRansomwareCampaignUse", "notes", "cwes",
    ];

    public static async Task<KevCatalog> ReadJsonAsync(Stream stream, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? Refused(refusal!, "") : ReadJson(bytes, fetchedAt, options);
    }

    public static KevCatalog ReadJson(byte[] bytes, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        var sha = Provenance.Sha256Hex(bytes);
        if (bytes.LongLength > options.MaxBytes)
        {
            return Refused(JsonInput.TooLarge(bytes.LongLength, options), sha);
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return Refused(refusal!, sha);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var f = new JsonFields();
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refused(new QuarantineReason(FeedReasonCodes.JsonType, "", "the catalog must be a JSON object"), sha);
            }

            var title = f.Str(root, "", "title");
            var version = f.Str(root, "", "catalogVersion");
            var released = f.Time(root, "", "dateReleased");
            var count = f.Int(root, "", "count");
            if (!root.TryGetProperty("vulnerabilities", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                f.Error(FeedReasonCodes.JsonRequired, "/vulnerabilities", "the catalog has no vulnerabilities array");
            }

            if (f.HasErrors)
            {
                return new KevCatalog(title, version, released, (int?)count,
                    ParseResult.Refused<KevEntry>(new Quarantined(DocumentId, null, f.Errors)), sha);
            }

            var provenance = new Provenance(FeedSource.Kev, DocumentId, version, released, sha, fetchedAt);
            var items = new List<KevEntry>();
            var quarantined = new List<Quarantined>();
            var index = 0;
            foreach (var e in list.EnumerateArray())
            {
                var path = JsonFields.Child("/vulnerabilities", index);
                var ef = new JsonFields();
                if (e.ValueKind != JsonValueKind.Object)
                {
                    ef.Error(FeedReasonCodes.JsonType, path, "entry must be an object");
                }
                else
                {
                    var entry = Entry(ef, path,
                        ef.ReqStr(e, path, "cveID"), ef.ReqStr(e, path, "vendorProject"), ef.ReqStr(e, path, "product"),
                        ef.Str(e, path, "vulnerabilityName") ?? "", ef.ReqStr(e, path, "dateAdded"),
                        ef.Str(e, path, "shortDescription") ?? "", ef.Str(e, path, "requiredAction") ?? "",
                        ef.Str(e, path, "dueDate"), ef.Str(e, path, "knownRansomwareCampaignUse") ?? "",
                        ef.Str(e, path, "notes") ?? "", ef.Strs(e, path, "cwes"), provenance);
                    if (!ef.HasErrors)
                    {
                        items.Add(entry!);
                    }
                }

                if (ef.HasErrors)
                {
                    quarantined.Add(new Quarantined(DocumentId, index, ef.Errors));
                }

                index++;
            }

            if (count is { } c && c != index)
            {
                quarantined.Add(new Quarantined(DocumentId, null,
                    [new QuarantineReason(FeedReasonCodes.Mismatch, "/count", string.Create(CultureInfo.InvariantCulture, $"count says {c}, the list has {index} entries"))]));
            }

            return new KevCatalog(title, version, released, (int?)count, new ParseResult<KevEntry>(items, quarantined), sha);
        }
    }

    public static async Task<KevCatalog> ReadCsvAsync(Stream stream, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? Refused(refusal!, "") : ReadCsv(bytes, fetchedAt);
    }

    /// <summary>The CSV has no catalog metadata; its entries carry the file's hash and no revision.</summary>
    public static KevCatalog ReadCsv(byte[] bytes, DateTimeOffset fetchedAt)
    {
        var sha = Provenance.Sha256Hex(bytes);
        var provenance = new Provenance(FeedSource.Kev, DocumentId + ".csv", null, null, sha, fetchedAt);
        using var text = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvReader(text);
        var header = csv.ReadRecord(out _);
        if (header is null || !header.Select(h => h.Trim()).SequenceEqual(CsvHeader, StringComparer.Ordinal))
        {
            return Refused(new QuarantineReason(FeedReasonCodes.CsvSyntax, "line 1",
                $"expected header '{string.Join(',', CsvHeader)}'"), sha);
        }

        var items = new List<KevEntry>();
        var quarantined = new List<Quarantined>();
        var index = 0;
        while (csv.ReadRecord(out var error) is { } row)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"line {csv.RecordLine}");
            var f = new JsonFields();
            if (error is not null)
            {
                f.Error(FeedReasonCodes.CsvSyntax, line, error);
            }
            else if (row.Count != CsvHeader.Length)
            {
                f.Error(FeedReasonCodes.CsvSyntax, line, string.Create(CultureInfo.InvariantCulture, $"expected {CsvHeader.Length} fields, found {row.Count}"));
            }
            else
            {
                var cwes = row[10].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var entry = Entry(f, line, Required(f, line, row[0], "cveID"), row[1], row[2], row[3], Required(f, line, row[4], "dateAdded"),
                    row[5], row[6], row[7].Length == 0 ? null : row[7], row[8], row[9], cwes, provenance);
                if (!f.HasErrors)
                {
                    items.Add(entry!);
                }
            }

            if (f.HasErrors)
            {
                quarantined.Add(new Quarantined(DocumentId + ".csv", index, f.Errors));
            }

            index++;
        }

        return new KevCatalog(null, null, null, null, new ParseResult<KevEntry>(items, quarantined), sha);
    }

    private static string Required(JsonFields f, string path, string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            f.Error(FeedReasonCodes.JsonRequired, path, $"{name} is empty");
        }

        return value;
    }

    private static KevEntry? Entry(JsonFields f, string path, string cve, string vendor, string product, string name,
        string dateAdded, string description, string action, string? dueDate, string ransomware, string notes,
        IReadOnlyList<string> cwes, Provenance provenance)
    {
        if (cve.Length > 0 && !IsCveId(cve))
        {
            f.Error(FeedReasonCodes.InvalidValue, path + "/cveID", $"not a CVE id: '{JsonFields.Shorten(cve)}'");
        }

        var added = ParseDate(f, path + "/dateAdded", dateAdded);
        var due = dueDate is null ? null : ParseDate(f, path + "/dueDate", dueDate);
        return f.HasErrors ? null : new KevEntry(cve.Trim(), vendor, product, name, added ?? default, description, action, due,
            ransomware, notes, cwes, provenance with { RecordKey = cve.Trim() });
    }

    private static DateOnly? ParseDate(JsonFields f, string path, string s)
    {
        if (s.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(s.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        f.Error(FeedReasonCodes.InvalidValue, path, $"not a date (yyyy-MM-dd): '{JsonFields.Shorten(s)}'");
        return null;
    }

    internal static bool IsCveId(string s)
    {
        s = s.Trim();
        if (!s.StartsWith("CVE-", StringComparison.Ordinal) || s.Length < 13 || s[8] != '-')
        {
            return false;
        }

        return s.AsSpan(4, 4).ContainsAnyExceptInRange('0', '9') is false
            && s.AsSpan(9).ContainsAnyExceptInRange('0', '9') is false
            && s.Length - 9 is >= 4 and <= 19;
    }

    private static KevCatalog Refused(QuarantineReason reason, string sha) =>
        new(null, null, null, null, ParseResult.Refused<KevEntry>(new Quarantined(DocumentId, null, [reason])), sha);
}
