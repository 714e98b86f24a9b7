using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime;

/// <summary>The runtime's readiness: its database answers and carries the newest schema.</summary>
public interface IRuntimeHealth
{
    /// <summary>
    /// Opens a pooled connection and reads the applied schema version (one short query, bounded by
    /// <paramref name="timeout"/>, default 5 s). Never throws for an unhealthy database; reports it.
    /// </summary>
    Task<RuntimeHealthReport> CheckAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

/// <summary>Result of <see cref="IRuntimeHealth.CheckAsync"/>.</summary>
/// <param name="IsHealthy">Database reachable and migrated.</param>
/// <param name="Description">What was found, for humans.</param>
/// <param name="Latency">How long the check took.</param>
/// <param name="SchemaVersion">Applied schema version, when the database answered.</param>
/// <param name="Error">The failure, when there was one.</param>
public sealed record RuntimeHealthReport(bool IsHealthy, string Description, TimeSpan Latency, int? SchemaVersion, Exception? Error);

internal sealed class RuntimeHealth(RuntimeDatabase database) : IRuntimeHealth
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public async Task<RuntimeHealthReport> CheckAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var expected = Schema.Migrations.Max(m => m.Version);
        if (!database.IsInitialized(out var failure))
        {
            return failure is null
                ? new RuntimeHealthReport(false, "The runtime database is still starting (local cluster, migrations).", Stopwatch.GetElapsedTime(started), null, null)
                : new RuntimeHealthReport(false, $"The runtime database failed to start: {failure.Message}", Stopwatch.GetElapsedTime(started), null, failure);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(limit.Token);
            await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Schema.Name}.schema_migrations", connection);
            var version = Convert.ToInt32(await command.ExecuteScalarAsync(limit.Token), System.Globalization.CultureInfo.InvariantCulture);
            var latency = Stopwatch.GetElapsedTime(started);
            return version >= expected
                ? new RuntimeHealthReport(true, $"PostgreSQL answered in {latency.TotalMilliseconds:0} ms; schema version {version}.", latency, version, null)
                : new RuntimeHealthReport(false, $"Schema version {version} is older than {expected}.", latency, version, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return new RuntimeHealthReport(false, $"PostgreSQL did not answer: {ex.Message}", Stopwatch.GetElapsedTime(started), null, ex);
        }
    }
}

/// <summary>ASP.NET Core health check over <see cref="IRuntimeHealth"/> (for readiness probes).</summary>
internal sealed class RuntimeDatabaseHealthCheck(IRuntimeHealth health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await health.CheckAsync(cancellationToken: cancellationToken);
        var data = new Dictionary<string, object> { ["latencyMs"] = report.Latency.TotalMilliseconds };
        if (report.SchemaVersion is { } version)
        {
            data["schemaVersion"] = version;
        }

        return report.IsHealthy
            ? HealthCheckResult.Healthy(report.Description, data)
            : new HealthCheckResult(context.Registration.FailureStatus, report.Description, report.Error, data);
    }
}
