using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Expressions;

namespace ProcurementFlows.Benchmarks;

/// <summary>The cost of one condition evaluation on the fast path and on Jint.</summary>
internal static class ExpressionSuite
{
    public static void Run(double seconds)
    {
        var scope = new DictionaryVariableScope(new Dictionary<string, JsonNode?>
        {
            ["amount"] = 500_000,
            ["approved"] = true,
            ["order"] = JsonNode.Parse("{\"lines\":[{\"qty\":2},{\"qty\":3}]}"),
        });
        string[] expressions =
        [
            "${amount > 443000}",
            "${approved == true && amount < 1000000}",
            "${order.lines.length > 1 && order.lines[0].qty == 2}",
            "${order.lines.some(l => l.qty > 2)}",
        ];
        var fast = new ExpressionEvaluator(new ExpressionOptions(), TimeProvider.System);
        var jint = new ExpressionEvaluator(new ExpressionOptions { EnableFastPath = false }, TimeProvider.System);

        Console.WriteLine("## Expression benchmark");
        Console.WriteLine();
        Console.WriteLine($"Machine: {Machine.Describe()}");
        Console.WriteLine();
        Console.WriteLine("| condition | fast path? | ns/eval (evaluator default) | bytes/eval | ns/eval (Jint only) | bytes/eval |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var text in expressions)
        {
            var compiled = ExpressionCompiler.Compile(text, "Bench").Expression!;
            var a = Measure(fast, compiled, scope, seconds);
            var b = Measure(jint, compiled, scope, seconds);
            Console.WriteLine($"| `{text}` | {(compiled.IsFastPath ? "yes" : "no")} | {a.Ns:N0} | {a.Bytes:N0} | {b.Ns:N0} | {b.Bytes:N0} |");
        }

        // A new evaluator hardens its first Jint engine on first use (freezing every intrinsic); engines are then pooled.
        var probe = ExpressionCompiler.Compile("${[1].length}", "Bench").Expression!;
        var times = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            new ExpressionEvaluator(new ExpressionOptions(), TimeProvider.System).Evaluate(probe, scope);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine();
        Console.WriteLine($"Sandbox creation (new evaluator, first Jint evaluation): first {times[0]:N0} ms, then median {times.Skip(1).Order().ElementAt(2):N1} ms.");
    }

    private static (double Ns, double Bytes) Measure(ExpressionEvaluator evaluator, CompiledExpression compiled, IVariableScope scope, double seconds)
    {
        var samples = Measurement.Measure(batch =>
        {
            for (var i = 0; i < batch; i++)
            {
                evaluator.EvaluateCondition(compiled, scope);
            }

            return batch;
        }, batchSize: 1000, seconds, iterations: 3, warmupSeconds: 0.5);
        var m = Measurement.Median(samples);
        return (m.Elapsed.TotalNanoseconds / m.Operations, (double)m.Bytes / m.Operations);
    }
}
