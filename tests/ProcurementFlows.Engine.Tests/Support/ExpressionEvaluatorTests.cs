using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Expressions;
using static ProcurementFlows.Engine.Tests.Support.ExpressionTestKit;

namespace ProcurementFlows.Engine.Tests.Support;

public sealed class ExpressionEvaluatorTests(ExpressionFixture fixture) : IClassFixture<ExpressionFixture>
{
    private readonly ExpressionEvaluator _eval = fixture.Fast;

    [Theory]
    [InlineData("${amount > 443000}", "{\"amount\":500000}", true)]
    [InlineData("${amount > 443000}", "{\"amount\":443000}", false)]
    [InlineData("#{amount > 5}", "{\"amount\":6}", true)]
    [InlineData("${approved == true}", "{\"approved\":true}", true)]
    [InlineData("${!approved}", "{\"approved\":false}", true)]
    [InlineData("${x == \"a\"}", "{\"x\":\"a\"}", true)]
    [InlineData("${x === 'b'}", "{\"x\":\"a\"}", false)]
    [InlineData("${execution.getVariable('amount') >= 10}", "{\"amount\":10}", true)]
    [InlineData("${order.lines.length > 1 && order.lines[0].qty == 2}", "{\"order\":{\"lines\":[{\"qty\":2},{\"qty\":3}]}}", true)]
    [InlineData("${items.some(i => i.price > 100)}", "{\"items\":[{\"price\":50},{\"price\":150}]}", true)]
    [InlineData("${typeof discount === 'undefined'}", "{}", true)]
    [InlineData("${typeof discount === 'undefined'}", "{\"discount\":5}", false)]
    [InlineData("${typeof discount === 'number' && discount > 2}", "{\"discount\":5}", true)]
    [InlineData("true", "{}", true)]
    [InlineData(" false ", "{}", false)]
    public void Conditions_follow_JavaScript_semantics(string text, string variables, bool expected)
    {
        var compiled = Compile(text);
        Assert.Equal(expected, _eval.EvaluateCondition(compiled, Vars(variables)));
        Assert.Equal(expected, fixture.JintOnly.EvaluateCondition(compiled, Vars(variables)));
    }

    [Fact]
    public void Pure_text_is_a_literal()
    {
        var compiled = Compile("Approve the requisition");
        Assert.Equal(ExpressionKind.Literal, compiled.Kind);
        Assert.Equal("Approve the requisition", _eval.EvaluateString(compiled, DictionaryVariableScope.Empty));
    }

    [Fact]
    public void Mixed_text_interpolates_and_null_reads_as_empty()
    {
        var compiled = Compile("Hello ${name}, total ${amount * 2} NOK${missingOk ?? ''}");
        Assert.Equal(ExpressionKind.Template, compiled.Kind);
        Assert.Equal("Hello Ola, total 2000.5 NOK", _eval.EvaluateString(compiled, Vars("{\"name\":\"Ola\",\"amount\":1000.25,\"missingOk\":null}")));
    }

    [Fact]
    public void Template_with_object_values_uses_javascript_string_conversion()
    {
        var compiled = Compile("Lines: ${lines}; ${lines.map(l => l * 2).join('+')}");
        Assert.Equal("Lines: 1,2; 2+4", _eval.EvaluateString(compiled, Vars("{\"lines\":[1,2]}")));
    }

    [Fact]
    public void Single_expression_returns_the_value_as_json()
    {
        var value = _eval.Evaluate(Compile("${ {total: a + b, tags: ['x', tag], nested: {ok: true}} }"), Vars("{\"a\":1,\"b\":2,\"tag\":\"y\"}"));
        Assert.Equal("{\"total\":3,\"tags\":[\"x\",\"y\"],\"nested\":{\"ok\":true}}", Json(value));
    }

    [Fact]
    public void Object_results_do_not_alias_the_variables()
    {
        var order = JsonNode.Parse("{\"id\":1}");
        var result = _eval.Evaluate(Compile("${order}"), Vars(("order", order)))!;
        result["id"] = 2;
        Assert.Equal(1, order!["id"]!.GetValue<int>());
    }

