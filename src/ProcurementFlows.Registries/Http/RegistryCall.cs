using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace ProcurementFlows.Registries.Http;

/// <summary>The answer of one registry request, after transport failures and unusable statuses became exceptions.</summary>
/// <param name="StatusCode">The HTTP status (2xx or one the caller declared meaningful, e.g. 404, 410).</param>
/// <param name="Content">The deserialized body of a 2xx answer.</param>
/// <param name="ErrorBody">The raw body of a non-2xx answer.</param>
/// <param name="Request">The request as <c>GET /path?query</c>, with any API key removed.</param>
internal sealed record RegistryReply<T>(HttpStatusCode StatusCode, T? Content, string? ErrorBody, string Request);

/// <summary>Sends one Refit call and translates every failure into a <see cref="RegistryException"/>.</summary>
internal static class RegistryCall
{
    private static readonly string[] SecretParameters = [SamGovApiKeyHandler.ParameterName, "apikey", "api-key", "token", "key"];

    public static async Task<RegistryReply<T>> SendAsync<T>(
        RegistryId registry,
        Func<Task<IApiResponse<T>>> call,
        CancellationToken cancellationToken,
        params HttpStatusCode[] meaningfulErrors)
    {
        IApiResponse<T> response;
        try
        {
            response = await call();
        }
        catch (Exception e) when (Translate(registry, e, cancellationToken) is { } translated)
        {
            throw translated;
        }

        if (response.Error is ApiRequestException requestError && Translate(registry, requestError, cancellationToken) is { } failure)
        {
            throw failure;
        }

        var request = DescribeRequest(response.RequestMessage);
        if (response.StatusCode is not { } status)
        {
            throw new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.Transport,
                $"{registry.DisplayName()} gave no response to {request}: {(response.Error is { } error ? Describe(error) : "unknown error")}",
                innerException: response.Error);
        }

        if (response.IsSuccessStatusCode)
        {
            if (response.Error is { } deserialization)
            {
                throw new RegistryResponseException(
                    registry,
                    $"{registry.DisplayName()} answered {request} with a body that is not the expected JSON: {Describe(deserialization)}",
                    deserialization);
            }

            if (response.Content is null)
            {
                throw new RegistryResponseException(registry, $"{registry.DisplayName()} answered {request} with an empty body.");
            }

            return new RegistryReply<T>(status, response.Content, null, request);
        }

        var body = (response.Error as ApiException)?.Content;
        if (meaningfulErrors.Contains(status))
        {
            return new RegistryReply<T>(status, default, body, request);
        }

        throw StatusFailure(registry, status, request, body, response.Headers?.RetryAfter, response.Error);
    }

    /// <summary>Reads a JSON body that came with a meaningful error status (e.g. Brønnøysund's 410).</summary>
    public static TBody? ReadErrorBody<TBody>(RegistryId registry, string? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TBody> typeInfo, string request)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException e)
        {
            throw new RegistryResponseException(registry, $"{registry.DisplayName()} answered {request} with a body that is not the expected JSON: {e.Message}", e);
        }
    }

    internal static string DescribeRequest(HttpRequestMessage? request)
    {
        if (request?.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return request is null ? "(request)" : $"{request.Method} (request)";
        }

        var query = uri.Query.TrimStart('?');
        var kept = query.Length == 0
            ? []
            : query.Split('&').Where(part => !SecretParameters.Contains(part.Split('=')[0], StringComparer.OrdinalIgnoreCase)).ToArray();
        return $"{request.Method} {uri.AbsolutePath}{(kept.Length == 0 ? string.Empty : "?" + string.Join('&', kept))}";
    }

    private static RegistryException StatusFailure(RegistryId registry, HttpStatusCode status, string request, string? body, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfterHeader, Exception? inner)
    {
        var name = registry.DisplayName();
        var code = (int)status;
        TimeSpan? retryAfter = retryAfterHeader?.Delta;
        switch (status)
        {
            case HttpStatusCode.TooManyRequests:
                return new RegistryUnavailableException(registry, RegistryUnavailableReason.Throttled, $"{name} is throttling us (429) on {request}; quota or rate limit reached.{Detail(body)}", retryAfter, inner);
            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                return new RegistryUnavailableException(registry, RegistryUnavailableReason.ServerError, $"{name} answered {code} on {request} after all retries.", retryAfter, inner);
            case HttpStatusCode.Unauthorized:
            case HttpStatusCode.Forbidden:
                return new RegistryRequestRejectedException(registry, status, $"{name} refused our credentials ({code}) on {request}: check Registries:{registry.ConfigurationKey()}:ApiKey.", inner);
            default:
                return new RegistryRequestRejectedException(registry, status, $"{name} rejected {request} with {code}.{Detail(body)}", inner);
        }
    }

    private static string Detail(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        var trimmed = body.Trim();
        return " Body: " + (trimmed.Length > 300 ? trimmed[..300] + "…" : trimmed);
    }

    private static string Describe(Exception e) => (e.InnerException ?? e).Message;

    private static RegistryException? Translate(RegistryId registry, Exception exception, CancellationToken cancellationToken)
    {
        var name = registry.DisplayName();
        var e = exception is ApiRequestException { InnerException: { } inner } ? inner : exception;
        return e switch
        {
            RegistryException => null,
            BrokenCircuitException broken => new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.CircuitOpen,
                $"{name} is unavailable: its circuit breaker is open after repeated failures, so calls fail fast until the break ends.",
                broken.RetryAfter,
                broken),
            TimeoutRejectedException timeout => new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.Timeout,
                $"{name} did not answer in time ({timeout.Timeout.TotalSeconds:0.###} s).",
                innerException: timeout),
            RateLimiterRejectedException limited => new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.QuotaExhausted,
                $"{name}: our configured rate limit or quota (Registries:{registry.ConfigurationKey()}:Throttle/Quota) is used up.",
                limited.RetryAfter,
                limited),
            HttpRequestException transport => new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.Transport,
                $"{name} could not be reached: {transport.Message}",
                innerException: transport),
            OperationCanceledException canceled when !cancellationToken.IsCancellationRequested => new RegistryUnavailableException(
                registry,
                RegistryUnavailableReason.Timeout,
                $"{name} did not answer in time.",
                innerException: canceled),
            _ => null,
        };
    }
}
