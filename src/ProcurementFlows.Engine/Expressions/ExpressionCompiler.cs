using System.Text;
using Acornima;
using Acornima.Ast;
using Jint;
using ProcurementFlows.Engine.Expressions.FastPath;
using ProcurementFlows.Engine.Expressions.Sandbox;
using JintEngine = Jint.Engine;

namespace ProcurementFlows.Engine.Expressions;

/// <summary>
/// Compiles expression attributes at deploy time: parses every <c>${...}</c>/<c>#{...}</c> once, reports a
/// problem as an <see cref="ExpressionDiagnostic"/> naming the element, and prepares the result for fast,
/// repeated evaluation. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Text without <c>${</c> is a literal; one expression spanning the whole text yields its JavaScript value;
/// text mixed with expressions is string interpolation. Each expression is a single JavaScript expression in
/// strict mode (no statements; an arrow function body may hold statements).
/// </remarks>
public static class ExpressionCompiler
{
    /// <summary>Longest expression text accepted (characters).</summary>
    public const int MaxExpressionLength = 16 * 1024;

    /// <summary>Longest script accepted (characters).</summary>
    public const int MaxScriptLength = 256 * 1024;

    /// <summary>Deepest bracket nesting accepted; deeper input could exhaust the parser's stack.</summary>
    public const int MaxNestingDepth = 64;

    private static readonly ScriptPreparationOptions PrepareOptions = new() { CollectReferencedGlobals = true };

    /// <summary>Compiles an expression attribute; never throws on bad input.</summary>
    /// <param name="expressionText">The attribute text, e.g. <c>${amount > 443000}</c>.</param>
    /// <param name="elementId">The BPMN element it belongs to (for diagnostics and runtime errors).</param>
    public static ExpressionCompileResult Compile(string expressionText, string elementId)
    {
        ArgumentNullException.ThrowIfNull(expressionText);
        ArgumentNullException.ThrowIfNull(elementId);
        if (expressionText.Length > MaxExpressionLength)
        {
            return Fail(ExpressionErrorCodes.TooComplex, $"is longer than {MaxExpressionLength} characters", expressionText, elementId, null);
        }

        var parts = new List<TemplatePart>();
        var pos = 0;
        while (pos < expressionText.Length)
        {
            var start = FindOpening(expressionText, pos);
            if (start < 0)
            {
                parts.Add(new TemplatePart(expressionText[pos..], null));
                break;
            }

            if (start > pos)
            {
                parts.Add(new TemplatePart(expressionText[pos..start], null));
            }

            var end = FindClosing(expressionText, start + 2);
            if (end < 0)
            {
                return Fail(ExpressionErrorCodes.Malformed, $"has '{expressionText[start]}{{' without a closing '}}'", expressionText, elementId, start);
            }

            var body = expressionText[(start + 2)..end];
            if (string.IsNullOrWhiteSpace(body))
            {
                return Fail(ExpressionErrorCodes.Malformed, "has an empty expression", expressionText, elementId, start);
            }

            var part = PrepareExpression(body, expressionText, elementId, start + 2, out var diagnostic);
            if (part is null)
            {
                return new ExpressionCompileResult(null, diagnostic);
            }

            parts.Add(new TemplatePart(null, part));
            pos = end + 1;
        }

        CompiledExpression compiled = parts switch
        {
            [] => new(expressionText, elementId, ExpressionKind.Literal, "", null, []),
            [{ Script: null } only] => new(expressionText, elementId, ExpressionKind.Literal, only.Text, null, []),
            [{ Script: { } single }] => new(expressionText, elementId, ExpressionKind.Expression, null, single, []),
            _ => new(expressionText, elementId, ExpressionKind.Template, null, null, [.. parts]),
        };
        return new ExpressionCompileResult(compiled, null);
    }

    /// <summary>
    /// Compiles a JavaScript script (script task). Strict mode. The completion value (the value of the last expression
    /// statement) is the result; <c>execution.setVariable(name, value)</c> records variables. Scripts written for Camunda
    /// declare with <c>var</c>: such a script runs inside a function (the sandbox's global object is frozen, so a global
    /// <c>var</c> would fail), and its last top-level expression statement becomes the function's return value.
    /// </summary>
    public static ExpressionCompileResult CompileScript(string source, string elementId)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(elementId);
        if (source.Length > MaxScriptLength)
        {
            return Fail(ExpressionErrorCodes.TooComplex, $"is longer than {MaxScriptLength} characters", source, elementId, null);
        }

