using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// Reads fields of one record from a JsonElement and collects structural problems (wrong type, missing required field)
/// as reasons with a JSON Pointer, so a caller can quarantine the record instead of throwing. Vendor text is never judged.
/// </summary>
internal sealed class JsonFields
{
    private readonly List<QuarantineReason> _errors = [];

    public IReadOnlyList<QuarantineReason> Errors => _errors;
    public bool HasErrors => _errors.Count > 0;

    public void Error(string code, string path, string message) => _errors.Add(new QuarantineReason(code, path, message));

    public static string Child(string path, string name) => path + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Child(string path, int index) => path + "/" + index.ToString(CultureInfo.InvariantCulture);

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private void TypeError(string path, string expected, JsonElement actual) =>
        Error(FeedReasonCodes.JsonType, path, $"expected {expected}, found {actual.ValueKind.ToString().ToLowerInvariant()}");

    public string? Str(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            TypeError(Child(path, name), "string", v);
            return null;
        }

        return v.GetString();
    }

    public string ReqStr(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out _))
        {
            Error(FeedReasonCodes.JsonRequired, Child(path, name), "required field is missing");
            return "";
        }

        return Str(obj, path, name) ?? "";
    }

    public bool? Bool(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        TypeError(Child(path, name), "boolean", v);
        return null;
    }

    public decimal? Num(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d))
        {
            return d;
        }

        TypeError(Child(path, name), "number", v);
        return null;
    }

    public long? Int(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l))
        {
            return l;
        }

        TypeError(Child(path, name), "integer", v);
        return null;
    }

    /// <summary>RFC 3339 with any fraction precision; a timestamp without zone (NVD) is UTC.</summary>
    public DateTimeOffset? Time(JsonElement obj, string path, string name)
    {
        var s = Str(obj, path, name);
        if (s is null)
        {
            return null;
        }

        if (TryParseTime(s, out var t))
        {
            return t;
        }

        Error(FeedReasonCodes.InvalidValue, Child(path, name), $"not a date-time: '{Shorten(s)}'");
        return null;
    }

    public static bool TryParseTime(string s, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out value);

    public DateOnly? Date(JsonElement obj, string path, string name)
    {
        var s = Str(obj, path, name);
        if (s is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        Error(FeedReasonCodes.InvalidValue, Child(path, name), $"not a date (yyyy-MM-dd): '{Shorten(s)}'");
        return null;
    }

    public JsonElement? Obj(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            TypeError(Child(path, name), "object", v);
            return null;
        }

        return v;
    }

    /// <summary>Elements of an array field with their pointers; a non-array is reported and yields nothing.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Arr(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, name, out var v))
        {
            return [];
        }

        var p = Child(path, name);
        if (v.ValueKind != JsonValueKind.Array)
        {
            TypeError(p, "array", v);
            return [];
        }

        return v.EnumerateArray().Select((e, i) => (e, Child(p, i))).ToList();
    }

    /// <summary>Like <see cref="Arr"/> but every element must be an object.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Objs(JsonElement obj, string path, string name)
    {
        var result = new List<(JsonElement, string)>();
        foreach (var (e, p) in Arr(obj, path, name))
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                result.Add((e, p));
            }
            else
            {
                TypeError(p, "object", e);
            }
        }

        return result;
    }

    public IReadOnlyList<string> Strs(JsonElement obj, string path, string name)
    {
        var result = new List<string>();
        foreach (var (e, p) in Arr(obj, path, name))
        {
            if (e.ValueKind == JsonValueKind.String)
            {
                result.Add(e.GetString()!);
            }
            else
            {
                TypeError(p, "string", e);
            }
        }

        return result;
    }

    public static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";

    /// <summary>Raw JSON of an optional free-form field (ecosystem_specific, database_specific …), kept verbatim.</summary>
    public static string? Raw(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetRawText() : null;
}
