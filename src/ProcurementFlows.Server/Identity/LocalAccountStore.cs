using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>A signed-in principal's facts, whatever the identity source.</summary>
/// <param name="UserName">The user id used by tasks and history.</param>
/// <param name="DisplayName">A name to show.</param>
/// <param name="Roles">Roles (see <see cref="Roles"/>).</param>
/// <param name="Groups">Groups, matched against candidate groups.</param>
public sealed record AccountInfo(string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>Verifies local account passwords.</summary>
public interface ILocalAccountStore
{
    /// <summary>The account when the password matches, else null. Takes the same time whether or not the user exists.</summary>
    AccountInfo? Verify(string userName, string password);
}

internal sealed class LocalAccountStore : ILocalAccountStore
{
    private readonly PasswordHasher<string> hasher = new();
    private readonly Dictionary<string, (string Hash, AccountInfo Info)> accounts;
    private readonly string dummyHash;

    public LocalAccountStore(IOptions<IdentityOptions> options)
    {
        accounts = new(StringComparer.OrdinalIgnoreCase);
        foreach (var account in options.Value.Local.Accounts)
        {
            // Plain-text passwords exist only for Development sample users (validated at start-up); hash them once here.
            var hash = account.PasswordHash ?? hasher.HashPassword(account.UserName, account.Password!);
            accounts[account.UserName] = (hash, new AccountInfo(
                account.UserName,
                account.DisplayName ?? account.UserName,
                [.. account.Roles.Select(r => r.ToLowerInvariant()).Distinct()],
                [.. account.Groups.Distinct(StringComparer.Ordinal)]));
        }

        dummyHash = hasher.HashPassword("nobody", "not a password");
    }

    public AccountInfo? Verify(string userName, string password)
    {
        if (!accounts.TryGetValue(userName, out var account))
        {
            // Spend the same time as for a real account so user names cannot be probed by timing.
            hasher.VerifyHashedPassword("nobody", dummyHash, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(account.Info.UserName, account.Hash, password);
        return result is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded ? account.Info : null;
    }

    /// <summary>Hashes a password in the format <see cref="LocalAccountOptions.PasswordHash"/> expects.</summary>
    public static string HashPassword(string password) => new PasswordHasher<string>().HashPassword("", password);
}
