using ProcurementFlows.Engine.Execution;

namespace ProcurementFlows.Engine;

/// <summary>Plain, versioned JSON snapshots of <see cref="ProcessInstanceState"/>. Snapshots written by this version keep loading in later versions.</summary>
public static class ProcessStateSerializer
{
    /// <summary>The schema version written by this build.</summary>
    public const int CurrentSchemaVersion = InstanceData.CurrentSchemaVersion;

    /// <summary>Serialises a state to JSON (with a <c>schemaVersion</c> field).</summary>
    public static string Serialize(ProcessInstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return StateJson.Serialize(state.Data);
    }

    /// <summary>Reads a snapshot. Throws <see cref="ProcurementFlowsException"/> with code <c>state.invalid</c> or <c>state.unsupported-version</c> on bad input.</summary>
    public static ProcessInstanceState Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new ProcessInstanceState(StateJson.Deserialize(json));
    }
}
