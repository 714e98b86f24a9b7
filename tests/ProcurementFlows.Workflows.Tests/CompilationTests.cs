using ProcurementFlows.Engine;

namespace ProcurementFlows.Workflows.Tests;

/// <summary>The shipped processes deploy: the engine compiles each without an error or a warning.</summary>
public sealed class CompilationTests
{
    public static TheoryData<string> Processes => new(RepositoryPaths.ProcessFiles.Select(f => Path.GetFileName(f)));

    [Theory]
    [MemberData(nameof(Processes))]
    public void Each_process_compiles_without_diagnostics(string file)
    {
        var result = BpmnCompiler.Compile(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, file)));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity != DiagnosticSeverity.Info);
        var process = Assert.Single(result.Processes);
        Assert.True(process.IsExecutable);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), process.Key);
    }

    [Fact]
    public void The_compiled_model_exposes_forms_groups_rules_and_called_processes()
    {
        var main = Compile("procurement-case.bpmn");

        Assert.Equal(["quality-assurance", "supplier-vetting"], main.CallActivities.Select(c => c.CalledElement).Order(StringComparer.Ordinal));
        var approve = main.UserTasks.Single(t => t.ElementId == "Task_ApproveRequirement");
        Assert.Equal("camunda-forms:deployment:requirement-approval.form", approve.FormKey);
        Assert.Equal(["budget-holders"], approve.CandidateGroups);
        Assert.Contains("initiator", approve.NotCompletedBy);
        Assert.Contains("Task_DefineRequirement", approve.NotCompletedBy);
        Assert.Contains(main.MessageStartEvents, m => m.MessageName == "clarification-question" && m.EventSubProcessId == "SubProcess_Clarifications");
    }

    internal static CompiledProcess Compile(string file) =>
        BpmnCompiler.Compile(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, file))).EnsureSucceeded().Single();
}
