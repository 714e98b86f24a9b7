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
}