        if (NestingDepth(source) is var (depth, at) && depth > MaxNestingDepth)
        {
            return Fail(ExpressionErrorCodes.TooComplex, $"nests brackets deeper than {MaxNestingDepth}", source, elementId, at);
        }

        // A block keeps let/const/function declarations local to one run.
        const string prefix = "'use strict';{\n";
        var wrapped = prefix + source + "\n}";
        if (!TryPrepare(wrapped, elementId, out var prepared, out var error, out var errorIndex))
        {
            return Fail(ExpressionErrorCodes.Syntax, $"does not parse: {error}", source, elementId, errorIndex is { } i ? Math.Max(0, i - prefix.Length) : null);
        }

        if (FunctionScoped(wrapped, prefix.Length, prepared) is { } functionScoped)
        {
            wrapped = functionScoped;
            if (!TryPrepare(wrapped, elementId, out prepared, out error, out _))
            {
                return Fail(ExpressionErrorCodes.Syntax, $"does not parse: {error}", source, elementId, null);
            }
        }

        var (rewritten, variables) = RewriteTypeOf(wrapped, prepared);
        if (rewritten is not null && !TryPrepare(rewritten, elementId, out prepared, out error, out _))
        {
            return Fail(ExpressionErrorCodes.Syntax, $"does not parse: {error}", source, elementId, null);
        }

