using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace ProcurementFlows.Engine.Tests.Support;

/// <summary>The benchmark diagram must keep compiling and taking the intended path, or the benchmark measures nothing.</summary>
public sealed class BenchmarkDiagramTests
{
    [Theory]
    [InlineData(500_000, true, "Task_TenderPrep", "Task_Award")]
    [InlineData(120_000, false, "Task_DirectAward", "Task_Reject")]
    public void Benchmark_diagram_runs_to_completion_on_the_expected_path(int amount, bool approved, string procurementTask, string decisionTask)
    {
        var compilation = BpmnCompiler.Compile(File.ReadAllText(FindDiagram()));
        Assert.True(compilation.Succeeded, string.Join("; ", compilation.Diagnostics.Select(d => d.Message)));
        var engine = new ProcessEngine(new EngineOptions(), new FakeTimeProvider());
        var variables = new Dictionary<string, JsonNode?> { ["amount"] = amount, ["approved"] = approved };

        var result = engine.Execute(compilation.Processes.Single(), null, new StartProcess("00000000-0000-0000-0000-000000000001", null, "bench", variables));

        Assert.Equal(InstanceStatus.Completed, result.State.Status);
        Assert.Equal(23, result.StepCount);
        var completed = result.Effects.OfType<HistoryRecorded>()
            .Where(h => h.Entry.Type == HistoryEntryType.ActivityCompleted).Select(h => h.Entry.ActivityId).ToList();
        Assert.Contains(procurementTask, completed);
        Assert.Contains(decisionTask, completed);
        Assert.Equal(4, completed.Count(id => id == "Task_EvaluateBid")); // three instances and the multi-instance body
        Assert.Contains("EndEvent_Done", completed);
    }

    private static string FindDiagram()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "ProcurementFlows.Benchmarks", "procurement-benchmark.bpmn");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("procurement-benchmark.bpmn not found above " + AppContext.BaseDirectory);
    }
}
