using System.Text.Json.Nodes;

namespace ProcurementFlows.Runtime;

/// <summary>Who acts: the user id and the groups the identity layer resolved for them.</summary>
/// <param name="UserId">The acting user.</param>
/// <param name="Groups">The user's groups (for candidate-group checks).</param>
public sealed record UserContext(string UserId, IReadOnlyCollection<string> Groups)
{
    /// <summary>A user without groups.</summary>
    public static UserContext Of(string userId, params string[] groups) => new(userId, groups);
}

/// <summary>A page of results with the total count; ordering is stable (ties broken by id).</summary>
/// <param name="Items">The page.</param>
/// <param name="Total">How many results match; a lower bound when <see cref="TotalIsExact"/> is false.</param>
/// <param name="Offset">Results skipped before the page.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, long Total, int Offset, int Limit)
{
    /// <summary>
    /// False when counting stopped at a bound (see <see cref="InboxQuery"/>): at least <see cref="Total"/> results match,
    /// so there are more pages than <see cref="Total"/> implies. True (the default) when <see cref="Total"/> is exact.
    /// </summary>
    public bool TotalIsExact { get; init; } = true;
}

// ---------------------------------------------------------------- deployment

/// <summary>One file of a deployment: a BPMN diagram (<c>*.bpmn</c>, <c>*.bpmn20.xml</c>) or a form (<c>*.form</c>).</summary>
/// <param name="Name">File name; its extension decides the kind.</param>
/// <param name="Content">File content (UTF-8 text).</param>
public sealed record DeploymentResource(string Name, string Content);

/// <summary>A deployment of several files, stored atomically.</summary>
/// <param name="Name">Deployment name (free text).</param>
/// <param name="Resources">The files.</param>
/// <param name="DeployedBy">Who deploys.</param>
/// <param name="Source">Where it came from (e.g. <c>workflows/</c>, <c>api</c>).</param>
public sealed record DeploymentRequest(string? Name, IReadOnlyList<DeploymentResource> Resources, string? DeployedBy = null, string? Source = null);

/// <summary>The outcome of a deployment. <see cref="DeploymentId"/> is null when nothing changed.</summary>
public sealed record DeploymentResult(
    Guid? DeploymentId,
    IReadOnlyList<DeployedDefinition> Definitions,
    IReadOnlyList<DeployedForm> Forms,
    IReadOnlyList<ResourceDiagnostic> Diagnostics)
{
    /// <summary>True when at least one definition or form got a new version.</summary>
    public bool Changed => DeploymentId is not null;
}

/// <summary>A process definition version (existing or new).</summary>
public sealed record DeployedDefinition(string Key, int Version, string? Name, string ResourceName, string Checksum, bool IsNew, DateTimeOffset DeployedAt, string? DeployedBy);

/// <summary>A form version (existing or new).</summary>
public sealed record DeployedForm(string FormKey, int Version, string ResourceName, string Checksum, bool IsNew);

/// <summary>Stored process definition version, with its BPMN XML.</summary>
public sealed record DefinitionDetail(string Key, int Version, string? Name, Guid DeploymentId, string ResourceName, string Checksum, DateTimeOffset DeployedAt, string? DeployedBy, string BpmnXml);

/// <summary>Stored form version.</summary>
public sealed record FormDetail(string FormKey, int Version, string ResourceName, string Checksum, DateTimeOffset DeployedAt, string Content);

// ---------------------------------------------------------------- commands

/// <summary>Start a process instance by definition key.</summary>
/// <param name="ProcessKey">The process id (definition key).</param>
/// <param name="Version">A specific version; null = latest.</param>
/// <param name="BusinessKey">Business key (e.g. the case number).</param>
/// <param name="Variables">Initial variables.</param>
/// <param name="StartedBy">The initiator (used by segregation-of-duties rules).</param>
public sealed record StartInstanceRequest(
    string ProcessKey,
    int? Version = null,
    string? BusinessKey = null,
    IReadOnlyDictionary<string, JsonNode?>? Variables = null,
    string? StartedBy = null);

