namespace ProcurementFlows.Engine.Tests.Parsing;

/// <summary>Hostile or broken models (id collisions, dangling references, endless recursion, runaway multi-instance): a clear finding naming the element.</summary>
public class HostileModelTests
{
    private static BpmnDiagnostic Finding(CompilationResult r, string code, string elementId) =>
        Assert.Single(r.Diagnostics, d => d.Code == code && d.ElementId == elementId);

    [Fact]
    public void Ids_shared_across_element_kinds_are_an_error_naming_both()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e"), "<bpmn:message id=\"p\" name=\"m\"/>"));
        var d = Finding(r, "bpmn.duplicate-id", "p");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("<message>", d.Message, StringComparison.Ordinal);
        Assert.Contains("<process>", d.Message, StringComparison.Ordinal);
        Assert.False(r.Succeeded);
    }

    [Fact]
    public void A_duplicate_inside_one_process_is_reported_once()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("<startEvent id=\"s\"/><userTask id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e")));
        Assert.Single(r.Diagnostics, d => d.Code == "bpmn.duplicate-id");
    }

    [Fact]
    public void Dangling_collaboration_references_are_reported()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e"), """
            <bpmn:collaboration id="c">
              <bpmn:participant id="known" processRef="p"/>
              <bpmn:participant id="ghost" processRef="nowhere"/>
              <bpmn:messageFlow id="mf" sourceRef="s" targetRef="missing"/>
            </bpmn:collaboration>
            """));
        Assert.True(r.Succeeded);
        Assert.Contains("'nowhere'", Finding(r, "collaboration.dangling-ref", "ghost").Message, StringComparison.Ordinal);
        Assert.Contains("targetRef 'missing'", Finding(r, "collaboration.dangling-ref", "mf").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Diagnostics, d => d.ElementId == "known");
    }

    [Fact]
    public void A_process_calling_itself_on_every_path_is_an_error()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("<startEvent id=\"s\"/><userTask id=\"u\"/><callActivity id=\"again\" calledElement=\"p\"/><endEvent id=\"e\"/>" + Bpmn.Chain("s", "u", "again", "e")));
        var d = Finding(r, "callActivity.endless-recursion", "again");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("calls itself", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Processes_calling_each_other_unconditionally_are_an_error_on_both_calls()
    {
        var xml = Bpmn.Header + """
            <bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="as"/><bpmn:callActivity id="toB" calledElement="b"/><bpmn:endEvent id="ae"/>
              <bpmn:sequenceFlow id="a1" sourceRef="as" targetRef="toB"/><bpmn:sequenceFlow id="a2" sourceRef="toB" targetRef="ae"/></bpmn:process>
            <bpmn:process id="b" isExecutable="true"><bpmn:startEvent id="bs"/><bpmn:callActivity id="toA" calledElement="a"/><bpmn:endEvent id="be"/>
              <bpmn:sequenceFlow id="b1" sourceRef="bs" targetRef="toA"/><bpmn:sequenceFlow id="b2" sourceRef="toA" targetRef="be"/></bpmn:process>
            </bpmn:definitions>
            """;
        var r = BpmnCompiler.Compile(xml);
        Assert.Equal(DiagnosticSeverity.Error, Finding(r, "callActivity.endless-recursion", "toB").Severity);
        Assert.Equal(DiagnosticSeverity.Error, Finding(r, "callActivity.endless-recursion", "toA").Severity);
    }

    [Fact]
    public void A_recursion_behind_a_condition_is_a_warning_and_deploys()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("""
            <startEvent id="s"/><exclusiveGateway id="g" default="done"/><callActivity id="again" calledElement="p"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "again", "${depth < 3}") + Bpmn.Flow("g", "e", id: "done") + Bpmn.Flow("again", "e")));
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Equal(DiagnosticSeverity.Warning, Finding(r, "callActivity.recursion", "again").Severity);
    }

    [Fact]
    public void A_runaway_multi_instance_cardinality_becomes_an_incident_not_a_billion_executions()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="each"><multiInstanceLoopCharacteristics><loopCardinality>${n}</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "each", "e"), options: new EngineOptions { MaxMultiInstanceCount = 50 }).Start(new { n = 1_000_000_000 });
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal("each", incident.ActivityId);
        Assert.Contains("1000000000 instances", incident.Message, StringComparison.Ordinal);
        Assert.Empty(h.State.UserTasks);
    }

    [Fact]
    public void A_multi_instance_within_the_limit_still_runs()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="each"><multiInstanceLoopCharacteristics isSequential="false" camunda:collection="${items}" camunda:elementVariable="item"/></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "each", "e"), options: new EngineOptions { MaxMultiInstanceCount = 3 }).Start(new { items = new[] { 1, 2, 3 } });
        Assert.Equal(3, h.State.UserTasks.Count);
        Assert.Empty(h.State.Incidents);
    }

    [Fact]
    public void A_process_without_isExecutable_is_executable_as_in_camunda_7()
    {
        var xml = Bpmn.Definitions("<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e")).Replace(" isExecutable=\"true\"", "", StringComparison.Ordinal);
        var r = BpmnCompiler.Compile(xml);
        Assert.True(r.Succeeded);
        Assert.Equal(DiagnosticSeverity.Info, Finding(r, "process.executable-assumed", "p").Severity);
        Assert.True(r.Model.Processes[0].IsExecutable);
        var h = new Harness(r.GetProcess("p")).Start();
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }
}
