using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ProcurementFlows.Registries.Http;

/// <summary>
/// The per-registry Polly pipeline, outermost first: total timeout → retry (jittered exponential back-off,
/// honouring <c>Retry-After</c>) → circuit breaker → quota → throttle → attempt timeout. The limiters sit
/// inside the retry so every real request, retries included, spends a permit, and inside the breaker so an
/// open circuit spends none. The pipeline (and so the breaker and limiter state) is one per registry.
/// </summary>
internal static class RegistryResilience
{
    public static IHttpClientBuilder AddRegistryResilience(this IHttpClientBuilder builder, RegistryId registry)
    {
        builder.AddResilienceHandler("registry-" + registry.ConfigurationKey(), (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<RegistriesOptions>>().Value.For(registry);
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.TimeProvider = time;

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });

            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    // We read Retry-After ourselves: to cap it, and to stop retrying inline when it is too long.
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(
                        HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        && !(RetryAfter(args.Outcome.Result, time) > options.MaxRetryAfter)),
                    DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                });
            }

            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
            });

            if (options.Quota is { } quota)
            {
                var quotaLimiter = CreateLimiter(quota);
                context.OnPipelineDisposed(quotaLimiter.Dispose);
                pipeline.AddRateLimiter(quotaLimiter);
            }

            var throttle = CreateLimiter(options.Throttle);
            context.OnPipelineDisposed(throttle.Dispose);
            pipeline.AddRateLimiter(throttle);

            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
        });

        // Polly owns the timeouts; HttpClient's own 100 s default must never fire first.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return builder;
    }

    /// <summary>The wait a 429/503 (or any) response asks for, as delta-seconds or an HTTP date.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static FixedWindowRateLimiter CreateLimiter(RateLimitSettings settings) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = settings.PermitLimit,
        Window = settings.Window,
        QueueLimit = settings.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}
