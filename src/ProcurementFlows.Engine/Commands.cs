using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine;

/// <summary>One input to <see cref="ProcessEngine.Execute"/>.</summary>
public abstract record EngineCommand;

/// <summary>Link from a call-activity child instance to its parent.</summary>
/// <param name="ParentInstanceId">The parent process instance id.</param>
/// <param name="CallActivityInstanceId">The activity instance id of the call activity in the parent.</param>
/// <param name="CallActivityId">The element id of the call activity in the parent.</param>
/// <param name="ParentProcessKey">The parent's process key.</param>
public sealed record ParentLink(string ParentInstanceId, string CallActivityInstanceId, string CallActivityId, string? ParentProcessKey = null);

/// <summary>Starts a new instance. <paramref name="InstanceId"/> is supplied by the runtime (a GUID string).</summary>
public sealed record StartProcess(
    string InstanceId,
    string? BusinessKey,
    string? StartedBy,
    IReadOnlyDictionary<string, JsonNode?>? Variables,
    string? StartEventId = null,
    string? MessageName = null,
    ParentLink? Parent = null) : EngineCommand;

/// <summary>Completes an open user task; checks assignee/candidates and segregation of duties.</summary>
public sealed record CompleteUserTask(string TaskId, string UserId, IReadOnlyCollection<string> UserGroups, IReadOnlyDictionary<string, JsonNode?>? Variables) : EngineCommand;

/// <summary>Claims an unassigned task for <paramref name="UserId"/> (who must be a candidate).</summary>
public sealed record ClaimUserTask(string TaskId, string UserId, IReadOnlyCollection<string> UserGroups) : EngineCommand;

/// <summary>Returns a claimed task to the candidate pool; only the assignee may unclaim.</summary>
public sealed record UnclaimUserTask(string TaskId, string UserId) : EngineCommand;

/// <summary>The assignee hands the task to <paramref name="DelegateTo"/>; the assignee becomes the owner.</summary>
public sealed record DelegateUserTask(string TaskId, string UserId, string DelegateTo) : EngineCommand;

/// <summary>Supervisor reassignment (no candidate check). A null assignee unassigns.</summary>
public sealed record AssignUserTask(string TaskId, string? Assignee, string? ByUserId) : EngineCommand;

/// <summary>A due timer fires. Unknown, cancelled or already fired timers are a no-op.</summary>
public sealed record FireTimer(string TimerId) : EngineCommand;

/// <summary>Delivers a correlated message to an open subscription. Unknown subscriptions are a no-op.</summary>
public sealed record DeliverMessage(string SubscriptionId, IReadOnlyDictionary<string, JsonNode?>? Variables) : EngineCommand;

/// <summary>An external service-task job succeeded.</summary>
public sealed record CompleteServiceTask(string JobId, IReadOnlyDictionary<string, JsonNode?>? Variables) : EngineCommand;

/// <summary>An external service-task job reports a BPMN error (business error, caught by boundary/event subprocess).</summary>
public sealed record ThrowServiceTaskError(string JobId, string ErrorCode, string? Message, IReadOnlyDictionary<string, JsonNode?>? Variables) : EngineCommand;

/// <summary>An external service-task job failed technically; retries apply.</summary>
public sealed record FailServiceTask(string JobId, string Message, string? Details, bool Retryable) : EngineCommand;

/// <summary>Resolves an incident and re-dispatches its job (or re-executes its activity) with <paramref name="Retries"/> retries.</summary>
public sealed record RetryIncident(string IncidentId, int Retries = 1) : EngineCommand;

/// <summary>How a call-activity child ended.</summary>
public enum ChildOutcome
{
    /// <summary>The child completed normally; camunda:out mappings apply.</summary>
    Completed,
    /// <summary>The child ended with an uncaught BPMN error; it propagates to the call activity.</summary>
    Error,
    /// <summary>The child was cancelled or terminated from outside.</summary>
    Cancelled,
}

/// <summary>Delivered to the parent when a call-activity child ends.</summary>
public sealed record ChildInstanceEnded(string ChildInstanceId, ChildOutcome Outcome, string? ErrorCode, IReadOnlyDictionary<string, JsonNode?>? Variables) : EngineCommand;

/// <summary>Cancels the whole instance (tasks, timers, jobs, subscriptions, children).</summary>
public sealed record CancelInstance(string? Reason, string? UserId) : EngineCommand;

/// <summary>Moves the instance onto <paramref name="Target"/> mapping active activity ids (unmapped ids map to themselves if they exist in the target).</summary>
public sealed record MigrateInstance(CompiledProcess Target, IReadOnlyDictionary<string, string> ActivityMapping) : EngineCommand;

/// <summary>Sets variables on the instance (root scope) from outside, e.g. by an administrator.</summary>
public sealed record SetVariables(IReadOnlyDictionary<string, JsonNode?> Variables, string? UserId) : EngineCommand;
