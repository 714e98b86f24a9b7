using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Expressions;
using static ProcurementFlows.Engine.Tests.Support.ExpressionTestKit;

namespace ProcurementFlows.Engine.Tests.Support;

public sealed class ExpressionSandboxTests(ExpressionFixture fixture) : IClassFixture<ExpressionFixture>
{
    private readonly ExpressionEvaluator _eval = fixture.Fast;

    private ExpressionException Fails(string text, IVariableScope? vars = null) =>
        Assert.Throws<ExpressionException>(() => _eval.Evaluate(Compile(text, "Hostile_1"), vars ?? DictionaryVariableScope.Empty));

    [Theory]
    [InlineData("${(() => { while (true) {} })()}")]
    [InlineData("${(() => { for (;;); })()}")]
    [InlineData("${(() => { let i = 0; do { i++; } while (i >= 0); })()}")]
    [InlineData("${[1].map(function f() { while (true) {} })}")]
    public void Runaway_loops_hit_the_statement_limit(string text)
    {
        var ex = Fails(text);
        Assert.Equal(ExpressionErrorCodes.StatementLimit, ex.Code);
        Assert.Equal("Hostile_1", ex.ElementId);
    }

    [Theory]
    [InlineData("${(function f() { return f(); })()}")]
    [InlineData("${(() => { const f = n => n <= 0 ? 0 : 1 + f(n - 1); return f(100000); })()}")]
    public void Deep_recursion_hits_the_recursion_limit(string text) =>
        Assert.Equal(ExpressionErrorCodes.RecursionLimit, Fails(text).Code);

    [Theory]
    [InlineData("${'x'.repeat(2 ** 28).length}")]
    [InlineData("${'x'.padStart(2 ** 28).length}")]
    [InlineData("${'x'.padEnd(1e9).length}")]
    [InlineData("${new Array(99999).join('x'.repeat(100000)).length}")]
    [InlineData("${new Array(1e9).fill(0).length}")]
    [InlineData("${Array.from({ length: 1e8 }).length}")]
    [InlineData("${(() => { const a = []; for (let i = 0; i < 1500; i++) a.push('x'.repeat(16000) + i); return a.length; })()}")]
    [InlineData("${(() => { let s = 'x'.repeat(100000); for (let i = 0; i < 40; i++) s = s + s; return s.length; })()}")]
    [InlineData("${'x'.repeat(900000).concat('y'.repeat(900000)).length}")]
    [InlineData("${JSON.stringify(new Array(99999).fill('x'.repeat(900000))).length}")]
    [InlineData("${JSON.stringify({ a: new Array(50000).fill('x'.repeat(100)) }, null, 10).length}")]
    [InlineData("${JSON.stringify(new Array(99999).fill('x'.repeat(900000)), (k, v) => v).length}")]
    [InlineData("${(() => { const s = 'x'.repeat(900000); return JSON.stringify(new Array(5000).fill({ toJSON: () => s })).length; })()}")]
    [InlineData("${(() => { const a = [1]; for (let i = 0; i < 60; i++) a.push(a); return JSON.stringify({ a }).length; })()}")]
    public void Huge_allocations_hit_the_memory_limit(string text) =>
        Assert.Equal(ExpressionErrorCodes.MemoryLimit, Fails(text).Code);

    [Fact]
    public void JSON_stringify_keeps_its_meaning_under_the_size_guard()
    {
        var text = "${JSON.stringify({ a: 1, b: 'two', c: [true, null], d: { e: 5 } }, ['a', 'c', 'd']) + '|' + JSON.stringify({ x: 2 }, (k, v) => typeof v === 'number' ? v * 10 : v) + '|' + JSON.stringify([1, { y: 'z' }], null, 1)}";
        Assert.Equal("{\"a\":1,\"c\":[true,null],\"d\":{}}|{\"x\":20}|[\n 1,\n {\n  \"y\": \"z\"\n }\n]", _eval.Evaluate(Compile(text), DictionaryVariableScope.Empty)!.GetValue<string>());
    }

