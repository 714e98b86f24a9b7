using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime;

/// <summary>
/// External workers' side of service tasks (Camunda's external-task pattern): service jobs whose topic has no
/// in-process <see cref="ServiceTasks.IServiceTaskHandler"/> are fetched and locked by a worker, which then completes
/// them, reports a BPMN error or a failure. Results go through the command loop like a built-in handler's.
/// </summary>
public interface IExternalTaskService
{
    /// <summary>
    /// Locks up to <see cref="FetchAndLockRequest.MaxTasks"/> available jobs of the requested topics for the worker.
    /// With a positive <paramref name="wait"/> (long polling) it waits, with back-off, until a job becomes available,
    /// the wait is over or <paramref name="cancellationToken"/> fires; then it returns what it has (maybe nothing).
    /// </summary>
    Task<IReadOnlyList<LockedExternalTask>> FetchAndLockAsync(FetchAndLockRequest request, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>One open external task (pending, locked or in an incident), or null.</summary>
    Task<ExternalTaskInfo?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Open external tasks, oldest first.</summary>
    Task<PagedResult<ExternalTaskInfo>> QueryAsync(ExternalTaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>Completes the task locked by <paramref name="workerId"/>; variables are written to the process.</summary>
    /// <exception cref="NotFoundException">No open task with that id.</exception>
    /// <exception cref="ExternalTaskLockException">The task is not locked by that worker.</exception>
    Task<InstanceOutcome> CompleteAsync(string id, string workerId, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports a failure. <paramref name="retries"/> above 0 returns the task to the pool after
    /// <paramref name="retryTimeout"/>; 0 raises a <c>failedJob</c> incident exactly like a built-in handler's permanent failure.
    /// </summary>
    Task FailAsync(string id, string workerId, string? errorMessage, string? errorDetails, int retries, TimeSpan retryTimeout, CancellationToken cancellationToken = default);

    /// <summary>Throws a BPMN error from the task (caught by an error boundary event or event subprocess; else an incident).</summary>
    Task<InstanceOutcome> ThrowBpmnErrorAsync(string id, string workerId, string errorCode, string? errorMessage, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken cancellationToken = default);

    /// <summary>Sets the lock of a task the worker holds (and has not lost) to expire <paramref name="newDuration"/> from now.</summary>
    Task ExtendLockAsync(string id, string workerId, TimeSpan newDuration, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock whoever holds it: the task is available again at once.</summary>
    Task UnlockAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the retries (Camunda semantics): above 0 on a task in an incident resolves the incident and makes the task
    /// available again; 0 on an available task raises a <c>failedJob</c> incident; otherwise just the number.
    /// </summary>
    /// <exception cref="NotFoundException">No open external task with that id.</exception>
    Task SetRetriesAsync(string id, int retries, CancellationToken cancellationToken = default);

    /// <summary>Overrides the task's priority (used by fetch-and-lock with <c>usePriority</c>).</summary>
    /// <exception cref="NotFoundException">No open external task with that id.</exception>
    Task SetPriorityAsync(string id, long priority, CancellationToken cancellationToken = default);
}

/// <summary>A worker's fetch-and-lock request.</summary>
/// <param name="WorkerId">Who locks (returned as the lock owner; later calls must name the same worker).</param>
/// <param name="MaxTasks">At most this many tasks (1..1000).</param>
/// <param name="Topics">The topics with their lock durations and filters.</param>
/// <param name="UsePriority">Highest <c>camunda:taskPriority</c> first, across topics (then due order); otherwise due order.</param>
public sealed record FetchAndLockRequest(string WorkerId, int MaxTasks, IReadOnlyList<ExternalTaskTopic> Topics, bool UsePriority = false);

/// <summary>One topic of a fetch-and-lock request.</summary>
/// <param name="TopicName">The <c>camunda:topic</c>.</param>
/// <param name="LockDuration">How long the lock holds.</param>
/// <param name="VariableNames">Only these variables (null = all of the task's input).</param>
/// <param name="BusinessKey">Only tasks of instances with this business key.</param>
/// <param name="ProcessDefinitionKeys">Only tasks of these definition keys (null = any).</param>
public sealed record ExternalTaskTopic(string TopicName, TimeSpan LockDuration, IReadOnlyList<string>? VariableNames = null, string? BusinessKey = null, IReadOnlyList<string>? ProcessDefinitionKeys = null);

/// <summary>A task locked for a worker.</summary>
/// <param name="Task">The task as it is now (locked).</param>
/// <param name="Variables">Its input variables (filtered by the topic's variable names).</param>
public sealed record LockedExternalTask(ExternalTaskInfo Task, IReadOnlyDictionary<string, JsonNode?> Variables);

/// <summary>An open external task.</summary>
/// <param name="Id">The job id (stable across retries; results are idempotent per id).</param>
/// <param name="TopicName">Its topic.</param>
/// <param name="ProcessInstanceId">The instance.</param>
/// <param name="ProcessDefinitionKey">The instance's definition key.</param>
/// <param name="ProcessDefinitionVersion">The instance's definition version.</param>
/// <param name="BusinessKey">The instance's business key.</param>
/// <param name="ActivityId">The service task's element id.</param>
/// <param name="Status">pending, or incident after a failure with no retries left.</param>
/// <param name="Retries">Retries left once a failure set them; null before the first failure.</param>
/// <param name="ErrorMessage">The last failure's message.</param>
/// <param name="WorkerId">The lock owner (also after the lock expired, until someone else locks it).</param>
/// <param name="LockExpiresAt">When the lock ends (null = never locked or unlocked).</param>
/// <param name="DueAt">When it is (again) available.</param>
/// <param name="CreatedAt">When it was dispatched.</param>
/// <param name="Priority">The evaluated <c>camunda:taskPriority</c> (0 when none).</param>
public sealed record ExternalTaskInfo(
    string Id,
    string TopicName,
    string ProcessInstanceId,
    string ProcessDefinitionKey,
    int ProcessDefinitionVersion,
    string? BusinessKey,
    string ActivityId,
    string Status,
    int? Retries,
    string? ErrorMessage,
    string? WorkerId,
    DateTimeOffset? LockExpiresAt,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt,
    long Priority = 0);

/// <summary>Criteria for <see cref="IExternalTaskService.QueryAsync"/> (all optional, combined with AND).</summary>
public sealed record ExternalTaskQuery
{
    /// <summary>Topic.</summary>
    public string? TopicName { get; init; }
    /// <summary>Instance.</summary>
    public string? ProcessInstanceId { get; init; }
    /// <summary>Lock owner.</summary>
    public string? WorkerId { get; init; }
    /// <summary>Only currently locked (true) or not locked (false) tasks.</summary>
    public bool? Locked { get; init; }
    /// <summary>Only tasks without retries left (in an incident).</summary>
    public bool NoRetriesLeft { get; init; }
    /// <summary>Only tasks with retries left (not in an incident).</summary>
    public bool WithRetriesLeft { get; init; }
    /// <summary>Activity (service task element) id.</summary>
    public string? ActivityId { get; init; }
    /// <summary>The instance's definition key.</summary>
    public string? ProcessDefinitionKey { get; init; }
    /// <summary>Priority at least.</summary>
    public long? MinPriority { get; init; }
    /// <summary>Priority at most.</summary>
    public long? MaxPriority { get; init; }
    /// <summary>Lock expiring strictly before.</summary>
    public DateTimeOffset? LockExpiresBefore { get; init; }
    /// <summary>Lock expiring strictly after.</summary>
    public DateTimeOffset? LockExpiresAfter { get; init; }
    /// <summary>Sort keys in order (id, lockExpirationTime, processInstanceId, processDefinitionKey, createTime, priority), each with a descending flag; then creation order.</summary>
    public IReadOnlyList<(string Key, bool Descending)> Sorting { get; init; } = [];
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (1..1000).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>The external task is not locked by the worker that tries to act on it (or its lock is gone). Nothing changed.</summary>
public sealed class ExternalTaskLockException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public ExternalTaskLockException(string message)
        : base("external-task.not-locked-by-worker", message)
    {
    }
}

/// <summary>A user-task search beyond the inbox: any combination of Camunda-style criteria, restricted to what the viewer may see.</summary>
public interface ITaskSearchService
{
    /// <summary>Tasks matching <paramref name="query"/> with their instance's definition version, paged, with the total count.</summary>
    Task<PagedResult<TaskSearchHit>> SearchAsync(TaskSearchQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Task search criteria (all optional, combined with AND). Only open (and delegated) tasks unless <see cref="IncludeClosed"/>.</summary>
public sealed record TaskSearchQuery
{
    /// <summary>Visibility: null = everything (supervisors); else tasks the user is assignee, owner or candidate (user or group) of.</summary>
    public UserContext? VisibleTo { get; init; }
    /// <summary>Task id.</summary>
    public string? TaskId { get; init; }
    /// <summary>Exact assignee.</summary>
    public string? Assignee { get; init; }
    /// <summary>Assigned (true) or unassigned (false) tasks.</summary>
    public bool? Assigned { get; init; }
    /// <summary>Tasks whose candidate groups contain this group.</summary>
    public string? CandidateGroup { get; init; }
    /// <summary>Tasks whose candidate groups contain any of these.</summary>
    public IReadOnlyList<string>? CandidateGroups { get; init; }
    /// <summary>Tasks with this candidate user.</summary>
    public string? CandidateUser { get; init; }
    /// <summary>Instance id.</summary>
    public string? ProcessInstanceId { get; init; }
    /// <summary>Instance business key.</summary>
    public string? BusinessKey { get; init; }
    /// <summary>Definition key.</summary>
    public string? ProcessDefinitionKey { get; init; }
    /// <summary>Task definition key (activity id).</summary>
    public string? TaskDefinitionKey { get; init; }
    /// <summary>Exact name.</summary>
    public string? Name { get; init; }
    /// <summary>Name pattern with SQL LIKE wildcards (<c>%</c>).</summary>
    public string? NameLike { get; init; }
    /// <summary>Due strictly before.</summary>
    public DateTimeOffset? DueBefore { get; init; }
    /// <summary>Due strictly after.</summary>
    public DateTimeOffset? DueAfter { get; init; }
    /// <summary>Created strictly before.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }
    /// <summary>Created strictly after.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }
    /// <summary>Exact priority.</summary>
    public int? Priority { get; init; }
    /// <summary>Include completed and cancelled tasks.</summary>
    public bool IncludeClosed { get; init; }
    /// <summary>Sort keys in order: created, due, followUp, priority, name, id, assignee; each with descending flag.</summary>
    public IReadOnlyList<(string Key, bool Descending)> Sorting { get; init; } = [];
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (0 = count only; at most 1000).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>Read access to the deployments table (Camunda's <c>GET /deployment</c>).</summary>
public interface IDeploymentCatalog
{
    /// <summary>Deployments, newest first, paged, optionally by exact name.</summary>
    Task<PagedResult<DeploymentInfo>> ListAsync(string? name, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>One deployment, or null.</summary>
    Task<DeploymentInfo?> GetAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>A stored deployment.</summary>
public sealed record DeploymentInfo(Guid Id, string? Name, string? Source, string? DeployedBy, DateTimeOffset DeployedAt, int ResourceCount);

/// <summary>A task found by <see cref="ITaskSearchService"/>, with the definition version its instance runs.</summary>
public sealed record TaskSearchHit(TaskSummary Task, int ProcessVersion);

/// <summary>Camunda-style message correlation (by instance, business key and variable values).</summary>
public interface IMessageDelivery
{
    /// <summary>
    /// Camunda's correlation in one transaction: waiting executions whose instance matches the id, business key and
    /// every correlation key (variable values) first; then, unless an instance id is given, latest definitions with a
    /// message start event of that name. Without <see cref="MessageCorrelation.All"/> exactly one must match.
    /// </summary>
    /// <exception cref="MessageCorrelationMismatchException">Not <see cref="MessageCorrelation.All"/> and none or several match; nothing changed.</exception>
    Task<MessageCorrelationResult> CorrelateAsync(MessageCorrelation request, CancellationToken cancellationToken = default);
}

/// <summary>A Camunda-style message correlation.</summary>
/// <param name="MessageName">The message name.</param>
/// <param name="ProcessInstanceId">Only this instance (and then no message start events).</param>
/// <param name="BusinessKey">Only instances with this business key; the business key of an instance started by the message.</param>
/// <param name="CorrelationKeys">Process (global) variables that must all equal these values.</param>
/// <param name="LocalCorrelationKeys">Variables of the waiting activity's scope that must all equal these values.</param>
/// <param name="Variables">Variables delivered with the message.</param>
/// <param name="All">Correlate every match (none is no error); otherwise exactly one.</param>
/// <param name="UserId">Who sends it (history).</param>
public sealed record MessageCorrelation(
    string MessageName,
    string? ProcessInstanceId = null,
    string? BusinessKey = null,
    IReadOnlyDictionary<string, JsonNode?>? CorrelationKeys = null,
    IReadOnlyDictionary<string, JsonNode?>? LocalCorrelationKeys = null,
    IReadOnlyDictionary<string, JsonNode?>? Variables = null,
    bool All = false,
    string? UserId = null);

/// <summary>A message correlation matched no or several executions or definitions when exactly one was required. Nothing changed.</summary>
public sealed class MessageCorrelationMismatchException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public MessageCorrelationMismatchException(string messageName, string message)
        : base("message.correlation-mismatch", message)
    {
        MessageName = messageName;
    }

    /// <summary>The message name.</summary>
    public string MessageName { get; }
}

/// <summary>
/// The value type a client gave a variable (Camunda's <c>Long</c>, <c>Short</c>, <c>Date</c>, <c>Json</c>, <c>Object</c>...),
/// kept next to the JSON value it was stored as: the process's variables stay plain JSON for the engine and our own API.
/// </summary>
public interface IVariableValueTypes
{
    /// <summary>Records (or, for a null entry, forgets) the types of variables of an instance.</summary>
    Task SetAsync(string instanceId, IReadOnlyDictionary<string, VariableValueType?> types, CancellationToken cancellationToken = default);

    /// <summary>The recorded types of an instance's variables, with the values they were recorded for.</summary>
    Task<IReadOnlyDictionary<string, VariableValueType>> GetAsync(string instanceId, CancellationToken cancellationToken = default);
}

/// <summary>A recorded variable value type.</summary>
/// <param name="Type">The client's type name, e.g. <c>Long</c>.</param>
/// <param name="Value">The JSON value the variable was stored as; the type applies only while the variable still holds an equal value.</param>
/// <param name="ValueInfo">The client's value info (e.g. <c>objectTypeName</c>), if any.</param>
public sealed record VariableValueType(string Type, JsonNode? Value, JsonObject? ValueInfo = null)
{
    /// <summary>Whether this type still describes <paramref name="current"/> (the variable was not changed since).</summary>
    public bool Describes(JsonNode? current) => JsonNode.DeepEquals(Value, current);
}

/// <summary>Camunda-style history queries across instances (<c>/history/process-instance</c>, <c>/history/activity-instance</c>).</summary>
public interface IHistorySearchService
{
    /// <summary>Instances, running and ended, matching every criterion; paged, with the total.</summary>
    Task<PagedResult<InstanceSummary>> SearchInstancesAsync(HistoricInstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Activity instances (started, and their end) from the history, matching every criterion; paged, with the total.</summary>
    Task<PagedResult<HistoricActivity>> SearchActivitiesAsync(HistoricActivityQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Historic instance criteria (all optional, combined with AND).</summary>
public sealed record HistoricInstanceQuery
{
    /// <summary>Only these instance ids.</summary>
    public IReadOnlyList<string>? InstanceIds { get; init; }
    /// <summary>Only these definition keys.</summary>
    public IReadOnlyList<string>? ProcessKeys { get; init; }
    /// <summary>Definition version.</summary>
    public int? ProcessVersion { get; init; }
    /// <summary>Exact business key.</summary>
    public string? BusinessKey { get; init; }
    /// <summary>Business key pattern (SQL LIKE, <c>%</c>).</summary>
    public string? BusinessKeyLike { get; init; }
    /// <summary>Ended (true) or running (false).</summary>
    public bool? Finished { get; init; }
    /// <summary>Only these statuses (Active, Completed, Cancelled, Terminated).</summary>
    public IReadOnlyList<string>? Statuses { get; init; }
    /// <summary>Initiator.</summary>
    public string? StartedBy { get; init; }
    /// <summary>Call-activity parent.</summary>
    public string? ParentInstanceId { get; init; }
    /// <summary>Started at or before.</summary>
    public DateTimeOffset? StartedBefore { get; init; }
    /// <summary>Started at or after.</summary>
    public DateTimeOffset? StartedAfter { get; init; }
    /// <summary>Ended at or before.</summary>
    public DateTimeOffset? FinishedBefore { get; init; }
    /// <summary>Ended at or after.</summary>
    public DateTimeOffset? FinishedAfter { get; init; }
    /// <summary>Only instances with open incidents.</summary>
    public bool WithIncidents { get; init; }
    /// <summary>Sort keys (instanceId, definitionId, definitionKey, definitionVersion, businessKey, startTime, endTime, duration) with descending flags; then oldest first.</summary>
    public IReadOnlyList<(string Key, bool Descending)> Sorting { get; init; } = [];
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (0 = count only; at most 1000).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>Historic activity-instance criteria (all optional, combined with AND).</summary>
public sealed record HistoricActivityQuery
{
    /// <summary>Instance.</summary>
    public string? InstanceId { get; init; }
    /// <summary>Definition key.</summary>
    public string? ProcessKey { get; init; }
    /// <summary>Definition version.</summary>
    public int? ProcessVersion { get; init; }
    /// <summary>Element id.</summary>
    public string? ActivityId { get; init; }
    /// <summary>Activity instance id.</summary>
    public string? ActivityInstanceId { get; init; }
    /// <summary>Camunda activity type (userTask, serviceTask, startEvent, noneEndEvent...).</summary>
    public string? ActivityType { get; init; }
    /// <summary>Ended (true) or running (false).</summary>
    public bool? Finished { get; init; }
    /// <summary>Cancelled (true) or not (false).</summary>
    public bool? Canceled { get; init; }
    /// <summary>Started at or before.</summary>
    public DateTimeOffset? StartedBefore { get; init; }
    /// <summary>Started at or after.</summary>
    public DateTimeOffset? StartedAfter { get; init; }
    /// <summary>Ended at or before.</summary>
    public DateTimeOffset? FinishedBefore { get; init; }
    /// <summary>Ended at or after.</summary>
    public DateTimeOffset? FinishedAfter { get; init; }
    /// <summary>Sort keys (activityInstanceId, executionId, instanceId, activityId, activityType, startTime, endTime, duration, definitionId, occurrence) with descending flags; then start order.</summary>
    public IReadOnlyList<(string Key, bool Descending)> Sorting { get; init; } = [];
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (0 = count only; at most 1000).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>One activity instance from the history.</summary>
public sealed record HistoricActivity(
    string ActivityInstanceId,
    string InstanceId,
    string ProcessKey,
    int ProcessVersion,
    string ActivityId,
    string? ActivityType,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    bool Canceled,
    string? TaskId);
