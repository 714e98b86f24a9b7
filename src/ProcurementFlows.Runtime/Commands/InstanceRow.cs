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

    public static InstanceRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt32(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.GetInt64(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8));

    public static async Task<InstanceRow?> LoadAsync(NpgsqlConnection connection, string instanceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM pf.instances WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }
}
