using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Deployment;
using ProcurementFlows.Runtime.History;
using ProcurementFlows.Runtime.Jobs;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Commands;

/// <summary>
/// The command loop: one transaction per command — load the instance row, run the engine, write the new
/// state with an optimistic version check, apply the effects as rows (tasks, timers, jobs, subscriptions,
/// incidents, hash-chained history), cascade to children/parents/message receivers in the same
/// transaction, commit, then hand the committed timers and jobs to Hangfire.
/// </summary>
internal sealed class CommandProcessor(
    RuntimeDatabase database,
    DefinitionCache definitions,
    ProcessEngine engine,
    TimeProvider clock,
    JobDispatcher dispatcher,
    RuntimeInstruments instruments,
    ProcurementFlowsRuntimeOptionsAccessor options,
    ILogger<CommandProcessor> logger)
{
    private const int MaxCascadeDepth = 32;

    // A repeated attempt reads the latest versions from the database, so one repetition is enough unless deployments
    // keep racing with the command; the bound keeps that pathological case finite.
    private const int MaxStaleLatestRetries = 3;

    /// <summary>
    /// Runs <paramref name="work"/> in a new transaction and commits it; after the commit, schedules the
    /// Hangfire jobs the effects asked for. With <paramref name="retryOnConflict"/>, a concurrent change
    /// repeats the whole unit of work on fresh state.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<UnitOfWork, Task<T>> work, bool retryOnConflict, CancellationToken cancellationToken, bool commit = true)
    {
        var attempts = retryOnConflict ? options.Value.ConflictRetries : 1;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        string? commandName = null;
        var outcome = "failed";
        var staleLatest = 0;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
                    var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await using var unit = new UnitOfWork(connection, transaction) { ReadLatestVersions = staleLatest > 0 };
                    T result;
                    try
                    {
                        try
                        {
                            result = await work(unit);
                        }
                        finally
                        {
                            commandName ??= unit.CommandName;
                        }

                        if (!commit)
                        {
                            // Dry run: everything was checked and written, and is now thrown away.
                            await unit.RollbackAsync(cancellationToken);
                            outcome = "dry-run";
                            return result;
                        }

                        await unit.CommitAsync(cancellationToken);
                    }
                    catch (PostgresException ex) when (ex.SqlState == Schema.StaleLatestVersionSqlState && staleLatest < MaxStaleLatestRetries)
                    {
                        // A start by key used this process's cached latest version and another process (or a deployment
                        // that raced with this command) has deployed a newer one. Nothing was written: forget the cached
                        // version and run the command again, reading the latest versions from the database.
                        definitions.ForgetLatest(ex.MessageText);
                        staleLatest++;
                        attempt--;
                        logger.LogDebug("Cached latest version of {Key} is stale; repeating the command", ex.MessageText);
                        continue;
                    }
                    catch (PostgresException ex) when (ex.SqlState == Schema.StaleLatestVersionSqlState)
                    {
                        throw new ProcurementFlowsException("definition.deploying", $"New versions of '{ex.MessageText}' kept being deployed while the command ran. Retry.", isRetryable: true, ex);
                    }
                    catch (PostgresException ex) when (ex.SqlState == Schema.ConcurrentChangeSqlState)
                    {
                        // The optimistic version check of a queued instance UPDATE found another command first.
                        throw new ConcurrencyConflictException(ex.MessageText, null, null);
                    }
                    catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation)
                    {
                        // A concurrent command created or changed the same rows: same outcome as a version conflict.
                        throw new ConcurrencyConflictException(ex.TableName ?? "(instance)", null, null);
                    }

                    outcome = "committed";
                    instruments.Committed(unit.MetricEvents);
                    await dispatcher.AfterCommitAsync(unit, cancellationToken);
                    return result;
                }
                catch (ConcurrencyConflictException ex) when (attempt < attempts)
                {
                    logger.LogDebug("Concurrent change on {InstanceId}; retrying (attempt {Attempt})", ex.InstanceId, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), TimeProvider.System, cancellationToken);
                }
            }
        }
        catch (ConcurrencyConflictException)
        {
            outcome = "conflict";
            throw;
        }
        catch (ProcurementFlowsException)
        {
            outcome = "rejected";
            throw;
        }
        finally
        {
            instruments.CommandFinished(commandName, started, outcome);
        }
    }

    /// <summary>Starts a new instance of <paramref name="key"/> (latest or given version) inside the unit of work.</summary>
    public async Task<InstanceOutcome> StartAsync(UnitOfWork unit, string key, int? version, StartProcess command, CancellationToken cancellationToken)
    {
        var resolved = await ResolveStartVersionAsync(unit, key, version, cancellationToken);
        var process = await definitions.GetAsync(key, resolved, unit.Connection, cancellationToken);
        unit.CommandName ??= nameof(StartProcess);
        var result = engine.Execute(process, null, command);
        return await PersistAsync(unit, null, key, resolved, command, result, notifyParent: true, cancellationToken);
    }

    /// <summary>
    /// The version a start uses, without a round trip when this process knows it: a given version that is compiled here
    /// exists (versions are immutable and never deleted); the latest version comes from the cache, checked by
    /// <c>pf.require_latest_definition</c> queued with the start's writes, so a version committed by any process before
    /// those writes run is never missed (on a mismatch <see cref="RunAsync{T}"/> repeats the command).
    /// </summary>
    private async Task<int> ResolveStartVersionAsync(UnitOfWork unit, string key, int? version, CancellationToken cancellationToken)
    {
        if (version is { } given)
        {
            return definitions.IsKnown(key, given) ? given : await DefinitionCache.ResolveVersionAsync(unit.Connection, key, given, cancellationToken);
        }

        if (!unit.ReadLatestVersions && definitions.TryGetLatest(key, out var cached))
        {
            Add(unit, "SELECT pf.require_latest_definition($1, $2)", key, cached);
            return cached;
        }

        // Read in this transaction (READ COMMITTED: the newest committed version), so no check is needed.
        var latest = await DefinitionCache.ResolveVersionAsync(unit.Connection, key, null, cancellationToken);
        definitions.NoteLatest(key, latest);
        return latest;
    }

    /// <summary>Runs a command against an existing instance inside the unit of work.</summary>
    public async Task<InstanceOutcome> ExecuteAsync(
        UnitOfWork unit,
        string instanceId,
        Func<ProcessInstanceState, InstanceRow, EngineCommand> buildCommand,
        long? expectedVersion,
        CancellationToken cancellationToken,
        bool notifyParent = true,
        int? targetVersion = null)
    {
        var row = await LoadAsync(unit, instanceId, cancellationToken)
            ?? throw new NotFoundException("instance.not-found", $"Process instance '{instanceId}' does not exist.");
        return await ExecuteAsync(unit, row, buildCommand, expectedVersion, cancellationToken, notifyParent, targetVersion);
    }

    /// <summary>Runs a command against an instance row loaded in this unit of work (e.g. joined with its task or timer).</summary>
    public async Task<InstanceOutcome> ExecuteAsync(
        UnitOfWork unit,
        InstanceRow row,
        Func<ProcessInstanceState, InstanceRow, EngineCommand> buildCommand,
        long? expectedVersion,
        CancellationToken cancellationToken,
        bool notifyParent = true,
        int? targetVersion = null)
    {
        var instanceId = row.Id;
        if (expectedVersion is not null && expectedVersion != row.Version)
        {
            throw new ConcurrencyConflictException(instanceId, expectedVersion, row.Version);
        }

        var process = await definitions.GetAsync(row.DefinitionKey, row.DefinitionVersion, unit.Connection, cancellationToken);
        var state = ProcessStateSerializer.Deserialize(row.StateJson);
        var command = buildCommand(state, row);
        unit.CommandName ??= command.GetType().Name;
        MarkCommandRows(unit, command);
        var result = engine.Execute(process, state, command);
        return await PersistAsync(unit, row, row.DefinitionKey, targetVersion ?? row.DefinitionVersion, command, result, notifyParent, cancellationToken);
    }

    /// <summary>Loads an instance row after sending the writes queued so far (an earlier command of this unit may have changed it).</summary>
    private static async Task<InstanceRow?> LoadAsync(UnitOfWork unit, string instanceId, CancellationToken cancellationToken)
    {
        await unit.FlushAsync(cancellationToken);
        return await InstanceRow.LoadAsync(unit.Connection, instanceId, cancellationToken);
    }

    private void MarkCommandRows(UnitOfWork unit, EngineCommand command)
    {
        var now = clock.GetUtcNow();
        (string Sql, string Id)? mark = command switch
        {
            FireTimer fire => ("UPDATE pf.timers SET status = 'fired', closed_at = $2 WHERE id = $1 AND status = 'pending'", fire.TimerId),
            CompleteServiceTask done => ("UPDATE pf.service_jobs SET status = 'completed', lock_owner = NULL, lock_expires_at = NULL, updated_at = $2 WHERE id = $1", done.JobId),
            ThrowServiceTaskError error => ("UPDATE pf.service_jobs SET status = 'completed', lock_owner = NULL, lock_expires_at = NULL, updated_at = $2 WHERE id = $1", error.JobId),
            FailServiceTask failed => ("UPDATE pf.service_jobs SET status = 'failed', attempts = attempts + 1, lock_owner = NULL, lock_expires_at = NULL, updated_at = $2 WHERE id = $1", failed.JobId),
            _ => null,
        };
        if (mark is null)
        {
            return;
        }

        Add(unit, mark.Value.Sql, mark.Value.Id, now);
    }

    private async Task<InstanceOutcome> PersistAsync(
        UnitOfWork unit,
        InstanceRow? row,
        string key,
        int version,
        EngineCommand command,
        EngineResult result,
        bool notifyParent,
        CancellationToken cancellationToken)
    {
        var state = result.State;
        var now = clock.GetUtcNow();
        var openTasks = state.UserTasks.Select(t => t.Id).ToList();
        if (row is not null && result.Effects.Count == 0 && version == row.DefinitionVersion)
        {
            // Idempotent no-op (e.g. a timer that already fired, a late job result): nothing to write.
            return new InstanceOutcome(row.Id, key, version, row.Status, row.Version, openTasks);
        }

        if (++unit.Depth > MaxCascadeDepth)
        {
            throw new ProcurementFlowsException("runtime.cascade-too-deep", $"More than {MaxCascadeDepth} instances were started or notified by one command (call-activity or message loop?).");
        }

        var status = state.Status.ToString();
        var stateJson = ProcessStateSerializer.Serialize(state);
        var active = state.ActiveActivityIds.ToArray();

        // History: continue the instance's chain.
        var sequence = row?.HistorySequence ?? 0;
        var hash = row?.HistoryHash ?? "";
        var history = new List<(long Sequence, HistoryEntry Entry, string Canonical, string PrevHash, string Hash)>();
        foreach (var effect in result.Effects)
        {
            if (effect is IncidentRaised incident)
            {
                unit.MetricEvents.Add((HistoryEntryType.IncidentRaised, key, incident.Type));
            }

            if (effect is HistoryRecorded recorded)
            {
                if (recorded.Entry.Type is HistoryEntryType.InstanceStarted or HistoryEntryType.InstanceCompleted or HistoryEntryType.TaskCompleted or HistoryEntryType.TimerFired)
                {
                    unit.MetricEvents.Add((recorded.Entry.Type, key, null));
                }

                sequence++;
                var canonical = HistoryChain.Canonicalize(state.InstanceId, sequence, recorded.Entry);
                var next = HistoryChain.Hash(hash, canonical);
                history.Add((sequence, recorded.Entry, canonical, hash, next));
                hash = next;
            }
        }

        long newVersion;
        if (row is null)
        {
            newVersion = 1;
            Add(unit, """
                INSERT INTO pf.instances (id, definition_key, definition_version, business_key, status, started_by, started_at, ended_at, updated_at,
                                          parent_instance_id, current_activities, state, version, history_sequence, history_hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14)
                """,
                state.InstanceId, key, version, Str(state.BusinessKey), status, Str(state.StartedBy), state.StartedAt.ToUniversalTime(), Ts(state.EndedAt), now,
                Str(state.Parent?.ParentInstanceId), active, Jsonb(stateJson), sequence, hash);
        }
        else
        {
            newVersion = row.Version + 1;
            // Queued with the effect rows and sent with the COMMIT: the version check raises (SQLSTATE
            // PF409, see Schema) instead of returning a row count, so a lost race aborts the whole batch.
            Add(unit, """
                WITH updated AS (
                    UPDATE pf.instances SET state = $1, version = version + 1, status = $2, ended_at = $3, updated_at = $4,
                           current_activities = $5, history_sequence = $6, history_hash = $7, definition_version = $8
                    WHERE id = $9 AND version = $10
                    RETURNING 1)
                SELECT pf.require_version_match((SELECT count(*) FROM updated), $9, $10)
                """,
                Jsonb(stateJson), status, Ts(state.EndedAt), now, active, sequence, hash, version, row.Id, row.Version);
        }

        AddEffectRows(unit, state, key, now, result.Effects);
        if (history.Count > 0)
        {
            AddHistoryRows(unit, state.InstanceId, history);
        }

        var outcome = new InstanceOutcome(state.InstanceId, key, version, status, newVersion, openTasks);
        await CascadeAsync(unit, row, state, key, result.Effects, notifyParent, cancellationToken);
        return outcome;
    }

    private static void AddEffectRows(UnitOfWork unit, ProcessInstanceState state, string key, DateTimeOffset now, IReadOnlyList<EngineEffect> effects)
    {
        var instanceId = state.InstanceId;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case UserTaskCreated created:
                    Add(unit, """
                        INSERT INTO pf.tasks (id, instance_id, definition_key, business_key, activity_id, name, form_key, assignee, owner, candidate_users, candidate_groups,
                                              due_at, follow_up_at, priority, status, claimed_by, escalation_level, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                        """,
                        created.Task.Id, instanceId, key, Str(state.BusinessKey), created.Task.ActivityId, Str(created.Task.Name), Str(created.Task.FormKey),
                        Str(created.Task.Assignee), Str(created.Task.Owner), created.Task.CandidateUsers.ToArray(), created.Task.CandidateGroups.ToArray(),
                        Ts(created.Task.DueDate), Ts(created.Task.FollowUpDate), created.Task.Priority, TaskStatus(created.Task.Status), Str(created.Task.ClaimedBy),
                        created.Task.EscalationLevel, created.Task.CreatedAt);
                    break;
                case UserTaskUpdated updated:
                    Add(unit, """
                        UPDATE pf.tasks SET name = $2, form_key = $3, assignee = $4, owner = $5, candidate_users = $6, candidate_groups = $7, due_at = $8,
                               follow_up_at = $9, priority = $10, status = $11, claimed_by = $12, escalation_level = GREATEST(escalation_level, $13)
                        WHERE id = $1
                        """,
                        updated.Task.Id, Str(updated.Task.Name), Str(updated.Task.FormKey), Str(updated.Task.Assignee), Str(updated.Task.Owner),
                        updated.Task.CandidateUsers.ToArray(), updated.Task.CandidateGroups.ToArray(), Ts(updated.Task.DueDate), Ts(updated.Task.FollowUpDate),
                        updated.Task.Priority, TaskStatus(updated.Task.Status), Str(updated.Task.ClaimedBy), updated.Task.EscalationLevel);
                    break;
                case UserTaskClosed closed:
                    Add(unit, "UPDATE pf.tasks SET status = $2, closed_at = $3, closed_by = $4, close_reason = $5 WHERE id = $1",
                        closed.TaskId, closed.Reason == TaskCloseReason.Completed ? "completed" : "cancelled", now, Str(closed.UserId), closed.Reason.ToString());
                    break;
                case UserTaskEscalated escalated:
                    Add(unit, "UPDATE pf.tasks SET escalation_level = GREATEST(escalation_level, $2), escalation_code = $3, escalated_at = $4 WHERE id = $1",
                        escalated.TaskId, escalated.Level, Str(escalated.EscalationCode), now);
                    break;
                case TimerScheduled timer:
                    Add(unit, """
                        INSERT INTO pf.timers (id, instance_id, activity_id, due_at, status, created_at) VALUES ($1, $2, $3, $4, 'pending', $5)
                        ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at, status = 'pending', hangfire_job_id = NULL, closed_at = NULL
                        """,
                        timer.TimerId, instanceId, timer.ActivityId, timer.DueAt, now);
                    unit.TimersToSchedule.Add((timer.TimerId, instanceId, timer.DueAt));
                    break;
                case TimerCancelled cancelled:
                    Add(unit, "UPDATE pf.timers SET status = 'cancelled', closed_at = $2 WHERE id = $1 AND status = 'pending'", cancelled.TimerId, now);
                    unit.TimersToUnschedule.Add(cancelled.TimerId);
                    unit.TimersToSchedule.RemoveAll(t => t.TimerId == cancelled.TimerId);
                    break;
                case ServiceTaskDispatched dispatched:
                    Add(unit, """
                        INSERT INTO pf.service_jobs (id, instance_id, activity_id, topic, input, status, retries_left, due_at, created_at, updated_at, priority)
                        VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7, $7, $8)
                        ON CONFLICT (id) DO UPDATE SET status = 'pending', retries_left = EXCLUDED.retries_left, due_at = EXCLUDED.due_at, input = EXCLUDED.input,
                               hangfire_job_id = NULL, lock_owner = NULL, lock_expires_at = NULL, updated_at = EXCLUDED.updated_at, priority = EXCLUDED.priority
                        """,
                        dispatched.JobId, instanceId, dispatched.ActivityId, dispatched.Topic, Json(dispatched.Input), dispatched.RetriesLeft, now, dispatched.Priority);
                    unit.JobsToRun.Add((dispatched.JobId, dispatched.Topic, now));
                    break;
                case ServiceTaskRetryScheduled retry:
                    Add(unit, """
                        UPDATE pf.service_jobs SET status = 'pending', due_at = $2, retries_left = $3, last_error = $4, hangfire_job_id = NULL,
                               lock_owner = NULL, lock_expires_at = NULL, updated_at = $5
                        WHERE id = $1
                        """,
                        retry.JobId, retry.DueAt, retry.RetriesLeft, retry.LastError, now);
                    unit.JobsToRun.Add((retry.JobId, state.ServiceJobs.FirstOrDefault(j => j.Id == retry.JobId)?.Topic ?? "", retry.DueAt));
                    break;
                case ServiceTaskCancelled jobCancelled:
                    Add(unit, "UPDATE pf.service_jobs SET status = 'cancelled', updated_at = $2 WHERE id = $1 AND status IN ('pending', 'incident', 'failed')", jobCancelled.JobId, now);
                    unit.JobsToUnschedule.Add(jobCancelled.JobId);
                    unit.JobsToRun.RemoveAll(j => j.JobId == jobCancelled.JobId);
                    break;
                case MessageSubscriptionOpened opened:
                    Add(unit, """
                        INSERT INTO pf.message_subscriptions (id, instance_id, message_name, correlation_key, activity_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (id) DO NOTHING
                        """,
                        opened.SubscriptionId, instanceId, opened.MessageName, Str(opened.CorrelationKey), opened.ActivityId, now);
                    break;
                case MessageSubscriptionClosed closedSubscription:
                    Add(unit, "DELETE FROM pf.message_subscriptions WHERE id = $1", closedSubscription.SubscriptionId);
                    break;
                case IncidentRaised incident:
                    Add(unit, """
                        INSERT INTO pf.incidents (id, instance_id, definition_key, activity_id, type, message, job_id, status, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)
                        ON CONFLICT (id) DO UPDATE SET status = 'open', message = EXCLUDED.message, resolved_at = NULL
                        """,
                        incident.IncidentId, instanceId, key, incident.ActivityId, incident.Type, incident.Message, Str(incident.JobId), now);
                    if (incident.JobId is not null)
                    {
                        Add(unit, "UPDATE pf.service_jobs SET status = 'incident', updated_at = $2 WHERE id = $1", incident.JobId, now);
                        unit.JobsToRun.RemoveAll(j => j.JobId == incident.JobId);
                    }

                    break;
                case IncidentResolved resolved:
                    Add(unit, "UPDATE pf.incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1", resolved.IncidentId, now);
                    break;
                default:
                    break;
            }
        }

        if (state.Status != InstanceStatus.Active)
        {
            // Nothing of an ended instance may stay pending (the engine cancels them; this is the safety net).
            Add(unit, "UPDATE pf.timers SET status = 'cancelled', closed_at = $2 WHERE instance_id = $1 AND status = 'pending'", instanceId, now);
            Add(unit, "UPDATE pf.service_jobs SET status = 'cancelled', updated_at = $2 WHERE instance_id = $1 AND status IN ('pending', 'failed')", instanceId, now);
            Add(unit, "UPDATE pf.tasks SET status = 'cancelled', closed_at = $2, close_reason = 'InstanceEnded' WHERE instance_id = $1 AND status IN ('open', 'delegated')", instanceId, now);
            Add(unit, "DELETE FROM pf.message_subscriptions WHERE instance_id = $1", instanceId);
        }
    }

    private static void AddHistoryRows(UnitOfWork unit, string instanceId, List<(long Sequence, HistoryEntry Entry, string Canonical, string PrevHash, string Hash)> history)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO pf.history (instance_id, sequence, type, activity_id, user_id, occurred_at, entry, prev_hash, hash)
            SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[])
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = instanceId });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Entry.Type.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Entry.ActivityId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Entry.UserId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Entry.Timestamp.ToUniversalTime()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Canonical).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.PrevHash).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = history.Select(h => h.Hash).ToArray() });
        unit.Write(command);
    }

    private async Task CascadeAsync(UnitOfWork unit, InstanceRow? row, ProcessInstanceState state, string key, IReadOnlyList<EngineEffect> effects, bool notifyParent, CancellationToken cancellationToken)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case ChildInstanceRequested child:
                    var callActivityId = state.ChildInstances.FirstOrDefault(c => c.ChildInstanceId == child.ChildInstanceId)?.ActivityId ?? "";
                    var childVersion = string.Equals(child.Binding, "version", StringComparison.OrdinalIgnoreCase) ? child.Version : null;
                    await StartAsync(
                        unit,
                        child.CalledElement,
                        childVersion,
                        new StartProcess(child.ChildInstanceId, child.BusinessKey, state.StartedBy, child.Variables, Parent: new ParentLink(state.InstanceId, child.CallActivityInstanceId, callActivityId, key)),
                        cancellationToken);
                    break;
                case ChildInstanceCancelRequested cancelChild:
                    if (await LoadAsync(unit, cancelChild.ChildInstanceId, cancellationToken) is { Status: "Active" })
                    {
                        await ExecuteAsync(unit, cancelChild.ChildInstanceId, (_, _) => new CancelInstance("Parent activity cancelled", null), null, cancellationToken, notifyParent: false);
                    }

                    break;
                case MessagePublished published:
                    await PublishAsync(unit, published, cancellationToken);
                    break;
                default:
                    break;
            }
        }

        var ended = state.Status != InstanceStatus.Active && (row is null || row.Status == nameof(InstanceStatus.Active));
        if (ended && notifyParent && state.Parent is { } parent)
        {
            var error = effects.OfType<InstanceFailedWithError>().FirstOrDefault();
            var outcome = error is not null ? ChildOutcome.Error : state.Status == InstanceStatus.Cancelled ? ChildOutcome.Cancelled : ChildOutcome.Completed;
            var variables = state.Variables.ToDictionary(v => v.Key, v => v.Value?.DeepClone());
            if (await LoadAsync(unit, parent.ParentInstanceId, cancellationToken) is { Status: "Active" })
            {
                await ExecuteAsync(unit, parent.ParentInstanceId, (_, _) => new ChildInstanceEnded(state.InstanceId, outcome, error?.ErrorCode, variables), null, cancellationToken);
            }
        }
    }

    /// <summary>A message thrown inside a process: delivered to the oldest waiting subscription, else to a message start event; else dropped (BPMN semantics).</summary>
    private async Task PublishAsync(UnitOfWork unit, MessagePublished message, CancellationToken cancellationToken)
    {
        await unit.FlushAsync(cancellationToken);
        var subscription = await FindSubscriptionsAsync(unit.Connection, message.MessageName, message.CorrelationKey, 1, cancellationToken);
        if (subscription.Count > 0)
        {
            var (subscriptionId, instanceId) = subscription[0];
            await ExecuteAsync(unit, instanceId, (_, _) => new DeliverMessage(subscriptionId, message.Variables), null, cancellationToken);
            return;
        }

        var started = await StartByMessageAsync(unit, message.MessageName, message.CorrelationKey, message.Variables, null, cancellationToken);
        if (started.Count == 0)
        {
            logger.LogInformation("Message {MessageName} ({CorrelationKey}) thrown by a process found no receiver", message.MessageName, message.CorrelationKey);
        }
    }

    /// <summary>Oldest open subscriptions for a message: (subscription id, instance id).</summary>
    public static async Task<IReadOnlyList<(string SubscriptionId, string InstanceId)>> FindSubscriptionsAsync(NpgsqlConnection connection, string messageName, string? correlationKey, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, instance_id FROM pf.message_subscriptions
            WHERE message_name = @n AND correlation_key IS NOT DISTINCT FROM @k
            ORDER BY created_at, id LIMIT @l
            """, connection);
        command.Parameters.AddWithValue("n", messageName);
        command.Parameters.Add(Text("k", correlationKey));
        command.Parameters.AddWithValue("l", limit);
        var list = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add((reader.GetString(0), reader.GetString(1)));
        }

        return list;
    }

    /// <summary>Starts every latest definition whose message start event (not in an event subprocess) listens to the message.</summary>
    public async Task<IReadOnlyList<InstanceOutcome>> StartByMessageAsync(UnitOfWork unit, string messageName, string? businessKey, IReadOnlyDictionary<string, JsonNode?>? variables, string? userId, CancellationToken cancellationToken)
    {
        var started = new List<InstanceOutcome>();
        foreach (var (key, version, process, startElementId) in await FindMessageStartsAsync(unit.Connection, messageName, cancellationToken))
        {
            var command = new StartProcess(Guid.NewGuid().ToString(), businessKey, userId, variables, startElementId, messageName);
            var result = engine.Execute(process, null, command);
            started.Add(await PersistAsync(unit, null, key, version, command, result, notifyParent: true, cancellationToken));
        }

        return started;
    }

    /// <summary>The latest definitions whose message start event (not in an event subprocess) listens to the message.</summary>
    public async Task<IReadOnlyList<(string Key, int Version, CompiledProcess Process, string StartElementId)>> FindMessageStartsAsync(NpgsqlConnection connection, string messageName, CancellationToken cancellationToken)
    {
        var found = new List<(string, int, CompiledProcess, string)>();
        foreach (var (key, version) in await DefinitionCache.LatestVersionsAsync(connection, cancellationToken))
        {
            var process = await definitions.GetAsync(key, version, connection, cancellationToken);
            if (process.MessageStartEvents.FirstOrDefault(m => m.EventSubProcessId is null && m.MessageName == messageName) is { } start)
            {
                found.Add((key, version, process, start.ElementId));
            }
        }

        return found;
    }

    private static void Add(UnitOfWork unit, string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        unit.Write(command);
    }

    private static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Str(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Ts(DateTimeOffset? value) => new() { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Json(IReadOnlyDictionary<string, JsonNode?> value)
    {
        var json = new JsonObject(value.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        return new NpgsqlParameter { Value = json.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb };
    }

    private static string TaskStatus(UserTaskStatus status) => status switch
    {
        UserTaskStatus.Created => "open",
        UserTaskStatus.Delegated => "delegated",
        UserTaskStatus.Completed => "completed",
        _ => "cancelled",
    };

    internal static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) => new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value };
}
