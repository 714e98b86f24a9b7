using ProcurementFlows.Engine.Expressions;
using static ProcurementFlows.Engine.Tests.Support.ExpressionTestKit;

namespace ProcurementFlows.Engine.Tests.Support;

/// <summary>The built-in fast evaluator must answer exactly like Jint: same values, same error codes.</summary>
public sealed class FastPathAgreementTests(ExpressionFixture fixture) : IClassFixture<ExpressionFixture>
{
    private const string Variables = """
        {
          "amount": 500000, "small": 3, "neg": -2.5, "zero": 0, "frac": 0.1, "big": 1e21, "tiny": 1e-7,
          "approved": true, "rejected": false, "name": "Ola", "empty": "", "numText": "42", "hexText": "0x10",
          "spaceNum": "  7  ", "expText": "1e3", "junk": "abc", "nothing": null,
          "order": { "id": "PO-1", "total": 1200.5, "lines": [ { "qty": 2, "sku": "A" }, { "qty": 5, "sku": "B" } ], "meta": {} },
          "tags": ["urgent", "defence"], "matrix": [[1, 2], [3, 4]], "flag": "true"
        }
        """;

    private static readonly string[] Table =
    [
        "amount", "amount > 443000", "amount >= 500000", "amount < small", "small <= 3", "amount == 500000", "amount != 1",
        "approved", "!approved", "!!rejected", "approved == true", "approved === true", "rejected == false", "approved == 1",
        "approved && amount > 5", "rejected || small", "rejected || empty", "nothing ?? 'default'", "zero ?? 5", "empty || 'x'",
        "name == 'Ola'", "name === \"Ola\"", "name != 'Kari'", "name < 'Z'", "name > 'Oz'", "'a' < 'B'", "empty == 0", "empty == false",
        "numText == 42", "numText === 42", "numText > 41", "numText * 2", "numText + 1", "spaceNum * 1", "expText * 1", "hexText * 1", "junk * 1",
        "hexText == 16", "junk == 0", "name + ' ' + amount", "frac + 0.2", "'' + (frac + 0.2)", "'' + big", "'' + tiny", "'' + neg", "'v' + 1/3",
        "amount / 7", "'x' + amount / 7", "small % 2", "neg % 2", "-small", "+numText", "-name", "+empty", "+approved", "-nothing",
        "small - neg * 2", "(small + 1) * (neg - 1)", "zero / zero", "small / zero", "-small / zero", "'' + zero / zero", "1 / zero == Infinity",
        "nothing == null", "nothing === null", "nothing == undefined", "nothing === undefined", "nothing == 0", "nothing < 1", "nothing + 1",
        "undefined == null", "NaN == NaN", "typeof amount", "typeof name", "typeof approved", "typeof nothing", "typeof order", "typeof tags",
        "typeof missing", "typeof missing === 'undefined'", "typeof order.lines", "typeof order.nope",
        "order.total", "order.total > 1000", "order.lines.length", "order.lines[1].qty", "order.lines[2]", "order.lines[0]['sku']",
        "order['id']", "order.meta.x", "order.meta.x === undefined", "tags[0]", "tags.length", "tags[5]", "tags['1']", "matrix[1][0]",
        "name.length", "name[0]", "name[10]", "empty.length", "order.lines[small - 2].sku", "order[name]", "tags[zero]",
        "order.toString", "order.constructor", "tags.map", "name.toUpperCase", "amount.toFixed", "nothing.x", "missing.x",
        "approved ? 'yes' : 'no'", "nothing ? 1 : 2", "order ? tags[1] : 0", "order == order", "order === order", "tags == tags",
        "order == 'x'", "tags == 'urgent,defence'", "order < 1", "tags + 1", "order.lines[0] === order.lines[0]",
        "execution.getVariable('amount') > 1", "execution.getVariable('missing')", "execution.hasVariable('name')", "execution.hasVariable('nope')",
        "missing", "missing > 5", "approved || missing", "rejected && missing", "rejected || missing", "flag == true", "flag === 'true'",
        "amount > 100 && amount < 1000000 && name != '' && tags.length == 2", "!(amount > 100) || order.lines[0].qty * order.lines[1].qty == 10",
        "Infinity > amount", "-Infinity < neg", "1e3 == expText", "0.1 + 0.2 == 0.3", "'5' - '2'", "'5' + 2 - 1", "true + true", "null + 'x'",
    ];

    public static TheoryData<string> Expressions => [.. Table];

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Fast_path_and_jint_agree(string expression)
    {
        var compiled = Compile("${" + expression + "}");
        var vars = Vars(Variables);
        Assert.Equal(Outcome(() => Json(fixture.JintOnly.Evaluate(compiled, vars))), Outcome(() => Json(fixture.Fast.Evaluate(compiled, vars))));
        Assert.Equal(Outcome(() => fixture.JintOnly.EvaluateString(compiled, vars) ?? "<null>"), Outcome(() => fixture.Fast.EvaluateString(compiled, vars) ?? "<null>"));
        Assert.Equal(Outcome(() => fixture.JintOnly.EvaluateCondition(compiled, vars).ToString()), Outcome(() => fixture.Fast.EvaluateCondition(compiled, vars).ToString()));
    }

    [Fact]
    public void The_table_exercises_the_fast_path()
    {
        var fast = Table.Count(e => Compile("${" + e + "}").IsFastPath);
        Assert.True(fast >= Table.Length - 2, $"only {fast} of {Table.Length} rows compile to the fast path");
    }

    [Fact]
    public void Templates_agree()
    {
        var compiled = Compile("Order ${order.id}: ${order.lines.length} lines, ${amount / 7} NOK, ${nothing}${tags}, ok=${approved}");
        var vars = Vars(Variables);
        Assert.Equal(fixture.JintOnly.EvaluateString(compiled, vars), fixture.Fast.EvaluateString(compiled, vars));
    }

    private static string Outcome(Func<string> evaluate)
    {
        try
        {
            return "ok:" + evaluate();
        }
        catch (ExpressionException ex)
        {
            return "error:" + ex.Code;
        }
    }
}
