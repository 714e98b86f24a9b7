using System.ComponentModel.DataAnnotations;

namespace ProcurementFlows.Runtime;

/// <summary>
/// Options of the durable runtime (configuration section <c>ProcurementFlows:Runtime</c>).
/// Either <see cref="ConnectionString"/> or <see cref="LocalPostgresDirectory"/> must be set.
/// </summary>
public sealed class ProcurementFlowsRuntimeOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ProcurementFlows:Runtime";

    /// <summary>PostgreSQL connection string. When empty, a private local cluster is started (see <see cref="LocalPostgresDirectory"/>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Folder of the private local PostgreSQL cluster used when <see cref="ConnectionString"/> is empty
    /// (the server uses <c>.data/postgres</c> under its content root).
    /// </summary>
    public string? LocalPostgresDirectory { get; set; }

    /// <summary>Database name of the local cluster. Default <c>procurementflows</c>.</summary>
    public string LocalPostgresDatabase { get; set; } = "procurementflows";

    /// <summary>When false the local cluster runs without fsync (tests and benchmarks only). Default true.</summary>
    public bool LocalPostgresDurable { get; set; } = true;

    /// <summary>Run a Hangfire server (timers, service tasks) in this process. Default true.</summary>
    public bool RunBackgroundServer { get; set; } = true;

    /// <summary>Hangfire worker count. Default: 4 × processor count, at least 4.</summary>
    [Range(1, 1000)]
    public int WorkerCount { get; set; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>
    /// How many due scheduled jobs (timers) Hangfire moves to its queue in parallel; many timers falling due
    /// at once are limited by this. Default 4.
    /// </summary>
    [Range(1, 64)]
    public int SchedulerParallelism { get; set; } = 4;

    /// <summary>
    /// Let Hangfire's own bookkeeping commit without waiting for the WAL flush (<c>synchronous_commit = off</c>
    /// on Hangfire's connections only). Safe because the runtime's rows are the truth: every timer and
    /// service job is committed durably in <c>pf</c>, its job re-checks the row, and the sweep takes over a
    /// job lost in a crash. The runtime's own commits stay synchronous. Default true.
    /// </summary>
    public bool HangfireAsynchronousCommit { get; set; } = true;

    /// <summary>How often Hangfire looks for due scheduled jobs (timers). Default 1 s.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often Hangfire polls its queue when no notification arrives. Default 1 s.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often each process sweeps for overdue timers and service jobs: those whose Hangfire job was lost
    /// (e.g. a crash between commit and scheduling) or is late because many fell due at once. Default 2 s.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How overdue a timer or job must be before the sweep takes it over from Hangfire. Default 3 s.</summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many overdue timers the sweep fires at the same time (one transaction each). Default 8.</summary>
    [Range(1, 64)]
    public int TimerFiringParallelism { get; set; } = 8;

    /// <summary>How long a running service-task handler holds its job before another process may take it over. Default 5 min.</summary>
    public TimeSpan ServiceJobLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a Hangfire job fetched by a process that died stays invisible before another process runs it
    /// (running jobs are kept alive by heartbeats, so this only delays crash recovery). Default 1 min.
    /// </summary>
    public TimeSpan JobInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hangfire's distributed lock timeout; a lock left by a process that died is considered stale after
    /// this long (Hangfire.PostgreSql's default of 10 min would stall that process's jobs). Default 1 min.
    /// </summary>
    public TimeSpan JobLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often background work (timers, results, child/parent hand-over) retries after a concurrent change. Default 20.</summary>
    [Range(1, 1000)]
    public int ConflictRetries { get; set; } = 20;

    /// <summary>Folder whose <c>*.bpmn</c> and <c>*.form</c> files are deployed at start-up (null = none).</summary>
    public string? WorkflowsDirectory { get; set; }

    /// <summary>Maximum size of one deployed BPMN file in bytes. Default 10 MB.</summary>
    [Range(1024, int.MaxValue)]
    public long MaxBpmnBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Maximum number of connections in the runtime's pool. Default 50.</summary>
    [Range(2, 1000)]
    public int MaxPoolSize { get; set; } = 50;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(LocalPostgresDirectory))
        {
            yield return new ValidationResult(
                "Set either ConnectionString or LocalPostgresDirectory (a folder for a private local PostgreSQL cluster).",
                [nameof(ConnectionString), nameof(LocalPostgresDirectory)]);
        }

        foreach (var (name, value) in new[]
        {
            (nameof(SchedulePollingInterval), SchedulePollingInterval),
            (nameof(QueuePollInterval), QueuePollInterval),
            (nameof(SweepInterval), SweepInterval),
            (nameof(ServiceJobLease), ServiceJobLease),
            (nameof(JobInvisibilityTimeout), JobInvisibilityTimeout),
            (nameof(JobLockTimeout), JobLockTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{name} must be positive.", [name]);
            }
        }

        if (SweepGrace < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(SweepGrace)} must not be negative.", [nameof(SweepGrace)]);
        }
    }
}
