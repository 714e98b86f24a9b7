using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Runtime;
using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Expressions.FastPath;
using ProcurementFlows.Engine.Expressions.Sandbox;

namespace ProcurementFlows.Engine.Expressions;

/// <summary>
/// Evaluates <see cref="CompiledExpression"/>s against variables. Thread-safe; owns a small pool of hardened
/// Jint engines (one in use per thread at a time) and evaluates simple expressions without Jint at all.
/// Every failure is an <see cref="ExpressionException"/> with a stable code; a runaway or hostile expression
/// never escapes as anything else.
/// </summary>
public sealed class ExpressionEvaluator
{
    private readonly ExpressionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly BusinessCalendarRegistry _calendars;
    private readonly Stack<JintSandbox> _idle = new();
    private readonly int _maxIdle = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Creates an evaluator.</summary>
    /// <param name="options">Sandbox limits (validated here).</param>
    /// <param name="timeProvider">The clock for <c>now()</c>, <c>new Date()</c> and the time limit.</param>
    /// <param name="calendars">Business calendars for the date helpers; defaults to <see cref="BusinessCalendarRegistry.CreateDefault"/>.</param>
    public ExpressionEvaluator(ExpressionOptions options, TimeProvider timeProvider, BusinessCalendarRegistry? calendars = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        _calendars = calendars ?? BusinessCalendarRegistry.CreateDefault();
    }

    /// <summary>The business calendars the helpers use.</summary>
    public BusinessCalendarRegistry Calendars => _calendars;

    /// <summary>
    /// Evaluates to JSON: a literal gives its text, a single expression its value (undefined and null give
    /// <c>null</c>; a Date gives an ISO string), a template its string.
    /// </summary>
    public JsonNode? Evaluate(CompiledExpression expression, IVariableScope variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(variables);
        switch (expression.Kind)
        {
            case ExpressionKind.Literal:
                return JsonValue.Create(expression.Literal);
            case ExpressionKind.Template:
                return JsonValue.Create(Interpolate(expression, variables));
            default:
                var part = expression.Single!;
                if (_options.EnableFastPath && part.Fast is { } fast && fast.TryEvaluate(variables, out var value))
                {
                    return value.ToNode();
                }

                return RunJint(expression, part, variables, null, JsonConversion.FromJs);
        }
    }

