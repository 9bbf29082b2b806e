using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Core.Feeds.Nvd;

/// <summary>
/// Reads NVD CVE API 2.0 responses. A page is streamed: records are read one by one from the
/// <c>vulnerabilities</c> array (see <see cref="JsonArrayStream"/>), so a 2,000-record page never becomes one DOM.
/// A record with wrong field types is quarantined with its index; the others are kept.
/// </summary>
public static class NvdReader
{
    public static async Task<NvdPage> ReadPageAsync(Stream stream, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FeedReadOptions.Default;
        const string location = "nvd-cve-api-2.0";
        if (stream.CanSeek && stream.Length - stream.Position > options.MaxBytes)
        {
            return Empty(JsonInput.TooLarge(stream.Length - stream.Position, options), "");
        }

        using var input = new LimitedHashingStream(stream, options.MaxBytes);
        var array = new JsonArrayStream("vulnerabilities", options);
        var items = new List<NvdCve>();
        var quarantined = new List<Quarantined>();
        var index = 0;
        await array.ReadAsync(input, (element, bytes, reason) =>
        {
            var path = JsonFields.Child("/vulnerabilities", index);
            if (reason is not null)
            {
                quarantined.Add(new Quarantined(location, index, [reason with { Path = path }]));
            }
            else
            {
                var f = new JsonFields();
                var cve = f.Obj(element, path, "cve");
                if (cve is null && !f.HasErrors)
                {
                    f.Error(FeedReasonCodes.JsonRequired, path + "/cve", "required field is missing");
                }

                var record = cve is { } c ? Map(f, c, path + "/cve", Provenance.Sha256Hex(bytes.Span), fetchedAt) : null;
                if (record is not null && !f.HasErrors)
                {
                    items.Add(record);
                }
                else
                {
                    quarantined.Add(new Quarantined(location, index, f.Errors));
                }
            }

            index++;
        }, cancellationToken);

        if (input.LimitExceeded)
        {
            quarantined.Add(new Quarantined(location, null, [JsonInput.TooLarge(options.MaxBytes, options, atLeast: true)]));
        }
        else if (array.Failure is { } failure)
        {
            quarantined.Add(new Quarantined(location, null, [failure with { Message = failure.Message + string.Create(CultureInfo.InvariantCulture, $"; {index} records before it were read") }]));
        }
        else if (!array.ArrayFound)
        {
            quarantined.Add(new Quarantined(location, null, [new QuarantineReason(FeedReasonCodes.JsonRequired, "/vulnerabilities", "the page has no vulnerabilities array")]));
        }

        int? Int(string name) => array.Scalars.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
        string? Str(string name) => array.Scalars.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateTimeOffset? timestamp = Str("timestamp") is { } t && JsonFields.TryParseTime(t, out var ts) ? ts : null;
        if (array.ArrayFound && array.Failure is null && !input.LimitExceeded && Int("resultsPerPage") is { } perPage && perPage != index)
        {
            // NVD states how many records the page holds; a difference means records were lost on the way.
            quarantined.Add(new Quarantined(location, null, [new QuarantineReason(FeedReasonCodes.Mismatch, "/resultsPerPage",
                string.Create(CultureInfo.InvariantCulture, $"resultsPerPage says {perPage}, the page has {index} records"))]));
        }

        return new NvdPage(Int("resultsPerPage"), Int("startIndex"), Int("totalResults"), Str("format"), Str("version"), timestamp,
            new ParseResult<NvdCve>(items, quarantined), input.Sha256Hex());
    }

