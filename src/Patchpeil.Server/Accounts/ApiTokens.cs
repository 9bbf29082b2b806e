using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Accounts;

public static class ApiTokenFormat
{
    public const string Scheme = "ApiToken";
    private const string Marker = "pp_";

    /// <summary>A new token: 32 random bytes, URL-safe; only its SHA-256 is stored.</summary>
    public static (string Token, string Prefix, string Hash) Create()
    {
        var token = Marker + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, token[..10], HashOf(token));
    }

    public static string HashOf(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool LooksLikeToken(string value) => value.StartsWith(Marker, StringComparison.Ordinal) && value.Length is > 20 and < 100;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates `Authorization: Bearer pp_…` against the hashed tokens; the token fixes organisation and role.</summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PatchpeilDbContext db, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (!ApiTokenFormat.LooksLikeToken(token))
        {
            return AuthenticateResult.Fail("The bearer token is not a Patchpeil API token.");
        }

        var hash = ApiTokenFormat.HashOf(token);
        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.ApiTokens.IgnoreQueryFilters().SingleOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        if (row is null || row.RevokedUtc is not null || (row.ExpiresUtc is { } expires && expires <= now))
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        var member = await db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == row.UserId && m.OrganisationId == row.OrganisationId, Context.RequestAborted);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == row.UserId, Context.RequestAborted);
        if (!member || user is null)
        {
            return AuthenticateResult.Fail("The API token's owner no longer belongs to its organisation.");
        }

        if (row.LastUsedUtc is null || now - row.LastUsedUtc > TimeSpan.FromMinutes(5))
        {
            await db.ApiTokens.IgnoreQueryFilters().Where(t => t.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, $"{user.UserName} (token {row.Prefix})"),
            new Claim(PatchpeilClaims.Organisation, row.OrganisationId.ToString()),
            new Claim(PatchpeilClaims.AuthMethod, PatchpeilClaims.TokenAuth),
            new Claim(ClaimTypes.Role, row.Role.ToString()),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
