using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Queries;

internal sealed class ProcessQueries(RuntimeDatabase database, TimeProvider clock) : IProcessQueries
{
    private const string TaskColumns = """
        id, instance_id, definition_key, business_key, activity_id, name, form_key, assignee, owner, candidate_users, candidate_groups,
        due_at, follow_up_at, priority, status, escalation_level, created_at, closed_at, closed_by
        """;

    internal const string InstanceColumns = """
        id, definition_key, definition_version, business_key, status, started_by, started_at, ended_at, current_activities, parent_instance_id, version
        """;

    public async Task<PagedResult<TaskSummary>> GetInboxAsync(InboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = CheckPage(query.Offset, query.Limit);
        ArgumentOutOfRangeException.ThrowIfNegative(query.CountBeyondPage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.CountBeyondPage, 100_000);
        if (query.Scope != InboxScope.Everyone && query.User is null)
        {
            throw new ArgumentException("An inbox query needs the viewing user unless its scope is Everyone.", nameof(query));
        }

        var where = new StringBuilder("t.status IN ('open', 'delegated')");
        var parameters = new List<NpgsqlParameter>();
        if (query.User is { } user)
        {
            parameters.Add(new NpgsqlParameter("user", user.UserId));
            parameters.Add(new NpgsqlParameter("groups", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = user.Groups.ToArray() });
        }

        where.Append(query.Scope switch
        {
            InboxScope.Mine => " AND t.assignee = @user",
            InboxScope.MyGroups => " AND t.candidate_groups && @groups",
            // Claimable and All narrow the shared visibility rule (TaskVisibility); Mine and MyGroups imply it.
            InboxScope.Claimable => $" AND {TaskVisibility.UnassignedSql("t.", "user", "groups")}",
            InboxScope.All => $" AND {TaskVisibility.MineOrUnassignedSql("t.", "user", "groups")}",
            _ => "",
        });
        if (query.ProcessKey is not null)
        {
            where.Append(" AND t.definition_key = @key");
            parameters.Add(new NpgsqlParameter("key", query.ProcessKey));
        }

        if (query.ActivityId is not null)
        {
            where.Append(" AND t.activity_id = @activity");
            parameters.Add(new NpgsqlParameter("activity", query.ActivityId));
        }

        if (query.CandidateGroup is not null)
        {
            where.Append(" AND @group = ANY(t.candidate_groups)");
            parameters.Add(new NpgsqlParameter("group", query.CandidateGroup));
        }

        if (query.DueBefore is not null)
        {
            where.Append(" AND t.due_at < @dueBefore");
            parameters.Add(new NpgsqlParameter("dueBefore", query.DueBefore.Value.ToUniversalTime()));
        }

        if (query.Overdue)
        {
            where.Append(" AND t.due_at < @now");
            parameters.Add(new NpgsqlParameter("now", clock.GetUtcNow()));
        }

        if (query.Escalated)
        {
            where.Append(" AND t.escalation_level > 0");
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            // strpos instead of LIKE: the text is matched literally, '%' and '_' included.
            where.Append("""
                 AND (strpos(lower(coalesce(t.name, '')), lower(@text)) > 0
                  OR strpos(lower(t.definition_key), lower(@text)) > 0
                  OR strpos(lower(coalesce(t.business_key, '')), lower(@text)) > 0
                  OR EXISTS (SELECT 1 FROM pf.instances ti JOIN pf.definitions td ON td.key = ti.definition_key AND td.version = ti.definition_version
                             WHERE ti.id = t.instance_id
                               AND (strpos(lower(coalesce(td.name, '')), lower(@text)) > 0
                                OR EXISTS (SELECT 1 FROM jsonb_array_elements(ti.state -> 'executions') te, unnest(@textVariables) tv
                                           WHERE jsonb_typeof(te -> 'variables' -> tv) = 'string'
                                             AND strpos(lower(te -> 'variables' ->> tv), lower(@text)) > 0))))
                """);
            parameters.Add(new NpgsqlParameter("text", query.Text.Trim()));
            parameters.Add(new NpgsqlParameter("textVariables", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.TextVariables.ToArray() });
        }

        if (query.AfterTaskId is not null)
        {
            if (query.Sort != TaskSort.Created)
            {
                throw new ArgumentException("Seek paging (AfterTaskId) needs the Created sort order.", nameof(query));
            }

            // A row comparison the (created_at, id) index of open tasks answers by seeking.
            where.Append(query.Descending ? " AND (t.created_at, t.id) < " : " AND (t.created_at, t.id) > ")
                 .Append("(SELECT a.created_at, a.id FROM pf.tasks a WHERE a.id = @after)");
            parameters.Add(new NpgsqlParameter("after", query.AfterTaskId));
        }

        var direction = query.Descending ? "DESC" : "ASC";
        var nulls = query.Descending ? "NULLS LAST" : "NULLS LAST";
        var order = query.Sort switch
        {
            TaskSort.Due => $"t.due_at {direction} {nulls}, t.created_at, t.id",
            TaskSort.Priority => $"t.priority {direction}, t.created_at, t.id",
            TaskSort.FollowUp => $"t.follow_up_at {direction} {nulls}, t.created_at, t.id",
            _ => $"t.created_at {direction}, t.id {direction}",
        };

        // One round trip: the page, then a count that stops CountBeyondPage rows past the page's end (an exact count of
        // 100,000 open tasks costs more than the page itself; see InboxQuery).
        var countBound = (long)query.Offset + limit + query.CountBeyondPage;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var page = new NpgsqlBatchCommand($"SELECT {TaskColumns} FROM pf.tasks t WHERE {where} ORDER BY {order} OFFSET @offset LIMIT @limit");
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM (SELECT 1 FROM pf.tasks t WHERE {where} LIMIT @bound) matching");
        foreach (var p in parameters)
        {
            page.Parameters.Add(p.Clone());
            count.Parameters.Add(p.Clone());
        }

        page.Parameters.AddWithValue("offset", query.Offset);
        page.Parameters.AddWithValue("limit", limit);
        count.Parameters.AddWithValue("bound", countBound + 1);
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var items = await ReadTasksAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counted = reader.GetInt64(0);
        return new PagedResult<TaskSummary>(items, Math.Min(counted, countBound), query.Offset, limit) { TotalIsExact = counted <= countBound };
    }

