using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Camunda;

/// <summary>
/// HTTP Basic authentication against the local accounts, for Camunda clients (Modeler, external-task clients) that
/// cannot fetch a bearer token. Failed attempts count against the same per-user throttle as sign-in; a verified
/// credential is remembered for <see cref="EngineRestOptions.BasicCredentialCacheDuration"/> by its SHA-256 only.
/// In OpenID Connect mode there are no local passwords, so Basic is not offered.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ILocalAccountStore accounts,
    SignInThrottle throttle,
    BasicCredentialCache cache,
    IOptions<IdentityOptions> identity) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "EngineRestBasic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (identity.Value.Mode != IdentityMode.Local || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !TryDecode(value.Parameter, out var userName, out var password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        if (throttle.IsBlocked(userName))
        {
            return Task.FromResult(AuthenticateResult.Fail("Too many failed sign-ins; try again in a minute."));
        }

        var account = cache.Find(userName, password);
        if (account is null)
        {
            account = accounts.Verify(userName, password);
            if (account is null)
            {
                throttle.RecordFailure(userName);
                return Task.FromResult(AuthenticateResult.Fail("Invalid user name or password."));
            }

            cache.Remember(userName, password, account);
        }

        var principal = LocalTokenService.CreatePrincipal(account, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (identity.Value.Mode == IdentityMode.Local)
        {
            Response.Headers.Append("WWW-Authenticate", "Basic realm=\"engine-rest\", charset=\"UTF-8\"");
        }

        return Task.CompletedTask;
    }

    private static bool TryDecode(string? parameter, out string userName, out string password)
    {
        userName = password = "";
        if (string.IsNullOrEmpty(parameter))
        {
            return false;
        }

        var buffer = new byte[parameter.Length];
        if (!Convert.TryFromBase64String(parameter, buffer, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        (userName, password) = (text[..colon], text[(colon + 1)..]);
        return true;
    }
}

/// <summary>Verified Basic credentials by SHA-256 of user and password, for a short time (never the password itself).</summary>
internal sealed class BasicCredentialCache(IOptions<EngineRestOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (AccountInfo Account, DateTimeOffset Expires)> entries = new(StringComparer.Ordinal);

    public AccountInfo? Find(string userName, string password)
    {
        var key = Key(userName, password);
        if (entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow())
        {
            return entry.Account;
        }

        entries.TryRemove(key, out _);
        return null;
    }

    public void Remember(string userName, string password, AccountInfo account)
    {
        var duration = options.Value.BasicCredentialCacheDuration;
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        if (entries.Count > 10_000)
        {
            entries.Clear(); // bounded: a flood of distinct valid credentials only costs re-verification
        }

        entries[Key(userName, password)] = (account, time.GetUtcNow() + duration);
    }

    private static string Key(string userName, string password) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(userName.ToUpperInvariant() + "\0" + password)));
}