/// <summary>The state of an instance after a command.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="ProcessKey">Definition key.</param>
/// <param name="ProcessVersion">Definition version.</param>
/// <param name="Status">Active, Completed, Cancelled or Terminated.</param>
/// <param name="Version">Optimistic-concurrency version of the instance row after the command (use as ETag).</param>
/// <param name="OpenTaskIds">Open user tasks after the command (e.g. the first task after a start).</param>
public sealed record InstanceOutcome(string InstanceId, string ProcessKey, int ProcessVersion, string Status, long Version, IReadOnlyList<string> OpenTaskIds);

/// <summary>Correlate a message by name (and correlation key) to waiting instances or message start events.</summary>
/// <param name="MessageName">The BPMN message name.</param>
/// <param name="CorrelationKey">The key the subscription waits for (null matches subscriptions without a key).</param>
/// <param name="Variables">Variables delivered with the message.</param>
/// <param name="BusinessKey">Business key for an instance started by the message.</param>
/// <param name="All">Deliver to every matching subscription (default: exactly one, the oldest).</param>
/// <param name="UserId">Who sends it (history).</param>
public sealed record CorrelateMessageRequest(
    string MessageName,
    string? CorrelationKey = null,
    IReadOnlyDictionary<string, JsonNode?>? Variables = null,
    string? BusinessKey = null,
    bool All = false,
    string? UserId = null);

/// <summary>Result of a correlation: the instances that received the message or were started by it.</summary>
public sealed record MessageCorrelationResult(IReadOnlyList<InstanceOutcome> Delivered, IReadOnlyList<InstanceOutcome> Started);

/// <summary>Move instances of one definition version to another.</summary>
/// <param name="ProcessKey">Definition key.</param>
/// <param name="SourceVersion">Version the instances run now.</param>
/// <param name="TargetVersion">Version to move to.</param>
/// <param name="ActivityMapping">Source activity id → target activity id; unmapped ids map to themselves.</param>
/// <param name="InstanceIds">Only these instances (null = all active instances of the source version).</param>
/// <param name="DryRun">Check every instance, change none.</param>
/// <param name="UserId">Who migrates.</param>
public sealed record MigrationRequest(
    string ProcessKey,
    int SourceVersion,
    int TargetVersion,
    IReadOnlyDictionary<string, string>? ActivityMapping = null,
    IReadOnlyList<string>? InstanceIds = null,
    bool DryRun = false,
    string? UserId = null);

/// <summary>Per-instance outcome of a migration (or of its dry run).</summary>
public sealed record MigrationInstanceResult(string InstanceId, bool Succeeded, string? ErrorCode, string? Error);

/// <summary>Outcome of a migration.</summary>
public sealed record MigrationResult(bool DryRun, int Succeeded, int Failed, IReadOnlyList<MigrationInstanceResult> Instances);

// ---------------------------------------------------------------- queries

/// <summary>Which tasks an inbox shows.</summary>
public enum InboxScope
{
    /// <summary>Tasks assigned to me, plus unassigned tasks I am a candidate for.</summary>
    All,
    /// <summary>Tasks assigned to me.</summary>
    Mine,
    /// <summary>Tasks of my candidate groups (assigned or not).</summary>
    MyGroups,
    /// <summary>Unassigned tasks I am a candidate for (user or group).</summary>
    Claimable,
    /// <summary>Every open task (supervisors).</summary>
    Everyone,
}

/// <summary>Sort order of an inbox.</summary>
public enum TaskSort
{
    /// <summary>Oldest first by default.</summary>
    Created,
    /// <summary>Due date (no due date last).</summary>
    Due,
    /// <summary>Priority (highest first when descending).</summary>
    Priority,
    /// <summary>Follow-up date.</summary>
    FollowUp,
}

