namespace ProcurementFlows.Engine;

/// <summary>Lifecycle of a user task.</summary>
public enum UserTaskStatus
{
    /// <summary>Open; may or may not have an assignee.</summary>
    Created,
    /// <summary>Delegated by its owner to the current assignee.</summary>
    Delegated,
    /// <summary>Completed.</summary>
    Completed,
    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>An open user task (immutable snapshot).</summary>
public sealed record UserTaskState
{
    /// <summary>Task id (deterministic, derived from the instance id).</summary>
    public required string Id { get; init; }
    /// <summary>Process instance the task belongs to.</summary>
    public required string InstanceId { get; init; }
    /// <summary>Task definition key: the BPMN user task id.</summary>
    public required string ActivityId { get; init; }
    /// <summary>The activity instance id of the task's execution.</summary>
    public required string ActivityInstanceId { get; init; }
    /// <summary>The task name from the diagram.</summary>
    public string? Name { get; init; }
    /// <summary>Current assignee.</summary>
    public string? Assignee { get; init; }
    /// <summary>Owner: the user who delegated the task.</summary>
    public string? Owner { get; init; }
    /// <summary>Who claimed the task (null when assigned by the diagram or a supervisor).</summary>
    public string? ClaimedBy { get; init; }
    /// <summary>Candidate users.</summary>
    public IReadOnlyList<string> CandidateUsers { get; init; } = [];
    /// <summary>Candidate groups.</summary>
    public IReadOnlyList<string> CandidateGroups { get; init; } = [];
    /// <summary>Due date.</summary>
    public DateTimeOffset? DueDate { get; init; }
    /// <summary>Follow-up date.</summary>
    public DateTimeOffset? FollowUpDate { get; init; }
    /// <summary>Priority (Camunda default 50).</summary>
    public int Priority { get; init; } = 50;
    /// <summary>camunda:formKey or camunda:formRef.</summary>
    public string? FormKey { get; init; }
    /// <summary>When the task opened.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Escalation level (0 = none); rises when an escalation-marked boundary timer fires.</summary>
    public int EscalationLevel { get; init; }
    /// <summary>Status.</summary>
    public UserTaskStatus Status { get; init; }
}
