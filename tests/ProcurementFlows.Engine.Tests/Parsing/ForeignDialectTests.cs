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

        var done = engine.Execute(process, started.State, new CompleteUserTask(task.Id, "ana", ["reviewers"], null));
        Assert.Equal(InstanceStatus.Completed, done.State.Status);
    }

    [Fact]
    public void Flowable_candidate_groups_are_enforced_not_ignored()
    {
        var process = Assert.Single(BpmnCompiler.Compile(FlowableDiagram).Processes);
        var engine = new ProcessEngine(new EngineOptions(), TimeProvider.System);
        var started = engine.Execute(process, null, new StartProcess("i-1", null, "ana", null));
        var task = Assert.Single(started.State.UserTasks);

        Assert.Contains("reviewers", task.CandidateGroups);
        Assert.ThrowsAny<ProcurementFlowsException>(() => engine.Execute(process, started.State, new CompleteUserTask(task.Id, "mallory", ["buyers"], null)));
    }

    [Fact]
    public void Activiti_assignee_and_flowable_external_worker_topics_are_read_as_their_camunda_namesakes()
    {
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn" xmlns:flowable="http://flowable.org/bpmn"
                         id="defs" targetNamespace="x">
              <process id="p" isExecutable="true">
                <startEvent id="start" activiti:initiator="starter"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                <userTask id="work" activiti:assignee="${"{"}starter{"}"}" activiti:dueDate="P2D"/>
                <sequenceFlow id="f2" sourceRef="work" targetRef="check"/>
                <serviceTask id="check" flowable:type="external-worker" flowable:topic="registry.lookup"/>
                <sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """;

        var result = BpmnCompiler.Compile(xml);

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "extension.foreign-vendor");
        var process = Assert.Single(result.Processes);
        var engine = new ProcessEngine(new EngineOptions(), TimeProvider.System);
        var started = engine.Execute(process, null, new StartProcess("i-1", null, "ana", null));
        var task = Assert.Single(started.State.UserTasks);
        Assert.Equal("ana", task.Assignee);
        Assert.NotNull(task.DueDate);
        var done = engine.Execute(process, started.State, new CompleteUserTask(task.Id, "ana", [], null));
        var dispatched = Assert.Single(done.Effects.OfType<ServiceTaskDispatched>());
        Assert.Equal("registry.lookup", dispatched.Topic);
    }

    [Fact]
    public void Vendor_extensions_the_engine_does_not_read_are_reported_on_their_element()
    {
        var xml = Bpmn.Definitions(
            """
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
            <bpmn:serviceTask id="notify" camunda:type="external" camunda:topic="mail" flowable:async="true" xmlns:flowable="http://flowable.org/bpmn"/>
            <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
            <bpmn:endEvent id="end"/>
            """);

        var result = BpmnCompiler.Compile(xml);

        var finding = Assert.Single(result.Diagnostics, d => d.Code == "extension.foreign-vendor");
        Assert.Equal("notify", finding.ElementId);
        Assert.Equal(DiagnosticSeverity.Error, finding.Severity);
        Assert.Contains("flowable:async", finding.Message, StringComparison.Ordinal);
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
