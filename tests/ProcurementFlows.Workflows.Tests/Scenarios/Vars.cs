using System.Text.Json.Nodes;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

/// <summary>Terse variable maps for scenario tests: <c>Vars.Of(("a", 1), ("b", "x"))</c>.</summary>
internal static class Vars
{
    public static Dictionary<string, JsonNode?> Of(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value switch
        {
            null => null,
            JsonNode node => node,
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            decimal d => JsonValue.Create(d),
            double d => JsonValue.Create(d),
            _ => throw new ArgumentException($"unsupported value for {v.Name}"),
        }, StringComparer.Ordinal);
}
