namespace ProcurementFlows.Engine.Expressions;

/// <summary>
/// An expression or script that failed to evaluate: unknown variable, script error, a sandbox limit
/// (statements, time, memory, recursion) or a result of the wrong type. The interpreter turns it into an
/// incident on <see cref="ElementId"/>. Never retryable: the same input fails the same way.
/// </summary>
public sealed class ExpressionException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public ExpressionException(string code, string message, string elementId, string expressionText, Exception? innerException = null)
        : base(code, message, isRetryable: false, innerException)
    {
        ElementId = elementId;
        ExpressionText = expressionText;
    }

    /// <summary>The BPMN element the expression belongs to.</summary>
    public string ElementId { get; }

    /// <summary>The expression text as written in the diagram.</summary>
    public string ExpressionText { get; }

    /// <summary>For <see cref="ExpressionErrorCodes.UnknownVariable"/>: the variable name.</summary>
    public string? VariableName { get; init; }
}

/// <summary>The stable codes of <see cref="ExpressionException"/> and <see cref="ExpressionDiagnostic"/>.</summary>
public static class ExpressionErrorCodes
{
    /// <summary>Deploy time: the expression does not parse.</summary>
    public const string Syntax = "expression.syntax";

    /// <summary>Deploy time: <c>${</c> without its closing brace, or an empty <c>${}</c>.</summary>
    public const string Malformed = "expression.malformed";

    /// <summary>Deploy time: the text is longer or more deeply nested than the compiler accepts.</summary>
    public const string TooComplex = "expression.too-complex";

    /// <summary>A variable the expression reads is not defined.</summary>
    public const string UnknownVariable = "expression.unknown-variable";

    /// <summary>The script threw (TypeError, RangeError, a thrown value, a helper rejecting its arguments).</summary>
    public const string ScriptError = "expression.script-error";

    /// <summary>The statement budget was exhausted (e.g. an endless loop).</summary>
    public const string StatementLimit = "expression.statement-limit";

    /// <summary>The time budget was exhausted (including a regular expression that backtracks too long).</summary>
    public const string Timeout = "expression.timeout";

    /// <summary>The memory budget, maximum array length or maximum string length was exceeded.</summary>
    public const string MemoryLimit = "expression.memory-limit";

    /// <summary>The call depth limit was exceeded.</summary>
    public const string RecursionLimit = "expression.recursion-limit";

    /// <summary>A condition did not return a boolean.</summary>
    public const string NotBoolean = "expression.not-boolean";

    /// <summary>A date expression did not return an ISO 8601 date/time or a Date.</summary>
    public const string NotADate = "expression.not-a-date";

    /// <summary>The result cannot be represented as JSON (e.g. a Proxy or a too deeply nested object).</summary>
    public const string UnsupportedResult = "expression.unsupported-result";
}
