using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Server.Connectors;

/// <summary>
/// Lenient reading of vendor JSON (CONNECTORS.md §0): every field optional, wrong types read as absent, int64 as a
/// number or a string, times as DateTimeOffset stored UTC with 0001-01-01 meaning "no value".
/// </summary>
public static class VendorJson
{
    public static string? Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() is { Length: > 0 } s ? s : null
            : null;

    public static bool? Bool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
                _ => null,
            }
            : null;

    public static long? WholeNumber(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    public static DateTime? Time(this JsonElement element, string name) => ParseTime(element.Str(name));

    public static DateTime? ParseTime(string? text)
    {
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return null;
        }

        return parsed.Year <= 1 ? null : parsed.UtcDateTime;
    }

    /// <summary>The items of an array property; none when absent or not an array.</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>A required array property: a page without it is a broken answer, not an empty page.</summary>
    public static JsonElement.ArrayEnumerator RequiredArray(this JsonElement element, string name, string request, bool absentIsEmpty = false)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
        {
            return value.EnumerateArray();
        }

        if (absentIsEmpty && element.ValueKind == JsonValueKind.Object && !element.TryGetProperty(name, out _))
        {
            return default;
        }

        throw new ConnectorException(request, "connector.unexpected", $"the answer has no \"{name}\" list");
    }
}
