using System.ComponentModel.DataAnnotations;

namespace ProcurementFlows.Server.Identity;

/// <summary>How users sign in. Bound from the <c>Identity</c> configuration section.</summary>
public sealed class IdentityOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Identity";

    /// <summary>
    /// <see cref="IdentityMode.Local"/> (default): accounts from configuration, a sign-in page and
    /// <c>POST /api/auth/token</c>. <see cref="IdentityMode.Oidc"/>: JWT bearer tokens from an OpenID Connect authority.
    /// </summary>
    public IdentityMode Mode { get; set; } = IdentityMode.Local;

    /// <summary>Settings for <see cref="IdentityMode.Local"/>.</summary>
    public LocalIdentityOptions Local { get; set; } = new();

    /// <summary>Settings for <see cref="IdentityMode.Oidc"/>.</summary>
    public OidcIdentityOptions Oidc { get; set; } = new();
}

/// <summary>Where identities come from.</summary>
public enum IdentityMode
{
    /// <summary>Local accounts from configuration.</summary>
    Local,

    /// <summary>JWT bearer tokens issued by an external OpenID Connect authority.</summary>
    Oidc,
}

/// <summary>Local accounts and the key that signs their API tokens.</summary>
public sealed class LocalIdentityOptions
{
    /// <summary>The accounts. Sample accounts live only in <c>appsettings.Development.json</c>.</summary>
    public List<LocalAccountOptions> Accounts { get; set; } = [];

    /// <summary>
    /// Base64 HMAC-SHA256 key (at least 32 bytes) that signs API tokens. Required outside Development;
    /// in Development an ephemeral key is generated when none is configured. Never logged.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> of issued tokens (default <c>procurementflows</c>).</summary>
    [Required]
    public string Issuer { get; set; } = "procurementflows";

    /// <summary>The <c>aud</c> of issued tokens (default <c>procurementflows-api</c>).</summary>
    [Required]
    public string Audience { get; set; } = "procurementflows-api";

    /// <summary>Lifetime of API tokens and sign-in cookies (default 8 hours).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed and successful sign-in attempts allowed per user name per minute (default 20).</summary>
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 20;
}

/// <summary>One local account.</summary>
public sealed class LocalAccountOptions
{
    /// <summary>The sign-in name (unique, case-insensitive).</summary>
    public string UserName { get; set; } = "";

    /// <summary>A display name for the workbench.</summary>
    public string? DisplayName { get; set; }

    /// <summary>
    /// The password hash in ASP.NET Core Identity's PBKDF2 format; produce one with
    /// <c>dotnet ProcurementFlows.Server.dll hash-password</c>.
    /// </summary>
    public string? PasswordHash { get; set; }

    /// <summary>A plain-text password, accepted only in the Development environment (sample users).</summary>
    public string? Password { get; set; }

    /// <summary>Roles: <c>designer</c>, <c>officer</c>, <c>supervisor</c>, <c>admin</c>.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Groups, matched against candidate groups in diagrams.</summary>
    public List<string> Groups { get; set; } = [];
}

/// <summary>JWT bearer validation against an OpenID Connect authority.</summary>
public sealed class OidcIdentityOptions
{
    /// <summary>The authority (issuer) URL, e.g. <c>https://login.example.org/realms/defence</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The expected audience; when empty the audience is not checked.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the metadata address must use HTTPS (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim that names the user (default <c>preferred_username</c>).</summary>
    [Required]
    public string NameClaimType { get; set; } = "preferred_username";

    /// <summary>The claim carrying roles (default <c>roles</c>).</summary>
    [Required]
    public string RoleClaimType { get; set; } = "roles";

    /// <summary>The claim carrying groups (default <c>groups</c>).</summary>
    [Required]
    public string GroupClaimType { get; set; } = "groups";
}
