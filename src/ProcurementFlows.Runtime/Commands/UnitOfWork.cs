using Npgsql;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime.Commands;

/// <summary>
/// One database transaction of the command loop, plus the Hangfire work that must follow its commit.
/// Writes are queued with <see cref="Write"/> and sent in one round trip: before the next read that may
/// depend on them (<see cref="FlushAsync"/>), or together with the COMMIT (<see cref="CommitAsync"/>).
/// </summary>
internal sealed class UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    private NpgsqlBatch? _writes;

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

    /// <summary>The engine command type of the unit's first command (the command-duration metric's tag).</summary>
    public string? CommandName { get; set; }

    /// <summary>What the unit did, counted by the metrics once it has committed: (type, process key, detail).</summary>
    public List<(HistoryEntryType Type, string ProcessKey, string? Detail)> MetricEvents { get; } = [];

    /// <summary>
    /// Starts by key read the latest version from the database instead of the process's cache (set when an earlier attempt
    /// of this command found the cached version stale).
    /// </summary>
    public bool ReadLatestVersions { get; init; }

    /// <summary>Whether writes are queued and not yet sent.</summary>
    public bool HasPendingWrites => _writes is not null;

    /// <summary>Queues a write; it runs, in order, with the next flush or the commit.</summary>
    public void Write(NpgsqlBatchCommand command) =>
        (_writes ??= new NpgsqlBatch(Connection, Transaction)).BatchCommands.Add(command);

    /// <summary>Sends the queued writes (call before reading rows that earlier commands of this unit may have changed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_writes is not { } writes)
        {
            return;
        }

        _writes = null;
        await using (writes)
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Sends the queued writes and the COMMIT in one round trip.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_writes is null)
        {
            await Transaction.CommitAsync(cancellationToken);
            return;
        }

        // A statement that fails aborts the rest of the batch, COMMIT included; disposing the transaction rolls back.
        Write(new NpgsqlBatchCommand("COMMIT"));
        await FlushAsync(cancellationToken);
    }

    /// <summary>Sends the queued writes (so that they are checked), then rolls everything back.</summary>
    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await Transaction.RollbackAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writes is not null)
        {
            await _writes.DisposeAsync();
        }

        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
