using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>A user as the delegate and reassign pickers list them.</summary>
/// <param name="Id">The user id (what tasks store as assignee).</param>
/// <param name="DisplayName">A name to show.</param>
/// <param name="Groups">Groups, matched against candidate groups.</param>
/// <param name="Roles">Roles, lower case.</param>
public sealed record DirectoryUser(string Id, string DisplayName, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles);

/// <summary>
/// The users the server knows: the local accounts in <see cref="IdentityMode.Local"/>; in <see cref="IdentityMode.Oidc"/> the
/// users seen in valid tokens since the process started (the authority's own directory is not queried).
/// </summary>
public interface IUserDirectory
{
    /// <summary>Users matching all given filters, ordered by id (ordinal, case-insensitive).</summary>
    /// <param name="group">Only members of this group (exact).</param>
    /// <param name="role">Only holders of this role (case-insensitive).</param>
    /// <param name="text">Only users whose id or display name contains this (case-insensitive).</param>
    IReadOnlyList<DirectoryUser> Find(string? group = null, string? role = null, string? text = null);

    /// <summary>Records a signed-in user (a no-op for local accounts, which are all known from configuration).</summary>
    void Observe(CurrentUser user);
}

internal sealed class UserDirectory : IUserDirectory
{
    /// <summary>Users remembered under OIDC; the least recently seen is forgotten beyond this.</summary>
    internal const int MaxObservedUsers = 10_000;

    private readonly bool observes;
    private readonly ConcurrentDictionary<string, (DirectoryUser User, long Seen)> users = new(StringComparer.OrdinalIgnoreCase);
    private long clock;

    public UserDirectory(IOptions<IdentityOptions> options)
    {
        var identity = options.Value;
        observes = identity.Mode == IdentityMode.Oidc;
        if (!observes)
        {
            foreach (var account in identity.Local.Accounts)
            {
                users[account.UserName] = (new DirectoryUser(
                    account.UserName,
                    account.DisplayName ?? account.UserName,
                    [.. account.Groups.Distinct(StringComparer.Ordinal)],
                    [.. account.Roles.Select(r => r.ToLowerInvariant()).Distinct()]), 0);
            }
        }
    }

    public IReadOnlyList<DirectoryUser> Find(string? group = null, string? role = null, string? text = null) =>
        [.. users.Values
            .Select(e => e.User)
            .Where(u => group is null || u.Groups.Contains(group, StringComparer.Ordinal))
            .Where(u => role is null || u.Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
            .Where(u => text is null
                || u.Id.Contains(text, StringComparison.OrdinalIgnoreCase)
                || u.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(u => u.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(u => u.Id, StringComparer.Ordinal)];

    public void Observe(CurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!observes)
        {
            return;
        }

        var entry = new DirectoryUser(user.UserName, user.DisplayName, user.Groups, user.Roles);
        users[user.UserName] = (entry, Interlocked.Increment(ref clock));
        if (users.Count > MaxObservedUsers)
        {
            // Rare (only past the cap): forget the least recently seen user.
            var oldest = users.MinBy(p => p.Value.Seen);
            users.TryRemove(oldest);
        }
    }
}
