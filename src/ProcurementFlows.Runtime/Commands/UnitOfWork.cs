using Npgsql;

namespace ProcurementFlows.Runtime.Commands;

/// <summary>
/// One database transaction of the command loop, plus the Hangfire work that must follow its commit.
/// </summary>
internal sealed class UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>Timers to schedule after commit: (timer id, instance id, due).</summary>
    public List<(string TimerId, string InstanceId, DateTimeOffset DueAt)> TimersToSchedule { get; } = [];

    /// <summary>Timer ids whose Hangfire job should be deleted after commit.</summary>
    public List<string> TimersToUnschedule { get; } = [];

    /// <summary>Service jobs to run after commit: (job id, topic, due).</summary>
    public List<(string JobId, string Topic, DateTimeOffset DueAt)> JobsToRun { get; } = [];

    /// <summary>Service job ids whose Hangfire job should be deleted after commit.</summary>
    public List<string> JobsToUnschedule { get; } = [];

    /// <summary>Nesting depth of cascaded commands (children, parents, messages) in this transaction.</summary>
    public int Depth { get; set; }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
