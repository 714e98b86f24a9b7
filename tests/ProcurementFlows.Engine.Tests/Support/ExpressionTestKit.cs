using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Engine.Expressions;

namespace ProcurementFlows.Engine.Tests.Support;

/// <summary>Shared evaluators (a sandbox takes a moment to harden, so tests share them).</summary>
public sealed class ExpressionFixture
{
    public ExpressionFixture()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));
        Fast = new ExpressionEvaluator(new ExpressionOptions(), Clock);
        JintOnly = new ExpressionEvaluator(new ExpressionOptions { EnableFastPath = false }, Clock);
    }

    public FakeTimeProvider Clock { get; }

    public ExpressionEvaluator Fast { get; }

    public ExpressionEvaluator JintOnly { get; }
}

internal static class ExpressionTestKit
{
    public static CompiledExpression Compile(string text, string elementId = "Element_1")
    {
        var result = ExpressionCompiler.Compile(text, elementId);
        Assert.True(result.Succeeded, result.Diagnostic?.Message);
        return result.Expression!;
    }

    public static IVariableScope Vars(string json) =>
        new DictionaryVariableScope(JsonNode.Parse(json)!.AsObject().ToDictionary(p => p.Key, p => p.Value));

    public static IVariableScope Vars(params (string Name, JsonNode? Value)[] variables) =>
        new DictionaryVariableScope(variables.ToDictionary(v => v.Name, v => v.Value));

    public static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";
}
