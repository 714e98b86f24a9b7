using System.Text.Json.Nodes;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>
/// Fetch-and-lock over <c>pf.service_jobs</c> (rows locked with <c>FOR UPDATE SKIP LOCKED</c>, so concurrent workers
/// never get the same task), and the worker's results submitted through the command loop exactly like a built-in
/// handler's (<see cref="CompleteServiceTask"/>, <see cref="ThrowServiceTaskError"/>, <see cref="FailServiceTask"/>).
/// A lock is a lease: once <c>lock_expires_at</c> passes, the task is available again.
/// </summary>
internal sealed class ExternalTaskService(
    RuntimeDatabase database,
    CommandProcessor processor,
    ServiceTaskHandlerRegistry handlers,
    TimeProvider clock,
    ExternalTaskOptions options,
    RuntimeInstruments instruments) : IExternalTaskService
{
    private const string InfoColumns = """
        j.id, j.topic, j.instance_id, i.definition_key, i.definition_version, i.business_key, j.activity_id, j.status,
        j.retries_left, j.attempts, j.last_error, j.lock_owner, j.lock_expires_at, j.due_at, j.created_at, j.input::text, j.priority
        """;

    // Pulsed when this process finished a worker call that may have made new work available (the next task of a
    // process, an unlocked task), so long-polling requests look again at once instead of after their back-off.
    private TaskCompletionSource _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyList<LockedExternalTask>> FetchAndLockAsync(FetchAndLockRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deadline = clock.GetUtcNow() + wait;
        var delay = options.MinPollInterval;
        var waiting = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var signal = Volatile.Read(ref _workSignal).Task;
                var locked = await TryFetchAndLockAsync(request, cancellationToken);
                var remaining = deadline - clock.GetUtcNow();
                if (locked.Count > 0 || remaining <= TimeSpan.Zero)
                {
                    return locked;
                }

                if (!waiting)
                {
                    waiting = true;
                    instruments.LongPollWaiting(true);
                }

                var pause = delay < remaining ? delay : remaining;
                await Task.WhenAny(signal, Task.Delay(pause, clock, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollInterval.Ticks));
            }
        }
        finally
        {
            if (waiting)
            {
                instruments.LongPollWaiting(false);
            }
        }
    }

    private async Task<IReadOnlyList<LockedExternalTask>> TryFetchAndLockAsync(FetchAndLockRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var topics = request.Topics.Where(t => !handlers.Has(t.TopicName)).ToList(); // built-in handlers' topics are never offered
        if (topics.Count == 0 || request.MaxTasks <= 0)
        {
            return [];
        }

        // One statement over all topics, so that usePriority orders across topics (Camunda: highest priority first, whatever
        // the topic); each topic's filters form one OR branch, and its lock duration applies to the rows its branch matched.
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var branches = new List<string>();
        var expiry = new List<string>();
        for (var n = 0; n < topics.Count; n++)
        {
            var topic = topics[n];
            var branch = $"j.topic = @topic{n}";
            command.Parameters.AddWithValue($"topic{n}", topic.TopicName);
            if (topic.BusinessKey is not null)
            {
                branch += $" AND i.business_key = @businessKey{n}";
                command.Parameters.AddWithValue($"businessKey{n}", topic.BusinessKey);
            }

            if (topic.ProcessDefinitionKeys is { Count: > 0 } keys)
            {
                branch += $" AND i.definition_key = ANY(@keys{n})";
                command.Parameters.AddWithValue($"keys{n}", keys.ToArray());
            }

            branches.Add($"({branch})");
            expiry.Add($"WHEN {branch} THEN @expires{n}");
            command.Parameters.AddWithValue($"expires{n}", now + topic.LockDuration);
        }

        var order = request.UsePriority ? "j.priority DESC, j.due_at, j.id" : "j.due_at, j.id";
        command.CommandText = $"""
            WITH candidates AS (
                SELECT j.id FROM pf.service_jobs j JOIN pf.instances i ON i.id = j.instance_id
                WHERE j.status = 'pending' AND j.due_at <= @now
                  AND (j.lock_expires_at IS NULL OR j.lock_expires_at <= @now)
                  AND ({string.Join(" OR ", branches)})
                ORDER BY {order}
                LIMIT @max
                FOR UPDATE OF j SKIP LOCKED)
            UPDATE pf.service_jobs j SET lock_owner = @worker, lock_expires_at = CASE {string.Join(" ", expiry)} END, updated_at = @now
            FROM candidates c, pf.instances i
            WHERE j.id = c.id AND i.id = j.instance_id
            RETURNING {InfoColumns}
            """;
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("max", request.MaxTasks);
        command.Parameters.AddWithValue("worker", request.WorkerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<LockedExternalTask>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var (info, input) = Read(reader);
            var topic = topics.First(t => t.TopicName == info.TopicName
                && (t.BusinessKey is null || t.BusinessKey == info.BusinessKey)
                && (t.ProcessDefinitionKeys is not { Count: > 0 } k || k.Contains(info.ProcessDefinitionKey, StringComparer.Ordinal)));
            result.Add(new LockedExternalTask(info, Filter(input, topic.VariableNames)));
        }

        return request.UsePriority
            ? [.. result.OrderByDescending(t => t.Task.Priority).ThenBy(t => t.Task.DueAt).ThenBy(t => t.Task.Id, StringComparer.Ordinal)]
            : [.. result.OrderBy(t => t.Task.DueAt).ThenBy(t => t.Task.Id, StringComparer.Ordinal)];
    }

    public async Task<ExternalTaskInfo?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {InfoColumns} FROM pf.service_jobs j JOIN pf.instances i ON i.id = j.instance_id WHERE j.id = @id AND j.status IN ('pending', 'incident')", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !handlers.Has(reader.GetString(1)) ? Read(reader).Info : null;
    }

    public async Task<PagedResult<ExternalTaskInfo>> QueryAsync(ExternalTaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 1000);
        var where = "j.status IN ('pending', 'incident') AND NOT (j.topic = ANY(@internal))";
        var parameters = new List<NpgsqlParameter> { new("internal", handlers.Topics.ToArray()), new("now", clock.GetUtcNow()) };
        if (query.TopicName is not null)
        {
            where += " AND j.topic = @topic";
            parameters.Add(new("topic", query.TopicName));
        }

        if (query.ProcessInstanceId is not null)
        {
            where += " AND j.instance_id = @instance";
            parameters.Add(new("instance", query.ProcessInstanceId));
        }

        if (query.WorkerId is not null)
        {
            where += " AND j.lock_owner = @worker";
            parameters.Add(new("worker", query.WorkerId));
        }

        if (query.Locked is { } locked)
        {
            where += locked ? " AND j.lock_expires_at > @now" : " AND (j.lock_expires_at IS NULL OR j.lock_expires_at <= @now)";
        }

        if (query.NoRetriesLeft)
        {
            where += " AND j.status = 'incident'";
        }

        if (query.WithRetriesLeft)
        {
            where += " AND j.status = 'pending'";
        }

        if (query.ActivityId is not null)
        {
            where += " AND j.activity_id = @activity";
            parameters.Add(new("activity", query.ActivityId));
        }

        if (query.ProcessDefinitionKey is not null)
        {
            where += " AND EXISTS (SELECT 1 FROM pf.instances qi WHERE qi.id = j.instance_id AND qi.definition_key = @definitionKey)";
            parameters.Add(new("definitionKey", query.ProcessDefinitionKey));
        }

        if (query.MinPriority is { } min)
        {
            where += " AND j.priority >= @minPriority";
            parameters.Add(new("minPriority", min));
        }

        if (query.MaxPriority is { } max)
        {
            where += " AND j.priority <= @maxPriority";
            parameters.Add(new("maxPriority", max));
        }

        if (query.LockExpiresBefore is { } before)
        {
            where += " AND j.lock_expires_at < @lockBefore";
            parameters.Add(new("lockBefore", before));
        }

        if (query.LockExpiresAfter is { } after)
        {
            where += " AND j.lock_expires_at > @lockAfter";
            parameters.Add(new("lockAfter", after));
        }

        var order = new List<string>();
        foreach (var (key, descending) in query.Sorting)
        {
            var column = key switch
            {
                "id" => "j.id",
                "lockExpirationTime" => "j.lock_expires_at",
                "processInstanceId" => "j.instance_id",
                "processDefinitionKey" => "i.definition_key",
                "createTime" => "j.created_at",
                "priority" => "j.priority",
                _ => throw new ArgumentException($"Unknown sort key '{key}'.", nameof(query)),
            };
            order.Add($"{column} {(descending ? "DESC" : "ASC")} NULLS LAST");
        }

        order.Add("j.created_at");
        order.Add("j.id");

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM pf.service_jobs j WHERE {where}", connection))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var items = new List<ExternalTaskInfo>();
        if (query.Limit > 0)
        {
            await using var select = new NpgsqlCommand($"SELECT {InfoColumns} FROM pf.service_jobs j JOIN pf.instances i ON i.id = j.instance_id WHERE {where} ORDER BY {string.Join(", ", order)} OFFSET @offset LIMIT @limit", connection);
            select.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            select.Parameters.AddWithValue("offset", query.Offset);
            select.Parameters.AddWithValue("limit", query.Limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader).Info);
            }
        }

        return new PagedResult<ExternalTaskInfo>(items, total, query.Offset, query.Limit);
    }

    public async Task<InstanceOutcome> CompleteAsync(string id, string workerId, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken cancellationToken = default)
    {
        var outcome = await processor.RunAsync(
            async unit =>
            {
                var instanceId = await LockOwnedAsync(unit, id, workerId, "completed", cancellationToken);
                return await processor.ExecuteAsync(unit, instanceId, (_, _) => new CompleteServiceTask(id, variables), null, cancellationToken);
            },
            retryOnConflict: true,
            cancellationToken);
        Pulse();
        return outcome;
    }

    public async Task<InstanceOutcome> ThrowBpmnErrorAsync(string id, string workerId, string errorCode, string? errorMessage, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken cancellationToken = default)
    {
        var outcome = await processor.RunAsync(
            async unit =>
            {
                var instanceId = await LockOwnedAsync(unit, id, workerId, "reported a BPMN error", cancellationToken);
                return await processor.ExecuteAsync(unit, instanceId, (_, _) => new ThrowServiceTaskError(id, errorCode, errorMessage, variables), null, cancellationToken);
            },
            retryOnConflict: true,
            cancellationToken);
        Pulse();
        return outcome;
    }

    public async Task FailAsync(string id, string workerId, string? errorMessage, string? errorDetails, int retries, TimeSpan retryTimeout, CancellationToken cancellationToken = default)
    {
        var message = string.IsNullOrEmpty(errorMessage) ? "The external worker reported a failure." : errorMessage;
        await processor.RunAsync(
            async unit =>
            {
                var instanceId = await LockOwnedAsync(unit, id, workerId, "failed", cancellationToken);
                if (retries <= 0)
                {
                    // No retries left: the same command a built-in handler's permanent failure sends → failedJob incident.
                    await processor.ExecuteAsync(unit, instanceId, (_, _) => new FailServiceTask(id, message, errorDetails, Retryable: false), null, cancellationToken);
                    return true;
                }

                // The worker decides retries and back-off (Camunda semantics): the task returns to the pool after the timeout.
                await using var update = new NpgsqlCommand("""
                    UPDATE pf.service_jobs SET retries_left = @retries, attempts = attempts + 1, last_error = @error, due_at = @due,
                           lock_owner = NULL, lock_expires_at = NULL, updated_at = @now
                    WHERE id = @id
                    """, unit.Connection, unit.Transaction);
                var now = clock.GetUtcNow();
                update.Parameters.AddWithValue("retries", retries);
                update.Parameters.AddWithValue("error", message);
                update.Parameters.AddWithValue("due", now + retryTimeout);
                update.Parameters.AddWithValue("now", now);
                update.Parameters.AddWithValue("id", id);
                await update.ExecuteNonQueryAsync(cancellationToken);
                return true;
            },
            retryOnConflict: true,
            cancellationToken);
        Pulse();
    }

    public async Task ExtendLockAsync(string id, string workerId, TimeSpan newDuration, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await using var update = new NpgsqlCommand("""
            UPDATE pf.service_jobs SET lock_expires_at = @expires, updated_at = @now
            WHERE id = @id AND status = 'pending' AND lock_owner = @worker AND lock_expires_at > @now
            """, connection);
        update.Parameters.AddWithValue("expires", now + newDuration);
        update.Parameters.AddWithValue("now", now);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("worker", workerId);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return;
        }

        var current = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        throw current.LockExpiresAt is null || current.LockExpiresAt <= now
            ? new ExternalTaskLockException($"The lock of the External Task {id} cannot be extended by worker '{workerId}': the task is not locked (its lock expired or was released).")
            : new ExternalTaskLockException($"The lock of the External Task {id} cannot be extended by worker '{workerId}'. It is locked by worker '{current.WorkerId}'.");
    }

    public async Task UnlockAsync(string id, CancellationToken cancellationToken = default)
    {
        _ = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("UPDATE pf.service_jobs SET lock_owner = NULL, lock_expires_at = NULL, updated_at = @now WHERE id = @id AND status IN ('pending', 'incident')", connection);
        update.Parameters.AddWithValue("now", clock.GetUtcNow());
        update.Parameters.AddWithValue("id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        Pulse();
    }

    public async Task SetRetriesAsync(string id, int retries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        await processor.RunAsync(
            async unit =>
            {
                await using var command = new NpgsqlCommand("SELECT instance_id, topic, status FROM pf.service_jobs WHERE id = @id AND status IN ('pending', 'incident') FOR UPDATE", unit.Connection, unit.Transaction);
                command.Parameters.AddWithValue("id", id);
                string instanceId, status;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken) || handlers.Has(reader.GetString(1)))
                    {
                        throw NotFound(id);
                    }

                    (instanceId, status) = (reader.GetString(0), reader.GetString(2));
                }

                if (status == "incident" && retries > 0)
                {
                    // Camunda: retries above 0 on a task without retries resolve its incident; the task is available again.
                    await using var incident = new NpgsqlCommand("SELECT id FROM pf.incidents WHERE job_id = @id AND status = 'open' ORDER BY created_at LIMIT 1", unit.Connection, unit.Transaction);
                    incident.Parameters.AddWithValue("id", id);
                    var incidentId = await incident.ExecuteScalarAsync(cancellationToken) as string ?? throw NotFound(id);
                    await processor.ExecuteAsync(unit, instanceId, (_, _) => new RetryIncident(incidentId, retries), null, cancellationToken);
                }
                else if (status == "pending" && retries == 0)
                {
                    // Camunda: retries 0 raise an incident, as a failure with no retries left does.
                    await processor.ExecuteAsync(unit, instanceId, (_, _) => new FailServiceTask(id, "The retries of the external task were set to 0.", null, Retryable: false), null, cancellationToken);
                }
                else if (status == "pending")
                {
                    await using var update = new NpgsqlCommand("UPDATE pf.service_jobs SET retries_left = @retries, attempts = greatest(attempts, 1), updated_at = @now WHERE id = @id", unit.Connection, unit.Transaction);
                    update.Parameters.AddWithValue("retries", retries);
                    update.Parameters.AddWithValue("now", clock.GetUtcNow());
                    update.Parameters.AddWithValue("id", id);
                    await update.ExecuteNonQueryAsync(cancellationToken);
                }

                return true;
            },
            retryOnConflict: true,
            cancellationToken);
        Pulse();
    }

    public async Task SetPriorityAsync(string id, long priority, CancellationToken cancellationToken = default)
    {
        _ = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("UPDATE pf.service_jobs SET priority = @priority, updated_at = @now WHERE id = @id AND status IN ('pending', 'incident')", connection);
        update.Parameters.AddWithValue("priority", priority);
        update.Parameters.AddWithValue("now", clock.GetUtcNow());
        update.Parameters.AddWithValue("id", id);
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw NotFound(id);
        }
    }

    /// <summary>Row-locks the task in the unit's transaction and checks that <paramref name="workerId"/> holds it; returns its instance id.</summary>
    private async Task<string> LockOwnedAsync(UnitOfWork unit, string id, string workerId, string action, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT instance_id, topic, lock_owner FROM pf.service_jobs WHERE id = @id AND status = 'pending' FOR UPDATE", unit.Connection, unit.Transaction);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || handlers.Has(reader.GetString(1)))
        {
            throw NotFound(id);
        }

        var instanceId = reader.GetString(0);
        var owner = reader.IsDBNull(2) ? null : reader.GetString(2);
        return owner == workerId
            ? instanceId
            : throw new ExternalTaskLockException($"External Task {id} cannot be {action} by worker '{workerId}'. It is locked by worker '{owner ?? "null"}'.");
    }

    private void Pulse() => Interlocked.Exchange(ref _workSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static NotFoundException NotFound(string id) => new("external-task.not-found", $"External task with id {id} does not exist.");

    private static IReadOnlyDictionary<string, JsonNode?> Filter(JsonObject input, IReadOnlyList<string>? names)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in input)
        {
            if (names is null || names.Contains(name, StringComparer.Ordinal))
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }

    private static (ExternalTaskInfo Info, JsonObject Input) Read(NpgsqlDataReader reader)
    {
        var attempts = reader.GetInt32(9);
        var info = new ExternalTaskInfo(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetInt32(4),
            TaskSearchService.Str(reader, 5),
            reader.GetString(6),
            reader.GetString(7),
            attempts == 0 ? null : reader.GetString(7) == "incident" ? 0 : reader.GetInt32(8),
            TaskSearchService.Str(reader, 10),
            TaskSearchService.Str(reader, 11),
            TaskSearchService.Time(reader, 12),
            reader.GetFieldValue<DateTimeOffset>(13),
            reader.GetFieldValue<DateTimeOffset>(14),
            reader.GetInt64(16));
        var input = JsonNode.Parse(reader.GetString(15)) as JsonObject ?? [];
        return (info, input);
    }
}

/// <summary>Long-polling behaviour of <see cref="IExternalTaskService.FetchAndLockAsync"/>.</summary>
public sealed class ExternalTaskOptions
{
    /// <summary>First pause between two looks while a fetch waits for work (default 50 ms); doubles up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest pause between two looks while a fetch waits for work (default 1 s).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
