using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api.Users;

/// <summary>The user directory behind the delegate and reassign pickers.</summary>
public static class UsersEndpoints
{
    /// <summary>The longest free-text search accepted.</summary>
    public const int MaxSearchLength = 200;

    /// <summary>Maps <c>GET /api/users</c>.</summary>
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/users", Find)
            .WithTags("Users")
            .RequireAuthorization(Policies.Officer)
            .WithName("FindUsers")
            .WithSummary("Users for pickers (officers and supervisors): local accounts, or under OIDC the users seen in valid tokens since start-up. Filter by group, role and q (id or display name, case-insensitive); ordered by id; paged.")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static Ok<Page<DirectoryUser>> Find(
        IUserDirectory directory,
        [FromQuery] string? group,
        [FromQuery] string? role,
        [FromQuery] string? q,
        [FromQuery] int? offset,
        [FromQuery] int? limit)
    {
        var (skip, take) = ApiHelpers.Paging(offset, limit);
        if (q is { Length: > MaxSearchLength })
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["q"] = [$"q must be at most {MaxSearchLength} characters."] }, "Invalid query", "q is too long.", "query.invalid");
        }

        if (role is not null && !Roles.All.Contains(role, StringComparer.OrdinalIgnoreCase))
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["role"] = [$"role must be one of {string.Join(", ", Roles.All)}."] }, "Invalid query", "Unknown role.", "query.invalid");
        }

        var users = directory.Find(string.IsNullOrWhiteSpace(group) ? null : group, role, string.IsNullOrWhiteSpace(q) ? null : q.Trim());
        return TypedResults.Ok(new Page<DirectoryUser>([.. users.Skip(skip).Take(take)], users.Count, skip, take));
    }
}
