using ProcurementFlows.Engine.Expressions;

namespace ProcurementFlows.Engine.Tests.Support;

public sealed class ExpressionCompilerTests
{
    [Theory]
    [InlineData("${amount >}", ExpressionErrorCodes.Syntax)]
    [InlineData("${a b}", ExpressionErrorCodes.Syntax)]
    [InlineData("${1); var x = (2}", ExpressionErrorCodes.Syntax)]
    [InlineData("${while (true) {}}", ExpressionErrorCodes.Syntax)]
    [InlineData("${amount > 5", ExpressionErrorCodes.Malformed)]
    [InlineData("Hello ${}", ExpressionErrorCodes.Malformed)]
    [InlineData("${'unterminated}", ExpressionErrorCodes.Malformed)]
    [InlineData("${with (a) {}}", ExpressionErrorCodes.Syntax)]
    public void Bad_expressions_give_a_diagnostic_with_the_element_id(string text, string code)
    {
        var result = ExpressionCompiler.Compile(text, "Flow_7");
        Assert.False(result.Succeeded);
        Assert.Null(result.Expression);
        Assert.Equal(code, result.Diagnostic!.Code);
        Assert.Equal("Flow_7", result.Diagnostic.ElementId);
        Assert.Equal(text, result.Diagnostic.ExpressionText);
        Assert.Contains("Flow_7", result.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_reports_the_offset_in_the_attribute_text()
    {
        var result = ExpressionCompiler.Compile("Dear ${name +* 2}", "Task_1");
        Assert.Equal(ExpressionErrorCodes.Syntax, result.Diagnostic!.Code);
        Assert.InRange(result.Diagnostic.Offset!.Value, 7, 16);
    }

    [Fact]
    public void Oversized_or_deeply_nested_input_is_refused_before_parsing()
    {
        Assert.Equal(ExpressionErrorCodes.TooComplex, ExpressionCompiler.Compile("${" + new string('1', ExpressionCompiler.MaxExpressionLength) + "}", "E").Diagnostic!.Code);
        var deep = "${" + new string('(', 5000) + "1" + new string(')', 5000) + "}";
        Assert.Equal(ExpressionErrorCodes.TooComplex, ExpressionCompiler.Compile(deep, "E").Diagnostic!.Code);
        Assert.Equal(ExpressionErrorCodes.TooComplex, ExpressionCompiler.CompileScript(new string('[', 3000), "E").Diagnostic!.Code);
    }

    [Theory]
    [InlineData("plain", ExpressionKind.Literal, true)]
    [InlineData("", ExpressionKind.Literal, true)]
    [InlineData("${a > 5}", ExpressionKind.Expression, true)]
    [InlineData("#{a > 5}", ExpressionKind.Expression, true)]
    [InlineData("${x.y[0] === 'z' && !(n % 2)}", ExpressionKind.Expression, true)]
    [InlineData("${a.map(x => x)}", ExpressionKind.Expression, false)]
    [InlineData("${Math.max(a, 1)}", ExpressionKind.Expression, false)]
    [InlineData("Hi ${name}!", ExpressionKind.Template, true)]
    [InlineData("${ {a: 1} }", ExpressionKind.Expression, false)]
    public void Kinds_and_fast_path_eligibility(string text, ExpressionKind kind, bool fast)
    {
        var compiled = ExpressionCompiler.Compile(text, "E").Expression!;
        Assert.Equal(kind, compiled.Kind);
        Assert.Equal(fast, compiled.IsFastPath);
    }

    [Fact]
    public void Braces_inside_strings_do_not_end_the_expression()
    {
        var compiled = ExpressionCompiler.Compile("${'}' + \"{\" + `}`} done", "E").Expression!;
        Assert.Equal(ExpressionKind.Template, compiled.Kind);
    }

    [Fact]
    public void Referenced_variables_exclude_globals_and_locals()
    {
        var compiled = ExpressionCompiler.Compile("${items.filter(i => i.price > limit).length > Math.max(min, 0) && typeof extra === 'undefined'}", "E").Expression!;
        Assert.Equal(["extra", "items", "limit", "min"], compiled.ReferencedVariables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Script_syntax_errors_are_diagnostics()
    {
        var result = ExpressionCompiler.CompileScript("let x = ;", "Script_9");
        Assert.Equal(ExpressionErrorCodes.Syntax, result.Diagnostic!.Code);
        Assert.Equal("Script_9", result.Diagnostic.ElementId);
    }
}