    [Fact]
    public void Unknown_variable_is_a_clear_error_naming_it()
    {
        var ex = Assert.Throws<ExpressionException>(() => _eval.EvaluateCondition(Compile("${amount > limit}", "Gateway_1"), Vars("{\"amount\":5}")));
        Assert.Equal(ExpressionErrorCodes.UnknownVariable, ex.Code);
        Assert.Equal("limit", ex.VariableName);
        Assert.Equal("Gateway_1", ex.ElementId);
        Assert.Contains("'limit'", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public void GetVariable_of_a_missing_variable_is_null_like_camunda()
    {
        Assert.True(_eval.EvaluateCondition(Compile("${execution.getVariable('nope') === null}"), DictionaryVariableScope.Empty));
        Assert.False(_eval.EvaluateCondition(Compile("${execution.hasVariable('nope')}"), DictionaryVariableScope.Empty));
    }

    [Fact]
    public void Non_boolean_condition_is_rejected_like_camunda()
    {
        var ex = Assert.Throws<ExpressionException>(() => _eval.EvaluateCondition(Compile("${amount}"), Vars("{\"amount\":5}")));
        Assert.Equal(ExpressionErrorCodes.NotBoolean, ex.Code);
        var literal = Assert.Throws<ExpressionException>(() => _eval.EvaluateCondition(Compile("yes"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.NotBoolean, literal.Code);
    }

    [Fact]
    public void Now_and_Date_come_from_the_time_provider()
    {
        Assert.Equal("2026-11-27T10:30:00.000Z", _eval.EvaluateString(Compile("${now()}"), DictionaryVariableScope.Empty));
        Assert.Equal("2026-11-27", _eval.EvaluateString(Compile("${today()}"), DictionaryVariableScope.Empty));
        Assert.Equal("2026-11-27T10:30:00.000Z", _eval.EvaluateString(Compile("${new Date().toISOString()}"), DictionaryVariableScope.Empty));
        Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds(), _eval.Evaluate(Compile("${Date.now()}"), DictionaryVariableScope.Empty)!.GetValue<double>());
    }

    [Fact]
    public void Date_helpers_shift_and_compare_iso_dates()
    {
        var vars = Vars("{\"received\":\"2026-12-01T09:00:00+01:00\",\"day\":\"2026-12-24\"}");
        Assert.Equal("2026-12-11T09:00:00.000+01:00", _eval.EvaluateString(Compile("${dates.addDays(received, 10)}"), vars));
        Assert.Equal("2026-12-01T10:30:00.000+01:00", _eval.EvaluateString(Compile("${dates.addHours(received, 1.5)}"), vars));
        Assert.Equal("2026-12-28", _eval.EvaluateString(Compile("${bizdays.add(day, 1, 'NO')}"), vars));
        Assert.Equal("2026-12-25", _eval.EvaluateString(Compile("${bizdays.add(day, 1, 'UA')}"), vars));
        Assert.Equal("2026-12-29", _eval.EvaluateString(Compile("${addBusinessDays(day, 2, 'no')}"), vars));
        Assert.Equal(JsonValue.Create(3.0).ToJsonString(), Json(_eval.Evaluate(Compile("${businessDaysBetween('2026-12-24', '2026-12-30', 'NO')}"), vars)));
        Assert.True(_eval.EvaluateCondition(Compile("${dates.isBefore(received, now()) === false && dates.compare(day, '2026-12-24') === 0}"), vars));
        Assert.False(_eval.EvaluateCondition(Compile("${bizdays.isBusinessDay('2026-05-17', 'NO')}"), vars));
        Assert.Equal(new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero), _eval.EvaluateDate(Compile("${bizdays.add(day, 1, 'NO')}"), vars));
    }

    [Fact]
    public void AddDuration_accepts_iso_durations_with_an_optional_calendar()
    {
        var vars = Vars("{\"received\":\"2026-12-01T09:00:00Z\"}");
        Assert.Equal("2026-12-04T11:30:00.000Z", _eval.EvaluateString(Compile("${dates.addDuration(received, 'P3DT2H30M')}"), vars));
        Assert.Equal("2026-12-28", _eval.EvaluateString(Compile("${dates.addDuration('2026-12-24', 'P1D', 'NO')}"), vars));
        Assert.Equal(ExpressionErrorCodes.ScriptError, Assert.Throws<ExpressionException>(() => _eval.EvaluateString(Compile("${dates.addDuration(received, '3 days')}"), vars)).Code);
    }

    [Fact]
    public void Helpers_reject_bad_arguments_with_a_script_error()
    {
        var unknownCalendar = Assert.Throws<ExpressionException>(() => _eval.EvaluateString(Compile("${bizdays.add('2026-01-01', 1, 'XX')}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.ScriptError, unknownCalendar.Code);
        Assert.Contains("XX", unknownCalendar.Message, StringComparison.Ordinal);
        var badDate = Assert.Throws<ExpressionException>(() => _eval.EvaluateString(Compile("${dates.addDays('next tuesday', 1)}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.ScriptError, badDate.Code);
    }

    [Fact]
    public void EvaluateDate_accepts_iso_text_and_js_dates_and_rejects_the_rest()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(1)), _eval.EvaluateDate(Compile("2026-12-01T09:00:00+01:00"), DictionaryVariableScope.Empty));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), _eval.EvaluateDate(Compile("${new Date(Date.UTC(2026, 0, 2))}"), DictionaryVariableScope.Empty));
        var ex = Assert.Throws<ExpressionException>(() => _eval.EvaluateDate(Compile("${42}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.NotADate, ex.Code);
    }

    [Fact]
    public void Script_can_read_and_set_variables_and_returns_its_completion_value()
    {
        var script = ExpressionCompiler.CompileScript("""
            let total = 0;
            for (const line of order.lines) { total += line.qty * line.price; }
            execution.setVariable('total', total);
            execution.setVariable('approved', execution.getVariable('total') < 1000);
            total * 2
            """, "Script_1");
        Assert.True(script.Succeeded, script.Diagnostic?.Message);
        var assignments = new Dictionary<string, JsonNode?>();
        var result = _eval.RunScript(script.Expression!, Vars("{\"order\":{\"lines\":[{\"qty\":2,\"price\":100},{\"qty\":1,\"price\":50}]}}"), assignments);
        Assert.Equal(500, result!.GetValue<double>());
        Assert.Equal(250, assignments["total"]!.GetValue<double>());
        Assert.True(assignments["approved"]!.GetValue<bool>());
    }

    [Fact]
    public void SetVariable_is_refused_in_expressions()
    {
        var ex = Assert.Throws<ExpressionException>(() => _eval.Evaluate(Compile("${execution.setVariable('x', 1)}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.ScriptError, ex.Code);
    }

    [Fact]
    public void Script_var_and_let_are_local_to_one_run()
    {
        // Camunda scripts declare with var: it runs (inside a function), keeps the completion value and leaks nothing.
        var withVar = ExpressionCompiler.CompileScript("var x = 1;\nif (x) { var z = x + 1; }\nx + z", "Script_1").Expression!;
        Assert.Equal(3, _eval.RunScript(withVar, DictionaryVariableScope.Empty, new Dictionary<string, JsonNode?>())!.GetValue<double>());
        Assert.Equal(3, _eval.RunScript(withVar, DictionaryVariableScope.Empty, new Dictionary<string, JsonNode?>())!.GetValue<double>());
        var probe = ExpressionCompiler.CompileScript("typeof x + '/' + typeof z", "Script_3").Expression!;
        Assert.Equal("undefined/undefined", _eval.RunScript(probe, DictionaryVariableScope.Empty, new Dictionary<string, JsonNode?>())!.GetValue<string>());
        var noResult = ExpressionCompiler.CompileScript("var a = 1; if (a) { execution.setVariable('a', a); }", "Script_4").Expression!;
        var assignments = new Dictionary<string, JsonNode?>();
        Assert.Null(_eval.RunScript(noResult, DictionaryVariableScope.Empty, assignments));
        Assert.Equal(1, assignments["a"]!.GetValue<double>());
        var withLet = ExpressionCompiler.CompileScript("let y = 41; y + 1", "Script_2").Expression!;
        Assert.Equal(42, _eval.RunScript(withLet, DictionaryVariableScope.Empty, new Dictionary<string, JsonNode?>())!.GetValue<double>());
        Assert.Equal(42, _eval.RunScript(withLet, DictionaryVariableScope.Empty, new Dictionary<string, JsonNode?>())!.GetValue<double>());
    }

    [Fact]
    public void Evaluator_is_usable_from_many_threads()
    {
        var compiled = Compile("${[1,2,3].map(x => x * n).reduce((a, b) => a + b, 0)}");
        Parallel.For(0, 200, i =>
        {
            var value = _eval.Evaluate(compiled, Vars(("n", JsonValue.Create(i))));
            Assert.Equal(6 * i, value!.GetValue<double>());
        });
    }
}