    public async Task<TaskSummary?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {TaskColumns} FROM pf.tasks WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", taskId);
        return (await ReadTasksAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<PagedResult<InstanceSummary>> SearchInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = CheckPage(query.Offset, query.Limit);
        var where = new StringBuilder("TRUE");
        var parameters = new List<NpgsqlParameter>();
        void Filter(string sql, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(sql);
                parameters.Add(new NpgsqlParameter(name, value));
            }
        }

        Filter("i.definition_key = @key", "key", query.ProcessKey);
        Filter("i.definition_version = @ver", "ver", query.ProcessVersion);
        Filter("lower(i.status) = lower(@status)", "status", query.Status);
        Filter("i.business_key = @bk", "bk", query.BusinessKey);
        Filter("i.current_activities @> ARRAY[@activity]::text[]", "activity", query.ActivityId);
        Filter("i.started_by = @by", "by", query.StartedBy);
        Filter("i.started_at >= @after", "after", query.StartedAfter?.ToUniversalTime());
        Filter("i.started_at < @before", "before", query.StartedBefore?.ToUniversalTime());
        if (query.WithIncidents)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM pf.incidents x WHERE x.instance_id = i.id AND x.status = 'open')");
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var total = await CountAsync(connection, $"SELECT count(*) FROM pf.instances i WHERE {where}", parameters, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {InstanceColumns} FROM pf.instances i WHERE {where} ORDER BY i.started_at DESC, i.id DESC OFFSET @offset LIMIT @limit", connection);
        AddAll(command, parameters);
        command.Parameters.AddWithValue("offset", query.Offset);
        command.Parameters.AddWithValue("limit", limit);
        return new PagedResult<InstanceSummary>(await ReadInstancesAsync(command, cancellationToken), total, query.Offset, limit);
    }

    public async Task<InstanceDetail?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        InstanceSummary summary;
        string stateJson;
        await using (var command = new NpgsqlCommand($"SELECT {InstanceColumns}, state::text FROM pf.instances WHERE id = @id", connection))
        {
            command.Parameters.AddWithValue("id", instanceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            summary = ReadInstance(reader);
            stateJson = reader.GetString(11);
        }

        var state = ProcessStateSerializer.Deserialize(stateJson);
        var variables = state.Variables.ToDictionary(p => p.Key, p => p.Value?.DeepClone());

        await using var tasks = new NpgsqlCommand($"SELECT {TaskColumns} FROM pf.tasks WHERE instance_id = @id AND status IN ('open', 'delegated') ORDER BY created_at, id", connection);
        tasks.Parameters.AddWithValue("id", instanceId);
        var openTasks = await ReadTasksAsync(tasks, cancellationToken);

        var timers = new List<TimerSummary>();
        await using (var command = new NpgsqlCommand("SELECT id, instance_id, activity_id, due_at, status FROM pf.timers WHERE instance_id = @id AND status = 'pending' ORDER BY due_at, id", connection))
        {
            command.Parameters.AddWithValue("id", instanceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                timers.Add(new TimerSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
            }
        }

        await using var incidents = new NpgsqlCommand($"SELECT {IncidentColumns} FROM pf.incidents WHERE instance_id = @id ORDER BY created_at, id", connection);
        incidents.Parameters.AddWithValue("id", instanceId);
        var incidentList = await ReadIncidentsAsync(incidents, cancellationToken);

        var subscriptions = new List<SubscriptionSummary>();
        await using (var command = new NpgsqlCommand("SELECT id, instance_id, message_name, correlation_key, activity_id, created_at FROM pf.message_subscriptions WHERE instance_id = @id ORDER BY created_at, id", connection))
        {
            command.Parameters.AddWithValue("id", instanceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                subscriptions.Add(new SubscriptionSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        var history = await ReadHistoryAsync(connection, instanceId, cancellationToken);
        return new InstanceDetail(summary, variables, openTasks, timers, incidentList, subscriptions, history);
    }

    public async Task<IReadOnlyList<HistoryRecord>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await ReadHistoryAsync(connection, instanceId, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkloadSummary>> GetWorkloadAsync(string? group = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT g.grp, t.assignee, count(*)::int, count(*) FILTER (WHERE t.due_at < @now)::int,
                   count(*) FILTER (WHERE t.escalation_level > 0)::int, coalesce(max(t.escalation_level), 0)::int
            FROM pf.tasks t
            LEFT JOIN LATERAL unnest(CASE WHEN cardinality(t.candidate_groups) = 0 THEN ARRAY[NULL::text] ELSE t.candidate_groups END) AS g(grp) ON TRUE
            WHERE t.status IN ('open', 'delegated') AND (@group::text IS NULL OR g.grp = @group)
            GROUP BY g.grp, t.assignee
            ORDER BY g.grp NULLS LAST, t.assignee NULLS FIRST
            """, connection);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter("group", NpgsqlDbType.Text) { Value = (object?)group ?? DBNull.Value });
        var list = new List<WorkloadSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new WorkloadSummary(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetInt32(5)));
        }

        return list;
    }

    public async Task<IReadOnlyList<StageSlaSummary>> GetSlaAsync(string? processKey = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT definition_key, activity_id, max(name),
                   count(*) FILTER (WHERE status IN ('open', 'delegated'))::int,
                   count(*) FILTER (WHERE status IN ('open', 'delegated') AND due_at < @now)::int,
                   count(*) FILTER (WHERE status = 'completed' AND due_at < closed_at)::int,
                   count(*) FILTER (WHERE status = 'completed')::int,
                   avg(extract(epoch FROM closed_at - created_at) / 3600.0) FILTER (WHERE status = 'completed')::float8
            FROM pf.tasks
            WHERE @key::text IS NULL OR definition_key = @key
            GROUP BY definition_key, activity_id
            ORDER BY definition_key, activity_id
            """, connection);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)processKey ?? DBNull.Value });
        var list = new List<StageSlaSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StageSlaSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7)));
        }

        return list;
    }

    public async Task<PagedResult<IncidentSummary>> GetIncidentsAsync(bool openOnly = true, string? processKey = null, int offset = 0, int limit = 50, CancellationToken cancellationToken = default)
    {
        limit = CheckPage(offset, limit);
        var where = "(@open = FALSE OR status = 'open') AND (@key::text IS NULL OR definition_key = @key)";
        var parameters = new List<NpgsqlParameter>
        {
            new("open", openOnly),
            new("key", NpgsqlDbType.Text) { Value = (object?)processKey ?? DBNull.Value },
        };
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var total = await CountAsync(connection, $"SELECT count(*) FROM pf.incidents WHERE {where}", parameters, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {IncidentColumns} FROM pf.incidents WHERE {where} ORDER BY created_at DESC, id DESC OFFSET @offset LIMIT @limit", connection);
        AddAll(command, parameters);
        command.Parameters.AddWithValue("offset", offset);
        command.Parameters.AddWithValue("limit", limit);
        return new PagedResult<IncidentSummary>(await ReadIncidentsAsync(command, cancellationToken), total, offset, limit);
    }

    private const string IncidentColumns = "id, instance_id, definition_key, activity_id, type, message, job_id, status, created_at, resolved_at";

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<HistoryRecord>>> GetHistoryAtActivitiesAsync(
        IReadOnlyCollection<string> instanceIds, IReadOnlyCollection<string> activityIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        ArgumentNullException.ThrowIfNull(activityIds);
        var result = new Dictionary<string, IReadOnlyList<HistoryRecord>>(StringComparer.Ordinal);
        if (instanceIds.Count == 0 || activityIds.Count == 0)
        {
            return result;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT instance_id, sequence, entry, hash FROM pf.history
            WHERE instance_id = ANY(@ids) AND activity_id = ANY(@activities)
            ORDER BY instance_id, sequence
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = instanceIds.Distinct(StringComparer.Ordinal).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("activities", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = activityIds.Distinct(StringComparer.Ordinal).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<HistoryRecord>? current = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var instanceId = reader.GetString(0);
            if (current is null || current[0].InstanceId != instanceId)
            {
                current = [];
                result.Add(instanceId, current);
            }

            current.Add(ReadHistoryRecord(instanceId, reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
        }

        return result;
    }

    internal static async Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(NpgsqlConnection connection, string instanceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT sequence, entry, hash FROM pf.history WHERE instance_id = @id ORDER BY sequence", connection);
        command.Parameters.AddWithValue("id", instanceId);
        var list = new List<HistoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadHistoryRecord(instanceId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return list;
    }

    private static HistoryRecord ReadHistoryRecord(string instanceId, long sequence, string json, string hash)
    {
        var entry = JsonNode.Parse(json)!.AsObject();
        return new HistoryRecord(
            instanceId,
            sequence,
            (string)entry["type"]!,
            (string?)entry["activityId"],
            (string?)entry["activityType"],
            (string?)entry["activityInstanceId"],
            (string?)entry["userId"],
            DateTimeOffset.Parse((string)entry["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture),
            entry["data"] as JsonObject is { } data ? data.DeepClone().AsObject() : null,
            hash);
    }

    private static int CheckPage(int offset, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 500);
        return limit;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, List<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        AddAll(command, parameters);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void AddAll(NpgsqlCommand command, List<NpgsqlParameter> parameters)
    {
        foreach (var p in parameters)
        {
            command.Parameters.Add(p.Clone());
        }
    }

    private static async Task<IReadOnlyList<TaskSummary>> ReadTasksAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadTasksAsync(reader, cancellationToken);
    }

    /// <summary>Reads the current result set of task rows.</summary>
    private static async Task<List<TaskSummary>> ReadTasksAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var list = new List<TaskSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new TaskSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                NullableString(reader, 3),
                reader.GetString(4),
                NullableString(reader, 5),
                NullableString(reader, 6),
                NullableString(reader, 7),
                NullableString(reader, 8),
                reader.GetFieldValue<string[]>(9),
                reader.GetFieldValue<string[]>(10),
                NullableTime(reader, 11),
                NullableTime(reader, 12),
                reader.GetInt32(13),
                reader.GetString(14),
                reader.GetInt32(15),
                reader.GetFieldValue<DateTimeOffset>(16),
                NullableTime(reader, 17),
                NullableString(reader, 18)));
        }

        return list;
    }

    internal static InstanceSummary ReadInstance(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt32(2),
        NullableString(reader, 3),
        reader.GetString(4),
        NullableString(reader, 5),
        reader.GetFieldValue<DateTimeOffset>(6),
        NullableTime(reader, 7),
        reader.GetFieldValue<string[]>(8),
        NullableString(reader, 9),
        reader.GetInt64(10));

    private static async Task<IReadOnlyList<InstanceSummary>> ReadInstancesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<InstanceSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadInstance(reader));
        }

        return list;
    }

    private static async Task<IReadOnlyList<IncidentSummary>> ReadIncidentsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<IncidentSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new IncidentSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                NullableString(reader, 6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                NullableTime(reader, 9)));
        }

        return list;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
