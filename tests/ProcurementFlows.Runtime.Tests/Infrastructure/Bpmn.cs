namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>Small BPMN documents written the way the bpmn-js / Camunda 7 modeler writes them.</summary>
public static class Bpmn
{
    public static string Definitions(string body) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                          xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          xmlns:pf="https://procurementflows.dev/schema/bpmn/1.0"
                          id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
        {body}
        </bpmn:definitions>
        """;

    /// <summary>start → user task (candidate group) → end.</summary>
    public static string SingleTask(string key, string group = "officers", string taskName = "Review") => Definitions($"""
          <bpmn:process id="{key}" name="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task_Review" />
            <bpmn:userTask id="Task_Review" name="{taskName}" camunda:candidateGroups="{group}" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task_Review" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    /// <summary>start → external service task (topic) → user task → end.</summary>
    public static string ServiceThenTask(string key, string topic, string retryCycle = "R3/PT1S") => Definitions($"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Service" />
            <bpmn:serviceTask id="Service" name="Check" camunda:type="external" camunda:topic="{topic}">
              <bpmn:extensionElements>
                <camunda:failedJobRetryTimeCycle>{retryCycle}</camunda:failedJobRetryTimeCycle>
              </bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f2" sourceRef="Service" targetRef="Task_Review" />
            <bpmn:userTask id="Task_Review" name="Review" camunda:candidateGroups="officers" />
            <bpmn:sequenceFlow id="f3" sourceRef="Task_Review" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    /// <summary>start → timer (duration) → service task → end: no user involvement (crash drills).</summary>
    public static string TimerThenService(string key, string duration, string topic) => Definitions($"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait" />
            <bpmn:intermediateCatchEvent id="Wait">
              <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="Service" />
            <bpmn:serviceTask id="Service" camunda:type="external" camunda:topic="{topic}" />
            <bpmn:sequenceFlow id="f3" sourceRef="Service" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    /// <summary>start → message catch (correlation key from variable caseId) → end.</summary>
    public static string MessageWait(string key, string message) => Definitions($"""
          <bpmn:message id="Msg" name="{message}" />
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait" />
            <bpmn:intermediateCatchEvent id="Wait" pf:correlationKey="${"{"}caseId{"}"}">
              <bpmn:messageEventDefinition messageRef="Msg" />
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);
}
