using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Expressions;

/// <summary>The variables an expression can read. Values are JSON (<see cref="JsonNode"/>; JSON null is <c>null</c>).</summary>
public interface IVariableScope
{
    /// <summary>Looks a variable up; returns false when no variable of that name exists.</summary>
    bool TryGetVariable(string name, out JsonNode? value);
}

/// <summary>An <see cref="IVariableScope"/> over a dictionary (handy for tests and simple callers).</summary>
public sealed class DictionaryVariableScope(IReadOnlyDictionary<string, JsonNode?> variables) : IVariableScope
{
    /// <summary>A scope without variables.</summary>
    public static DictionaryVariableScope Empty { get; } = new(new Dictionary<string, JsonNode?>());

    /// <inheritdoc />
    public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGetValue(name, out value);
}
