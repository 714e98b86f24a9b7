using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Execution;

namespace ProcurementFlows.Engine;

/// <summary>Lifecycle of a process instance.</summary>
public enum InstanceStatus
{
    /// <summary>Running or waiting.</summary>
    Active,
    /// <summary>Reached its end normally.</summary>
    Completed,
    /// <summary>Cancelled from outside.</summary>
    Cancelled,
    /// <summary>Ended by a terminate end event or an uncaught BPMN error.</summary>
    Terminated,
}

/// <summary>A pending timer.</summary>
/// <param name="Id">Timer id.</param>
/// <param name="ActivityId">The timer event (boundary, catch, event-subprocess start) element id.</param>
/// <param name="DueAt">When it is due.</param>
/// <param name="ExecutionId">The execution (activity instance or scope) the timer belongs to.</param>
/// <param name="RepeatsLeft">Remaining repetitions of a cycle after this one (-1 = unbounded, 0 = none).</param>
/// <param name="Cycle">The cycle definition for repeating timers.</param>
public sealed record TimerState(string Id, string ActivityId, DateTimeOffset DueAt, string ExecutionId, int RepeatsLeft = 0, string? Cycle = null);

/// <summary>An open message subscription.</summary>
public sealed record MessageSubscriptionState(string Id, string MessageName, string? CorrelationKey, string ActivityId, string ExecutionId);

/// <summary>Status of an external service-task job.</summary>
public enum ServiceJobStatus
{
    /// <summary>Dispatched; waiting for a result.</summary>
    Dispatched,
    /// <summary>Failed; a retry is scheduled.</summary>
    RetryScheduled,
    /// <summary>Retries exhausted; an incident is open.</summary>
    Incident,
}

/// <summary>A pending external service-task job.</summary>
public sealed record ServiceJobState(string Id, string ActivityId, string Topic, string ExecutionId, int RetriesLeft, ServiceJobStatus Status, string? LastError = null);

/// <summary>An open incident.</summary>
public sealed record IncidentState(string Id, string ActivityId, string Type, string Message, string? JobId, string ExecutionId, DateTimeOffset CreatedAt);

/// <summary>A running call-activity child.</summary>
public sealed record ChildInstanceState(string ChildInstanceId, string CalledElement, string ActivityId, string ExecutionId);

/// <summary>An active activity instance (for "current activity" views).</summary>
public sealed record ActivityInstanceInfo(string Id, string ActivityId, string? ParentId);

/// <summary>Snapshot of one process instance. Immutable from the outside: <see cref="ProcessEngine.Execute"/> never mutates its input state.</summary>
public sealed class ProcessInstanceState
{
    internal ProcessInstanceState(InstanceData data)
    {
        Data = data;
    }

    internal InstanceData Data { get; }

    /// <summary>Instance id (supplied by the runtime at start).</summary>
    public string InstanceId => Data.InstanceId;

    /// <summary>The process key (process id) this instance runs.</summary>
    public string ProcessKey => Data.ProcessKey;

    /// <summary>Business key.</summary>
    public string? BusinessKey => Data.BusinessKey;

    /// <summary>The initiator.</summary>
    public string? StartedBy => Data.StartedBy;

    /// <summary>Status.</summary>
    public InstanceStatus Status => Data.Status;

    /// <summary>When the instance started.</summary>
    public DateTimeOffset StartedAt => Data.StartedAt;

    /// <summary>When the instance ended, if it has.</summary>
    public DateTimeOffset? EndedAt => Data.EndedAt;

    /// <summary>Process-level variables. Treat the nodes as read-only.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Variables => Data.RootVariables;

    /// <summary>Open user tasks.</summary>
    public IReadOnlyList<UserTaskState> UserTasks => Data.Tasks;

    /// <summary>Pending timers.</summary>
    public IReadOnlyList<TimerState> Timers => Data.Timers;

    /// <summary>Open message subscriptions.</summary>
    public IReadOnlyList<MessageSubscriptionState> MessageSubscriptions => Data.Subscriptions;

    /// <summary>Pending external service-task jobs.</summary>
    public IReadOnlyList<ServiceJobState> ServiceJobs => Data.Jobs;

    /// <summary>Open incidents.</summary>
    public IReadOnlyList<IncidentState> Incidents => Data.Incidents;

    /// <summary>Running call-activity children.</summary>
    public IReadOnlyList<ChildInstanceState> ChildInstances => Data.Children;

    /// <summary>Link to the parent instance for call-activity children.</summary>
    public ParentLink? Parent => Data.Parent;

    /// <summary>Ids of the activities where the instance currently waits or runs (distinct, sorted).</summary>
    public IReadOnlyList<string> ActiveActivityIds => Data.GetActiveActivityIds();

    /// <summary>All active activity instances (including scopes such as subprocesses and multi-instance bodies).</summary>
    public IReadOnlyList<ActivityInstanceInfo> ActivityInstances => Data.GetActivityInstances();

    /// <summary>Variables visible at an activity instance (its own and its ancestors'), innermost first wins.</summary>
    public IReadOnlyDictionary<string, JsonNode?> GetVariablesAt(string activityInstanceId) => Data.GetVisibleVariables(activityInstanceId);
}