        var part = new ScriptPart(source, prepared, null, variables);
        return new ExpressionCompileResult(new CompiledExpression(source, elementId, ExpressionKind.Script, null, part, []), null);
    }

    private static ScriptPart? PrepareExpression(string body, string text, string elementId, int offset, out ExpressionDiagnostic? diagnostic)
    {
        diagnostic = null;
        if (NestingDepth(body) is var (depth, at) && depth > MaxNestingDepth)
        {
            diagnostic = Diagnostic(ExpressionErrorCodes.TooComplex, $"nests brackets deeper than {MaxNestingDepth}", text, elementId, offset + at);
            return null;
        }

        // Parenthesised so that an object literal parses as an expression; the newline ends a trailing // comment.
        var wrapped = "(" + body + "\n)";
        if (!TryPrepare(wrapped, elementId, out var prepared, out var error, out var errorIndex))
        {
            diagnostic = Diagnostic(ExpressionErrorCodes.Syntax, $"does not parse: {error}", text, elementId, errorIndex is { } i ? offset + Math.Max(0, i - 1) : offset);
            return null;
        }

        if (prepared.Program!.Body is not [ExpressionStatement statement])
        {
            diagnostic = Diagnostic(ExpressionErrorCodes.Syntax, "must be a single JavaScript expression, not statements", text, elementId, offset);
            return null;
        }

        var fast = FastCompiler.TryCompile(statement.Expression);
        var (rewritten, variables) = RewriteTypeOf(wrapped, prepared);
        if (rewritten is not null && !TryPrepare(rewritten, elementId, out prepared, out error, out _))
        {
            diagnostic = Diagnostic(ExpressionErrorCodes.Syntax, $"does not parse: {error}", text, elementId, offset);
            return null;
        }

        return new ScriptPart(body, prepared, fast, variables);
    }

    private static bool TryPrepare(string code, string elementId, out Prepared<Script> prepared, out string error, out int? errorIndex)
    {
        try
        {
            prepared = JintEngine.PrepareScript(code, elementId, strict: true, PrepareOptions);
            error = "";
            errorIndex = null;
            return true;
        }
        catch (ScriptPreparationException ex)
        {
            prepared = default;
            var parse = ex.InnerException as ParseErrorException;
            error = parse?.Description ?? ex.Message;
            errorIndex = parse is { Error.IsIndexDefined: true } ? parse.Error.Index : null;
            return false;
        }
    }

    /// <summary>
    /// <c>typeof x</c> on an unresolvable name never reaches Jint's reference resolver, so a process variable
    /// would read as "undefined". Such occurrences are rewritten to a helper that asks the variable scope.
    /// </summary>
    /// <summary>
    /// When the script declares <c>var</c> outside any function, returns it wrapped in a function (so the declarations are
    /// local to one run) with its last top-level expression statement turned into <c>return (...)</c>, keeping the
    /// completion value Camunda stores in <c>camunda:resultVariable</c>. Returns null when no such <c>var</c> exists.
    /// </summary>
    private static string? FunctionScoped(string wrapped, int prefixLength, Prepared<Script> prepared)
    {
        if (prepared.Program!.Body is not [_, BlockStatement block] || !DeclaresVar(block))
        {
            return null;
        }

        var bodyStart = prefixLength;
        var bodyEnd = wrapped.Length - 2; // without the closing "\n}"
        var sb = new StringBuilder(wrapped.Length + 48).Append("'use strict';(function () {\n");
        if (block.Body is [.., ExpressionStatement { Expression: var last } statement])
        {
            sb.Append(wrapped, bodyStart, statement.Start - bodyStart)
              .Append("return (").Append(wrapped, last.Start, last.End - last.Start).Append(");")
              .Append(wrapped, statement.End, bodyEnd - statement.End);
        }
        else
        {
            sb.Append(wrapped, bodyStart, bodyEnd - bodyStart);
        }

        return sb.Append("\n})()").ToString();
    }

    private static bool DeclaresVar(Node root)
    {
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is VariableDeclaration { Kind: VariableDeclarationKind.Var })
            {
                return true;
            }

            foreach (var child in node.ChildNodes)
            {
                // A var inside a function is already local to that function.
                if (child is not null and not IFunction)
                {
                    stack.Push(child);
                }
            }
        }

        return false;
    }

    private static (string? Rewritten, string[] Variables) RewriteTypeOf(string code, Prepared<Script> prepared)
    {
        IEnumerable<string> free = prepared.ReferencedGlobals is { } globals ? globals : [];
        var variables = free.Where(n => !SandboxGlobals.IsGlobal(n)).ToArray();
        if (variables.Length == 0)
        {
            return (null, variables);
        }

        var targets = new List<(int Start, int End, string Name)>();
        var stack = new Stack<Node>();
        stack.Push(prepared.Program!);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is UnaryExpression { Operator: Operator.TypeOf, Argument: Identifier id } typeOf && variables.Contains(id.Name))
            {
                targets.Add((typeOf.Start, typeOf.End, id.Name));
                continue;
            }

            foreach (var child in node.ChildNodes)
            {
                if (child is not null)
                {
                    stack.Push(child);
                }
            }
        }

        if (targets.Count == 0)
        {
            return (null, variables);
        }

        var sb = new StringBuilder(code.Length + (targets.Count * 24));
        var last = 0;
        foreach (var (start, end, name) in targets.OrderBy(t => t.Start))
        {
            sb.Append(code, last, start - last)
              .Append('(').Append(SandboxGlobals.TypeOfHelper).Append("(\"").Append(name).Append("\"))");
            last = end;
        }

        sb.Append(code, last, code.Length - last);
        return (sb.ToString(), variables);
    }

    private static int FindOpening(string text, int from)
    {
        for (var i = from; i < text.Length - 1; i++)
        {
            if (text[i] is '$' or '#' && text[i + 1] == '{')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Finds the brace closing an expression body, skipping braces inside string literals.</summary>
    private static int FindClosing(string text, int from)
    {
        var depth = 1;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    i = SkipString(text, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    private static int SkipString(string text, int quoteAt)
    {
        var quote = text[quoteAt];
        for (var i = quoteAt + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    private static (int Depth, int At) NestingDepth(string code)
    {
        int depth = 0, max = 0, at = 0;
        for (var i = 0; i < code.Length; i++)
        {
            switch (code[i])
            {
                case '(' or '[' or '{':
                    if (++depth > max)
                    {
                        max = depth;
                        at = i;
                    }

                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return (max, at);
    }

    private static ExpressionCompileResult Fail(string code, string problem, string text, string elementId, int? offset) =>
        new(null, Diagnostic(code, problem, text, elementId, offset));

    private static ExpressionDiagnostic Diagnostic(string code, string problem, string text, string elementId, int? offset) =>
        new(code, $"Expression '{Shorten(text)}' of element '{elementId}' {problem}.", elementId, text, offset);

    internal static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
}
