using Npgsql;
using NpgsqlTypes;
using ProcurementFlows.Runtime.Queries;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Camunda-style history queries across instances over <c>pf.instances</c> and <c>pf.history</c>.</summary>
internal sealed class HistorySearchService(RuntimeDatabase database) : IHistorySearchService
{
    private static readonly Dictionary<string, string> InstanceSortColumns = new(StringComparer.Ordinal)
    {
        ["instanceId"] = "i.id",
        ["definitionKey"] = "i.definition_key",
        ["definitionVersion"] = "i.definition_version",
        ["definitionId"] = "i.definition_key, i.definition_version",
        ["businessKey"] = "i.business_key",
        ["startTime"] = "i.started_at",
        ["endTime"] = "i.ended_at",
        ["duration"] = "(i.ended_at - i.started_at)",
    };

    private static readonly Dictionary<string, string> ActivitySortColumns = new(StringComparer.Ordinal)
    {
        ["activityInstanceId"] = "r.activity_instance_id",
        ["executionId"] = "r.activity_instance_id",
        ["instanceId"] = "r.instance_id",
        ["activityId"] = "r.activity_id",
        ["activityType"] = "r.activity_type",
        ["startTime"] = "r.start_time",
        ["endTime"] = "r.end_time",
        ["duration"] = "(r.end_time - r.start_time)",
        ["definitionId"] = "r.definition_key, r.definition_version",
        ["occurrence"] = "r.start_time, r.sequence",
    };

