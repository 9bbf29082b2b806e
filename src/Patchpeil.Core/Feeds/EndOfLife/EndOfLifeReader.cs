using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Core.Feeds.EndOfLife;

/// <summary>
/// Reads endoflife.date API v1 responses (<c>/products/{product}</c> and <c>/products</c>). A release that is structurally
/// broken is quarantined with its index; the product keeps the others. Lifecycle fields are read as dates or booleans:
/// API v1 <c>eolFrom</c>+<c>isEol</c>, and the date-or-boolean <c>eol</c> of the product files/API v0 when present.
/// </summary>
public static class EndOfLifeReader
{
    public static async Task<(EolProduct? Product, IReadOnlyList<Quarantined> Quarantined)> ReadProductAsync(Stream stream, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? (null, [new Quarantined(location, null, [refusal!])]) : ReadProduct(bytes, location, fetchedAt, options);
    }

    /// <summary>The product, or null when the document itself is unusable; quarantined holds refused releases or the reason.</summary>
    public static (EolProduct? Product, IReadOnlyList<Quarantined> Quarantined) ReadProduct(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return (null, [new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)])]);
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return (null, [new Quarantined(location, null, [refusal!])]);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var f = new JsonFields();
            var generated = f.Time(root, "", "generated_at");
            var modified = f.Time(root, "", "last_modified") ?? generated;
            var schemaVersion = f.Str(root, "", "schema_version");
            var result = f.Obj(root, "", "result");
            if (result is null)
            {
                f.Error(FeedReasonCodes.JsonRequired, "/result", "required field is missing");
            }

            if (f.HasErrors || result is not { } p)
            {
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            const string pp = "/result";
            var name = f.ReqStr(p, pp, "name");
            var label = f.Str(p, pp, "label") ?? name;
            var aliases = f.Strs(p, pp, "aliases");
            var category = f.Str(p, pp, "category");
            var tags = f.Strs(p, pp, "tags");
            var command = f.Str(p, pp, "versionCommand");
            var identifiers = f.Objs(p, pp, "identifiers").Select(x => new EolIdentifier(f.ReqStr(x.Element, x.Path, "type"), f.ReqStr(x.Element, x.Path, "id"))).ToList();
            if (f.HasErrors)
            {
                return (null, [new Quarantined(location, null, f.Errors)]);
            }

            var releases = new List<EolRelease>();
            var quarantined = new List<Quarantined>();
            foreach (var (r, rp) in f.Arr(p, pp, "releases").Select((x, i) => (x, i)).Select(t => (t.x.Element, t.x.Path)))
            {
                var rf = new JsonFields();
                var release = r.ValueKind == JsonValueKind.Object ? Release(rf, r, rp) : null;
                if (release is null && !rf.HasErrors)
                {
                    rf.Error(FeedReasonCodes.JsonType, rp, "a release must be an object");
                }

                if (rf.HasErrors)
                {
                    quarantined.Add(new Quarantined(location, int.Parse(rp[(rp.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture), rf.Errors));
                }
                else
                {
                    releases.Add(release!);
                }
            }

            if (f.HasErrors)
            {
                quarantined.Add(new Quarantined(location, null, f.Errors));
            }

            // The API has no document revision; its last_modified (else generated_at) time stands in for one.
            var revision = modified?.ToString("O", CultureInfo.InvariantCulture) ?? schemaVersion;
            var provenance = new Provenance(FeedSource.EndOfLife, name, revision, modified, Provenance.Sha256Hex(bytes), fetchedAt);
            return (new EolProduct(name, label, aliases, category, tags, command, identifiers, releases, provenance), quarantined);
        }
    }

    public static ParseResult<EolProductSummary> ReadProducts(byte[] bytes, string location, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return ParseResult.Refused<EolProductSummary>(new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)]));
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return ParseResult.Refused<EolProductSummary>(new Quarantined(location, null, [refusal!]));
        }

        using (doc)
        {
            var items = new List<EolProductSummary>();
            var quarantined = new List<Quarantined>();
            var root = doc.RootElement;
            var top = new JsonFields();
            var list = top.Arr(root, "", "result").ToList();
            if (top.HasErrors || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out _))
            {
                return ParseResult.Refused<EolProductSummary>(new Quarantined(location, null,
                    top.HasErrors ? top.Errors : [new QuarantineReason(FeedReasonCodes.JsonRequired, "/result", "required field is missing")]));
            }

            for (var i = 0; i < list.Count; i++)
            {
                var (e, path) = list[i];
                var f = new JsonFields();
                var name = f.ReqStr(e, path, "name");
                var summary = new EolProductSummary(name, f.Str(e, path, "label") ?? name, f.Strs(e, path, "aliases"), f.Str(e, path, "category"), f.Strs(e, path, "tags"), f.Str(e, path, "uri"));
                if (e.ValueKind != JsonValueKind.Object)
                {
                    f.Error(FeedReasonCodes.JsonType, path, "a product must be an object");
                }

                if (f.HasErrors)
                {
                    quarantined.Add(new Quarantined(location, i, f.Errors));
                }
                else
                {
                    items.Add(summary);
                }
            }

            return new ParseResult<EolProductSummary>(items, quarantined);
        }
    }

    private static EolRelease Release(JsonFields f, JsonElement r, string path)
    {
        EolLatest? latest = null;
        if (f.Obj(r, path, "latest") is { } l)
        {
            latest = new EolLatest(f.ReqStr(l, path + "/latest", "name"), f.Date(l, path + "/latest", "date"), f.Str(l, path + "/latest", "link"));
        }
        else if (r.TryGetProperty("latest", out var lv) && lv.ValueKind == JsonValueKind.String)
        {
            latest = new EolLatest(lv.GetString()!, f.Date(r, path, "latestReleaseDate"), f.Str(r, path, "link"));
        }

        var name = f.Str(r, path, "name") ?? f.ReqStr(r, path, "cycle");
        return new EolRelease(
            name, f.Str(r, path, "codename"), f.Str(r, path, "label") ?? name, f.Date(r, path, "releaseDate"),
            f.Bool(r, path, "isLts") ?? false, f.Date(r, path, "ltsFrom"),
            Lifecycle(f, r, path, "eoas"), Lifecycle(f, r, path, "eol"), Lifecycle(f, r, path, "eoes"), Lifecycle(f, r, path, "discontinued"),
            latest, JsonFields.Raw(r, "custom"), f.Bool(r, path, "isEol"));
    }

    /// <summary>
    /// API v1: <c>{x}From</c> is a date or null, <c>is{X}</c> a boolean (null/absent for "not eligible"). Product files and
    /// API v0: <c>{x}</c> is a date string or a boolean.
    /// </summary>
    private static LifecycleDate Lifecycle(JsonFields f, JsonElement r, string path, string field)
    {
        var from = field + "From";
        var isName = "is" + char.ToUpperInvariant(field[0]) + field[1..];
        if (r.TryGetProperty(from, out var fromValue))
        {
            if (fromValue.ValueKind == JsonValueKind.String)
            {
                return f.Date(r, path, from) is { } d ? new LifecycleDate(LifecycleKind.Date, d) : LifecycleDate.NotApplicable;
            }

            if (fromValue.ValueKind != JsonValueKind.Null)
            {
                f.Error(FeedReasonCodes.JsonType, JsonFields.Child(path, from), "expected a date string or null");
                return LifecycleDate.NotApplicable;
            }

            return f.Bool(r, path, isName) switch
            {
                true => new LifecycleDate(LifecycleKind.Ended, null),
                false => new LifecycleDate(LifecycleKind.Unknown, null),
                null => LifecycleDate.NotApplicable,
            };
        }

        if (r.TryGetProperty(field, out var legacy))
        {
            switch (legacy.ValueKind)
            {
                case JsonValueKind.True:
                    return new LifecycleDate(LifecycleKind.Ended, null);
                case JsonValueKind.False:
                    return new LifecycleDate(LifecycleKind.NotEnded, null);
                case JsonValueKind.String:
                    return f.Date(r, path, field) is { } d ? new LifecycleDate(LifecycleKind.Date, d) : LifecycleDate.NotApplicable;
                case JsonValueKind.Null:
                    return new LifecycleDate(LifecycleKind.Unknown, null);
                default:
                    f.Error(FeedReasonCodes.JsonType, JsonFields.Child(path, field), "expected a date string or a boolean");
                    return LifecycleDate.NotApplicable;
            }
        }

        return LifecycleDate.NotApplicable;
    }
}
