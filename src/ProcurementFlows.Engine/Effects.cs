using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine;

/// <summary>Something the runtime must apply after a command; the engine performs none of them itself.</summary>
public abstract record EngineEffect;

/// <summary>Why a user task closed.</summary>
public enum TaskCloseReason
{
    /// <summary>Completed by a user.</summary>
    Completed,
    /// <summary>Cancelled by an interrupting event, cancellation, termination or migration.</summary>
    Cancelled,
}

/// <summary>A user task opened.</summary>
public sealed record UserTaskCreated(UserTaskState Task) : EngineEffect;

/// <summary>A user task changed (claim, unclaim, delegation, assignment, escalation level).</summary>
public sealed record UserTaskUpdated(UserTaskState Task) : EngineEffect;

/// <summary>A user task closed.</summary>
public sealed record UserTaskClosed(string TaskId, TaskCloseReason Reason, string? UserId) : EngineEffect;

/// <summary>A user task's escalation level rose (escalation-marked boundary timer fired, or an escalation was thrown from its boundary path).</summary>
public sealed record UserTaskEscalated(string TaskId, int Level, string? EscalationCode) : EngineEffect;

/// <summary>Schedule a timer job that will send <see cref="FireTimer"/> at <paramref name="DueAt"/>.</summary>
public sealed record TimerScheduled(string TimerId, DateTimeOffset DueAt, string ActivityId) : EngineEffect;

/// <summary>Delete the timer job.</summary>
public sealed record TimerCancelled(string TimerId) : EngineEffect;

/// <summary>Run the external service-task handler for <paramref name="Topic"/>; <paramref name="Priority"/> is the evaluated <c>camunda:taskPriority</c> (0 when none).</summary>
public sealed record ServiceTaskDispatched(string JobId, string ActivityId, string Topic, IReadOnlyDictionary<string, JsonNode?> Input, int RetriesLeft, long Priority = 0) : EngineEffect;

/// <summary>Re-run the job at <paramref name="DueAt"/>.</summary>
public sealed record ServiceTaskRetryScheduled(string JobId, DateTimeOffset DueAt, int RetriesLeft, string LastError) : EngineEffect;

/// <summary>The job is no longer wanted (activity cancelled); a late result is ignored by the engine.</summary>
public sealed record ServiceTaskCancelled(string JobId) : EngineEffect;

/// <summary>A message subscription opened (intermediate catch, receive task, boundary, event subprocess start, event-based gateway).</summary>
public sealed record MessageSubscriptionOpened(string SubscriptionId, string MessageName, string? CorrelationKey, string ActivityId) : EngineEffect;

/// <summary>A message subscription closed.</summary>
public sealed record MessageSubscriptionClosed(string SubscriptionId) : EngineEffect;

/// <summary>A message was thrown (send task, message throw or end event) for the runtime to correlate.</summary>
public sealed record MessagePublished(string MessageName, string? CorrelationKey, IReadOnlyDictionary<string, JsonNode?> Variables) : EngineEffect;

/// <summary>Start a call-activity child instance with id <paramref name="ChildInstanceId"/>.</summary>
public sealed record ChildInstanceRequested(
    string ChildInstanceId,
    string CalledElement,
    string Binding,
    int? Version,
    string? BusinessKey,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    string CallActivityInstanceId) : EngineEffect;

/// <summary>Cancel a child instance (its call activity was interrupted or the parent cancelled).</summary>
public sealed record ChildInstanceCancelRequested(string ChildInstanceId) : EngineEffect;

/// <summary>An incident opened.</summary>
public sealed record IncidentRaised(string IncidentId, string ActivityId, string Type, string Message, string? JobId) : EngineEffect;

/// <summary>An incident was resolved.</summary>
public sealed record IncidentResolved(string IncidentId) : EngineEffect;

/// <summary>Append a history entry.</summary>
public sealed record HistoryRecorded(HistoryEntry Entry) : EngineEffect;

/// <summary>The instance completed normally.</summary>
public sealed record InstanceCompleted(IReadOnlyDictionary<string, JsonNode?> Variables) : EngineEffect;

/// <summary>The instance was cancelled from outside.</summary>
public sealed record InstanceCancelled(string? Reason) : EngineEffect;

/// <summary>The instance ended at a terminate end event.</summary>
public sealed record InstanceTerminated() : EngineEffect;

/// <summary>The instance ended with an uncaught BPMN error (a call-activity parent receives it as <see cref="ChildOutcome.Error"/>).</summary>
public sealed record InstanceFailedWithError(string ErrorCode, string? Message) : EngineEffect;

/// <summary>Kinds of history entries.</summary>
public enum HistoryEntryType
{
    InstanceStarted,
    ActivityStarted,
    ActivityCompleted,
    ActivityCancelled,
    TaskCreated,
    TaskClaimed,
    TaskUnclaimed,
    TaskCompleted,
    TaskDelegated,
    TaskAssigned,
    TaskEscalated,
    TimerScheduled,
    TimerFired,
    MessageReceived,
    MessageSent,
    ServiceTaskDispatched,
    ServiceTaskCompleted,
    ServiceTaskFailed,
    ErrorThrown,
    EscalationThrown,
    IncidentRaised,
    IncidentResolved,
    VariablesUpdated,
    GatewayDecision,
    InstanceCompleted,
    InstanceCancelled,
    InstanceTerminated,
    Migrated,
}

/// <summary>One history entry (the runtime appends and hash-chains them).</summary>
/// <param name="Type">What happened.</param>
/// <param name="ActivityId">BPMN element id, if any.</param>
/// <param name="ActivityType">BPMN element kind (e.g. <c>userTask</c>), if any.</param>
/// <param name="ActivityInstanceId">Activity instance id, if any.</param>
/// <param name="Timestamp">From the engine's TimeProvider.</param>
/// <param name="UserId">Who acted, if a user did.</param>
/// <param name="Data">What data: variables set, decision taken, task id, etc.</param>
public sealed record HistoryEntry(
    HistoryEntryType Type,
    string? ActivityId,
    string? ActivityType,
    string? ActivityInstanceId,
    DateTimeOffset Timestamp,
    string? UserId,
    JsonObject? Data);