/// <summary>
/// An inbox query. Its total is counted only up to <see cref="CountBeyondPage"/> tasks past the end of the page, so a
/// page costs the same with 100,000 open tasks as with 1,000: when more tasks match, <see cref="PagedResult{T}.Total"/>
/// is <c>Offset + Limit + CountBeyondPage</c> (a lower bound) and <see cref="PagedResult{T}.TotalIsExact"/> is false.
/// </summary>
public sealed record InboxQuery
{
    /// <summary>The default of <see cref="CountBeyondPage"/>.</summary>
    public const int DefaultCountBeyondPage = 1000;

    /// <summary>The viewer (required unless <see cref="Scope"/> is <see cref="InboxScope.Everyone"/>).</summary>
    public UserContext? User { get; init; }
    /// <summary>Which tasks.</summary>
    public InboxScope Scope { get; init; } = InboxScope.All;
    /// <summary>Only tasks of this definition key.</summary>
    public string? ProcessKey { get; init; }
    /// <summary>Only tasks with this task definition key (activity id).</summary>
    public string? ActivityId { get; init; }
    /// <summary>Only tasks of this candidate group.</summary>
    public string? CandidateGroup { get; init; }
    /// <summary>Only tasks due before this instant.</summary>
    public DateTimeOffset? DueBefore { get; init; }
    /// <summary>Only tasks past their due date (relative to the runtime clock).</summary>
    public bool Overdue { get; init; }
    /// <summary>Only escalated tasks (escalation level above 0).</summary>
    public bool Escalated { get; init; }
    /// <summary>
    /// Free text: only tasks whose name, process key, process name or business key contains it, or whose instance has one of
    /// <see cref="TextVariables"/> containing it (case-insensitive substring, no wildcards).
    /// </summary>
    public string? Text { get; init; }
    /// <summary>Instance variables that <see cref="Text"/> also searches, e.g. a case title (none by default).</summary>
    public IReadOnlyList<string> TextVariables { get; init; } = [];
    /// <summary>Sort key.</summary>
    public TaskSort Sort { get; init; } = TaskSort.Created;
    /// <summary>Descending order.</summary>
    public bool Descending { get; init; }
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (1..500, default 50).</summary>
    public int Limit { get; init; } = 50;
    /// <summary>
    /// Seek paging (only with <see cref="TaskSort.Created"/>): only tasks after this task in the page order, so the next page
    /// is the last item's id instead of a growing <see cref="Offset"/>, so deep pages do not read and skip every row before them. The task may since
    /// have been completed (task rows are kept); an unknown id matches nothing. The total then counts the tasks after it.
    /// </summary>
    public string? AfterTaskId { get; init; }
    /// <summary>
    /// How many matching tasks after the page are counted before the total is reported as a lower bound (0..100,000,
    /// default <see cref="DefaultCountBeyondPage"/>). Counting costs time in proportion to it.
    /// </summary>
    public int CountBeyondPage { get; init; } = DefaultCountBeyondPage;
}

/// <summary>A user task as the inbox shows it.</summary>
public sealed record TaskSummary(
    string Id,
    string InstanceId,
    string ProcessKey,
    string? BusinessKey,
    string ActivityId,
    string? Name,
    string? FormKey,
    string? Assignee,
    string? Owner,
    IReadOnlyList<string> CandidateUsers,
    IReadOnlyList<string> CandidateGroups,
    DateTimeOffset? DueAt,
    DateTimeOffset? FollowUpAt,
    int Priority,
    string Status,
    int EscalationLevel,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? ClosedBy);