    [Fact]
    public void JSON_stringify_of_a_large_plain_array_within_the_limit_still_works()
    {
        var text = "${JSON.stringify(new Array(40000).fill(7)).length}";
        Assert.Equal(80001, _eval.Evaluate(Compile(text), DictionaryVariableScope.Empty)!.GetValue<double>());
    }

    [Fact]
    public void Binary_buffers_are_not_available()
    {
        Assert.True(_eval.EvaluateCondition(Compile("${typeof ArrayBuffer === 'undefined' && typeof Uint8Array === 'undefined' && typeof SharedArrayBuffer === 'undefined'}"), DictionaryVariableScope.Empty));
    }

    [Fact]
    public void Catastrophic_regex_times_out()
    {
        var ex = Fails("${/^(a+)+$/.test('a'.repeat(40) + '!')}");
        Assert.Equal(ExpressionErrorCodes.Timeout, ex.Code);
    }

    [Fact]
    public void Wall_clock_limit_uses_the_time_provider()
    {
        var clock = new SteppingTimeProvider(TimeSpan.FromMilliseconds(5));
        var evaluator = new ExpressionEvaluator(new ExpressionOptions { Timeout = TimeSpan.FromMilliseconds(100), MaxStatements = int.MaxValue }, clock);
        var ex = Assert.Throws<ExpressionException>(() => evaluator.Evaluate(Compile("${(() => { while (true) {} })()}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.Timeout, ex.Code);
    }

    [Theory]
    [InlineData("${eval('1 + 1')}")]
    [InlineData("${Function('return this')()}")]
    [InlineData("${(() => {}).constructor('return globalThis')()}")]
    [InlineData("${Object.getPrototypeOf(function* () {}).constructor('yield 1')}")]
    [InlineData("${importNamespace('System.IO')}")]
    [InlineData("${System.IO.File.ReadAllText('/etc/passwd')}")]
    [InlineData("${clr.System}")]
    [InlineData("${require('fs')}")]
    [InlineData("${now.constructor('return 1')()}")]
    [InlineData("${new ShadowRealm().evaluate('1')}")]
    public void Escapes_to_the_host_fail(string text)
    {
        var ex = Fails(text);
        Assert.Contains(ex.Code, new[] { ExpressionErrorCodes.ScriptError, ExpressionErrorCodes.UnknownVariable });
    }

    [Fact]
    public void Helper_functions_expose_no_clr_surface()
    {
        var value = _eval.EvaluateString(Compile("${[typeof now.GetType, typeof execution.GetType, typeof dates.ToString, Object.keys(execution).sort().join()].join('|')}"), DictionaryVariableScope.Empty);
        Assert.Equal("undefined|undefined|undefined|getVariable,hasVariable,setVariable", value);
    }

    [Theory]
    [InlineData("${Object.prototype.polluted = 1}")]
    [InlineData("${Array.prototype.includes = () => true}")]
    [InlineData("${globalThis.leak = 1}")]
    [InlineData("${Object.defineProperty(Object.prototype, 'polluted', { value: 1 })}")]
    [InlineData("${Math.max = () => 0}")]
    [InlineData("${JSON.parse = null}")]
    [InlineData("${Object.getPrototypeOf(function* () {}).prototype.x = 1}")]
    [InlineData("${[][Symbol.iterator]().__proto__.next = null}")]
    [InlineData("${execution.getVariable = () => 'forged'}")]
    [InlineData("${leak = 1}")]
    public void Shared_state_cannot_be_polluted(string attack)
    {
        Fails(attack);
        var probe = Compile("${[typeof ({}).polluted, [1].includes(2), typeof globalThis.leak, Math.max(1, 2), typeof JSON.parse, execution.getVariable('v')].join()}");
        Assert.Equal("undefined,false,undefined,2,function,real", _eval.EvaluateString(probe, Vars("{\"v\":\"real\"}")));
    }

    [Fact]
    public void Intrinsics_including_hidden_prototypes_are_frozen()
    {
        var probe = "${[globalThis, Object.prototype, Array.prototype, Function.prototype, Math, JSON, execution, dates, now, " +
            "Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function () {}), Object.getPrototypeOf([][Symbol.iterator]()), " +
            "Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))].every(o => Object.isFrozen(o))}";
        Assert.True(_eval.EvaluateCondition(Compile(probe), DictionaryVariableScope.Empty));
    }

    [Fact]
    public void Every_sandbox_global_is_known_to_the_fast_path_compiler()
    {
        // A global the fast path did not know would be read as a process variable there but as the global in Jint.
        var names = _eval.Evaluate(Compile("${Object.getOwnPropertyNames(globalThis)}"), DictionaryVariableScope.Empty)!.AsArray()
            .Select(n => n!.GetValue<string>());
        Assert.All(names, name => Assert.True(Engine.Expressions.Sandbox.SandboxGlobals.IsGlobal(name), $"'{name}' is missing from SandboxGlobals"));
    }

    [Fact]
    public void Variables_do_not_leak_between_evaluations()
    {
        var compiled = Compile("${typeof secret === 'undefined' ? 'none' : secret}");
        Assert.Equal("s3cret", _eval.EvaluateString(compiled, Vars("{\"secret\":\"s3cret\"}")));
        Assert.Equal("none", _eval.EvaluateString(compiled, DictionaryVariableScope.Empty));
        var ex = Assert.Throws<ExpressionException>(() => _eval.EvaluateString(Compile("${secret}"), DictionaryVariableScope.Empty));
        Assert.Equal(ExpressionErrorCodes.UnknownVariable, ex.Code);
    }

    [Fact]
    public void Mutating_a_variable_object_inside_an_expression_does_not_change_the_variables()
    {
        var order = JsonNode.Parse("{\"total\":1}");
        var vars = Vars(("order", order));
        Assert.Equal(99, _eval.Evaluate(Compile("${(order.total = 99, order.total)}"), vars)!.GetValue<double>());
        Assert.Equal(1, order!["total"]!.GetValue<int>());
        Assert.Equal(1, _eval.Evaluate(Compile("${order.total}"), vars)!.GetValue<double>());
    }

    [Fact]
    public void Proto_keys_in_variables_do_not_change_prototypes()
    {
        var vars = Vars("{\"payload\":{\"__proto__\":{\"isAdmin\":true}}}");
        Assert.True(_eval.EvaluateCondition(Compile("${payload.isAdmin === undefined && ({}).isAdmin === undefined}"), vars));
    }

    [Fact]
    public void A_failed_evaluation_does_not_poison_later_ones()
    {
        Fails("${(() => { while (true) {} })()}");
        Fails("${'x'.repeat(2 ** 28)}");
        Fails("${(function f() { return f(); })()}");
        Assert.Equal(4, _eval.Evaluate(Compile("${[1, 2].map(x => x + 0.5).reduce((a, b) => a + b)}"), DictionaryVariableScope.Empty)!.GetValue<double>());
    }

    [Fact]
    public void Results_that_are_not_json_fail_cleanly()
    {
        Assert.Equal(ExpressionErrorCodes.UnsupportedResult, Fails("${() => 1}").Code);
        Assert.Equal(ExpressionErrorCodes.UnsupportedResult, Fails("${new Proxy({}, { ownKeys() { while (true) {} } })}").Code);
        Assert.Equal(ExpressionErrorCodes.UnsupportedResult, Fails("${(() => { const o = {}; o.self = o; return o; })()}").Code);
        Assert.Equal("{\"a\":1}", Json(_eval.Evaluate(Compile("${ { a: 1, get b() { while (true) {} } } }"), DictionaryVariableScope.Empty)));
    }

    [Fact]
    public void Thrown_values_become_script_errors_with_the_message()
    {
        var ex = Fails("${(() => { throw new Error('budget code missing'); })()}");
        Assert.Equal(ExpressionErrorCodes.ScriptError, ex.Code);
        Assert.Contains("budget code missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ExpressionErrorCodes.ScriptError, Fails("${null.x}").Code);
    }

    [Fact]
    public void Promise_jobs_are_bounded_too()
    {
        var ex = Fails("${Promise.resolve().then(() => { while (true) {} })}");
        Assert.Contains(ex.Code, new[] { ExpressionErrorCodes.StatementLimit, ExpressionErrorCodes.UnsupportedResult });
    }

    /// <summary>A clock that moves forward each time it is read: makes the wall-clock limit testable without sleeping.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}
