using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Jobs;

/// <summary>Fires timers and runs service jobs — from their Hangfire jobs and from the sweep.</summary>
internal sealed class RuntimeMaintenance(
    RuntimeDatabase database,
    CommandProcessor processor,
    ServiceTaskHandlerRegistry handlers,
    IBackgroundJobClient client,
    TimeProvider clock,
    RuntimeInstruments instruments,
    ProcurementFlowsRuntimeOptionsAccessor options,
    ILogger<RuntimeMaintenance> logger) : IRuntimeMaintenance
{
    // Hangfire's clock and ours may differ slightly; a job up to this much early still fires.
    private static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(1);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public Task<int> FireDueTimersAsync(CancellationToken cancellationToken = default) => FireDueTimersAsync(TimeSpan.Zero, cancellationToken);

    public Task<int> RunDueServiceJobsAsync(CancellationToken cancellationToken = default) => RunDueServiceJobsAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Fires pending timers due at least <paramref name="grace"/> ago, <see cref="ProcurementFlowsRuntimeOptions.TimerFiringParallelism"/>
    /// at a time (repeats while firing makes more due).
    /// </summary>
    public async Task<int> FireDueTimersAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var fired = 0;
        for (var round = 0; round < 100; round++)
        {
            var due = new List<(string TimerId, string InstanceId)>();
            await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var command = new NpgsqlCommand("SELECT id, instance_id FROM pf.timers WHERE status = 'pending' AND due_at <= @limit ORDER BY due_at, id LIMIT 1000", connection))
            {
                command.Parameters.AddWithValue("limit", clock.GetUtcNow() - grace);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    due.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            if (due.Count == 0)
            {
                break;
            }

            // Batch firing: several timers at once, one transaction each (a burst of timers falling due
            // together is fired here when Hangfire's per-job bookkeeping falls behind).
            await Parallel.ForEachAsync(
                due,
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.TimerFiringParallelism, CancellationToken = cancellationToken },
                async (timer, token) =>
                {
                    if (await FireTimerAsync(timer.InstanceId, timer.TimerId, token))
                    {
                        Interlocked.Increment(ref fired);
                    }
                });
        }

        return fired;
    }

    /// <summary>Fires one timer if its row is still pending and due; returns whether it fired.</summary>
    public async Task<bool> FireTimerAsync(string instanceId, string timerId, CancellationToken cancellationToken)
    {
        // One unit of work: the pending timer joined with its instance row, the engine, the writes with the COMMIT.
        var (fired, earlyDue) = await processor.RunAsync(
            async unit =>
            {
                var loaded = await InstanceRow.LoadByPendingTimerAsync(unit.Connection, timerId, cancellationToken);
                if (loaded is not var (dueAt, row))
                {
                    return (false, (DateTimeOffset?)null); // fired, cancelled or unknown: duplicates are harmless
                }

                if (dueAt > clock.GetUtcNow() + EarlyTolerance)
                {
                    return (false, dueAt);
                }

                await processor.ExecuteAsync(unit, row, (_, _) => new FireTimer(timerId), null, cancellationToken);
                return (true, null);
            },
            retryOnConflict: true,
            cancellationToken);
        if (earlyDue is { } due)
        {
            // Early (clock skew, or a timer moved by migration): schedule again for the real due time.
            var jobId = client.Schedule<TimerJob>(job => job.FireAsync(instanceId, timerId, CancellationToken.None), due);
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var update = new NpgsqlCommand("UPDATE pf.timers SET hangfire_job_id = @job WHERE id = @id AND status = 'pending'", connection);
            update.Parameters.AddWithValue("job", jobId);
            update.Parameters.AddWithValue("id", timerId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return fired;
    }

    /// <summary>Runs pending service jobs with a local handler, due at least <paramref name="grace"/> ago and not leased.</summary>
    public async Task<int> RunDueServiceJobsAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (handlers.Topics.Count == 0)
        {
            return 0;
        }

        var due = new List<string>();
        await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("""
            SELECT id FROM pf.service_jobs
            WHERE status = 'pending' AND topic = ANY(@topics) AND due_at <= @limit AND (lock_expires_at IS NULL OR lock_expires_at < @now)
            ORDER BY due_at, id LIMIT 1000
            """, connection))
        {
            var now = clock.GetUtcNow();
            command.Parameters.AddWithValue("topics", handlers.Topics.ToArray());
            command.Parameters.AddWithValue("limit", now - grace);
            command.Parameters.AddWithValue("now", now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetString(0));
            }
        }

        var ran = 0;
        foreach (var jobId in due)
        {
            if (await RunServiceJobAsync(jobId, cancellationToken))
            {
                ran++;
            }
        }

        return ran;
    }

    /// <summary>
    /// Leases the job, runs its handler outside any transaction and submits the result as an idempotent
    /// command keyed by the job id. Returns false when the job is not pending, not due or leased elsewhere.
    /// </summary>
    public async Task<bool> RunServiceJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        string instanceId, activityId, topic, input;
        int attempts;
        await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var lease = new NpgsqlCommand("""
            UPDATE pf.service_jobs SET lock_owner = @owner, lock_expires_at = @expires
            WHERE id = @id AND status = 'pending' AND due_at <= @early AND (lock_expires_at IS NULL OR lock_expires_at < @now)
            RETURNING instance_id, activity_id, topic, input::text, attempts
            """, connection))
        {
            lease.Parameters.AddWithValue("owner", _owner);
            lease.Parameters.AddWithValue("expires", now + options.Value.ServiceJobLease);
            lease.Parameters.AddWithValue("id", jobId);
            lease.Parameters.AddWithValue("early", now + EarlyTolerance);
            lease.Parameters.AddWithValue("now", now);
            await using var reader = await lease.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            (instanceId, activityId, topic, input, attempts) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4));
        }

        var handler = handlers.Find(topic);
        if (handler is null)
        {
            await ReleaseAsync(jobId, cancellationToken);
            return false;
        }

        var variables = JsonNode.Parse(input) is JsonObject obj
            ? obj.ToDictionary(p => p.Key, p => p.Value?.DeepClone())
            : new Dictionary<string, JsonNode?>();
        var context = new ServiceTaskContext(jobId, instanceId, activityId, topic, variables, attempts + 1);
        ServiceTaskResult result;
        try
        {
            result = await handler.ExecuteAsync(context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The handler contract: throwing is a retryable failure.
            result = new ServiceTaskResult.Failed(ex.Message, ex.ToString(), Retryable: true);
        }

        switch (result)
        {
            case ServiceTaskResult.Completed:
                instruments.ServiceJobRan(topic, "completed", null);
                break;
            case ServiceTaskResult.BpmnError:
                instruments.ServiceJobRan(topic, "bpmn_error", null);
                break;
            case ServiceTaskResult.Failed failure:
                instruments.ServiceJobRan(topic, "failed", failure.Retryable);
                break;
            default:
                break;
        }

        EngineCommand command = result switch
        {
            ServiceTaskResult.Completed done => new CompleteServiceTask(jobId, done.Variables),
            ServiceTaskResult.BpmnError error => new ThrowServiceTaskError(jobId, error.ErrorCode, error.Message, error.Variables),
            ServiceTaskResult.Failed failed => new FailServiceTask(jobId, failed.Message, failed.Details, failed.Retryable),
            _ => throw new InvalidOperationException($"Unknown service-task result {result.GetType().Name}."),
        };

        try
        {
            await processor.RunAsync(unit => processor.ExecuteAsync(unit, instanceId, (_, _) => command, null, cancellationToken), retryOnConflict: true, cancellationToken);
        }
        catch (NotFoundException)
        {
            logger.LogWarning("Service job {JobId} belongs to unknown instance {InstanceId}; ignored", jobId, instanceId);
        }

        return true;
    }

    private async Task ReleaseAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var release = new NpgsqlCommand("UPDATE pf.service_jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE id = @id AND lock_owner = @owner", connection);
        release.Parameters.AddWithValue("id", jobId);
        release.Parameters.AddWithValue("owner", _owner);
        await release.ExecuteNonQueryAsync(cancellationToken);
    }
}
