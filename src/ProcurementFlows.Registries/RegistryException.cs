using System.Net;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Registries;

/// <summary>
/// Every registry failure, under the project's exception root. <see cref="ProcurementFlowsException.IsRetryable"/>
/// tells the service-task handler whether the runtime should try again (a transient outage) or raise an
/// incident at once (a permanent failure). Messages name the registry and never contain an API key.
/// </summary>
public abstract class RegistryException : ProcurementFlowsException
{
    private protected RegistryException(RegistryId registry, string code, string message, bool isRetryable, Exception? innerException)
        : base(code, message, isRetryable, innerException)
    {
        Registry = registry;
    }

    /// <summary>The registry that failed.</summary>
    public RegistryId Registry { get; }
}

/// <summary>Why a registry is unavailable.</summary>
public enum RegistryUnavailableReason
{
    /// <summary>The circuit breaker is open after repeated failures; calls fail fast until the break ends.</summary>
    CircuitOpen,

    /// <summary>The registry did not answer within the attempt or total timeout.</summary>
    Timeout,

    /// <summary>The registry kept answering 5xx (or 408) after all retries.</summary>
    ServerError,

    /// <summary>The registry kept answering 429 after all retries, or asked to wait longer than we retry inline.</summary>
    Throttled,

    /// <summary>Our own rate limiter or quota for this registry refused the call.</summary>
    QuotaExhausted,

    /// <summary>The connection failed (refused, reset, DNS, TLS).</summary>
    Transport,
}

/// <summary>The registry cannot be used right now; retryable.</summary>
public sealed class RegistryUnavailableException : RegistryException
{
    /// <summary>Creates the exception.</summary>
    public RegistryUnavailableException(RegistryId registry, RegistryUnavailableReason reason, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(registry, "registry.unavailable", message, isRetryable: true, innerException)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Why the registry is unavailable.</summary>
    public RegistryUnavailableReason Reason { get; }

    /// <summary>How long the registry (or our breaker) asked us to wait, when known.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>The registry answered with something we cannot use (malformed JSON, an unexpected shape); permanent.</summary>
public sealed class RegistryResponseException : RegistryException
{
    /// <summary>Creates the exception.</summary>
    public RegistryResponseException(RegistryId registry, string message, Exception? innerException = null)
        : base(registry, "registry.bad-response", message, isRetryable: false, innerException)
    {
    }
}

/// <summary>The registry rejected our request (4xx other than 404, 410 and 429); permanent.</summary>
public sealed class RegistryRequestRejectedException : RegistryException
{
    /// <summary>Creates the exception.</summary>
    public RegistryRequestRejectedException(RegistryId registry, HttpStatusCode statusCode, string message, Exception? innerException = null)
        : base(registry, "registry.request-rejected", message, isRetryable: false, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the registry answered with.</summary>
    public HttpStatusCode StatusCode { get; }
}

/// <summary>The process variables do not describe a supplier the check can use; permanent (fix the data, then retry the incident).</summary>
public sealed class InvalidVettingInputException : RegistryException
{
    /// <summary>Creates the exception.</summary>
    public InvalidVettingInputException(RegistryId registry, string message)
        : base(registry, "registry.invalid-input", message, isRetryable: false, innerException: null)
    {
    }
}
