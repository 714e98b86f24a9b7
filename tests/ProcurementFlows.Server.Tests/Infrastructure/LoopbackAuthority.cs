using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProcurementFlows.Server.Tests.Infrastructure;

/// <summary>
/// A minimal OpenID Connect authority on loopback: a Kestrel host serving the discovery document and a JWKS with one RSA key,
/// and a token factory that signs with that key (or, for negative tests, with a key the JWKS does not publish).
/// </summary>
public sealed class LoopbackAuthority : IAsyncDisposable
{
    /// <summary>The key id of the published key (an impostor key reuses it, so only the signature differs).</summary>
    public const string KeyId = "loopback-1";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly RSA impostor = RSA.Create(2048);
    private WebApplication? app;

    /// <summary>The issuer URL (also the authority), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Starts the host on a free loopback port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = KeyId });
            return Results.Text(JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = KeyId, n = jwk.N, e = jwk.E } } }), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Issuer = address.TrimEnd('/');
    }

    /// <summary>A signed access token; every part can be spoiled for negative tests.</summary>
    public string Token(
        string userName,
        IEnumerable<string> roles,
        IEnumerable<string> groups,
        string audience = "procurementflows-api",
        string? issuer = null,
        TimeSpan? expiresIn = null,
        bool wrongKey = false,
        string? displayName = null)
    {
        var now = TimeProvider.System.GetUtcNow();
        var lifetime = expiresIn ?? TimeSpan.FromMinutes(10);
        var key = new RsaSecurityKey(wrongKey ? impostor : rsa) { KeyId = KeyId };
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "sub-" + userName,
            ["preferred_username"] = userName,
            ["roles"] = roles.ToArray(),
            ["groups"] = groups.ToArray(),
        };
        if (displayName is not null)
        {
            claims["name"] = displayName;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            // An expired token was also issued in the past, so that its times are consistent.
            IssuedAt = (lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now).UtcDateTime,
            NotBefore = (lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now).UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
        impostor.Dispose();
    }
}
