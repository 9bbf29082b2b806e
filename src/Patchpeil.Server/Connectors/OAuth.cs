using System.Text.Json;

namespace Patchpeil.Server.Connectors;

/// <summary>The OAuth 2.0 token answer (RFC 6749 §5.1) shared by Entra ID, Google and Jamf Pro.</summary>
public static class OAuth
{
    public static ConnectorCredential Credential(JsonElement root, string request, TimeProvider time)
    {
        var token = root.Str("access_token") ?? throw new ConnectorException(request, "connector.token", "the token answer has no access_token");
        var type = root.Str("token_type") ?? "Bearer";
        if (!type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectorException(request, "connector.token", $"token type \"{type}\" is not a bearer token");
        }

        var lifetime = root.WholeNumber("expires_in") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        return new ConnectorCredential(new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token), time.GetUtcNow() + lifetime);
    }
}
