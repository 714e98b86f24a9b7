using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Expressions;

namespace ProcurementFlows.Engine.Execution;

/// <summary>An expression, script or engine rule failed while running; the interpreter turns it into an incident.</summary>
internal sealed class ExpressionFailedException(string code, string message, Exception? inner = null)
    : ProcurementFlowsException(code, message, false, inner);

/// <summary>A variable scope over a plain dictionary.</summary>
internal sealed class DictionaryVariables(IReadOnlyDictionary<string, JsonNode?> variables) : IVariableScope
{
    public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGetValue(name, out value);
}
