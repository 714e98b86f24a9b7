using System.Text.Json.Nodes;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Camunda;

/// <summary>
/// Keeps the Camunda value types of variables written through <c>/engine-rest</c> next to their JSON values
/// (<see cref="IVariableValueTypes"/>) and applies them when variables are read, so a <c>Long</c> reads back as <c>Long</c>.
/// </summary>
internal sealed class VariableTypes(IVariableValueTypes store)
{
    /// <summary>Records the types of the variables a request wrote to an instance.</summary>
    public Task RecordAsync(string instanceId, TypedInput input, CancellationToken cancellationToken) =>
        store.SetAsync(instanceId, input.Types, cancellationToken);

    /// <summary>An instance's variables as Camunda typed values (recorded types where they still apply, else inferred).</summary>
    public async Task<Dictionary<string, VariableValueDto>> ToDtoAsync(string instanceId, IReadOnlyDictionary<string, JsonNode?> variables, IReadOnlyCollection<string>? only, CancellationToken cancellationToken) =>
        TypedVariables.ToDto(variables, await store.GetAsync(instanceId, cancellationToken), only);
}
