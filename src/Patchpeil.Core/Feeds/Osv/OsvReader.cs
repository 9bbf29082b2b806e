using System.Text.Json;

namespace Patchpeil.Core.Feeds.Osv;

/// <summary>
/// Reads OSV records: one record per document, or a JSON array of records (each validated and quarantined on its own).
/// Every record is checked against the OSV JSON schema first, then mapped; structural errors quarantine the record.
/// </summary>
public static class OsvReader
{
    public static async Task<ParseResult<OsvRecord>> ReadAsync(Stream stream, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? ParseResult.Refused<OsvRecord>(new Quarantined(location, null, [refusal!])) : Read(bytes, location, fetchedAt, options);
    }

    /// <summary>A single record or an array of records.</summary>
    public static ParseResult<OsvRecord> Read(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return ParseResult.Refused<OsvRecord>(new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)]));
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return ParseResult.Refused<OsvRecord>(new Quarantined(location, null, [refusal!]));
        }

        using (doc)
        {
            var root = doc.RootElement;
            var items = new List<OsvRecord>();
            var quarantined = new List<Quarantined>();
            if (root.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    var sha = Provenance.Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(element));
                    Add(element, JsonFields.Child("", index), index, sha);
                    index++;
                }
            }
            else
            {
                Add(root, "", null, Provenance.Sha256Hex(bytes));
            }

            return new ParseResult<OsvRecord>(items, quarantined);

            void Add(JsonElement element, string path, int? index, string sha)
            {
                var (record, reasons) = Map(element, path, sha, fetchedAt);
                if (record is not null)
                {
                    items.Add(record);
                }
                else
                {
                    quarantined.Add(new Quarantined(location, index, reasons));
                }
            }
        }
    }

    /// <summary>
    /// One record of a list file from its own raw bytes (as <see cref="OsvListReader"/> hands them out): parsed, checked
    /// against the schema and mapped, or quarantined at <paramref name="location"/>[<paramref name="index"/>] with reasons.
    /// <paramref name="sha"/> is the SHA-256 of exactly these bytes (the caller has it already).
    /// </summary>
    public static (OsvRecord? Record, Quarantined? Quarantined) ReadRecord(ReadOnlyMemory<byte> raw, string location, int? index, string sha, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        var (doc, refusal) = JsonInput.Parse(raw, options ?? FeedReadOptions.Default);
        if (doc is null)
        {
            return (null, new Quarantined(location, index, [refusal!]));
        }

        using (doc)
        {
            var (record, reasons) = Map(doc.RootElement, index is { } i ? JsonFields.Child("", i) : "", sha, fetchedAt);
            return record is not null ? (record, null) : (null, new Quarantined(location, index, reasons));
        }
    }

    /// <summary>The top-level "id" string of one record's raw bytes without building a DOM; null when absent or unreadable.</summary>
    public static string? PeekId(ReadOnlySpan<byte> raw)
    {
        try
        {
            var reader = new Utf8JsonReader(raw);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static (OsvRecord?, IReadOnlyList<QuarantineReason>) Map(JsonElement r, string path, string sha, DateTimeOffset fetchedAt)
    {
        var f = new JsonFields();
        if (r.ValueKind != JsonValueKind.Object)
        {
            f.Error(FeedReasonCodes.JsonType, path, "an OSV record must be a JSON object");
            return (null, f.Errors);
        }

        // Our own structural reading first: its messages name the field; the schema then adds what it alone knows.
        var id = f.ReqStr(r, path, "id");
        var modified = f.Time(r, path, "modified");
        if (modified is null && !f.HasErrors)
        {
            f.Error(FeedReasonCodes.JsonRequired, JsonFields.Child(path, "modified"), "required field is missing");
        }

        var affected = new List<OsvAffected>();
        foreach (var (a, ap) in f.Objs(r, path, "affected"))
        {
            OsvPackage? package = null;
            if (f.Obj(a, ap, "package") is { } p)
            {
                var pp = JsonFields.Child(ap, "package");
                package = new OsvPackage(f.ReqStr(p, pp, "ecosystem"), f.ReqStr(p, pp, "name"), f.Str(p, pp, "purl"));
            }

            var ranges = new List<OsvRange>();
            foreach (var (rg, rp) in f.Objs(a, ap, "ranges"))
            {
                var events = new List<OsvEvent>();
                foreach (var (ev, ep) in f.Objs(rg, rp, "events"))
                {
                    var found = 0;
                    foreach (var (name, kind) in EventKinds)
                    {
                        if (f.Str(ev, ep, name) is { } value)
                        {
                            events.Add(new OsvEvent(kind, value));
                            found++;
                        }
                    }

                    if (found != 1)
                    {
                        f.Error(FeedReasonCodes.InvalidValue, ep, "an event must have exactly one of introduced, fixed, last_affected, limit");
                    }
                }

                if (events.Count > 0 && !events.Any(e => e.Kind == OsvEventKind.Introduced))
                {
                    f.Error(FeedReasonCodes.InvalidValue, rp + "/events", "a range needs at least one introduced event");
                }

                ranges.Add(new OsvRange(f.ReqStr(rg, rp, "type"), f.Str(rg, rp, "repo"), events, JsonFields.Raw(rg, "database_specific")));
            }

            affected.Add(new OsvAffected(package, Severities(f, a, ap), ranges, f.Strs(a, ap, "versions"),
                JsonFields.Raw(a, "ecosystem_specific"), JsonFields.Raw(a, "database_specific")));
        }

        var record = new OsvRecord(
            f.Str(r, path, "schema_version"), id, modified ?? default, f.Time(r, path, "published"), f.Time(r, path, "withdrawn"),
            f.Strs(r, path, "aliases"), f.Strs(r, path, "upstream"), f.Strs(r, path, "related"),
            f.Str(r, path, "summary"), f.Str(r, path, "details"), Severities(f, r, path), affected,
            f.Objs(r, path, "references").Select(x => new OsvReference(f.ReqStr(x.Element, x.Path, "type"), f.ReqStr(x.Element, x.Path, "url"))).ToList(),
            f.Objs(r, path, "credits").Select(x => new OsvCredit(f.ReqStr(x.Element, x.Path, "name"), f.Strs(x.Element, x.Path, "contact"), f.Str(x.Element, x.Path, "type"))).ToList(),
            JsonFields.Raw(r, "database_specific"),
            new Provenance(FeedSource.Osv, id, modified?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), modified, sha, fetchedAt));

        // The hand-written check accepts the common case cheaply; only a record it rejects pays for the general
        // evaluator, which then decides and names the reasons.
        var schemaErrors = OsvSchemaCheck.IsValid(r) ? [] : SchemaValidator.Osv.Value.Validate(r);
        if (f.HasErrors || schemaErrors.Count > 0)
        {
            return (null, f.Errors.Concat(schemaErrors.Select(e => e with { Path = path + e.Path })).ToList());
        }

        return (record, []);
    }

    private static readonly (string Name, OsvEventKind Kind)[] EventKinds =
    [
        ("introduced", OsvEventKind.Introduced), ("fixed", OsvEventKind.Fixed),
        ("last_affected", OsvEventKind.LastAffected), ("limit", OsvEventKind.Limit),
    ];

    private static List<OsvSeverity> Severities(JsonFields f, JsonElement obj, string path) =>
        f.Objs(obj, path, "severity").Select(x => new OsvSeverity(f.ReqStr(x.Element, x.Path, "type"), f.ReqStr(x.Element, x.Path, "score"))).ToList();
}
