namespace ProcurementFlows.Engine.Tests.Execution;

/// <summary>A diagram as Camunda Modeler 5 writes it (namespaces, modeler attributes, DI, camunda extensions) deploys and runs.</summary>
public class CamundaModelerDiagramTests
{
    private const string Xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.28.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">
          <bpmn:error id="Error_0x" name="Rejected" errorCode="REJECTED" camunda:errorMessage="rejected" />
          <bpmn:process id="Process_Order" name="Order" isExecutable="true" camunda:historyTimeToLive="180">
            <bpmn:startEvent id="StartEvent_1" camunda:initiator="starter">
              <bpmn:outgoing>Flow_1</bpmn:outgoing>
            </bpmn:startEvent>
            <bpmn:userTask id="Activity_Review" name="Review order" camunda:assignee="${starter}" camunda:asyncBefore="true">
              <bpmn:extensionElements>
                <camunda:formData>
                  <camunda:formField id="approved" label="Approved?" type="boolean" />
                </camunda:formData>
              </bpmn:extensionElements>
              <bpmn:incoming>Flow_1</bpmn:incoming>
              <bpmn:outgoing>Flow_2</bpmn:outgoing>
            </bpmn:userTask>
            <bpmn:exclusiveGateway id="Gateway_Approved" default="Flow_No">
              <bpmn:incoming>Flow_2</bpmn:incoming>
              <bpmn:outgoing>Flow_Yes</bpmn:outgoing>
              <bpmn:outgoing>Flow_No</bpmn:outgoing>
            </bpmn:exclusiveGateway>
            <bpmn:serviceTask id="Activity_Notify" name="Notify" camunda:type="external" camunda:topic="notify">
              <bpmn:incoming>Flow_Yes</bpmn:incoming>
              <bpmn:outgoing>Flow_3</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:boundaryEvent id="Event_Err" attachedToRef="Activity_Notify">
              <bpmn:outgoing>Flow_Err</bpmn:outgoing>
              <bpmn:errorEventDefinition id="ErrorEventDefinition_1" errorRef="Error_0x" camunda:errorCodeVariable="code" camunda:errorMessageVariable="msg" />
            </bpmn:boundaryEvent>
            <bpmn:endEvent id="Event_Done"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
            <bpmn:endEvent id="Event_Rejected"><bpmn:incoming>Flow_No</bpmn:incoming><bpmn:incoming>Flow_Err</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_Review" />
            <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_Review" targetRef="Gateway_Approved" />
            <bpmn:sequenceFlow id="Flow_Yes" name="yes" sourceRef="Gateway_Approved" targetRef="Activity_Notify">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${approved}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="Flow_No" sourceRef="Gateway_Approved" targetRef="Event_Rejected" />
            <bpmn:sequenceFlow id="Flow_3" sourceRef="Activity_Notify" targetRef="Event_Done" />
            <bpmn:sequenceFlow id="Flow_Err" sourceRef="Event_Err" targetRef="Event_Rejected" />
          </bpmn:process>
          <bpmndi:BPMNDiagram id="BPMNDiagram_1">
            <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_Order">
              <bpmndi:BPMNShape id="_BPMNShape_StartEvent_2" bpmnElement="StartEvent_1"><dc:Bounds x="179" y="99" width="36" height="36" /></bpmndi:BPMNShape>
              <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="215" y="117" /><di:waypoint x="270" y="117" /></bpmndi:BPMNEdge>
            </bpmndi:BPMNPlane>
          </bpmndi:BPMNDiagram>
        </bpmn:definitions>
        """;

    [Fact]
    public void Deploys_without_diagnostics_and_reads_every_element()
    {
        var r = BpmnCompiler.Compile(Xml);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Empty(r.Diagnostics);
        Assert.Equal(6, r.Model.ElementCounts["sequenceFlow"]);
        Assert.Equal((6, 6), (r.Model.ElementCounts["outgoing"], r.Model.ElementCounts["incoming"]));
        Assert.Equal("Order", r.Processes[0].Name);
    }

    [Fact]
    public void Runs_the_approved_path_with_initiator_as_assignee()
    {
        var h = new Harness(BpmnCompiler.Compile(Xml).GetProcess("Process_Order"));
        h.Start(startedBy: "ivan");
        Assert.Equal("ivan", h.Get<string>("starter"));
        Assert.Equal("ivan", h.Task("Activity_Review").Assignee);
        h.Complete("Activity_Review", new { approved = true }, "ivan");
        var job = Assert.Single(h.State.ServiceJobs);
        Assert.Equal("notify", job.Topic);
        h.Run(new CompleteServiceTask(job.Id, null));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains("Event_Done", h.Completed);
    }

    [Fact]
    public void Error_code_and_message_variables_are_set_by_boundary()
    {
        var h = new Harness(BpmnCompiler.Compile(Xml).GetProcess("Process_Order"));
        h.Start(startedBy: "ivan");
        h.Complete("Activity_Review", new { approved = true }, "ivan");
        h.Run(new ThrowServiceTaskError(h.State.ServiceJobs[0].Id, "REJECTED", "mail server says no", null));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(("REJECTED", "mail server says no"), (h.Get<string>("code"), h.Get<string>("msg")));
    }

    [Fact]
    public void Rejected_path_by_default_flow()
    {
        var h = new Harness(BpmnCompiler.Compile(Xml).GetProcess("Process_Order"));
        h.Start(startedBy: "ivan");
        h.Complete("Activity_Review", new { approved = false }, "ivan");
        Assert.Contains("Event_Rejected", h.Completed);
    }

    [Fact]
    public void Unknown_pf_calendar_is_a_warning()
    {
        var r = BpmnCompiler.Compile(Bpmn.Definitions("""<startEvent id="s"/><userTask id="u" camunda:dueDate="P2D" pf:calendar="XX"/>""" + Bpmn.Flow("s", "u")));
        Assert.True(r.Succeeded);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(r.Diagnostics, d => d.Code == "pf.unknown-calendar").Severity);
        var h = new Harness(r.GetProcess("p")).Start();
        Assert.Contains("'XX'", Assert.Single(h.State.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(h.State.UserTasks);
    }

    [Fact]
    public void Business_day_timer_skips_weekend()
    {
        // Friday 2026-03-06 09:00 + 1 business day (NO) = Monday 2026-03-09.
        var h = Harness.For("""
            <startEvent id="s"/><intermediateCatchEvent id="w"><timerEventDefinition pf:calendar="NO"><timeDuration>P1D</timeDuration></timerEventDefinition></intermediateCatchEvent>
            """ + Bpmn.Flow("s", "w"));
        h.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero));
        h.Start();
        Assert.Equal(new DateOnly(2026, 3, 9), DateOnly.FromDateTime(Assert.Single(h.State.Timers).DueAt.UtcDateTime));
    }
}
