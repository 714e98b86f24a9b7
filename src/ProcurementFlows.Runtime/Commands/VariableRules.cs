using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime.Commands;

/// <summary>Checks variables at the API boundary before anything runs: names and JSON-representable values.</summary>
internal static class VariableRules
{
    private const int MaxNameLength = 255;

    /// <summary>Throws <see cref="CommandRejectedException"/> (<c>variables.invalid</c>) for a bad name or value.</summary>
    public static void Validate(IReadOnlyDictionary<string, JsonNode?>? variables)
    {
        if (variables is null)
        {
            return;
        }

        foreach (var (name, value) in variables)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
            {
                throw new CommandRejectedException("variables.invalid", $"'{name}' is not a valid variable name (1..{MaxNameLength} characters, no control characters).");
            }

            try
            {
                _ = value?.ToJsonString();
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.Text.Json.JsonException)
            {
                throw new CommandRejectedException("variables.invalid", $"Variable '{name}' holds a value that is not JSON: {ex.Message}");
            }
        }
    }
}
