using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using JsEngine = Jint.Engine;

namespace ProcurementFlows.Engine.Execution;

/// <summary>Creates the expression compiler used at deploy time.</summary>
internal static class ExpressionCompilerFactory
{
    public static IExpressionCompiler Create() => FallbackExpressionCompiler.Instance;
}

/// <summary>
/// A small sandboxed Jint adapter behind <see cref="IExpressionCompiler"/>. It is replaced by the engine-support
/// evaluator (<c>ProcurementFlows.Engine.Expressions</c>) once that is wired in.
/// </summary>
internal sealed partial class FallbackExpressionCompiler : IExpressionCompiler
{
    public static readonly FallbackExpressionCompiler Instance = new();

    public ICompiledExpression CompileExpression(string text, string elementId)
    {
        var parts = new List<(string? Text, string? Js)>();
        var i = 0;
        while (i < text.Length)
        {
            var start = IndexOfOpen(text, i);
            if (start < 0)
            {
                parts.Add((text[i..], null));
                break;
            }

            if (start > i)
            {
                parts.Add((text[i..start], null));
            }

            var end = FindClose(text, start + 2);
            if (end < 0)
            {
                throw new ExpressionCompileException($"'{text}': ${{ without closing }}.");
            }

            var body = text[(start + 2)..end].Trim();
            if (body.Length == 0)
            {
                throw new ExpressionCompileException($"'{text}': empty ${{}}.");
            }

            Check(body);
            parts.Add((null, body));
            i = end + 1;
        }

        return new FallbackExpression(text, [.. parts]);
    }

    public ICompiledExpression CompileScriptExpression(string source, string elementId)
    {
        Check(source);
        return new FallbackExpression(source, [(null, source)]);
    }

    public ICompiledScript CompileScript(string source, string elementId)
    {
        Check(source);
        return new FallbackScript(source);
    }

    private static int IndexOfOpen(string text, int from)
    {
        var a = text.IndexOf("${", from, StringComparison.Ordinal);
        var b = text.IndexOf("#{", from, StringComparison.Ordinal);
        return a < 0 ? b : b < 0 ? a : Math.Min(a, b);
    }

    private static int FindClose(string text, int from)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth == 0:
                    return i;
                case '}':
                    depth--;
                    break;
                default:
                    break;
            }
        }

        return -1;
    }

    private static void Check(string js)
    {
        try
        {
            _ = JsEngine.PrepareScript("(" + js + "\n)");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            try
            {
                _ = JsEngine.PrepareScript(js);
            }
            catch (Exception ex2) when (ex2 is not OutOfMemoryException)
            {
                throw new ExpressionCompileException(ex2.Message, ex2);
            }
        }
    }

    internal static JsEngine NewEngine() => new(o => o.LimitRecursion(64).MaxStatements(100_000).TimeoutInterval(TimeSpan.FromSeconds(2)).LimitMemory(16_000_000).Strict());

    internal static void Bind(JsEngine engine, string source, IVariableSource variables)
    {
        foreach (Match m in Identifier().Matches(source))
        {
            var name = m.Value;
            if (variables.TryGetVariable(name, out var value))
            {
                engine.SetValue(name, ToJs(engine, value));
            }
        }
    }

    internal static JsValue ToJs(JsEngine engine, JsonNode? node) => node switch
    {
        null => JsValue.Null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? JsBoolean.True : JsBoolean.False,
        JsonValue v when v.TryGetValue<string>(out var s) => new JsString(s),
        JsonValue v when v.TryGetValue<double>(out var d) => new JsNumber(d),
        _ => new Jint.Native.Json.JsonParser(engine).Parse(node.ToJsonString()),
    };

    internal static JsonNode? FromJs(JsEngine engine, JsValue value)
    {
        if (value.IsNull() || value.IsUndefined())
        {
            return null;
        }

        if (value.IsBoolean())
        {
            return JsonValue.Create(value.AsBoolean());
        }

        if (value.IsString())
        {
            return JsonValue.Create(value.AsString());
        }

        if (value.IsNumber())
        {
            var d = value.AsNumber();
            return d == Math.Floor(d) && Math.Abs(d) < 9e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
        }

        if (value.IsDate())
        {
            return JsonValue.Create(value.AsDate().ToDateTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        var json = new Jint.Native.Json.JsonSerializer(engine).Serialize(value);
        return json.IsString() ? JsonNode.Parse(json.AsString()) : null;
    }

    [GeneratedRegex(@"(?<![\w$.'""])[A-Za-z_$][\w$]*")]
    private static partial Regex Identifier();

    private sealed class FallbackExpression(string source, (string? Text, string? Js)[] parts) : ICompiledExpression
    {
        public string Source => source;

        public JsonNode? Evaluate(IVariableSource variables)
        {
            if (parts.Length == 1 && parts[0].Js is { } only)
            {
                return Run(only, variables);
            }

            var sb = new System.Text.StringBuilder();
            foreach (var (text, js) in parts)
            {
                if (text is not null)
                {
                    sb.Append(text);
                }
                else
                {
                    var v = Run(js!, variables);
                    sb.Append(v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString());
                }
            }

            return JsonValue.Create(sb.ToString());
        }

        public bool EvaluateCondition(IVariableSource variables)
        {
            var v = Evaluate(variables);
            if (v is JsonValue jv && jv.TryGetValue<bool>(out var b))
            {
                return b;
            }

            throw new ExpressionFailedException("expression.not-boolean", $"Condition '{source}' did not return a boolean.");
        }

        private static JsonNode? Run(string js, IVariableSource variables)
        {
            var engine = NewEngine();
            try
            {
                Bind(engine, js, variables);
                return FromJs(engine, engine.Evaluate(js));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not ExpressionFailedException)
            {
                throw new ExpressionFailedException("expression.script-error", $"'{js}' failed: {ex.Message}", ex);
            }
        }
    }

    private sealed class FallbackScript(string source) : ICompiledScript
    {
        public JsonNode? Run(IVariableSource variables, IDictionary<string, JsonNode?> assignments)
        {
            var engine = NewEngine();
            try
            {
                Bind(engine, source, variables);
                engine.SetValue("execution", new ScriptExecution(engine, variables, assignments));
                return FromJs(engine, engine.Evaluate(source));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not ExpressionFailedException)
            {
                throw new ExpressionFailedException("expression.script-error", $"Script failed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>The <c>execution</c> object a script sees (getVariable / setVariable only).</summary>
    private sealed class ScriptExecution(JsEngine engine, IVariableSource variables, IDictionary<string, JsonNode?> assignments)
    {
#pragma warning disable IDE1006 // JavaScript naming
        public void setVariable(string name, JsValue value) => assignments[name] = FromJs(engine, value);

        public JsValue getVariable(string name) =>
            assignments.TryGetValue(name, out var a) ? ToJs(engine, a) :
            variables.TryGetVariable(name, out var v) ? ToJs(engine, v) : JsValue.Undefined;
#pragma warning restore IDE1006
    }
}
