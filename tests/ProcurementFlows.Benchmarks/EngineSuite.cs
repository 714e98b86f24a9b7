using System.Globalization;
using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Benchmarks;

/// <summary>
/// Engine throughput on <c>procurement-benchmark.bpmn</c> (20 flow nodes: exclusive and parallel gateways and a
/// parallel multi-instance), definitions compiled once, one thread; then the same diagram on npm bpmn-engine.
/// </summary>
internal static class EngineSuite
{
    public const string DiagramFile = "procurement-benchmark.bpmn";

    public static void Run(double seconds, bool withNode)
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, DiagramFile));
        var compilation = BpmnCompiler.Compile(xml);
        if (!compilation.Succeeded)
        {
            throw new InvalidOperationException("The benchmark diagram does not compile: " +
                string.Join("; ", compilation.Diagnostics.Select(d => $"{d.Code} {d.ElementId}: {d.Message}")));
        }

        var process = compilation.Processes.Single();
        var rows = new List<string[]>();

        // Both variants warm up first, so that tiered JIT has promoted the shared code before anything is timed.
        MeasureEngine(process, new EngineOptions { RecordHistory = false }, 0.5, out _, iterations: 1);
        MeasureEngine(process, new EngineOptions(), 0.5, out _, iterations: 1);
        var withHistory = MeasureEngine(process, new EngineOptions(), seconds, out var stepsPerInstance);
        rows.Add(Row("ProcurementFlows engine (history on)", withHistory, stepsPerInstance));
        var noHistory = MeasureEngine(process, new EngineOptions { RecordHistory = false }, seconds, out _);
        rows.Add(Row("ProcurementFlows engine (history off)", noHistory, stepsPerInstance));

        NodeResult? node = null;
        string? nodeProblem = null;
        if (withNode)
        {
            try
            {
                node = NodeBenchmark.Run(Math.Max(3, seconds * 5));
            }
            catch (InvalidOperationException ex)
            {
                nodeProblem = ex.Message;
            }
        }

        Console.WriteLine($"## Engine benchmark — {DiagramFile}");
        Console.WriteLine();
        Console.WriteLine($"Machine: {Machine.Describe()}");
        Console.WriteLine();
        Console.WriteLine("| engine | instances/s | flow-node steps/s | bytes allocated/step | steps/instance |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {string.Join(" | ", row)} |");
        }

        if (node is not null)
        {
            // Same diagram, so the same number of flow-node steps per instance; bpmn-engine's own activity.end count is shown too.
            var nodeSteps = node.InstancesPerSecond * stepsPerInstance;
            Console.WriteLine($"| bpmn-engine {node.BpmnEngineVersion} on Node {node.NodeVersion} | {F(node.InstancesPerSecond)} | {F(nodeSteps)} | n/a | {stepsPerInstance} ({node.ActivityEndsPerInstance:0.#} activity.end events) |");
            Console.WriteLine();
            var ratio = Measurement.Median(withHistory).OperationsPerSecond / node.InstancesPerSecond;
            Console.WriteLine($"Ratio (ProcurementFlows with history / bpmn-engine, same diagram, same run): **{ratio:N0}×** (target ≥ 100×).");
        }
        else if (withNode)
        {
            Console.WriteLine();
            Console.WriteLine($"bpmn-engine: not measured ({nodeProblem}).");
        }

        var median = Measurement.Median(withHistory);
        Console.WriteLine();
        Console.WriteLine($"Target ≥ 250,000 steps/s on one thread: {(median.StepsPerSecond >= 250_000 ? "met" : "NOT met")} ({F(median.StepsPerSecond)} steps/s, median of {withHistory.Count} iterations of {seconds:0.#} s after warm-up).");
    }

    private static IReadOnlyList<Sample> MeasureEngine(CompiledProcess process, EngineOptions options, double seconds, out int stepsPerInstance, int iterations = 5)
    {
        var engine = new ProcessEngine(options, TimeProvider.System);
        var ids = Enumerable.Range(0, 1024).Select(i => $"00000000-0000-0000-0000-{i:D12}").ToArray();
        IReadOnlyDictionary<string, JsonNode?>[] variables =
        [
            new Dictionary<string, JsonNode?> { ["amount"] = 500_000, ["approved"] = true },
            new Dictionary<string, JsonNode?> { ["amount"] = 120_000, ["approved"] = false },
        ];

        var first = engine.Execute(process, null, new StartProcess(ids[0], "PR-1", "bench", variables[0]));
        if (first.State.Status != InstanceStatus.Completed)
        {
            throw new InvalidOperationException($"The benchmark instance did not complete (status {first.State.Status}); effects: " +
                string.Join(", ", first.Effects.Select(e => e.GetType().Name)));
        }

        stepsPerInstance = first.StepCount;
        var counter = 0;
        return Measurement.Measure(batch =>
        {
            long steps = 0;
            for (var i = 0; i < batch; i++)
            {
                var n = counter++;
                var result = engine.Execute(process, null, new StartProcess(ids[n & 1023], null, "bench", variables[n & 1]));
                steps += result.StepCount;
            }

            return steps;
        }, batchSize: 256, seconds, iterations);
    }

    private static string[] Row(string name, IReadOnlyList<Sample> samples, int stepsPerInstance)
    {
        var m = Measurement.Median(samples);
        return [name, F(m.OperationsPerSecond), F(m.StepsPerSecond), F((double)m.Bytes / m.Steps), stepsPerInstance.ToString(CultureInfo.InvariantCulture)];
    }

    internal static string F(double value) => value.ToString(value >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture);
}