    /// <summary>A bare <c>cve</c> object (one record as stored by mirrors).</summary>
    public static ParseResult<NvdCve> ReadCve(byte[] bytes, string location, DateTimeOffset fetchedAt, FeedReadOptions? options = null)
    {
        options ??= FeedReadOptions.Default;
        if (bytes.LongLength > options.MaxBytes)
        {
            return ParseResult.Refused<NvdCve>(new Quarantined(location, null, [JsonInput.TooLarge(bytes.LongLength, options)]));
        }

        var (doc, refusal) = JsonInput.Parse(bytes, options);
        if (doc is null)
        {
            return ParseResult.Refused<NvdCve>(new Quarantined(location, null, [refusal!]));
        }

        using (doc)
        {
            var f = new JsonFields();
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ParseResult.Refused<NvdCve>(new Quarantined(location, null, [new QuarantineReason(FeedReasonCodes.JsonType, "", "a CVE record must be an object")]));
            }

            var record = Map(f, doc.RootElement, "", Provenance.Sha256Hex(bytes), fetchedAt);
            return f.HasErrors ? ParseResult.Refused<NvdCve>(new Quarantined(location, null, f.Errors)) : new ParseResult<NvdCve>([record], []);
        }
    }

    private static readonly (string Property, string Version)[] MetricKinds =
        [("cvssMetricV40", "4.0"), ("cvssMetricV31", "3.1"), ("cvssMetricV30", "3.0"), ("cvssMetricV2", "2.0")];

    private static NvdCve Map(JsonFields f, JsonElement c, string path, string sha, DateTimeOffset fetchedAt)
    {
        var id = f.ReqStr(c, path, "id");
        var lastModifiedText = f.Str(c, path, "lastModified");
        var lastModified = f.Time(c, path, "lastModified");

        var metrics = new List<CvssScore>();
        if (f.Obj(c, path, "metrics") is { } m)
        {
            var mp = path + "/metrics";
            foreach (var (property, version) in MetricKinds)
            {
                foreach (var (metric, p) in f.Objs(m, mp, property))
                {
                    var data = f.Obj(metric, p, "cvssData");
                    if (data is not { } d)
                    {
                        f.Error(FeedReasonCodes.JsonRequired, p + "/cvssData", "required field is missing");
                        continue;
                    }

                    var dp = p + "/cvssData";
                    // v2 keeps its severity beside cvssData; v3/v4 inside it.
                    var severity = f.Str(d, dp, "baseSeverity") ?? f.Str(metric, p, "baseSeverity");
                    metrics.Add(new CvssScore(f.Str(d, dp, "version") ?? version, f.ReqStr(d, dp, "vectorString"), f.Num(d, dp, "baseScore"),
                        severity, f.Str(metric, p, "source"), f.Str(metric, p, "type")));
                }
            }
        }

        var configurations = f.Objs(c, path, "configurations").Select(x => new NvdConfiguration(
            f.Str(x.Element, x.Path, "operator"), f.Bool(x.Element, x.Path, "negate") ?? false,
            f.Objs(x.Element, x.Path, "nodes").Select(n => new NvdNode(
                f.Str(n.Element, n.Path, "operator") ?? "OR", f.Bool(n.Element, n.Path, "negate") ?? false,
                f.Objs(n.Element, n.Path, "cpeMatch").Select(cm => new NvdCpeMatch(
                    f.Bool(cm.Element, cm.Path, "vulnerable") ?? Missing(f, cm.Path + "/vulnerable"),
                    f.ReqStr(cm.Element, cm.Path, "criteria"),
                    f.Str(cm.Element, cm.Path, "matchCriteriaId"),
                    f.Str(cm.Element, cm.Path, "versionStartIncluding"),
                    f.Str(cm.Element, cm.Path, "versionStartExcluding"),
                    f.Str(cm.Element, cm.Path, "versionEndIncluding"),
                    f.Str(cm.Element, cm.Path, "versionEndExcluding"))).ToList())).ToList())).ToList();

        var exploitAdd = f.Date(c, path, "cisaExploitAdd");
        var kev = exploitAdd is null && f.Str(c, path, "cisaVulnerabilityName") is null
            ? null
            : new NvdKev(exploitAdd, f.Date(c, path, "cisaActionDue"), f.Str(c, path, "cisaRequiredAction"), f.Str(c, path, "cisaVulnerabilityName"));

        return new NvdCve(
            id, f.Str(c, path, "sourceIdentifier"), f.Time(c, path, "published"), lastModified, f.Str(c, path, "vulnStatus"),
            f.Objs(c, path, "cveTags").Select(x => new NvdCveTag(f.Str(x.Element, x.Path, "sourceIdentifier"), f.Strs(x.Element, x.Path, "tags"))).ToList(),
            Texts(f, c, path, "descriptions"),
            metrics,
            f.Objs(c, path, "weaknesses").Select(x => new NvdWeakness(f.ReqStr(x.Element, x.Path, "source"), f.Str(x.Element, x.Path, "type"), Texts(f, x.Element, x.Path, "description"))).ToList(),
            configurations,
            f.Objs(c, path, "references").Select(x => new NvdReference(f.ReqStr(x.Element, x.Path, "url"), f.Str(x.Element, x.Path, "source"), f.Strs(x.Element, x.Path, "tags"))).ToList(),
            kev,
            new Provenance(FeedSource.Nvd, id, lastModifiedText, lastModified, sha, fetchedAt, id));
    }

    private static bool Missing(JsonFields f, string path)
    {
        f.Error(FeedReasonCodes.JsonRequired, path, "required field is missing");
        return false;
    }

    private static List<NvdText> Texts(JsonFields f, JsonElement obj, string path, string name) =>
        f.Objs(obj, path, name).Select(x => new NvdText(f.Str(x.Element, x.Path, "lang") ?? "", f.ReqStr(x.Element, x.Path, "value"))).ToList();

    private static NvdPage Empty(QuarantineReason reason, string sha) =>
        new(null, null, null, null, null, null, ParseResult.Refused<NvdCve>(new Quarantined("nvd-cve-api-2.0", null, [reason])), sha);
}