    public async Task<PagedResult<InstanceSummary>> SearchInstancesAsync(HistoricInstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(query.Offset, query.Limit);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Add(string clause, string name, object value, NpgsqlDbType? type = null)
        {
            where.Add(clause);
            parameters.Add(type is { } t ? new NpgsqlParameter(name, t) { Value = value } : new NpgsqlParameter(name, value));
        }

        if (query.InstanceIds is { } ids)
        {
            Add("i.id = ANY(@ids)", "ids", ids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        if (query.ProcessKeys is { } keys)
        {
            Add("i.definition_key = ANY(@keys)", "keys", keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        if (query.ProcessVersion is { } version)
        {
            Add("i.definition_version = @version", "version", version);
        }

        if (query.BusinessKey is not null)
        {
            Add("i.business_key = @businessKey", "businessKey", query.BusinessKey);
        }

        if (query.BusinessKeyLike is not null)
        {
            Add("i.business_key LIKE @businessKeyLike", "businessKeyLike", query.BusinessKeyLike);
        }

        if (query.Finished is { } finished)
        {
            where.Add(finished ? "i.ended_at IS NOT NULL" : "i.ended_at IS NULL");
        }

        if (query.Statuses is { } statuses)
        {
            Add("i.status = ANY(@statuses)", "statuses", statuses.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        if (query.StartedBy is not null)
        {
            Add("i.started_by = @startedBy", "startedBy", query.StartedBy);
        }

        if (query.ParentInstanceId is not null)
        {
            Add("i.parent_instance_id = @parent", "parent", query.ParentInstanceId);
        }

        if (query.StartedBefore is { } startedBefore)
        {
            Add("i.started_at <= @startedBefore", "startedBefore", startedBefore);
        }

        if (query.StartedAfter is { } startedAfter)
        {
            Add("i.started_at >= @startedAfter", "startedAfter", startedAfter);
        }

        if (query.FinishedBefore is { } finishedBefore)
        {
            Add("i.ended_at <= @finishedBefore", "finishedBefore", finishedBefore);
        }

        if (query.FinishedAfter is { } finishedAfter)
        {
            Add("i.ended_at >= @finishedAfter", "finishedAfter", finishedAfter);
        }

        if (query.WithIncidents)
        {
            where.Add("EXISTS (SELECT 1 FROM pf.incidents x WHERE x.instance_id = i.id AND x.status = 'open')");
        }

        var order = Order(query.Sorting, InstanceSortColumns, ["i.started_at", "i.id"]);
        var filter = where.Count == 0 ? "TRUE" : string.Join(" AND ", where);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var total = await CountAsync(connection, $"SELECT count(*) FROM pf.instances i WHERE {filter}", parameters, cancellationToken);
        var items = new List<InstanceSummary>();
        if (query.Limit > 0 && query.Offset < total)
        {
            await using var select = new NpgsqlCommand($"SELECT {ProcessQueries.InstanceColumns} FROM pf.instances i WHERE {filter} ORDER BY {order} OFFSET @offset LIMIT @limit", connection);
            select.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            select.Parameters.AddWithValue("offset", query.Offset);
            select.Parameters.AddWithValue("limit", query.Limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ProcessQueries.ReadInstance(reader));
            }
        }

        return new PagedResult<InstanceSummary>(items, total, query.Offset, query.Limit);
    }

    public async Task<PagedResult<HistoricActivity>> SearchActivitiesAsync(HistoricActivityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(query.Offset, query.Limit);

        // Filters that narrow the history rows read come first (instance, activity id); the rest apply to the paired rows.
        var inner = new List<string> { "h.type IN ('ActivityStarted', 'ActivityCompleted', 'ActivityCancelled', 'TaskCreated')" };
        var outer = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Inner(string clause, string name, object value)
        {
            inner.Add(clause);
            parameters.Add(new NpgsqlParameter(name, value));
        }

        void Outer(string clause, string name, object value)
        {
            outer.Add(clause);
            parameters.Add(new NpgsqlParameter(name, value));
        }

        if (query.InstanceId is not null)
        {
            Inner("h.instance_id = @instance", "instance", query.InstanceId);
        }

        if (query.ProcessKey is not null)
        {
            Inner("h.instance_id IN (SELECT id FROM pf.instances WHERE definition_key = @key)", "key", query.ProcessKey);
        }

        if (query.ProcessVersion is { } version)
        {
            Outer("r.definition_version = @version", "version", version);
        }

        if (query.ActivityId is not null)
        {
            Inner("h.activity_id = @activity", "activity", query.ActivityId);
        }

        if (query.ActivityInstanceId is not null)
        {
            Outer("r.activity_instance_id = @activityInstance", "activityInstance", query.ActivityInstanceId);
        }

        if (query.ActivityType is not null)
        {
            Outer("r.activity_type = @activityType", "activityType", query.ActivityType);
        }

        if (query.Finished is { } finished)
        {
            outer.Add(finished ? "r.end_time IS NOT NULL" : "r.end_time IS NULL");
        }

        if (query.Canceled is { } canceled)
        {
            outer.Add(canceled ? "r.canceled" : "NOT r.canceled");
        }

        if (query.StartedBefore is { } startedBefore)
        {
            Outer("r.start_time <= @startedBefore", "startedBefore", startedBefore);
        }

        if (query.StartedAfter is { } startedAfter)
        {
            Outer("r.start_time >= @startedAfter", "startedAfter", startedAfter);
        }

        if (query.FinishedBefore is { } finishedBefore)
        {
            Outer("r.end_time <= @finishedBefore", "finishedBefore", finishedBefore);
        }

        if (query.FinishedAfter is { } finishedAfter)
        {
            Outer("r.end_time >= @finishedAfter", "finishedAfter", finishedAfter);
        }

        var order = Order(query.Sorting, ActivitySortColumns, ["r.start_time", "r.instance_id", "r.sequence"]);
        var source = $"""
            WITH h AS (
                SELECT h.instance_id, h.sequence, h.type, h.activity_id, h.occurred_at, h.entry::jsonb AS e
                FROM pf.history h WHERE {string.Join(" AND ", inner)}),
            r AS (
                SELECT s.instance_id, s.sequence, s.e ->> 'activityInstanceId' AS activity_instance_id, s.activity_id, s.e ->> 'activityType' AS activity_type,
                       s.occurred_at AS start_time, f.occurred_at AS end_time, coalesce(f.type = 'ActivityCancelled', false) AS canceled,
                       t.task_id, i.definition_key, i.definition_version
                FROM h s
                JOIN pf.instances i ON i.id = s.instance_id
                LEFT JOIN LATERAL (SELECT x.occurred_at, x.type FROM h x
                                   WHERE x.instance_id = s.instance_id AND x.type IN ('ActivityCompleted', 'ActivityCancelled')
                                     AND x.e ->> 'activityInstanceId' = s.e ->> 'activityInstanceId' AND x.sequence > s.sequence
                                   ORDER BY x.sequence LIMIT 1) f ON TRUE
                LEFT JOIN LATERAL (SELECT x.e -> 'data' ->> 'taskId' AS task_id FROM h x
                                   WHERE x.instance_id = s.instance_id AND x.type = 'TaskCreated'
                                     AND x.e ->> 'activityInstanceId' = s.e ->> 'activityInstanceId'
                                   ORDER BY x.sequence LIMIT 1) t ON TRUE
                WHERE s.type = 'ActivityStarted' AND s.e ->> 'activityInstanceId' IS NOT NULL)
            """;
        var filter = outer.Count == 0 ? "TRUE" : string.Join(" AND ", outer);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var total = await CountAsync(connection, $"{source} SELECT count(*) FROM r WHERE {filter}", parameters, cancellationToken);
        var items = new List<HistoricActivity>();
        if (query.Limit > 0 && query.Offset < total)
        {
            await using var select = new NpgsqlCommand($"""
                {source}
                SELECT r.activity_instance_id, r.instance_id, r.definition_key, r.definition_version, r.activity_id, r.activity_type,
                       r.start_time, r.end_time, r.canceled, r.task_id
                FROM r WHERE {filter} ORDER BY {order} OFFSET @offset LIMIT @limit
                """, connection);
            select.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            select.Parameters.AddWithValue("offset", query.Offset);
            select.Parameters.AddWithValue("limit", query.Limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new HistoricActivity(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    reader.GetString(4),
                    TaskSearchService.Str(reader, 5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    TaskSearchService.Time(reader, 7),
                    reader.GetBoolean(8),
                    TaskSearchService.Str(reader, 9)));
            }
        }

        return new PagedResult<HistoricActivity>(items, total, query.Offset, query.Limit);
    }

    private static void CheckPage(int offset, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
    }

    private static string Order(IReadOnlyList<(string Key, bool Descending)> sorting, Dictionary<string, string> columns, string[] tieBreak)
    {
        var order = new List<string>();
        foreach (var (key, descending) in sorting)
        {
            if (!columns.TryGetValue(key, out var column))
            {
                throw new ArgumentException($"Unknown sort key '{key}'.", nameof(sorting));
            }

            order.AddRange(column.Split(", ").Select(c => $"{c} {(descending ? "DESC" : "ASC")} NULLS LAST"));
        }

        order.AddRange(tieBreak);
        return string.Join(", ", order);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, List<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand(sql, connection);
        count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
