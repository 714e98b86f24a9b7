namespace ProcurementFlows.Engine.Tests.Parsing;

/// <summary>
/// Patterns found in real diagrams from Camunda Modeler (old and new), the Camunda examples, Camunda 8 and other modelers:
/// each runs when it means something this engine executes, and otherwise gets one clear error naming the element.
/// </summary>
public class RealWorldDialectTests
{
    private static CompilationResult Compile(string body, string globals = "") => BpmnCompiler.Compile(Bpmn.Definitions(body, globals));

    private static BpmnDiagnostic Finding(CompilationResult r, string code, string elementId) =>
        Assert.Single(r.Diagnostics, d => d.Code == code && d.ElementId == elementId);

    [Fact]
    public void The_legacy_activiti_namespace_is_read_as_camunda_like_camunda_7_does()
    {
        // Camunda Modeler 2.x and the Camunda examples bind the camunda prefix to http://activiti.org/bpmn.
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://activiti.org/bpmn" id="d" targetNamespace="http://activiti.org/bpmn">
              <bpmn2:process id="legacy" isExecutable="true">
                <bpmn2:startEvent id="s" camunda:initiator="starter">
                  <bpmn2:extensionElements><camunda:formData><camunda:formField id="amount" type="long"/></camunda:formData></bpmn2:extensionElements>
                </bpmn2:startEvent>
                <bpmn2:userTask id="u" camunda:assignee="${starter}" camunda:candidateGroups="buyers">
                  <bpmn2:extensionElements><camunda:inputOutput><camunda:inputParameter name="doubled">${amount * 2}</camunda:inputParameter></camunda:inputOutput></bpmn2:extensionElements>
                </bpmn2:userTask>
                <bpmn2:serviceTask id="w" camunda:type="external" camunda:topic="archive"/>
                <bpmn2:endEvent id="e"/>
                <bpmn2:sequenceFlow id="f1" sourceRef="s" targetRef="u"/><bpmn2:sequenceFlow id="f2" sourceRef="u" targetRef="w"/><bpmn2:sequenceFlow id="f3" sourceRef="w" targetRef="e"/>
              </bpmn2:process>
            </bpmn2:definitions>
            """;
        var r = BpmnCompiler.Compile(xml);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "extension.foreign-vendor");
        var h = new Harness(r.GetProcess("legacy")).Start(new { amount = 21 }, startedBy: "ivan");
        var task = h.Task("u");
        Assert.Equal("ivan", task.Assignee);
        Assert.Equal(["buyers"], task.CandidateGroups);
        Assert.Equal(42, h.State.GetVariablesAt(h.State.ActivityInstances.Single(a => a.ActivityId == "u").Id)["doubled"]!.GetValue<double>());
        h.Complete("u", null, "ivan");
        Assert.Equal("archive", Assert.Single(h.State.ServiceJobs).Topic);
    }

    [Theory]
    [InlineData("camunda:class=\"com.acme.Charge\"", "Java class", "com.acme.Charge")]
    [InlineData("camunda:delegateExpression=\"${chargeDelegate}\"", "Java delegate", "${chargeDelegate}")]
    [InlineData("camunda:expression=\"${svc.charge(amount)}\"", "method expression", "${svc.charge(amount)}")]
    public void Java_implementations_on_service_tasks_are_named_in_the_error(string attribute, string kind, string value)
    {
        var r = Compile($"<startEvent id=\"s\"/><serviceTask id=\"pay\" {attribute}/><endEvent id=\"e\"/>" + Bpmn.Chain("s", "pay", "e"));
        var d = Finding(r, "unsupported.implementation", "pay");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(kind, d.Message, StringComparison.Ordinal);
        Assert.Contains(value, d.Message, StringComparison.Ordinal);
        Assert.Contains("camunda:topic", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dmn_connectors_and_cmmn_are_named_in_the_error()
    {
        var r = Compile("""
            <startEvent id="s"/>
            <businessRuleTask id="dmn" camunda:decisionRef="approve-invoice" camunda:resultVariable="r"/>
            <serviceTask id="http"><extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></extensionElements></serviceTask>
            <callActivity id="case" camunda:caseRef="ClarifyCase"/>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "dmn", "http", "case", "e"));
        Assert.Contains("DMN decision", Finding(r, "unsupported.implementation", "dmn").Message, StringComparison.Ordinal);
        Assert.Contains("http-connector", Finding(r, "unsupported.implementation", "http").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "activity.no-implementation");
        Assert.Contains("CMMN case 'ClarifyCase'", Finding(r, "unsupported.element", "case").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "callActivity.no-called-element");
    }

    [Fact]
    public void Listeners_make_an_executable_process_undeployable_with_a_message_per_element()
    {
        var r = Compile("""
            <startEvent id="s"><extensionElements><camunda:executionListener event="end" expression="${audit.log(execution)}"/></extensionElements></startEvent>
            <userTask id="u"><extensionElements>
              <camunda:taskListener event="create" class="com.acme.AssignApprover"/>
              <camunda:taskListener event="assignment"><camunda:script scriptFormat="javascript">task.setVariable('a', 1)</camunda:script></camunda:taskListener>
            </extensionElements></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "u", "e"));
        Assert.False(r.Succeeded);
        var listeners = r.Diagnostics.Where(d => d.Code == "unsupported.listener").ToList();
        Assert.Equal(3, listeners.Count);
        Assert.All(listeners, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Contains(listeners, d => d.ElementId == "s" && d.Message.Contains("event 'end'", StringComparison.Ordinal) && d.Message.Contains("${audit.log(execution)}", StringComparison.Ordinal));
        Assert.Contains(listeners, d => d.ElementId == "u" && d.Message.Contains("com.acme.AssignApprover", StringComparison.Ordinal));
        Assert.Contains(listeners, d => d.ElementId == "u" && d.Message.Contains("javascript script", StringComparison.Ordinal));
    }

    [Fact]
    public void Listeners_in_a_non_executable_process_are_only_warnings()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("<startEvent id=\"s\"><extensionElements><camunda:executionListener event=\"start\" class=\"x.Y\"/></extensionElements></startEvent>", executable: false));
        Assert.True(r.Succeeded);
        Assert.Equal(DiagnosticSeverity.Warning, Finding(r, "unsupported.listener", "s").Severity);
    }

    [Fact]
    public void Async_continuations_and_exclusive_flags_are_accepted()
    {
        // Transaction boundaries: this engine commits at every wait state and parks failures as incidents per step.
        var r = Compile("""
            <startEvent id="s" camunda:asyncAfter="true"/>
            <serviceTask id="w" camunda:type="external" camunda:topic="t" camunda:asyncBefore="true" camunda:exclusive="false" camunda:async="true"/>
            <endEvent id="e" camunda:asyncBefore="true"/>
            """ + Bpmn.Chain("s", "w", "e"));
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Empty(r.Diagnostics);
    }

    private const string Camunda8 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="x" exporter="Camunda Modeler" exporterVersion="5.28.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
          <bpmn:process id="c8" isExecutable="true">
            <bpmn:startEvent id="s"/>
            <bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="charge-card"/></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:exclusiveGateway id="g" default="no"/>
            <bpmn:userTask id="review"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales"/></bpmn:extensionElements></bpmn:userTask>
            <bpmn:endEvent id="e"/>
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="charge"/><bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="g"/>
            <bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="review"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=total &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="no" sourceRef="g" targetRef="e"/><bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="e"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public void A_camunda_8_diagram_is_told_apart_with_its_c8_only_elements_listed_and_does_not_start()
    {
        var r = BpmnCompiler.Compile(Camunda8);
        var summary = Finding(r, "process.camunda8", "c8");
        Assert.Contains("Camunda 8", summary.Message, StringComparison.Ordinal);
        Assert.Contains("charge, review, yes", summary.Message, StringComparison.Ordinal);
        Assert.Contains("FEEL", Finding(r, "condition.feel", "yes").Message, StringComparison.Ordinal);
        Assert.Contains("${total > 1000}", Finding(r, "condition.feel", "yes").Message, StringComparison.Ordinal);
        var p = Assert.Single(r.Processes);
        Assert.NotNull(p.NotStartableReason);
        var ex = Assert.Throws<CommandRejectedException>(() => new ProcessEngine(new EngineOptions(), TimeProvider.System).Execute(p, null, new StartProcess("i", null, null, null)));
        Assert.Contains("Camunda 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_camunda_8_platform_diagram_without_zeebe_extensions_is_still_reported()
    {
        var xml = Camunda8.Replace("""<bpmn:extensionElements><zeebe:taskDefinition type="charge-card"/></bpmn:extensionElements>""", "", StringComparison.Ordinal)
            .Replace("""<bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales"/></bpmn:extensionElements>""", "", StringComparison.Ordinal)
            .Replace("""xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" """, "", StringComparison.Ordinal);
        var r = BpmnCompiler.Compile(xml);
        Assert.Contains("Camunda 8", Finding(r, "process.camunda8", "c8").Message, StringComparison.Ordinal);
        Assert.Contains(r.Diagnostics, d => d.Code == "process.foreign-dialect" && d.Message.Contains("Camunda Cloud", StringComparison.Ordinal));
    }

    [Fact]
    public void Camunda_style_javascript_script_with_var_runs_and_groovy_is_a_clear_error()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <scriptTask id="calc" scriptFormat="JavaScript" camunda:resultVariable="size"><script><![CDATA[
            var amount = execution.getVariable("amount");
            var doubled = amount * 2;
            execution.setVariable("doubled", doubled);
            doubled < 1000 ? "small" : "big";
            ]]></script></scriptTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "calc", "e")).Start(new { amount = 300 });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal("small", h.Get<string>("size"));
        Assert.Equal(600, h.Get<double>("doubled"));

        var groovy = Compile("<startEvent id=\"s\"/><scriptTask id=\"g\" scriptFormat=\"groovy\"><script>println 'x'</script></scriptTask>" + Bpmn.Flow("s", "g"));
        var d = Finding(groovy, "scriptTask.unsupported-format", "g");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("groovy", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<intermediateThrowEvent id=\"x\"><signalEventDefinition signalRef=\"sig\"/></intermediateThrowEvent>", "unsupported.event-definition", "message events")]
    [InlineData("<intermediateCatchEvent id=\"x\"><conditionalEventDefinition><condition xsi:type=\"bpmn:tFormalExpression\">${a}</condition></conditionalEventDefinition></intermediateCatchEvent>", "unsupported.event-definition", "exclusive gateway")]
    [InlineData("<transaction id=\"x\"><startEvent id=\"ts\"/></transaction>", "unsupported.element", "error boundary")]
    [InlineData("<adHocSubProcess id=\"x\"><task id=\"ah\"/></adHocSubProcess>", "unsupported.element", "multi-instance")]
    [InlineData("<complexGateway id=\"x\"/>", "unsupported.element", "inclusive")]
    public void Unsupported_constructs_name_the_element_and_what_to_model_instead(string element, string code, string advice)
    {
        var r = Compile("<startEvent id=\"s\"/>" + element + "<endEvent id=\"e\"/>" + Bpmn.Chain("s", "x", "e"), "<bpmn:signal id=\"sig\" name=\"alarm\"/>");
        var d = Finding(r, code, "x");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'x'", d.Message, StringComparison.Ordinal);
        Assert.Contains(advice, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collaboration_with_two_executable_pools_nested_lanes_and_artifacts_deploys_and_both_run()
    {
        // As Camunda Modeler writes a collaboration: pools, message flows, nested lanes, data objects/stores, annotations, groups.
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="d" targetNamespace="x" exporter="Camunda Modeler" exporterVersion="5.28.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">
              <bpmn:collaboration id="Collab">
                <bpmn:participant id="Buyer" name="Buyer" processRef="buyer"/>
                <bpmn:participant id="Supplier" name="Supplier" processRef="supplier"/>
                <bpmn:messageFlow id="Mf1" sourceRef="Send" targetRef="SupplierStart"/>
                <bpmn:group id="G1" categoryValueRef="Cv1"/>
                <bpmn:textAnnotation id="Note"><bpmn:text>Both pools run</bpmn:text></bpmn:textAnnotation>
                <bpmn:association id="A1" sourceRef="Send" targetRef="Note"/>
              </bpmn:collaboration>
              <bpmn:category id="Cat"><bpmn:categoryValue id="Cv1" value="Ordering"/></bpmn:category>
              <bpmn:message id="Msg" name="order-placed"/>
              <bpmn:dataStore id="Erp" name="ERP"/>
              <bpmn:process id="buyer" isExecutable="true">
                <bpmn:laneSet id="Ls1"><bpmn:lane id="Dept" name="Department"><bpmn:flowNodeRef>S1</bpmn:flowNodeRef><bpmn:flowNodeRef>Send</bpmn:flowNodeRef><bpmn:flowNodeRef>E1</bpmn:flowNodeRef>
                  <bpmn:childLaneSet id="Ls2"><bpmn:lane id="Clerk"><bpmn:flowNodeRef>S1</bpmn:flowNodeRef></bpmn:lane><bpmn:lane id="Lead"><bpmn:flowNodeRef>Send</bpmn:flowNodeRef><bpmn:flowNodeRef>E1</bpmn:flowNodeRef></bpmn:lane></bpmn:childLaneSet>
                </bpmn:lane></bpmn:laneSet>
                <bpmn:dataObject id="OrderData"/>
                <bpmn:dataObjectReference id="OrderRef" dataObjectRef="OrderData"/>
                <bpmn:dataStoreReference id="ErpRef" dataStoreRef="Erp"/>
                <bpmn:startEvent id="S1"/>
                <bpmn:sendTask id="Send" messageRef="Msg"><bpmn:dataInputAssociation id="Dia"><bpmn:sourceRef>OrderRef</bpmn:sourceRef><bpmn:targetRef>Send</bpmn:targetRef></bpmn:dataInputAssociation></bpmn:sendTask>
                <bpmn:endEvent id="E1"/>
                <bpmn:sequenceFlow id="B1" sourceRef="S1" targetRef="Send"/><bpmn:sequenceFlow id="B2" sourceRef="Send" targetRef="E1"/>
              </bpmn:process>
              <bpmn:process id="supplier" isExecutable="true">
                <bpmn:startEvent id="SupplierStart"><bpmn:messageEventDefinition messageRef="Msg"/></bpmn:startEvent>
                <bpmn:userTask id="Confirm" camunda:candidateGroups="sales"/>
                <bpmn:endEvent id="E2"/>
                <bpmn:sequenceFlow id="C1" sourceRef="SupplierStart" targetRef="Confirm"/><bpmn:sequenceFlow id="C2" sourceRef="Confirm" targetRef="E2"/>
              </bpmn:process>
            </bpmn:definitions>
            """;
        var r = BpmnCompiler.Compile(xml);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.DoesNotContain(r.Diagnostics, d => d.Severity != DiagnosticSeverity.Info);
        Assert.Equal(2, r.Processes.Count);
        var buyer = new Harness(r.GetProcess("buyer")).Start();
        Assert.Equal(InstanceStatus.Completed, buyer.State.Status);
        Assert.Contains(buyer.All, e => e is MessagePublished { MessageName: "order-placed" });
        var supplier = new Harness(r.GetProcess("supplier")).Start(messageName: "order-placed");
        Assert.Equal(["sales"], supplier.Task("Confirm").CandidateGroups);
    }
}
