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

    /// <summary>Adds the database and Hangfire readiness checks.</summary>
    public static IServiceCollection AddProcurementFlowsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5))
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

/// <summary>
/// Asks the runtime's store for a definition that cannot exist: one indexed round trip. (The runtime keeps its data
/// source internal; this goes through its public deployment service instead of a second connection pool.)
/// </summary>
internal sealed class DatabaseHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IDeploymentService>() is not { } store)
        {
            return HealthCheckResult.Unhealthy("No database is configured.");
        }

        try
        {
            await store.GetDefinitionAsync("__readiness-probe__", 1, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or Engine.ProcurementFlowsException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
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
