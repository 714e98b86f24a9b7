using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Runtime.Commands;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Jobs;

/// <summary>
/// Hands committed timers and service jobs to Hangfire and removes the jobs of cancelled ones by their
/// stored id. Runs only after the transaction committed, so nothing is scheduled that was not committed;
/// a crash between commit and this step is repaired by the sweep (<see cref="RuntimeMaintenance"/>),
/// and every job re-checks its row, so duplicates are harmless.
/// </summary>
internal sealed class JobDispatcher(
    IBackgroundJobClient client,
    RuntimeDatabase database,
    ServiceTaskHandlerRegistry handlers,
    ILogger<JobDispatcher> logger)
{
    public Task AfterCommitAsync(UnitOfWork unit, CancellationToken cancellationToken) =>
        AfterCommitAsync(unit.TimersToSchedule, unit.TimersToUnschedule, unit.JobsToRun, unit.JobsToUnschedule, cancellationToken);

    /// <summary>
    /// Schedules committed timers (an empty instance id marks a timer start event) and service jobs, and deletes
    /// the Hangfire jobs of cancelled timers and service jobs by their stored id.
    /// </summary>
    public async Task AfterCommitAsync(
        List<(string TimerId, string InstanceId, DateTimeOffset DueAt)> timersToSchedule,
        List<string> timersToUnschedule,
        List<(string JobId, string Topic, DateTimeOffset DueAt)> jobsToRun,
        List<string> jobsToUnschedule,
        CancellationToken cancellationToken)
    {
        if (timersToSchedule.Count == 0 && timersToUnschedule.Count == 0 && jobsToRun.Count == 0 && jobsToUnschedule.Count == 0)
        {
            return;
        }

        try
        {
            var timerIds = new List<string>();
            var timerJobIds = new List<string>();
            foreach (var (timerId, instanceId, dueAt) in timersToSchedule)
            {
                timerIds.Add(timerId);
                timerJobIds.Add(client.Schedule<TimerJob>(job => job.FireAsync(instanceId, timerId, CancellationToken.None), dueAt));
            }

            var jobIds = new List<string>();
            var jobHangfireIds = new List<string>();
            foreach (var (jobId, topic, dueAt) in jobsToRun)
            {
                if (!handlers.Has(topic))
                {
                    continue; // open for external workers (fetch and lock)
                }

                jobIds.Add(jobId);
                jobHangfireIds.Add(client.Schedule<ServiceTaskJob>(job => job.RunAsync(jobId, CancellationToken.None), dueAt));
            }

            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            if (timerIds.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    "UPDATE pf.timers t SET hangfire_job_id = u.job FROM unnest($1::text[], $2::text[]) AS u(id, job) WHERE t.id = u.id AND t.status = 'pending'",
                    timerIds.ToArray(),
                    timerJobIds.ToArray()));
            }

            if (jobIds.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    "UPDATE pf.service_jobs j SET hangfire_job_id = u.job FROM unnest($1::text[], $2::text[]) AS u(id, job) WHERE j.id = u.id AND j.status = 'pending'",
                    jobIds.ToArray(),
                    jobHangfireIds.ToArray()));
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var hangfireId in await StoredJobIdsAsync(connection, "pf.timers", timersToUnschedule, cancellationToken))
            {
                client.Delete(hangfireId);
            }

            foreach (var hangfireId in await StoredJobIdsAsync(connection, "pf.service_jobs", jobsToUnschedule, cancellationToken))
            {
                client.Delete(hangfireId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The state change is committed; the sweep schedules what is missing. Log, do not fail the command.
            logger.LogWarning(ex, "Scheduling Hangfire jobs after commit failed; the sweep will take over");
        }
    }

    private static async Task<IReadOnlyList<string>> StoredJobIdsAsync(NpgsqlConnection connection, string table, List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var list = new List<string>();
        await using var command = new NpgsqlCommand($"SELECT hangfire_job_id FROM {table} WHERE id = ANY(@ids) AND hangfire_job_id IS NOT NULL", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
