using System.Security.Cryptography;
using System.Text;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// Enrollment secrets (ppe_…) and device keys (ppd_…): 256 random bits, URL-safe; only the SHA-256 is stored.
/// A fast hash is enough because the values are random, not chosen by people (as for API tokens, ADR 0005).
/// </summary>
public static class AgentKeys
{
    public const string SecretMarker = "ppe_";
    public const string DeviceKeyMarker = "ppd_";

    public static (string Value, string Prefix, string Hash) NewSecret() => New(SecretMarker);

    public static (string Value, string Prefix, string Hash) NewDeviceKey() => New(DeviceKeyMarker);

    public static string HashOf(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static bool LooksLike(string? value, string marker) =>
        value is not null && value.StartsWith(marker, StringComparison.Ordinal) && value.Length is > 40 and < 100;

    /// <summary>The device key from `Authorization: Bearer ppd_…`, or null.</summary>
    public static string? DeviceKeyFrom(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = header["Bearer ".Length..].Trim();
        return LooksLike(key, DeviceKeyMarker) ? key : null;
    }

    private static (string, string, string) New(string marker)
    {
        var value = marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (value, value[..12], HashOf(value));
    }
}
