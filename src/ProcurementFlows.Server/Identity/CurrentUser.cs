using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>The signed-in user as the API sees it: id, roles and groups, whichever identity source issued them.</summary>
/// <param name="UserName">The user id (task assignee, history user).</param>
/// <param name="DisplayName">A name to show.</param>
/// <param name="Roles">Roles, lower case.</param>
/// <param name="Groups">Groups, matched against candidate groups.</param>
public sealed record CurrentUser(string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups)
{
    /// <summary>Whether the user has <paramref name="role"/>.</summary>
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <summary>Supervisors and admins may act on any task (reassign, inspect).</summary>
    public bool IsSupervisor => IsInRole(Identity.Roles.Supervisor) || IsInRole(Identity.Roles.Admin);

    /// <summary>The acting user as the runtime's commands and visibility rule take it.</summary>
    public Runtime.UserContext ToUserContext() => new(UserName, Groups);
}

/// <summary>Reads a <see cref="CurrentUser"/> from a principal, honouring the configured claim types.</summary>
public sealed class CurrentUserReader(IOptions<IdentityOptions> options)
{
    /// <summary>The user behind <paramref name="principal"/>; throws when not signed in (endpoints require sign-in).</summary>
    public CurrentUser Read(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated)
            ?? throw new InvalidOperationException("The request is not authenticated.");
        var groupClaim = options.Value.Mode == IdentityMode.Oidc ? options.Value.Oidc.GroupClaimType : LocalClaimTypes.Group;
        var name = identity.Name ?? identity.FindFirst("sub")?.Value
            ?? throw new InvalidOperationException("The signed-in identity has no name claim.");
        var roles = identity.FindAll(identity.RoleClaimType).Select(c => c.Value.ToLowerInvariant()).Distinct().ToArray();
        var groups = identity.FindAll(groupClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
        var display = identity.FindFirst(LocalClaimTypes.DisplayName)?.Value ?? identity.FindFirst("name")?.Value ?? name;
        return new CurrentUser(name, display, roles, groups);
    }
}

/// <summary>Convenience access to the current user from an <see cref="HttpContext"/>.</summary>
public static class CurrentUserHttpContextExtensions
{
    /// <summary>The signed-in user of this request.</summary>
    public static CurrentUser GetCurrentUser(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<CurrentUserReader>().Read(context.User);
    }
}
