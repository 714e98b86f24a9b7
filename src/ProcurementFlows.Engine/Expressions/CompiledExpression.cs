using Acornima.Ast;
using Jint;
using ProcurementFlows.Engine.Expressions.FastPath;

namespace ProcurementFlows.Engine.Expressions;

/// <summary>What kind of text an expression attribute holds.</summary>
public enum ExpressionKind
{
    /// <summary>Plain text without <c>${...}</c>: evaluates to the text itself.</summary>
    Literal,

    /// <summary>Exactly one <c>${...}</c> (or <c>#{...}</c>) spanning the whole text: evaluates to the JavaScript value.</summary>
    Expression,

    /// <summary>Text mixed with expressions, e.g. <c>Hello ${name}</c>: evaluates to a string.</summary>
    Template,

    /// <summary>A JavaScript script (script task): statements; the completion value is the result.</summary>
    Script,
}

/// <summary>
/// An expression compiled once at deploy time by <see cref="ExpressionCompiler"/>. Immutable and thread-safe:
/// one instance serves every evaluation on every thread. Evaluate it with an <see cref="ExpressionEvaluator"/>.
/// </summary>
public sealed class CompiledExpression
{
    internal CompiledExpression(string text, string elementId, ExpressionKind kind, string? literal, ScriptPart? single, TemplatePart[] parts)
    {
        Text = text;
        ElementId = elementId;
        Kind = kind;
        Literal = literal;
        Single = single;
        Parts = parts;
    }

    /// <summary>The text as written in the diagram.</summary>
    public string Text { get; }

    /// <summary>The element the expression belongs to (used in error messages).</summary>
    public string ElementId { get; }

    /// <summary>The kind of text.</summary>
    public ExpressionKind Kind { get; }

    /// <summary>True when every JavaScript part runs on the fast evaluator (no Jint needed).</summary>
    public bool IsFastPath => Kind switch
    {
        ExpressionKind.Literal => true,
        ExpressionKind.Expression => Single!.Fast is not null,
        ExpressionKind.Template => Parts.All(p => p.Script is null || p.Script.Fast is not null),
        _ => false,
    };

    /// <summary>The variable names the expression may read (identifiers that are neither declared in it nor sandbox globals).</summary>
    public IReadOnlyCollection<string> ReferencedVariables =>
        [.. (Single is null ? Parts.Where(p => p.Script is not null).SelectMany(p => p.Script!.Variables) : Single.Variables).Distinct()];

    /// <summary>
    /// True when evaluating needs an instance: the expression reads a variable or the <c>execution</c> object. A timer
    /// start event's expression is evaluated before any instance exists, so it must not (like Camunda, where only beans
    /// and static values are available there).
    /// </summary>
    public bool ReadsInstanceData =>
        ReferencedVariables.Count > 0
        || (Single is null ? Parts.Any(p => p.Script is { ReadsExecution: true }) : Single.ReadsExecution);

    internal string? Literal { get; }

    internal ScriptPart? Single { get; }

    internal TemplatePart[] Parts { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>One JavaScript expression (or script) prepared for Jint, plus its fast-path tree when it has one.</summary>
internal sealed class ScriptPart(string source, Prepared<Script> prepared, FastNode? fast, string[] variables)
{
    public string Source { get; } = source;

    public Prepared<Script> Prepared { get; } = prepared;

    public FastNode? Fast { get; } = fast;

    public string[] Variables { get; } = variables;

    /// <summary>Whether the code refers to the <c>execution</c> helper (variables of the running instance).</summary>
    public bool ReadsExecution { get; } = prepared.ReferencedGlobals?.Contains("execution", StringComparer.Ordinal) == true;
}

/// <summary>A piece of a template: literal text or an expression.</summary>
internal readonly record struct TemplatePart(string? Text, ScriptPart? Script);

/// <summary>A deploy-time problem with an expression.</summary>
/// <param name="Code">A stable code from <see cref="ExpressionErrorCodes"/>.</param>
/// <param name="Message">What is wrong, naming the element.</param>
/// <param name="ElementId">The BPMN element the expression belongs to.</param>
/// <param name="ExpressionText">The expression text.</param>
/// <param name="Offset">Zero-based character offset in the text where the problem was found, when known.</param>
public sealed record ExpressionDiagnostic(string Code, string Message, string ElementId, string ExpressionText, int? Offset);

/// <summary>The result of <see cref="ExpressionCompiler.Compile"/>: an expression or a diagnostic.</summary>
public sealed class ExpressionCompileResult
{
    internal ExpressionCompileResult(CompiledExpression? expression, ExpressionDiagnostic? diagnostic)
    {
        Expression = expression;
        Diagnostic = diagnostic;
    }

    /// <summary>The compiled expression, when it compiled.</summary>
    public CompiledExpression? Expression { get; }

    /// <summary>The problem, when it did not.</summary>
    public ExpressionDiagnostic? Diagnostic { get; }

    /// <summary>True when <see cref="Expression"/> is set.</summary>
    public bool Succeeded => Expression is not null;
}
