using Npgsql;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Camunda-style task queries over <c>pf.tasks</c>, restricted to the tasks the viewer may see.</summary>
internal sealed class TaskSearchService(RuntimeDatabase database) : ITaskSearchService
{
    private const string Columns = """
        id, instance_id, definition_key, business_key, activity_id, name, form_key, assignee, owner, candidate_users, candidate_groups,
        due_at, follow_up_at, priority, status, escalation_level, created_at, closed_at, closed_by
        """;

    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["created"] = "created_at",
        ["due"] = "due_at",
        ["followUp"] = "follow_up_at",
        ["priority"] = "priority",
        ["name"] = "name",
        ["id"] = "id",
        ["assignee"] = "assignee",
        ["instanceId"] = "instance_id",
        ["taskDefinitionKey"] = "activity_id",
    };

    public async Task<PagedResult<TaskSearchHit>> SearchAsync(TaskSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 1000);

        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            parameters.Add(new NpgsqlParameter(name, value));
        }

        if (!query.IncludeClosed)
        {
            where.Add("status IN ('open', 'delegated')");
        }

        if (query.VisibleTo is { } viewer)
        {
            where.Add(TaskVisibility.Sql("", "viewer", "viewerGroups"));
            parameters.Add(new NpgsqlParameter("viewer", viewer.UserId));
            parameters.Add(new NpgsqlParameter("viewerGroups", viewer.Groups.ToArray()));
        }

        if (query.TaskId is not null)
        {
            Add("id = @taskId", "taskId", query.TaskId);
        }

        if (query.Assignee is not null)
        {
            Add("assignee = @assignee", "assignee", query.Assignee);
        }

        if (query.Assigned is { } assigned)
        {
            where.Add(assigned ? "assignee IS NOT NULL" : "assignee IS NULL");
        }

        if (query.CandidateGroup is not null)
        {
            Add("@candidateGroup = ANY(candidate_groups)", "candidateGroup", query.CandidateGroup);
        }

        if (query.CandidateGroups is { Count: > 0 } groups)
        {
            Add("candidate_groups && @candidateGroups", "candidateGroups", groups.ToArray());
        }

        if (query.CandidateUser is not null)
        {
            Add("@candidateUser = ANY(candidate_users)", "candidateUser", query.CandidateUser);
        }

        if (query.ProcessInstanceId is not null)
        {
            Add("instance_id = @instanceId", "instanceId", query.ProcessInstanceId);
        }

        if (query.BusinessKey is not null)
        {
            Add("business_key = @businessKey", "businessKey", query.BusinessKey);
        }

        if (query.ProcessDefinitionKey is not null)
        {
            Add("definition_key = @definitionKey", "definitionKey", query.ProcessDefinitionKey);
        }

        if (query.TaskDefinitionKey is not null)
        {
            Add("activity_id = @activityId", "activityId", query.TaskDefinitionKey);
        }

        if (query.Name is not null)
        {
            Add("name = @name", "name", query.Name);
        }

        if (query.NameLike is not null)
        {
            Add("name LIKE @nameLike", "nameLike", query.NameLike);
        }

        if (query.DueBefore is { } dueBefore)
        {
            Add("due_at < @dueBefore", "dueBefore", dueBefore);
        }

        if (query.DueAfter is { } dueAfter)
        {
            Add("due_at > @dueAfter", "dueAfter", dueAfter);
        }

        if (query.CreatedBefore is { } createdBefore)
        {
            Add("created_at < @createdBefore", "createdBefore", createdBefore);
        }

        if (query.CreatedAfter is { } createdAfter)
        {
            Add("created_at > @createdAfter", "createdAfter", createdAfter);
        }

        if (query.Priority is { } priority)
        {
            Add("priority = @priority", "priority", priority);
        }

        var order = new List<string>();
        foreach (var (key, descending) in query.Sorting)
        {
            if (!SortColumns.TryGetValue(key, out var column))
            {
                throw new ArgumentException($"Unknown sort key '{key}'.", nameof(query));
            }

            order.Add($"{column} {(descending ? "DESC NULLS LAST" : "ASC NULLS LAST")}");
        }

        order.Add("created_at ASC");
        order.Add("id ASC");
        var filter = where.Count == 0 ? "TRUE" : string.Join(" AND ", where);

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM pf.tasks WHERE {filter}", connection))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var items = new List<TaskSearchHit>();
        if (query.Limit > 0 && query.Offset < total)
        {
            await using var select = new NpgsqlCommand($"SELECT {Columns}, (SELECT i.definition_version FROM pf.instances i WHERE i.id = t.instance_id) FROM pf.tasks t WHERE {filter} ORDER BY {string.Join(", ", order)} OFFSET @offset LIMIT @limit", connection);
            select.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            select.Parameters.AddWithValue("offset", query.Offset);
            select.Parameters.AddWithValue("limit", query.Limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new TaskSearchHit(new TaskSummary(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    Str(reader, 3),
                    reader.GetString(4),
                    Str(reader, 5),
                    Str(reader, 6),
                    Str(reader, 7),
                    Str(reader, 8),
                    reader.GetFieldValue<string[]>(9),
                    reader.GetFieldValue<string[]>(10),
                    Time(reader, 11),
                    Time(reader, 12),
                    reader.GetInt32(13),
                    reader.GetString(14),
                    reader.GetInt32(15),
                    reader.GetFieldValue<DateTimeOffset>(16),
                    Time(reader, 17),
                    Str(reader, 18)), reader.GetInt32(19)));
            }
        }

        return new PagedResult<TaskSearchHit>(items, total, query.Offset, query.Limit);
    }

    internal static string? Str(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
