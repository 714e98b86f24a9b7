using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProcurementFlows.Server.Identity;

/// <summary>The claim types of local identities (cookies and issued tokens).</summary>
internal static class LocalClaimTypes
{
    public const string Name = "name";
    public const string DisplayName = "display_name";
    public const string Role = "role";
    public const string Group = "groups";
}

/// <summary>The symmetric key that signs local API tokens: configured, or ephemeral in Development.</summary>
internal sealed class LocalSigningKey
{
    public LocalSigningKey(IOptions<IdentityOptions> options)
    {
        var configured = options.Value.Local.SigningKey;
        // Validation guarantees a configured key outside Development; an ephemeral key means tokens die with the process.
        var bytes = string.IsNullOrWhiteSpace(configured) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(configured);
        Key = new SymmetricSecurityKey(bytes) { KeyId = "local" };
        IsEphemeral = string.IsNullOrWhiteSpace(configured);
    }

    public SymmetricSecurityKey Key { get; }

    public bool IsEphemeral { get; }
}

/// <summary>Issues signed JWTs for local accounts.</summary>
internal sealed class LocalTokenService(LocalSigningKey key, IOptions<IdentityOptions> options, TimeProvider time)
{
    public (string Token, TimeSpan Lifetime) Issue(AccountInfo account)
    {
        var local = options.Value.Local;
        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = account.UserName,
            [LocalClaimTypes.Name] = account.UserName,
            [LocalClaimTypes.DisplayName] = account.DisplayName,
            [LocalClaimTypes.Role] = account.Roles.ToArray(),
            [LocalClaimTypes.Group] = account.Groups.ToArray(),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = local.Issuer,
            Audience = local.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(local.TokenLifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), local.TokenLifetime);
    }

    public static ClaimsPrincipal CreatePrincipal(AccountInfo account, string authenticationType)
    {
        var identity = new ClaimsIdentity(authenticationType, LocalClaimTypes.Name, LocalClaimTypes.Role);
        identity.AddClaim(new Claim(LocalClaimTypes.Name, account.UserName));
        identity.AddClaim(new Claim(LocalClaimTypes.DisplayName, account.DisplayName));
        identity.AddClaims(account.Roles.Select(r => new Claim(LocalClaimTypes.Role, r)));
        identity.AddClaims(account.Groups.Select(g => new Claim(LocalClaimTypes.Group, g)));
        return new ClaimsPrincipal(identity);
    }
}
