namespace ProcurementFlows.Server.Tests.Infrastructure;

/// <summary>Small diagrams and forms for the API tests, written the way Camunda Modeler writes them.</summary>
public static class Diagrams
{
    private const string Header = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                          xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                          xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          xmlns:pf="https://procurementflows.dev/schema/bpmn/1.0"
                          id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.30.0">
        """;

    /// <summary>
    /// Request (procurement officers, form <c>request-form</c>) → approve (not by whoever wrote the request) →
    /// a short timer → end. <paramref name="key"/> keeps tests apart; <paramref name="timer"/> sets the wait.
    /// </summary>
    public static string Approval(string key, string timer = "PT1H", string approveName = "Approve request") => Header + $"""
          <bpmn:process id="{key}" name="Approval {key}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:userTask id="Task_Request" name="Write request" camunda:candidateGroups="procurement-officers" camunda:formRef="request-form" camunda:formRefBinding="latest">
              <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
            </bpmn:userTask>
            <bpmn:userTask id="Task_Approve" name="{approveName}" camunda:candidateGroups="procurement-officers,approval-authority" pf:notCompletedBy="Task_Request">
              <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
            </bpmn:userTask>
            <bpmn:intermediateCatchEvent id="Wait" name="Standstill">
              <bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
              <bpmn:timerEventDefinition id="TimerDef"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{timer}</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="End"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Request" />
            <bpmn:sequenceFlow id="F2" sourceRef="Task_Request" targetRef="Task_Approve" />
            <bpmn:sequenceFlow id="F3" sourceRef="Task_Approve" targetRef="Wait" />
            <bpmn:sequenceFlow id="F4" sourceRef="Wait" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>A receive task waiting for <c>delivery-reported</c>, correlated by business key.</summary>
    public static string Delivery(string key) => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:receiveTask id="Await_Delivery" name="Await delivery" messageRef="Msg_Delivery"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:receiveTask>
            <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Await_Delivery" />
            <bpmn:sequenceFlow id="F2" sourceRef="Await_Delivery" targetRef="End" />
          </bpmn:process>
          <bpmn:message id="Msg_Delivery" name="delivery-reported-{key}" />
        </bpmn:definitions>
        """;

    /// <summary>Two errors at once: a flow to a missing element and a user task with a broken expression.</summary>
    public static string Broken(string key) => Header + """
          <bpmn:process id="KEY" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:userTask id="Task_Bad" camunda:assignee="${ this is not javascript (" ><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Bad" />
            <bpmn:sequenceFlow id="F2" sourceRef="Task_Bad" targetRef="Nowhere" />
          </bpmn:process>
        </bpmn:definitions>
        """.Replace("KEY", key, StringComparison.Ordinal);

    /// <summary>An XXE attempt: a DTD with an external entity reading a local file.</summary>
    public static string Xxe(string key) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
          <bpmn:process id="{key}" name="&xxe;" isExecutable="true"><bpmn:startEvent id="S" /></bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>The request form: a required title, an amount with a range, a CPV code with a pattern and a procedure with allowed values.</summary>
    public const string RequestForm = """
        {
          "id": "request-form",
          "type": "default",
          "schemaVersion": 16,
          "components": [
            { "type": "textfield", "key": "title", "label": "Title", "validate": { "required": true, "maxLength": 200 } },
            { "type": "number", "key": "amount", "label": "Estimated value", "validate": { "required": true, "min": 0 } },
            { "type": "textfield", "key": "cpv", "label": "CPV code", "validate": { "pattern": "[0-9]{8}-[0-9]" } },
            { "type": "select", "key": "procedure", "label": "Procedure", "values": [ { "label": "Restricted", "value": "restricted" }, { "label": "Negotiated", "value": "negotiated" } ] },
            { "type": "checkbox", "key": "classified", "label": "Classified" },
            { "type": "button", "key": "submit", "label": "Submit" }
          ]
        }
        """;
}
