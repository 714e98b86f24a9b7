using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Execution;

/// <summary>Variables visible to an expression.</summary>
internal interface IVariableSource
{
    bool TryGetVariable(string name, out JsonNode? value);
}

/// <summary>An expression compiled once at deploy time.</summary>
internal interface ICompiledExpression
{
    string Source { get; }

    /// <summary>Evaluates; throws <see cref="ExpressionFailedException"/> on any failure.</summary>
    JsonNode? Evaluate(IVariableSource variables);

    /// <summary>Evaluates a condition; throws <see cref="ExpressionFailedException"/> when it fails or is not a boolean.</summary>
    bool EvaluateCondition(IVariableSource variables);
}

/// <summary>A script compiled once at deploy time.</summary>
internal interface ICompiledScript
{
    /// <summary>Runs the script; variables it sets through <c>execution.setVariable</c> are added to <paramref name="assignments"/>. Returns the completion value.</summary>
    JsonNode? Run(IVariableSource variables, IDictionary<string, JsonNode?> assignments);
}

/// <summary>Compiles expressions and scripts (the Jint sandbox sits behind this seam).</summary>
internal interface IExpressionCompiler
{
    /// <summary>Compiles attribute text containing <c>${...}</c> (whole expression or template); throws <see cref="ExpressionCompileException"/>.</summary>
    ICompiledExpression CompileExpression(string text, string elementId);

    /// <summary>Compiles raw JavaScript used as a value (script conditions, script parameters); throws <see cref="ExpressionCompileException"/>.</summary>
    ICompiledExpression CompileScriptExpression(string source, string elementId);

    /// <summary>Compiles a script task's script; throws <see cref="ExpressionCompileException"/>.</summary>
    ICompiledScript CompileScript(string source, string elementId);
}

/// <summary>An expression or script that does not parse.</summary>
internal sealed class ExpressionCompileException(string message, Exception? inner = null)
    : ProcurementFlowsException("expression.invalid", message, false, inner);

/// <summary>An expression or script failed while running (error, timeout, limits).</summary>
internal sealed class ExpressionFailedException(string code, string message, Exception? inner = null)
    : ProcurementFlowsException(code, message, false, inner);

/// <summary>A variable source over a plain dictionary.</summary>
internal sealed class DictionaryVariables(IReadOnlyDictionary<string, JsonNode?> variables) : IVariableSource
{
    public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGetValue(name, out value);
}
