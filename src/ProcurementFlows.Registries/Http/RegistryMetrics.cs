using System.Diagnostics.Metrics;
using System.Net;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ProcurementFlows.Registries.Http;

/// <summary>
/// The <c>ProcurementFlows.Registries</c> meter: <c>procurementflows.registry.call.duration</c>, the latency of each registry
/// call as its caller sees it (retries and back-off included), in seconds, tagged <c>registry</c> (e.g. <c>Gleif</c>) and
/// <c>outcome</c> (see <see cref="Outcomes"/>).
/// </summary>
public sealed class RegistryMetrics
{
    /// <summary>The meter name to register with OpenTelemetry.</summary>
    public const string MeterName = "ProcurementFlows.Registries";

    /// <summary>The histogram's name.</summary>
    public const string CallDurationName = "procurementflows.registry.call.duration";

    private readonly Histogram<double> callDuration;

    /// <summary>Creates the instruments on the <see cref="MeterName"/> meter (owned by <paramref name="meterFactory"/>).</summary>
    public RegistryMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        callDuration = meter.CreateHistogram<double>(
            CallDurationName,
            "s",
            "Registry call latency as the caller sees it (retries and back-off included), by registry and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    /// <summary>The values of the <c>outcome</c> tag.</summary>
    public static class Outcomes
    {
        /// <summary>A 2xx answer.</summary>
        public const string Success = "success";

        /// <summary>404 or 410: the registry does not know the identifier (a meaningful answer for look-ups).</summary>
        public const string NotFound = "not_found";

        /// <summary>Another 4xx (credentials, bad request).</summary>
        public const string Rejected = "rejected";

        /// <summary>429 from the registry.</summary>
        public const string Throttled = "throttled";

        /// <summary>5xx or 408 after all retries.</summary>
        public const string ServerError = "server_error";

        /// <summary>An attempt or total timeout.</summary>
        public const string Timeout = "timeout";

        /// <summary>The circuit breaker was open.</summary>
        public const string CircuitOpen = "circuit_open";

        /// <summary>Our own throttle or quota refused the call.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>No HTTP answer (DNS, connection refused or reset).</summary>
        public const string Transport = "transport";

        /// <summary>The caller cancelled.</summary>
        public const string Cancelled = "cancelled";

        /// <summary>Any other failure.</summary>
        public const string Error = "error";
    }

    internal void Record(RegistryId registry, string outcome, TimeSpan elapsed) =>
        callDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("registry", registry.ConfigurationKey()),
            new KeyValuePair<string, object?>("outcome", outcome));

    internal static string OutcomeOf(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => Outcomes.Success,
        404 or 410 => Outcomes.NotFound,
        429 => Outcomes.Throttled,
        408 or >= 500 => Outcomes.ServerError,
        _ => Outcomes.Rejected,
    };

    internal static string OutcomeOf(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        BrokenCircuitException => Outcomes.CircuitOpen,
        TimeoutRejectedException => Outcomes.Timeout,
        RateLimiterRejectedException => Outcomes.RateLimited,
        HttpRequestException => Outcomes.Transport,
        OperationCanceledException when cancellationToken.IsCancellationRequested => Outcomes.Cancelled,
        OperationCanceledException => Outcomes.Timeout,
        _ => Outcomes.Error,
    };
}

/// <summary>Times one registry call around the whole resilience pipeline (the outermost handler of each client).</summary>
internal sealed class RegistryMetricsHandler(RegistryId registry, RegistryMetrics metrics, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Recorded and rethrown unchanged: RegistryCall turns it into a RegistryException.
            metrics.Record(registry, RegistryMetrics.OutcomeOf(e, cancellationToken), time.GetElapsedTime(started));
            throw;
        }

        metrics.Record(registry, RegistryMetrics.OutcomeOf(response.StatusCode), time.GetElapsedTime(started));
        return response;
    }
}