    /// <summary>
    /// Evaluates a condition (sequence flow, completion condition). Like Camunda, the result must be a
    /// boolean: anything else fails with <see cref="ExpressionErrorCodes.NotBoolean"/>. A literal "true"/"false" is accepted.
    /// </summary>
    public bool EvaluateCondition(CompiledExpression expression, IVariableScope variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(variables);
        if (expression.Kind == ExpressionKind.Expression)
        {
            var part = expression.Single!;
            if (_options.EnableFastPath && part.Fast is { } fast && fast.TryEvaluate(variables, out var value))
            {
                return value.Kind == FastKind.Boolean ? value.Boolean : throw NotBoolean(expression, Describe(value.ToNode()));
            }

            return RunJint(expression, part, variables, null, v => v.IsBoolean() ? v.AsBoolean() : throw NotBoolean(expression, v.Type.ToString()));
        }

        var text = Evaluate(expression, variables)?.GetValue<string>().Trim();
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw NotBoolean(expression, $"text '{text}'"),
        };
    }

    /// <summary>Evaluates to text (JavaScript string conversion); null and undefined give <c>null</c>.</summary>
    public string? EvaluateString(CompiledExpression expression, IVariableScope variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(variables);
        switch (expression.Kind)
        {
            case ExpressionKind.Literal:
                return expression.Literal;
            case ExpressionKind.Template:
                return Interpolate(expression, variables);
            default:
                var part = expression.Single!;
                if (_options.EnableFastPath && part.Fast is { } fast && fast.TryEvaluate(variables, out var value)
                    && !value.IsObject && value.TryToString(out var text))
                {
                    return value.IsNullish ? null : text;
                }

                return RunJint(expression, part, variables, null, JsText);
        }
    }

    /// <summary>
    /// Evaluates to a point in time: an ISO 8601 date-time (a date alone means midnight UTC) or a JavaScript Date.
    /// Anything else fails with <see cref="ExpressionErrorCodes.NotADate"/>.
    /// </summary>
    public DateTimeOffset EvaluateDate(CompiledExpression expression, IVariableScope variables)
    {
        var text = EvaluateDateText(expression, variables);
        try
        {
            return DateHelpers.Parse(new JsString(text ?? "")).Value;
        }
        catch (ArgumentException ex)
        {
            throw new ExpressionException(
                ExpressionErrorCodes.NotADate,
                $"Expression '{ExpressionCompiler.Shorten(expression.Text)}' of element '{expression.ElementId}' must give an ISO 8601 date, but gave '{text}'.",
                expression.ElementId,
                expression.Text,
                ex);
        }
    }

    /// <summary>
    /// Runs a script compiled by <see cref="ExpressionCompiler.CompileScript"/>. Variables set with
    /// <c>execution.setVariable(name, value)</c> are written to <paramref name="assignments"/>; the completion
    /// value is returned.
    /// </summary>
    public JsonNode? RunScript(CompiledExpression script, IVariableScope variables, IDictionary<string, JsonNode?> assignments)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(assignments);
        if (script.Kind != ExpressionKind.Script)
        {
            throw new ArgumentException("Compile scripts with ExpressionCompiler.CompileScript.", nameof(script));
        }

        return RunJint(script, script.Single!, new AssignmentOverlay(variables, assignments), assignments, JsonConversion.FromJs);
    }

    private string? EvaluateDateText(CompiledExpression expression, IVariableScope variables) => expression.Kind switch
    {
        ExpressionKind.Expression => RunJint(expression, expression.Single!, variables, null, v => v is JsDate d ? JsonConversion.FormatDate(d) : JsText(v)),
        _ => EvaluateString(expression, variables),
    };

    private string Interpolate(CompiledExpression expression, IVariableScope variables)
    {
        var sb = new StringBuilder();
        foreach (var part in expression.Parts)
        {
            if (part.Script is null)
            {
                sb.Append(part.Text);
                continue;
            }

            if (_options.EnableFastPath && part.Script.Fast is { } fast && fast.TryEvaluate(variables, out var value)
                && !value.IsObject && value.TryToString(out var text))
            {
                // Like Camunda's JUEL, null and undefined interpolate as empty text.
                sb.Append(value.IsNullish ? "" : text);
                continue;
            }

            sb.Append(RunJint(expression, part.Script, variables, null, JsText) ?? "");
        }

        return sb.ToString();
    }

    private static string? JsText(JsValue value) => value.IsNull() || value.IsUndefined() ? null : TypeConverter.ToString(value);

    private T RunJint<T>(CompiledExpression expression, ScriptPart part, IVariableScope variables, IDictionary<string, JsonNode?>? assignments, Func<JsValue, T> convert)
    {
        var sandbox = Rent();
        var healthy = false;
        try
        {
            var max = expression.Kind == ExpressionKind.Script ? _options.ScriptMaxStatements : _options.MaxStatements;
            var result = convert(sandbox.Run(part.Prepared, variables, max, assignments));
            healthy = true;
            return result;
        }
        catch (ExpressionException)
        {
            healthy = true;
            throw;
        }
        catch (JavaScriptException ex)
        {
            healthy = true;
            if (sandbox.LastMissing is { } missing && ex.Message.Contains(missing, StringComparison.Ordinal))
            {
                throw new ExpressionException(
                    ExpressionErrorCodes.UnknownVariable,
                    $"Unknown variable '{missing}' in expression '{ExpressionCompiler.Shorten(expression.Text)}' of element '{expression.ElementId}'.",
                    expression.ElementId,
                    expression.Text,
                    ex)
                { VariableName = missing };
            }

            throw Failure(expression, ExpressionErrorCodes.ScriptError, ex.Message, ex);
        }
        catch (Exception ex) when (Classify(ex) is { } code)
        {
            // A limit was hit mid-run: the engine may hold half-built state, so it is not reused.
            healthy = code is ExpressionErrorCodes.ScriptError or ExpressionErrorCodes.UnsupportedResult;
            throw Failure(expression, code, ex.Message, ex);
        }
        finally
        {
            if (healthy)
            {
                Return(sandbox);
            }
        }
    }

    private static string? Classify(Exception ex) => ex switch
    {
        SandboxLimitException limit => limit.Code,
        StatementsCountOverflowException => ExpressionErrorCodes.StatementLimit,
        RecursionDepthOverflowException or InsufficientExecutionStackException => ExpressionErrorCodes.RecursionLimit,
        MemoryLimitExceededException or OutOfMemoryException => ExpressionErrorCodes.MemoryLimit,
        RegexMatchTimeoutException or TimeoutException or ExecutionCanceledException => ExpressionErrorCodes.Timeout,
        // Helpers reject bad arguments (a date that does not parse, an unknown calendar) with these.
        ArgumentException or FormatException or OverflowException or ProcurementFlowsException => ExpressionErrorCodes.ScriptError,
        JintException => ExpressionErrorCodes.ScriptError,
        _ => null,
    };

    private static ExpressionException Failure(CompiledExpression expression, string code, string detail, Exception inner) =>
        new(code, $"Expression '{ExpressionCompiler.Shorten(expression.Text)}' of element '{expression.ElementId}' failed: {detail}", expression.ElementId, expression.Text, inner);

    private static ExpressionException NotBoolean(CompiledExpression expression, string got) =>
        new(ExpressionErrorCodes.NotBoolean,
            $"Condition '{ExpressionCompiler.Shorten(expression.Text)}' of element '{expression.ElementId}' must give true or false, but gave {got}.",
            expression.ElementId,
            expression.Text);

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private JintSandbox Rent()
    {
        lock (_idle)
        {
            if (_idle.TryPop(out var sandbox))
            {
                return sandbox;
            }
        }

        return new JintSandbox(_options, _timeProvider, _calendars);
    }

    private void Return(JintSandbox sandbox)
    {
        lock (_idle)
        {
            if (_idle.Count < _maxIdle)
            {
                _idle.Push(sandbox);
            }
        }
    }

    /// <summary>Lets a script read back the variables it has set.</summary>
    private sealed class AssignmentOverlay(IVariableScope inner, IDictionary<string, JsonNode?> assignments) : IVariableScope
    {
        public bool TryGetVariable(string name, out JsonNode? value) =>
            assignments.TryGetValue(name, out value) || inner.TryGetVariable(name, out value);
    }
}