/// <summary>Instance search criteria (all optional, combined with AND).</summary>
public sealed record InstanceQuery
{
    /// <summary>Definition key.</summary>
    public string? ProcessKey { get; init; }
    /// <summary>Definition version.</summary>
    public int? ProcessVersion { get; init; }
    /// <summary>Active, Completed, Cancelled, Terminated.</summary>
    public string? Status { get; init; }
    /// <summary>Exact business key.</summary>
    public string? BusinessKey { get; init; }
    /// <summary>Instances currently at this activity.</summary>
    public string? ActivityId { get; init; }
    /// <summary>Initiator.</summary>
    public string? StartedBy { get; init; }
    /// <summary>Started at or after.</summary>
    public DateTimeOffset? StartedAfter { get; init; }
    /// <summary>Started before.</summary>
    public DateTimeOffset? StartedBefore { get; init; }
    /// <summary>Only instances with open incidents.</summary>
    public bool WithIncidents { get; init; }
    /// <summary>Rows to skip.</summary>
    public int Offset { get; init; }
    /// <summary>Page size (1..500, default 50).</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>An instance in a search result.</summary>
public sealed record InstanceSummary(
    string Id,
    string ProcessKey,
    int ProcessVersion,
    string? BusinessKey,
    string Status,
    string? StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<string> CurrentActivities,
    string? ParentInstanceId,
    long Version);

/// <summary>A pending timer of an instance.</summary>
public sealed record TimerSummary(string Id, string InstanceId, string ActivityId, DateTimeOffset DueAt, string Status);

/// <summary>An incident.</summary>
public sealed record IncidentSummary(string Id, string InstanceId, string ProcessKey, string ActivityId, string Type, string Message, string? JobId, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

/// <summary>An open message subscription.</summary>
public sealed record SubscriptionSummary(string Id, string InstanceId, string MessageName, string? CorrelationKey, string ActivityId, DateTimeOffset CreatedAt);

/// <summary>One stored history entry.</summary>
public sealed record HistoryRecord(
    string InstanceId,
    long Sequence,
    string Type,
    string? ActivityId,
    string? ActivityType,
    string? ActivityInstanceId,
    string? UserId,
    DateTimeOffset OccurredAt,
    JsonObject? Data,
    string Hash);

/// <summary>Everything about one instance.</summary>
public sealed record InstanceDetail(
    InstanceSummary Instance,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<TaskSummary> OpenTasks,
    IReadOnlyList<TimerSummary> PendingTimers,
    IReadOnlyList<IncidentSummary> Incidents,
    IReadOnlyList<SubscriptionSummary> Subscriptions,
    IReadOnlyList<HistoryRecord> History);

/// <summary>Open escalated/overdue tasks of one group or officer.</summary>
/// <param name="Group">Candidate group (null for tasks without a group).</param>
/// <param name="Assignee">Officer (null = unassigned).</param>
/// <param name="OpenTasks">Open tasks.</param>
/// <param name="Overdue">Open tasks past due.</param>
/// <param name="Escalated">Open tasks with escalation level above 0.</param>
/// <param name="MaxEscalationLevel">Highest escalation level.</param>
public sealed record WorkloadSummary(string? Group, string? Assignee, int OpenTasks, int Overdue, int Escalated, int MaxEscalationLevel);

/// <summary>SLA view of one stage (task definition key) of a process.</summary>
/// <param name="ProcessKey">Definition key.</param>
/// <param name="ActivityId">Task definition key.</param>
/// <param name="Name">Task name.</param>
/// <param name="Open">Open tasks.</param>
/// <param name="OpenBreached">Open tasks past due.</param>
/// <param name="CompletedLate">Completed after their due date.</param>
/// <param name="Completed">Completed in total.</param>
/// <param name="AverageHoursOpen">Average open time of completed tasks, in hours.</param>
public sealed record StageSlaSummary(string ProcessKey, string ActivityId, string? Name, int Open, int OpenBreached, int CompletedLate, int Completed, double? AverageHoursOpen);

/// <summary>Result of verifying an instance's history chain.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="IsValid">True when every link holds.</param>
/// <param name="EntriesChecked">Entries read.</param>
/// <param name="FirstBrokenSequence">Sequence of the first entry whose link does not hold.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record HistoryVerification(string InstanceId, bool IsValid, long EntriesChecked, long? FirstBrokenSequence, string? Problem);
