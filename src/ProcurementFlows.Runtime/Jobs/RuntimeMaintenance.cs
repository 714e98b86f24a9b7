using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;
using ProcurementFlows.Runtime.Deployment;
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
    DefinitionCache definitions,
    RuntimeInstruments instruments,
    ProcurementFlowsRuntimeOptionsAccessor options,
    Engine.Expressions.ExpressionEvaluator evaluator,
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
            await using (var command = new NpgsqlCommand("SELECT id, coalesce(instance_id, '') FROM pf.timers WHERE status = 'pending' AND due_at <= @limit ORDER BY due_at, id LIMIT 1000", connection))
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
        if (instanceId.Length == 0)
        {
            return await FireStartTimerAsync(timerId, cancellationToken);
        }

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
        await RescheduleIfEarlyAsync(instanceId, timerId, earlyDue, cancellationToken);
        return fired;
    }

    /// <summary>
    /// Fires a timer start event: starts an instance of its definition version at that start event and, for a
    /// cycle, inserts and schedules the next occurrence — one transaction, under the deployment lock (shared) so
    /// that a deployment replacing the version's start timers is never interleaved.
    /// </summary>
    private async Task<bool> FireStartTimerAsync(string timerId, CancellationToken cancellationToken)
    {
        var (fired, earlyDue) = await processor.RunAsync(
            async unit =>
            {
                await using (var share = new NpgsqlCommand($"SELECT pg_advisory_xact_lock_shared({StartTimers.DeployLockKey})", unit.Connection))
                {
                    await share.ExecuteNonQueryAsync(cancellationToken);
                }

                string key, elementId;
                int version, firedCount;
                DateTimeOffset dueAt;
                await using (var load = new NpgsqlCommand("""
                    SELECT definition_key, definition_version, activity_id, due_at, fired_count FROM pf.timers
                    WHERE id = @id AND instance_id IS NULL AND status = 'pending' FOR UPDATE SKIP LOCKED
                    """, unit.Connection))
                {
                    load.Parameters.AddWithValue("id", timerId);
                    await using var reader = await load.ExecuteReaderAsync(cancellationToken);
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        return (false, (DateTimeOffset?)null); // fired, cancelled by a newer version, or being fired elsewhere
                    }

                    (key, version, elementId, dueAt, firedCount) = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4));
                }

                var now = clock.GetUtcNow();
                if (dueAt > now + EarlyTolerance)
                {
                    return (false, dueAt);
                }

                var process = await definitions.GetAsync(key, version, unit.Connection, cancellationToken);
                var start = process.TimerStartEvents.FirstOrDefault(e => e.ElementId == elementId);
                await using (var mark = new NpgsqlCommand("UPDATE pf.timers SET status = 'fired', closed_at = @now WHERE id = @id", unit.Connection))
                {
                    mark.Parameters.AddWithValue("now", now);
                    mark.Parameters.AddWithValue("id", timerId);
                    await mark.ExecuteNonQueryAsync(cancellationToken);
                }

                if (start is not null && StartTimers.NextDue(start, dueAt, firedCount + 1, evaluator) is { } next)
                {
                    var nextId = StartTimers.TimerId(key, version, elementId, firedCount + 1);
                    await using var insert = new NpgsqlCommand("""
                        INSERT INTO pf.timers (id, instance_id, activity_id, due_at, status, created_at, definition_key, definition_version, fired_count)
                        VALUES (@id, NULL, @element, @due, 'pending', @now, @k, @v, @n)
                        ON CONFLICT (id) DO NOTHING
                        """, unit.Connection);
                    insert.Parameters.AddWithValue("id", nextId);
                    insert.Parameters.AddWithValue("element", elementId);
                    insert.Parameters.AddWithValue("due", next.ToUniversalTime());
                    insert.Parameters.AddWithValue("now", now);
                    insert.Parameters.AddWithValue("k", key);
                    insert.Parameters.AddWithValue("v", version);
                    insert.Parameters.AddWithValue("n", firedCount + 1);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                    unit.TimersToSchedule.Add((nextId, "", next));
                }

                if (start is null)
                {
                    logger.LogWarning("Start timer {TimerId}: {Key} v{Version} has no timer start event {ElementId}; nothing started", timerId, key, version, elementId);
                    return (false, null);
                }

                await processor.StartAsync(unit, key, version, new StartProcess(Guid.NewGuid().ToString(), null, null, null, StartEventId: elementId), cancellationToken);
                unit.MetricEvents.Add((HistoryEntryType.TimerFired, key, null));
                return (true, null);
            },
            retryOnConflict: true,
            cancellationToken);
        await RescheduleIfEarlyAsync("", timerId, earlyDue, cancellationToken);
        return fired;
    }

    private async Task RescheduleIfEarlyAsync(string instanceId, string timerId, DateTimeOffset? earlyDue, CancellationToken cancellationToken)
    {
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
