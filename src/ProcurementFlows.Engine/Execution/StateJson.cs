using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcurementFlows.Engine.Execution;

/// <summary>JSON (de)serialisation of <see cref="InstanceData"/>.</summary>
internal static class StateJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
        AllowTrailingCommas = false,
        MaxDepth = 128,
    };

    public static string Serialize(InstanceData data) => JsonSerializer.Serialize(data, Options);

    public static InstanceData Deserialize(string json)
    {
        int version;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("schemaVersion", out var v) ||
                !v.TryGetInt32(out version))
            {
                throw new ProcurementFlowsException("state.invalid", "The snapshot has no schemaVersion.");
            }
        }
        catch (JsonException ex)
        {
            throw new ProcurementFlowsException("state.invalid", "The snapshot is not valid JSON: " + ex.Message, innerException: ex);
        }

        if (version < 1 || version > InstanceData.CurrentSchemaVersion)
        {
            throw new ProcurementFlowsException("state.unsupported-version", $"Snapshot schema version {version} is not supported (this build reads 1..{InstanceData.CurrentSchemaVersion}).");
        }

        try
        {
            var data = JsonSerializer.Deserialize<InstanceData>(json, Options)
                ?? throw new ProcurementFlowsException("state.invalid", "The snapshot is empty.");
            if (string.IsNullOrEmpty(data.InstanceId) || data.Executions.Count == 0 && data.Status == InstanceStatus.Active)
            {
                throw new ProcurementFlowsException("state.invalid", "The snapshot lacks an instance id or its execution tree.");
            }

            data.SchemaVersion = InstanceData.CurrentSchemaVersion;
            return data;
        }
        catch (JsonException ex)
        {
            throw new ProcurementFlowsException("state.invalid", "The snapshot does not match the state schema: " + ex.Message, innerException: ex);
        }
    }
}
