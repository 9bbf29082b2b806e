using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Core.Feeds.Cve5;

/// <summary>Reads CVE JSON 5.x records (one per document); structural errors quarantine the record with their pointers.</summary>
public static class Cve5Reader
{
    public static async Task<ParseResult<Cve5Record>> ReadAsync(Stream stream, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        var (bytes, refusal) = await JsonInput.ReadAllAsync(stream, options, cancellationToken);
        return bytes is null ? ParseResult.Refused<Cve5Record>(new Quarantined(location, null, [refusal!])) : Read(bytes, location, fetchedAt, options);
    }

    public static ParseResult<Cve5Record> Read(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return ParseResult.Refused<Cve5Record>(new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)]));
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return ParseResult.Refused<Cve5Record>(new Quarantined(location, null, [refusal!]));
        }

        using (doc)
        {
            var r = doc.RootElement;
            var f = new JsonFields();
            if (r.ValueKind != JsonValueKind.Object)
            {
                return ParseResult.Refused<Cve5Record>(new Quarantined(location, null, [new QuarantineReason(FeedReasonCodes.JsonType, "", "a CVE record must be a JSON object")]));
            }

            var dataType = f.Str(r, "", "dataType");
            if (dataType is not null && dataType != "CVE_RECORD")
            {
                f.Error(FeedReasonCodes.InvalidValue, "/dataType", $"expected CVE_RECORD, found '{JsonFields.Shorten(dataType)}'");
            }

            var meta = f.Obj(r, "", "cveMetadata") ?? Missing(f, "/cveMetadata");
            var id = f.ReqStr(meta, "/cveMetadata", "cveId");
            var updated = f.Time(meta, "/cveMetadata", "dateUpdated");
            var containers = f.Obj(r, "", "containers") ?? Missing(f, "/containers");
            var cna = f.Obj(containers, "/containers", "cna") is { } c ? Container(f, c, "/containers/cna") : null;
            var adp = f.Objs(containers, "/containers", "adp").Select(x => Container(f, x.Element, x.Path)).ToList();
            var record = new Cve5Record(
                f.ReqStr(r, "", "dataVersion"), id, f.ReqStr(meta, "/cveMetadata", "state"), f.Str(meta, "/cveMetadata", "assignerShortName"),
                f.Time(meta, "/cveMetadata", "datePublished"), updated, f.Time(meta, "/cveMetadata", "dateReserved"), cna, adp,
                new Provenance(FeedSource.Cve5, id, updated?.ToString("O", CultureInfo.InvariantCulture), updated, Provenance.Sha256Hex(bytes), fetchedAt, id));
            return f.HasErrors ? ParseResult.Refused<Cve5Record>(new Quarantined(id.Length > 0 ? id : location, null, f.Errors)) : new ParseResult<Cve5Record>([record], []);
        }
    }

    private static JsonElement Missing(JsonFields f, string path)
    {
        f.Error(FeedReasonCodes.JsonRequired, path, "required field is missing");
        return default;
    }

    private static readonly (string Property, string Version)[] CvssKinds =
        [("cvssV4_0", "4.0"), ("cvssV3_1", "3.1"), ("cvssV3_0", "3.0"), ("cvssV2_0", "2.0")];

    private static Cve5Container Container(JsonFields f, JsonElement c, string path)
    {
        var provider = f.Obj(c, path, "providerMetadata") ?? default;
        var shortName = f.Str(provider, path + "/providerMetadata", "shortName");
        var cvss = new List<CvssScore>();
        var other = new List<Cve5OtherMetric>();
        Cve5Ssvc? ssvc = null;
        Cve5KevHint? kev = null;
        foreach (var (m, mp) in f.Objs(c, path, "metrics"))
        {
            foreach (var (property, version) in CvssKinds)
            {
                if (f.Obj(m, mp, property) is { } s)
                {
                    var sp = mp + "/" + property;
                    cvss.Add(new CvssScore(f.Str(s, sp, "version") ?? version, f.ReqStr(s, sp, "vectorString"), f.Num(s, sp, "baseScore"), f.Str(s, sp, "baseSeverity"), shortName));
                }
            }

            if (f.Obj(m, mp, "other") is { } o)
            {
                var op = mp + "/other";
                var type = f.ReqStr(o, op, "type");
                var content = f.Obj(o, op, "content");
                other.Add(new Cve5OtherMetric(type, content?.GetRawText() ?? "null"));
                if (content is { } cc && string.Equals(type, "ssvc", StringComparison.OrdinalIgnoreCase))
                {
                    ssvc = Ssvc(f, cc, op + "/content");
                }
                else if (content is { } kc && string.Equals(type, "kev", StringComparison.OrdinalIgnoreCase))
                {
                    kev = new Cve5KevHint(f.Date(kc, op + "/content", "dateAdded"), f.Str(kc, op + "/content", "reference"));
                }
            }
        }

        return new Cve5Container(
            shortName, f.Str(provider, path + "/providerMetadata", "orgId"), f.Str(c, path, "title"),
            f.Objs(c, path, "affected").Select(a => new Cve5Affected(
                f.Str(a.Element, a.Path, "vendor"), f.Str(a.Element, a.Path, "product"), f.Str(a.Element, a.Path, "collectionURL"),
                f.Str(a.Element, a.Path, "packageName"), f.Strs(a.Element, a.Path, "cpes"), f.Strs(a.Element, a.Path, "platforms"),
                f.Strs(a.Element, a.Path, "modules"), f.Str(a.Element, a.Path, "repo"), f.Str(a.Element, a.Path, "defaultStatus"),
                f.Objs(a.Element, a.Path, "versions").Select(v => new Cve5Version(
                    f.ReqStr(v.Element, v.Path, "version"), f.ReqStr(v.Element, v.Path, "status"), f.Str(v.Element, v.Path, "versionType"),
                    f.Str(v.Element, v.Path, "lessThan"), f.Str(v.Element, v.Path, "lessThanOrEqual"),
                    f.Objs(v.Element, v.Path, "changes").Select(ch => new Cve5Change(f.ReqStr(ch.Element, ch.Path, "at"), f.ReqStr(ch.Element, ch.Path, "status"))).ToList())).ToList())).ToList(),
            f.Objs(c, path, "descriptions").Select(d => new Cve5Text(f.Str(d.Element, d.Path, "lang") ?? "", f.ReqStr(d.Element, d.Path, "value"))).ToList(),
            cvss, other,
            f.Objs(c, path, "problemTypes").SelectMany(p => f.Objs(p.Element, p.Path, "descriptions")).Select(d => new Cve5ProblemType(
                f.Str(d.Element, d.Path, "cweId"), f.ReqStr(d.Element, d.Path, "description"), f.Str(d.Element, d.Path, "lang"), f.Str(d.Element, d.Path, "type"))).ToList(),
            f.Objs(c, path, "references").Select(x => new Cve5Reference(f.ReqStr(x.Element, x.Path, "url"), f.Str(x.Element, x.Path, "name"), f.Strs(x.Element, x.Path, "tags"))).ToList(),
            ssvc, kev);
    }

    private static Cve5Ssvc Ssvc(JsonFields f, JsonElement content, string path)
    {
        string? exploitation = null, automatable = null, impact = null;
        foreach (var (option, _) in f.Objs(content, path, "options"))
        {
            foreach (var p in option.EnumerateObject())
            {
                var value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                switch (p.Name)
                {
                    case "Exploitation":
                        exploitation = value;
                        break;
                    case "Automatable":
                        automatable = value;
                        break;
                    case "Technical Impact":
                        impact = value;
                        break;
                    default:
                        break;
                }
            }
        }

        return new Cve5Ssvc(exploitation, automatable, impact, f.Str(content, path, "role"), f.Str(content, path, "version"), f.Time(content, path, "timestamp"));
    }
}
