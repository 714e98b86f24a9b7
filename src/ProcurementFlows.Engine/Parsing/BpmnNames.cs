using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Parsing;

/// <summary>Namespaces and the BPMN 2.0 element vocabulary.</summary>
internal static class BpmnNames
{
    public const string Model = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public const string Camunda = "http://camunda.org/schema/1.0/bpmn";
    public const string Pf = "https://procurementflows.dev/schema/bpmn/1.0";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string Zeebe = "http://camunda.org/schema/zeebe/1.0";
    public const string Modeler = "http://camunda.org/schema/modeler/1.0";
    public const string Di = "http://www.omg.org/spec/BPMN/20100524/DI";

    public const string Flowable = "http://flowable.org/bpmn";
    public const string Activiti = "http://activiti.org/bpmn";

    /// <summary>Flowable / Activiti attributes read as their Camunda 7 namesakes (same name, same meaning).</summary>
    public static readonly HashSet<string> SharedWithCamunda = new(StringComparer.Ordinal)
    {
        "assignee", "candidateUsers", "candidateGroups", "dueDate", "priority", "formKey", "initiator", "collection", "elementVariable", "type", "topic",
    };

    /// <summary>
    /// Execution-extension namespaces of other engines, by vendor. Their attributes often carry access control
    /// (candidate groups) or implementations, so they are reported rather than silently dropped.
    /// </summary>
    public static readonly Dictionary<string, string> VendorExecution = new(StringComparer.Ordinal)
    {
        [Flowable] = "Flowable",
        [Activiti] = "Activiti",
        ["http://www.jboss.org/drools"] = "jBPM",
        [Zeebe] = "Zeebe (Camunda 8)",
    };

    /// <summary>Elements of the BPMN 2.0 model schema that the reader keeps without executing them (descriptive, data, collaboration, resources).</summary>
    public static readonly HashSet<string> Descriptive = new(StringComparer.Ordinal)
    {
        "documentation", "extensionElements", "extension", "import", "itemDefinition", "message", "error", "escalation", "signal",
        "collaboration", "participant", "participantMultiplicity", "participantAssociation", "messageFlow", "messageFlowAssociation",
        "conversation", "subConversation", "callConversation", "conversationLink", "conversationAssociation", "correlationKey",
        "correlationProperty", "correlationPropertyRef", "correlationPropertyRetrievalExpression", "correlationSubscription",
        "correlationPropertyBinding", "messagePath", "dataPath", "messageFlowRef", "participantRef", "interfaceRef", "endPointRef",
        "laneSet", "lane", "childLaneSet", "flowNodeRef", "partitionElement", "textAnnotation", "text", "association", "group",
        "category", "categoryValue", "dataObject", "dataObjectReference", "dataStore", "dataStoreReference", "dataState",
        "dataInput", "dataOutput", "dataInputAssociation", "dataOutputAssociation", "sourceRef", "targetRef", "transformation",
        "assignment", "from", "to", "ioSpecification", "inputSet", "outputSet", "dataInputRefs", "dataOutputRefs",
        "optionalInputRefs", "optionalOutputRefs", "whileExecutingInputRefs", "whileExecutingOutputRefs", "inputSetRefs",
        "outputSetRefs", "ioBinding", "interface", "operation", "inMessageRef", "outMessageRef", "errorRef", "operationRef",
        "implementationRef", "resource", "resourceParameter", "resourceRef", "resourceParameterBinding", "resourceAssignmentExpression",
        "performer", "humanPerformer", "potentialOwner", "formalExpression", "expression", "relationship", "source", "target",
        "globalTask", "globalUserTask", "globalManualTask", "globalScriptTask", "globalBusinessRuleTask", "globalConversation",
        "property", "rendering", "supportedInterfaceRef", "auditing", "monitoring", "incoming", "outgoing", "conditionExpression",
        "condition", "timeDate", "timeDuration", "timeCycle", "loopCardinality", "completionCondition", "loopDataInputRef",
        "loopDataOutputRef", "inputDataItem", "outputDataItem", "complexBehaviorDefinition", "event", "script", "eventDefinitionRef",
        "activationCondition", "choreography", "choreographyTask", "subChoreography", "callChoreography", "messageFlowRef",
        "initiatingParticipantRef", "participantRef", "dataOutputRefs", "categoryValueRef", "innerParticipantRef",
        "outerParticipantRef", "innerMessageFlowRef", "outerMessageFlowRef", "innerConversationNodeRef", "outerConversationNodeRef",
        "supports", "lanes", "baseElement", "definitions", "process", "sequenceFlow", "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics", "loopCondition", "loopMaximum",
    };

    /// <summary>Flow node element names and their kind.</summary>
    public static readonly Dictionary<string, NodeKind> FlowNodes = new(StringComparer.Ordinal)
    {
        ["startEvent"] = NodeKind.StartEvent,
        ["endEvent"] = NodeKind.EndEvent,
        ["intermediateCatchEvent"] = NodeKind.IntermediateCatchEvent,
        ["intermediateThrowEvent"] = NodeKind.IntermediateThrowEvent,
        ["boundaryEvent"] = NodeKind.BoundaryEvent,
        ["task"] = NodeKind.Task,
        ["manualTask"] = NodeKind.ManualTask,
        ["userTask"] = NodeKind.UserTask,
        ["serviceTask"] = NodeKind.ServiceTask,
        ["scriptTask"] = NodeKind.ScriptTask,
        ["sendTask"] = NodeKind.SendTask,
        ["receiveTask"] = NodeKind.ReceiveTask,
        ["businessRuleTask"] = NodeKind.BusinessRuleTask,
        ["subProcess"] = NodeKind.SubProcess,
        ["transaction"] = NodeKind.Transaction,
        ["adHocSubProcess"] = NodeKind.AdHocSubProcess,
        ["callActivity"] = NodeKind.CallActivity,
        ["exclusiveGateway"] = NodeKind.ExclusiveGateway,
        ["parallelGateway"] = NodeKind.ParallelGateway,
        ["inclusiveGateway"] = NodeKind.InclusiveGateway,
        ["eventBasedGateway"] = NodeKind.EventBasedGateway,
        ["complexGateway"] = NodeKind.ComplexGateway,
    };

    public static readonly Dictionary<string, EventKind> EventDefinitions = new(StringComparer.Ordinal)
    {
        ["timerEventDefinition"] = EventKind.Timer,
        ["messageEventDefinition"] = EventKind.Message,
        ["errorEventDefinition"] = EventKind.Error,
        ["escalationEventDefinition"] = EventKind.Escalation,
        ["terminateEventDefinition"] = EventKind.Terminate,
        ["linkEventDefinition"] = EventKind.Link,
        ["signalEventDefinition"] = EventKind.Signal,
        ["conditionalEventDefinition"] = EventKind.Conditional,
        ["compensateEventDefinition"] = EventKind.Compensate,
        ["cancelEventDefinition"] = EventKind.Cancel,
    };
}
