using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ProcurementFlows.Server.Identity;

/// <summary>Composition of authentication and authorization.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>The policy scheme that picks bearer tokens or the sign-in cookie per request.</summary>
    public const string Scheme = "ProcurementFlows";

    /// <summary>
    /// Adds identity: local accounts (sign-in cookie for the workbench, signed JWTs for the API) or JWT bearer from an
    /// OIDC authority; the role policies; and a fallback policy that requires sign-in for every endpoint.
    /// </summary>
    public static IServiceCollection AddProcurementFlowsIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityOptions>()
            .Bind(configuration.GetSection(IdentityOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        services.AddSingleton<ILocalAccountStore, LocalAccountStore>();
        services.AddSingleton<LocalSigningKey>();
        services.AddSingleton<LocalTokenService>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<CurrentUserReader>();
        services.AddSingleton<IUserDirectory, UserDirectory>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or sign-in cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, ConfigureCookie)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<IdentityOptions>, LocalSigningKey>(ConfigureBearer);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<IdentityOptions>>((cookie, identity) => cookie.ExpireTimeSpan = identity.Value.Local.TokenLifetime);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Designer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Designer, Roles.Admin))
            .AddPolicy(Policies.Officer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Officer, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Supervisor, p => p.RequireAuthenticatedUser().RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var mode = context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.Mode;
        var authorization = context.Request.Headers.Authorization.ToString();
        return mode == IdentityMode.Oidc || authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? JwtBearerDefaults.AuthenticationScheme
            : CookieAuthenticationDefaults.AuthenticationScheme;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = "pf.session";
        cookie.Cookie.HttpOnly = true;
        // Strict same-site cookies are not sent on cross-site requests, which is what protects the cookie-authenticated API from CSRF.
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.LoginPath = IdentityEndpoints.SignInPath;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.SlidingExpiration = true;
        cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
        cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
    }

    /// <summary>API callers and machines get a status code; only browsers navigating to pages are redirected to sign in.</summary>
    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var wantsHtml = request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (status == StatusCodes.Status401Unauthorized && wantsHtml && !IsApiPath(request.Path))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Task.CompletedTask;
    }

    private static Task ObserveUser(TokenValidatedContext context)
    {
        // A token without a user name is left to the endpoints, which refuse it; the directory lists named users only.
        if (context.Principal is { } principal && principal.Identities.FirstOrDefault(i => i.IsAuthenticated) is { } identity
            && (identity.Name ?? identity.FindFirst("sub")?.Value) is not null)
        {
            var services = context.HttpContext.RequestServices;
            services.GetRequiredService<IUserDirectory>().Observe(services.GetRequiredService<CurrentUserReader>().Read(principal));
        }

        return Task.CompletedTask;
    }

    internal static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/engine-rest", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureBearer(JwtBearerOptions jwt, IOptions<IdentityOptions> options, LocalSigningKey key)
    {
        var identity = options.Value;
        jwt.MapInboundClaims = false;
        if (identity.Mode == IdentityMode.Oidc)
        {
            jwt.Authority = identity.Oidc.Authority;
            jwt.RequireHttpsMetadata = identity.Oidc.RequireHttpsMetadata;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = !string.IsNullOrEmpty(identity.Oidc.Audience),
                ValidAudience = identity.Oidc.Audience,
                NameClaimType = identity.Oidc.NameClaimType,
                RoleClaimType = identity.Oidc.RoleClaimType,
            };
            // The pickers' directory under OIDC: whoever presented a valid token.
            jwt.Events = new JwtBearerEvents { OnTokenValidated = ObserveUser };
            return;
        }

        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = identity.Local.Issuer,
            ValidAudience = identity.Local.Audience,
            IssuerSigningKey = key.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = LocalClaimTypes.Name,
            RoleClaimType = LocalClaimTypes.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }
}
