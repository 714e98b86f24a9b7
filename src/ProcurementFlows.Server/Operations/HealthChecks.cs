using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Operations;

/// <summary>Liveness (<c>/healthz</c>) and readiness (<c>/readyz</c>: database and Hangfire) probes.</summary>
public static class HealthCheckExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>Adds the readiness checks: the runtime's database (reachable and migrated) and Hangfire.</summary>
    public static IServiceCollection AddProcurementFlowsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            // The runtime's own check: its database answers and carries the newest schema (and is not still starting).
            .AddProcurementFlowsRuntimeCheck("database", ReadyTag)
            .AddCheck<HangfireHealthCheck>("hangfire", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>Maps the anonymous <c>/healthz</c> and <c>/readyz</c> endpoints.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .WithTags("Operations")
            .WithSummary("Liveness: the process is up.");
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .WithTags("Operations")
            .WithSummary("Readiness: the database and Hangfire answer.");
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = e.Value.Duration.TotalMilliseconds }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

/// <summary>Checks that Hangfire's storage answers and that at least one Hangfire server has a recent heartbeat.</summary>
internal sealed class HangfireHealthCheck(IServiceProvider services, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<JobStorage>() is not { } storage)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire is not configured."));
        }

        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            var cutoff = time.GetUtcNow().UtcDateTime.AddMinutes(-1);
            var alive = servers.Count(s => s.Heartbeat is { } beat && beat >= cutoff);
            return Task.FromResult(alive > 0
                ? HealthCheckResult.Healthy($"{alive} Hangfire server(s) alive.")
                : HealthCheckResult.Unhealthy("No Hangfire server has a recent heartbeat."));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage does not answer.", ex));
        }
    }
}
