using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Patchpeil.Server.Connectors;

/// <summary>A compact RS256 JWT (RFC 7515/7519), for Google's jwt-bearer grant and Entra's certificate client assertion.</summary>
public static class Jwt
{
    public static string SignRs256(IReadOnlyDictionary<string, object> header, IReadOnlyDictionary<string, object> claims, RSA key)
    {
        var head = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header));
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{head}.{body}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{head}.{body}.{Base64Url(signature)}";
    }

    public static string Base64Url(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
