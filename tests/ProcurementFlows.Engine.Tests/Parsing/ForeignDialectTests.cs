namespace ProcurementFlows.Engine.Tests.Parsing;

/// <summary>Executable diagrams drawn in other tools run when they use only what the engine executes.</summary>
public sealed class ForeignDialectTests
{
    private const string FlowableDiagram = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"
                     id="defs" targetNamespace="http://www.flowable.org/processdef" exporter="Flowable Open Source Modeler" exporterVersion="6.8.0">
          <process id="approve" name="Approve" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
            <userTask id="review" name="Review" flowable:candidateGroups="reviewers"/>
            <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """;

    [Fact]
    public void A_supported_diagram_from_another_modeler_starts_and_runs()
    {
        var result = BpmnCompiler.Compile(FlowableDiagram);

        Assert.True(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.Code == "process.foreign-dialect");
        var process = Assert.Single(result.Processes);
        Assert.Null(process.NotStartableReason);

        var engine = new ProcessEngine(new EngineOptions(), TimeProvider.System);
        var started = engine.Execute(process, null, new StartProcess("i-1", null, "ana", null));
        var task = Assert.Single(started.State.UserTasks);
        Assert.Equal("review", task.ActivityId);

        var done = engine.Execute(process, started.State, new CompleteUserTask(task.Id, "ana", [], null));
        Assert.Equal(InstanceStatus.Completed, done.State.Status);
    }

    [Fact]
    public void A_diagram_from_another_modeler_with_execution_findings_does_not_start()
    {
        var xml = FlowableDiagram.Replace(
            "<userTask id=\"review\" name=\"Review\" flowable:candidateGroups=\"reviewers\"/>",
            "<serviceTask id=\"review\" name=\"Review\" flowable:class=\"org.example.Review\"/>",
            StringComparison.Ordinal);

        var result = BpmnCompiler.Compile(xml);

        var process = Assert.Single(result.Processes);
        Assert.NotNull(process.NotStartableReason);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.ElementId == "review");
    }
}
