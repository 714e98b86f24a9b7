using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>Start-up validation of <see cref="IdentityOptions"/>: a bad identity setup must stop the service, not weaken it.</summary>
internal sealed class IdentityOptionsValidator(IHostEnvironment environment) : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var errors = new List<string>();
        if (options.Mode == IdentityMode.Oidc)
        {
            if (!Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out _))
            {
                errors.Add("Identity:Oidc:Authority must be an absolute URL when Identity:Mode is Oidc.");
            }
        }
        else
        {
            ValidateLocal(options.Local, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateLocal(LocalIdentityOptions local, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(local.SigningKey))
        {
            if (!environment.IsDevelopment())
            {
                errors.Add("Identity:Local:SigningKey is required outside Development (base64, at least 32 bytes).");
            }
        }
        else if (!TryDecode(local.SigningKey, out var length) || length < 32)
        {
            errors.Add("Identity:Local:SigningKey must be base64 of at least 32 bytes.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < local.Accounts.Count; i++)
        {
            var account = local.Accounts[i];
            var at = $"Identity:Local:Accounts:{i}";
            if (string.IsNullOrWhiteSpace(account.UserName))
            {
                errors.Add($"{at}:UserName is required.");
            }
            else if (!seen.Add(account.UserName))
            {
                errors.Add($"{at}:UserName '{account.UserName}' appears more than once.");
            }

            if (account.Password is not null && !environment.IsDevelopment())
            {
                errors.Add($"{at}:Password (plain text) is accepted only in Development; configure PasswordHash.");
            }

            if (string.IsNullOrEmpty(account.PasswordHash) && string.IsNullOrEmpty(account.Password))
            {
                errors.Add($"{at}: a PasswordHash is required.");
            }

            foreach (var role in account.Roles.Where(r => !Roles.All.Contains(r, StringComparer.OrdinalIgnoreCase)))
            {
                errors.Add($"{at}:Roles contains unknown role '{role}' (known: {string.Join(", ", Roles.All)}).");
            }
        }
    }

    private static bool TryDecode(string value, out int length)
    {
        var buffer = new byte[value.Length];
        var ok = Convert.TryFromBase64String(value, buffer, out length);
        return ok;
    }
}
