using Microsoft.Extensions.Options;

namespace ProcurementFlows.Registries;

/// <summary>Checks <see cref="RegistriesOptions"/> at start-up; every message names the configuration key.</summary>
internal sealed class RegistriesOptionsValidator : IValidateOptions<RegistriesOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistriesOptions options)
    {
        var errors = new List<string>();
        foreach (var registry in Enum.GetValues<RegistryId>())
        {
            ValidateRegistry(registry, options.For(registry), errors);
        }

        var sanctions = options.OpenSanctions;
        if (!(sanctions.Threshold > 0 && sanctions.Threshold <= 1))
        {
            errors.Add($"Registries:OpenSanctions:Threshold must be in (0, 1]; it is {sanctions.Threshold}.");
        }

        if (sanctions.Limit is < 1 or > 10)
        {
            errors.Add($"Registries:OpenSanctions:Limit must be between 1 and 10; it is {sanctions.Limit}.");
        }

        if (string.IsNullOrWhiteSpace(sanctions.Dataset) || !sanctions.Dataset.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add("Registries:OpenSanctions:Dataset must be a dataset name such as 'default' or 'sanctions'.");
        }

        if (string.IsNullOrWhiteSpace(options.SamGov.ApiKey))
        {
            errors.Add("Registries:SamGov:ApiKey is required: SAM.gov refuses calls without an api_key (use the sandbox for offline work).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRegistry(RegistryId registry, RegistryOptions options, List<string> errors)
    {
        var key = $"Registries:{registry.ConfigurationKey()}";
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{key}:BaseUrl must be an absolute http(s) URL.");
        }
        else if (!string.IsNullOrEmpty(url.Query))
        {
            errors.Add($"{key}:BaseUrl must not carry a query string (API keys go in {key}:ApiKey).");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:AttemptTimeout must be positive.");
        }

        if (options.TotalTimeout < options.AttemptTimeout)
        {
            errors.Add($"{key}:TotalTimeout must be at least AttemptTimeout.");
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            errors.Add($"{key}:MaxRetryAttempts must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{key}:RetryBaseDelay and MaxRetryAfter must not be negative.");
        }

        var breaker = options.CircuitBreaker;
        if (breaker is null)
        {
            errors.Add($"{key}:CircuitBreaker is required.");
        }
        else
        {
            if (!(breaker.FailureRatio > 0 && breaker.FailureRatio <= 1))
            {
                errors.Add($"{key}:CircuitBreaker:FailureRatio must be in (0, 1].");
            }

            if (breaker.MinimumThroughput < 2)
            {
                errors.Add($"{key}:CircuitBreaker:MinimumThroughput must be at least 2.");
            }

            if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
            {
                errors.Add($"{key}:CircuitBreaker:SamplingDuration and BreakDuration must be at least 0.5 s.");
            }
        }

        ValidateLimit($"{key}:Throttle", options.Throttle, errors);
        if (options.Quota is not null)
        {
            ValidateLimit($"{key}:Quota", options.Quota, errors);
        }
    }

    private static void ValidateLimit(string key, RateLimitSettings? limit, List<string> errors)
    {
        if (limit is null)
        {
            errors.Add($"{key} is required.");
            return;
        }

        if (limit.PermitLimit < 1 || limit.Window <= TimeSpan.Zero || limit.QueueLimit < 0)
        {
            errors.Add($"{key} needs PermitLimit >= 1, a positive Window and QueueLimit >= 0.");
        }
    }
}
