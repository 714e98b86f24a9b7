namespace ProcurementFlows.Engine.Model;

/// <summary>The executable kinds of flow nodes.</summary>
internal enum NodeKind
{
    StartEvent,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    BoundaryEvent,
    Task,
    ManualTask,
    UserTask,
    ServiceTask,
    ScriptTask,
    SendTask,
    ReceiveTask,
    BusinessRuleTask,
    SubProcess,
    EventSubProcess,
    CallActivity,
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    EventBasedGateway,
    ComplexGateway,
    Transaction,
    AdHocSubProcess,
}

/// <summary>Event definition kinds.</summary>
internal enum EventKind
{
    None,
    Timer,
    Message,
    Error,
    Escalation,
    Terminate,
    Link,
    Signal,
    Conditional,
    Compensate,
    Cancel,
}

/// <summary>A value that is either literal text or a compiled <c>${...}</c> expression.</summary>
internal sealed class ValueSource
{
    public ValueSource(string raw, Expressions.CompiledExpression? expression, bool isScript = false)
    {
        Raw = raw;
        Expression = expression;
        IsScript = isScript;
    }

    public string Raw { get; }
    public Expressions.CompiledExpression? Expression { get; }

    /// <summary>JavaScript source (script conditions, script parameters) rather than <c>${...}</c> text.</summary>
    public bool IsScript { get; }
    public bool IsLiteral => Expression is null;
}

internal sealed class TimerDefinition
{
    public TimerKind Kind { get; init; }
    public required ValueSource Value { get; init; }
    public string? Calendar { get; init; }
}

internal sealed class EventDefinition
{
    public EventKind Kind { get; init; }
    public string? MessageName { get; init; }
    public ValueSource? CorrelationKey { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorCodeVariable { get; init; }
    public string? ErrorMessageVariable { get; init; }
    public string? EscalationCode { get; init; }
    public TimerDefinition? Timer { get; init; }
    public string? LinkName { get; init; }
}

internal sealed class IoParameter
{
    public required string Name { get; init; }
    /// <summary>Null value source means the parameter is set to null.</summary>
    public ValueSource? Value { get; init; }
    /// <summary>A list (camunda:list) of values.</summary>
    public IReadOnlyList<ValueSource>? List { get; init; }
    /// <summary>A map (camunda:map).</summary>
    public IReadOnlyList<KeyValuePair<string, ValueSource>>? Map { get; init; }
}

internal sealed class CallMapping
{
    public string? Source { get; init; }
    public ValueSource? SourceExpression { get; init; }
    public string? Target { get; init; }
    public bool AllVariables { get; init; }
    public bool Local { get; init; }
    public ValueSource? BusinessKey { get; init; }
}

internal sealed class MultiInstanceDefinition
{
    public bool IsSequential { get; init; }
    public ValueSource? Cardinality { get; init; }
    public ValueSource? Collection { get; init; }
    public string? ElementVariable { get; init; }
    public ValueSource? CompletionCondition { get; init; }
}

internal sealed class UserTaskDefinition
{
    public ValueSource? Assignee { get; init; }
    public ValueSource? CandidateUsers { get; init; }
    public ValueSource? CandidateGroups { get; init; }
    public ValueSource? DueDate { get; init; }
    public ValueSource? FollowUpDate { get; init; }
    public ValueSource? Priority { get; init; }
    public string? FormKey { get; init; }
    public string? Calendar { get; init; }
    public IReadOnlyList<string> NotCompletedBy { get; init; } = [];
}

internal sealed class SequenceFlow
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public FlowNode Source { get; set; } = null!;
    public FlowNode Target { get; set; } = null!;
    public ValueSource? Condition { get; set; }
    public int Line { get; init; }
    public int Column { get; init; }
}

/// <summary>A container of flow nodes: the process or a (event) subprocess.</summary>
internal sealed class FlowScope
{
    public required string Id { get; init; }
    public FlowNode? Owner { get; init; }
    public List<FlowNode> Nodes { get; } = [];
    public List<FlowNode> NoneStartEvents { get; } = [];
    public List<FlowNode> EventSubProcesses { get; } = [];
    public Dictionary<string, FlowNode> LinkCatches { get; } = new(StringComparer.Ordinal);
}

internal sealed class FlowNode
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public NodeKind Kind { get; init; }
    public required string TypeName { get; init; }
    public int Index { get; set; }
    public int Line { get; init; }
    public int Column { get; init; }
    public FlowScope Scope { get; set; } = null!;
    public SequenceFlow[] Outgoing { get; set; } = [];
    public SequenceFlow[] Incoming { get; set; } = [];
    public SequenceFlow? DefaultFlow { get; set; }
    public bool HasConditionalOutgoing { get; set; }
    public EventDefinition? Event { get; set; }
    public FlowNode[] Boundaries { get; set; } = [];
    public MultiInstanceDefinition? MultiInstance { get; set; }
    public IReadOnlyList<IoParameter> Inputs { get; set; } = [];
    public IReadOnlyList<IoParameter> Outputs { get; set; } = [];
    public UserTaskDefinition? UserTask { get; set; }
    public ValueSource? Topic { get; set; }
    /// <summary>camunda:taskPriority of an external service task (or its process's default).</summary>
    public ValueSource? TaskPriority { get; set; }
    public string? RetryCycle { get; set; }
    public Expressions.CompiledExpression? Script { get; set; }
    public string? ResultVariable { get; set; }
    public ValueSource? CalledElement { get; set; }
    public string CalledElementBinding { get; set; } = "latest";
    public int? CalledElementVersion { get; set; }
    public IReadOnlyList<CallMapping> CallIn { get; set; } = [];
    public IReadOnlyList<CallMapping> CallOut { get; set; } = [];
    public FlowScope? Inner { get; set; }
    public FlowNode? AttachedTo { get; set; }
    public bool CancelActivity { get; set; } = true;
    public bool IsInterruptingStart { get; set; } = true;
    /// <summary>pf:taskEscalation on a boundary timer: firing raises the attached user task's escalation level.</summary>
    public bool MarksTaskEscalation { get; set; }
    /// <summary>
    /// On an inclusive join: the nodes of its scope (by <see cref="ReachIndex"/>) from which a token can still reach it along
    /// sequence flows and boundary events. Kept per join (not per node) so memory is joins × nodes, not nodes².
    /// </summary>
    public System.Collections.BitArray? ReachableFrom { get; set; }
    /// <summary>This node's index in its scope (for <see cref="ReachableFrom"/>); -1 when its scope has no inclusive join.</summary>
    public int ReachIndex { get; set; } = -1;
    public bool IsWaitState { get; set; }

    /// <summary>camunda:initiator on a start event: the variable that receives the starting user.</summary>
    public string? InitiatorVariable { get; set; }
    public string? StartFormKey { get; set; }
}
