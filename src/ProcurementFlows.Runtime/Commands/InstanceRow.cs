using Npgsql;

namespace ProcurementFlows.Runtime.Commands;

/// <summary>One row of <c>pf.instances</c> as the command loop reads it.</summary>
internal sealed record InstanceRow(
    string Id,
    string DefinitionKey,
    int DefinitionVersion,
    string Status,
    long Version,
    long HistorySequence,
    string HistoryHash,
    string StateJson,
    string? ParentInstanceId)
{
    public const string Columns = "id, definition_key, definition_version, status, version, history_sequence, history_hash, state::text, parent_instance_id";

    private const string JoinedColumns = "i.id, i.definition_key, i.definition_version, i.status, i.version, i.history_sequence, i.history_hash, i.state::text, i.parent_instance_id";

    public static InstanceRow Read(NpgsqlDataReader reader, int offset = 0) => new(
        reader.GetString(offset),
        reader.GetString(offset + 1),
        reader.GetInt32(offset + 2),
        reader.GetString(offset + 3),
        reader.GetInt64(offset + 4),
        reader.GetInt64(offset + 5),
        reader.GetString(offset + 6),
        reader.GetString(offset + 7),
        reader.IsDBNull(offset + 8) ? null : reader.GetString(offset + 8));

    /// <summary>A task's status and its instance row in one round trip, or null when the task does not exist.</summary>
    public static async Task<(string TaskStatus, InstanceRow Row)?> LoadByTaskAsync(NpgsqlConnection connection, string taskId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT t.status, {JoinedColumns} FROM pf.tasks t JOIN pf.instances i ON i.id = t.instance_id WHERE t.id = @id", connection);
        command.Parameters.AddWithValue("id", taskId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), Read(reader, 1)) : null;
    }

    /// <summary>
    /// A pending timer's due time and its instance row in one round trip, or null when the timer is not pending
    /// or is being fired right now by another transaction (its row is locked: skipped, not waited for).
    /// </summary>
    public static async Task<(DateTimeOffset DueAt, InstanceRow Row)?> LoadByPendingTimerAsync(NpgsqlConnection connection, string timerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT t.due_at, {JoinedColumns} FROM pf.timers t JOIN pf.instances i ON i.id = t.instance_id WHERE t.id = @id AND t.status = 'pending' FOR UPDATE OF t SKIP LOCKED", connection);
        command.Parameters.AddWithValue("id", timerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetFieldValue<DateTimeOffset>(0), Read(reader, 1)) : null;
    }

    public static async Task<InstanceRow?> LoadAsync(NpgsqlConnection connection, string instanceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM pf.instances WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }
}
