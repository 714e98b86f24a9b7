using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Reads and writes <c>pf.variable_value_types</c>.</summary>
internal sealed class VariableValueTypeStore(RuntimeDatabase database, TimeProvider clock) : IVariableValueTypes
{
    public async Task SetAsync(string instanceId, IReadOnlyDictionary<string, VariableValueType?> types, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
        {
            return;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var now = clock.GetUtcNow();
        foreach (var (name, type) in types)
        {
            if (type is null)
            {
                var delete = new NpgsqlBatchCommand("DELETE FROM pf.variable_value_types WHERE instance_id = $1 AND name = $2");
                delete.Parameters.Add(new NpgsqlParameter { Value = instanceId });
                delete.Parameters.Add(new NpgsqlParameter { Value = name });
                batch.BatchCommands.Add(delete);
                continue;
            }

            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO pf.variable_value_types (instance_id, name, type, value_info, value_json, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (instance_id, name) DO UPDATE SET type = EXCLUDED.type, value_info = EXCLUDED.value_info, value_json = EXCLUDED.value_json, updated_at = EXCLUDED.updated_at
                """);
            upsert.Parameters.Add(new NpgsqlParameter { Value = instanceId });
            upsert.Parameters.Add(new NpgsqlParameter { Value = name });
            upsert.Parameters.Add(new NpgsqlParameter { Value = type.Type });
            upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)type.ValueInfo?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            upsert.Parameters.Add(new NpgsqlParameter { Value = type.Value?.ToJsonString() ?? "null" });
            upsert.Parameters.Add(new NpgsqlParameter { Value = now });
            batch.BatchCommands.Add(upsert);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, VariableValueType>> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, VariableValueType>(StringComparer.Ordinal);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT name, type, value_info::text, value_json FROM pf.variable_value_types WHERE instance_id = @id", connection);
        select.Parameters.AddWithValue("id", instanceId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = new VariableValueType(
                reader.GetString(1),
                JsonNode.Parse(reader.GetString(3)),
                reader.IsDBNull(2) ? null : JsonNode.Parse(reader.GetString(2)) as JsonObject);
        }

        return result;
    }
}
