using System.Text.Json.Nodes;

namespace ProcurementFlows.Runtime;

/// <summary>Stores process definitions and forms as immutable, numbered versions.</summary>
public interface IDeploymentService
{
    /// <summary>
    /// Validates every BPMN file with the engine's compiler and stores the deployment atomically.
    /// Identical content is not stored again; a changed file gets version n+1.
    /// </summary>
    /// <exception cref="DeploymentRejectedException">Any error diagnostic: nothing is stored.</exception>
    Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken cancellationToken = default);

    /// <summary>All definition versions (or only the latest per key), ordered by key and version.</summary>
    Task<IReadOnlyList<DefinitionDetail>> ListDefinitionsAsync(bool latestOnly = true, CancellationToken cancellationToken = default);

    /// <summary>One definition version (latest when <paramref name="version"/> is null), or null.</summary>
    Task<DefinitionDetail?> GetDefinitionAsync(string key, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A deployed version compiled (once per version, from the runtime's cache): user tasks, start form, element names.
    /// </summary>
    /// <exception cref="NotFoundException">The version is not deployed.</exception>
    Task<ProcurementFlows.Engine.CompiledProcess> GetProcessAsync(string key, int version, CancellationToken cancellationToken = default);

    /// <summary>One form version (latest when <paramref name="version"/> is null), or null.</summary>
    Task<FormDetail?> GetFormAsync(string formKey, int? version = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// Commands on process instances. Each runs in one transaction; a concurrent change makes it fail with
/// <see cref="ConcurrencyConflictException"/> (nothing written). Rejected commands throw
/// <see cref="ProcurementFlows.Engine.CommandRejectedException"/> with a stable code; unknown ids throw
/// <see cref="NotFoundException"/>. <c>expectedVersion</c>, when given, must equal the instance's current
/// version (ETag / If-Match), else the command fails with a conflict.
/// </summary>
public interface IProcessCommands
{
    /// <summary>Starts an instance of the latest (or given) version of a definition.</summary>
    Task<InstanceOutcome> StartAsync(StartInstanceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Completes a user task as <paramref name="user"/> (assignee/candidate and segregation-of-duties checks).</summary>
    Task<InstanceOutcome> CompleteTaskAsync(string taskId, UserContext user, IReadOnlyDictionary<string, JsonNode?>? variables = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Claims an unassigned task.</summary>
    Task<InstanceOutcome> ClaimTaskAsync(string taskId, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Returns a claimed task to its candidates.</summary>
    Task<InstanceOutcome> UnclaimTaskAsync(string taskId, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The assignee delegates the task to another user.</summary>
    Task<InstanceOutcome> DelegateTaskAsync(string taskId, UserContext user, string delegateTo, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Supervisor (re)assignment; null unassigns. Authorization is the caller's business.</summary>
    Task<InstanceOutcome> AssignTaskAsync(string taskId, string? assignee, UserContext supervisor, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Delivers a message to waiting instances, or starts instances with a matching message start event.</summary>
    /// <exception cref="MessageNotCorrelatedException">Nobody waits for the message and nothing starts with it.</exception>
    Task<MessageCorrelationResult> CorrelateMessageAsync(CorrelateMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Cancels an active instance (and its call-activity children).</summary>
    Task<InstanceOutcome> CancelInstanceAsync(string instanceId, string? reason, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Sets process variables on an active instance.</summary>
    Task<InstanceOutcome> SetVariablesAsync(string instanceId, IReadOnlyDictionary<string, JsonNode?> variables, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Resolves an incident and re-dispatches its job with <paramref name="retries"/> retries.</summary>
    Task<InstanceOutcome> RetryIncidentAsync(string incidentId, int retries, UserContext user, CancellationToken cancellationToken = default);

    /// <summary>Migrates instances between definition versions; with <see cref="MigrationRequest.DryRun"/> nothing changes.</summary>
    Task<MigrationResult> MigrateAsync(MigrationRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Read-only views for the inbox, case viewer and supervisor dashboard.</summary>
public interface IProcessQueries
{
    /// <summary>An officer's inbox (or all open tasks for supervisors), paged with stable ordering.</summary>
    Task<PagedResult<TaskSummary>> GetInboxAsync(InboxQuery query, CancellationToken cancellationToken = default);

    /// <summary>One task (open or closed), or null.</summary>
    Task<TaskSummary?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Searches instances, newest first, paged.</summary>
    Task<PagedResult<InstanceSummary>> SearchInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Variables, open tasks, pending timers, incidents, subscriptions and history of an instance, or null.</summary>
    Task<InstanceDetail?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The instance's history in sequence order.</summary>
    Task<IReadOnlyList<HistoryRecord>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The history entries of several instances at the given activities (any entry type), in sequence order per instance,
    /// in one query: e.g. which milestones each instance of a page has reached. Instances without such entries are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<HistoryRecord>>> GetHistoryAtActivitiesAsync(
        IReadOnlyCollection<string> instanceIds, IReadOnlyCollection<string> activityIds, CancellationToken cancellationToken = default);

    /// <summary>Open, overdue and escalated tasks per candidate group and officer (supervisors).</summary>
    Task<IReadOnlyList<WorkloadSummary>> GetWorkloadAsync(string? group = null, CancellationToken cancellationToken = default);

    /// <summary>SLA breaches per stage (task definition key) of a process, or of all processes.</summary>
    Task<IReadOnlyList<StageSlaSummary>> GetSlaAsync(string? processKey = null, CancellationToken cancellationToken = default);

    /// <summary>Incidents (open by default), newest first, paged.</summary>
    Task<PagedResult<IncidentSummary>> GetIncidentsAsync(bool openOnly = true, string? processKey = null, int offset = 0, int limit = 50, CancellationToken cancellationToken = default);
}

/// <summary>The audit chain of history entries.</summary>
public interface IAuditService
{
    /// <summary>Re-computes the instance's hash chain and reports the first broken link.</summary>
    Task<HistoryVerification> VerifyAsync(string instanceId, CancellationToken cancellationToken = default);
}

/// <summary>Background maintenance that Hangfire runs on a schedule; tests may call it directly with a fake clock.</summary>
public interface IRuntimeMaintenance
{
    /// <summary>Fires every pending timer whose due time (by the runtime clock) has passed; returns how many fired.</summary>
    Task<int> FireDueTimersAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs every pending service job that is due and handled in-process; returns how many ran.</summary>
    Task<int> RunDueServiceJobsAsync(CancellationToken cancellationToken = default);
}
