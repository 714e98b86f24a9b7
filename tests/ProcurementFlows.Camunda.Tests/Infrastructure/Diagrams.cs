namespace ProcurementFlows.Camunda.Tests.Infrastructure;

/// <summary>Diagrams as Camunda Modeler writes them.</summary>
public static class Diagrams
{
    private const string Header = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                          xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0"
                          id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.30.0"
                          modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">
        """;

    /// <summary>Start → user task for procurement officers (<paramref name="taskName"/>) → end.</summary>
    public static string UserTask(string key, string taskName = "Review request") => Header + $"""
          <bpmn:process id="{key}" name="User task {key}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:userTask id="Review" name="{taskName}" camunda:candidateGroups="procurement-officers" camunda:priority="60">
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:userTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
            <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>
    /// Start → external task on <paramref name="topic"/> (error boundary <c>NOT_ELIGIBLE</c> → End_Rejected) →
    /// exclusive gateway on <c>score</c> (≥ 50 → End_Approved, else End_Low).
    /// </summary>
    public static string ExternalCheck(string key, string topic) => Header + $$"""
          <bpmn:process id="{{key}}" name="External check {{key}}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:serviceTask id="Check" name="Check supplier" camunda:type="external" camunda:topic="{{topic}}">
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:boundaryEvent id="Rejected" attachedToRef="Check">
              <bpmn:outgoing>F3</bpmn:outgoing>
              <bpmn:errorEventDefinition id="ErrDef" errorRef="Error_NotEligible" />
            </bpmn:boundaryEvent>
            <bpmn:exclusiveGateway id="Score" default="F5"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing><bpmn:outgoing>F5</bpmn:outgoing></bpmn:exclusiveGateway>
            <bpmn:endEvent id="End_Approved"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
            <bpmn:endEvent id="End_Low"><bpmn:incoming>F5</bpmn:incoming></bpmn:endEvent>
            <bpmn:endEvent id="End_Rejected"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
            <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="Score" />
            <bpmn:sequenceFlow id="F3" sourceRef="Rejected" targetRef="End_Rejected" />
            <bpmn:sequenceFlow id="F4" sourceRef="Score" targetRef="End_Approved">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${score &gt;= 50}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="F5" sourceRef="Score" targetRef="End_Low" />
          </bpmn:process>
          <bpmn:error id="Error_NotEligible" name="Not eligible" errorCode="NOT_ELIGIBLE" />
        </bpmn:definitions>
        """;

    /// <summary>Start → receive task waiting for <c>{key}-delivered</c> → end.</summary>
    public static string Receive(string key) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:receiveTask id="Await" name="Await delivery" messageRef="Msg"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:receiveTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Await" />
            <bpmn:sequenceFlow id="F2" sourceRef="Await" targetRef="End" />
          </bpmn:process>
          <bpmn:message id="Msg" name="{key}-delivered" />
        </bpmn:definitions>
        """;

    /// <summary>A flow to a missing element: rejected by the compiler.</summary>
    public static string Broken(string key) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Nowhere" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>
    /// Start → external task on <paramref name="topic"/> with <c>camunda:taskPriority</c> <paramref name="taskPriority"/>
    /// (none when null) in a process whose default is <paramref name="processPriority"/> (none when null) → end.
    /// </summary>
    public static string PrioritizedExternal(string key, string topic, string? taskPriority, string? processPriority) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true"{(processPriority is null ? "" : $" camunda:taskPriority=\"{processPriority}\"")}>
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:serviceTask id="Work" name="Work" camunda:type="external" camunda:topic="{topic}"{(taskPriority is null ? "" : $" camunda:taskPriority=\"{taskPriority}\"")}>
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Work" />
            <bpmn:sequenceFlow id="F2" sourceRef="Work" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>
    /// Start → receive task waiting for <c>{key}-delivered</c>, with a local variable <c>slot</c> (input mapping of
    /// <c>slotNo</c>) → end.
    /// </summary>
    public static string ReceiveWithLocal(string key) => Header + $$"""
          <bpmn:process id="{{key}}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:receiveTask id="Await" name="Await delivery" messageRef="Msg">
              <bpmn:extensionElements>
                <camunda:inputOutput><camunda:inputParameter name="slot">${slotNo}</camunda:inputParameter></camunda:inputOutput>
              </bpmn:extensionElements>
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:receiveTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Await" />
            <bpmn:sequenceFlow id="F2" sourceRef="Await" targetRef="End" />
          </bpmn:process>
          <bpmn:message id="Msg" name="{{key}}-delivered" />
        </bpmn:definitions>
        """;

    /// <summary>Message start event <c>{key}-placed</c> → user task for procurement officers → end.</summary>
    public static string MessageStart(string key) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Placed"><bpmn:outgoing>F1</bpmn:outgoing><bpmn:messageEventDefinition id="Md" messageRef="Msg" /></bpmn:startEvent>
            <bpmn:userTask id="Handle" name="Handle order" camunda:candidateGroups="procurement-officers"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Placed" targetRef="Handle" />
            <bpmn:sequenceFlow id="F2" sourceRef="Handle" targetRef="End" />
          </bpmn:process>
          <bpmn:message id="Msg" name="{key}-placed" />
        </bpmn:definitions>
        """;

    /// <summary>Start (form <paramref name="startForm"/>) → user task with <c>camunda:formRef</c> <paramref name="taskFormId"/> → end.</summary>
    public static string WithForms(string key, string startForm, string taskFormId) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" camunda:formKey="{startForm}"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:userTask id="Approve" name="Approve" camunda:candidateGroups="procurement-officers" camunda:formRef="{taskFormId}" camunda:formRefBinding="deployment">
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:userTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Approve" />
            <bpmn:sequenceFlow id="F2" sourceRef="Approve" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;
}
