using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>
/// Crash and multi-process drills: the runtime runs in separate host processes (real Hangfire servers)
/// against one database, while 1,000 instances move through a timer and a service task each.
/// </summary>
[Collection(nameof(DrillTests))]
public sealed class DrillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Instances = 1000;
    private RuntimeHarness _runtime = null!;

    public async Task InitializeAsync()
    {
        _runtime = await RuntimeHarness.StartAsync(await SharedCluster.CreateDatabaseAsync("drill"));
        await _runtime.ExecuteAsync("CREATE TABLE drill_calls (job_id text NOT NULL, pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    /// <summary>
    /// Both drills of the issue in one pass (to keep the suite fast): two server processes share the
    /// database; one is killed with SIGKILL mid-flight and a replacement starts. Every instance finishes,
    /// each step is in history exactly once, and no timer, job or Hangfire job is left behind.
    /// </summary>
    [Fact]
    public async Task Two_servers_one_killed_mid_flight_finish_every_instance_with_each_step_once()
    {
        var key = await StartInstancesAsync("drill");
        await using var survivor = await HostProcess.StartAsync(_runtime.ConnectionString, workers: 6);
        int victimPid;
        await using (var victim = await HostProcess.StartAsync(_runtime.ConnectionString, workers: 6))
        {
            victimPid = victim.Id;
            await Eventually.TrueAsync(async () => await CompletedAsync(key) >= Instances / 5, TimeSpan.FromSeconds(120), "a fifth of the instances completed");
            victim.KillHard();
        }

        var completedAtCrash = await CompletedAsync(key);
        Assert.True(completedAtCrash < Instances, "the kill happened mid-flight");
        await using var replacement = await HostProcess.StartAsync(_runtime.ConnectionString, workers: 6);

        await Eventually.TrueAsync(async () => await CompletedAsync(key) == Instances, TimeSpan.FromSeconds(150), "every instance completed after the kill");
        await AssertNothingPendingAsync(key);
        await AssertEveryStepOnceAsync(key);

        // Handlers ran once per job, except a job the killed process was running when it died.
        var calls = await _runtime.ScalarAsync("SELECT count(*) FROM drill_calls");
        var distinct = await _runtime.ScalarAsync("SELECT count(DISTINCT job_id) FROM drill_calls");
        var byVictim = await _runtime.ScalarAsync("SELECT count(*) FROM drill_calls WHERE pid = $1", victimPid);
        Assert.Equal(Instances, distinct);
        Assert.True(calls - distinct <= byVictim, $"{calls - distinct} repeated handler run(s) not explained by the kill");
        Assert.True(await _runtime.ScalarAsync("SELECT count(DISTINCT pid) FROM drill_calls") >= 2, "both servers did work");
    }

    private async Task<string> StartInstancesAsync(string prefix)
    {
        var key = $"{prefix}_{Guid.NewGuid():N}"[..16];
        await _runtime.Deployments.DeployAsync(new DeploymentRequest(null, [new("drill.bpmn", Bpmn.TimerThenService(key, "PT2S", "drill.work"))]));
        var starts = Enumerable.Range(0, Instances).Select(i => _runtime.Commands.StartAsync(new StartInstanceRequest(key, BusinessKey: $"D-{i}")));
        foreach (var chunk in starts.Chunk(8))
        {
            await Task.WhenAll(chunk);
        }

        return key;
    }

    private async Task<long> CompletedAsync(string key)
    {
        var completed = await _runtime.ScalarAsync("SELECT count(*) FROM pf.instances WHERE definition_key = $1 AND status = 'Completed'", key);
        if (DateTimeOffset.UtcNow - _lastReport > TimeSpan.FromSeconds(5))
        {
            _lastReport = DateTimeOffset.UtcNow;
            var timers = await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE status = 'fired'");
            var hangfire = await _runtime.ScalarAsync("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'");
            var failed = await _runtime.ScalarAsync("SELECT count(*) FROM hangfire.job WHERE statename IN ('Failed', 'Scheduled') AND id IN (SELECT jobid FROM hangfire.state WHERE name = 'Failed')");
            output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} completed {completed}, timers fired {timers}, hangfire succeeded {hangfire}, failed/retrying {failed}");
        }

        return completed;
    }

    private DateTimeOffset _lastReport;

    private async Task AssertNothingPendingAsync(string key)
    {
        Assert.Equal(0, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers t JOIN pf.instances i ON i.id = t.instance_id WHERE i.definition_key = $1 AND t.status = 'pending'", key));
        Assert.Equal(0, await _runtime.ScalarAsync("SELECT count(*) FROM pf.service_jobs j JOIN pf.instances i ON i.id = j.instance_id WHERE i.definition_key = $1 AND j.status NOT IN ('completed')", key));

        // Hangfire jobs of the killed process run later as no-ops (after its stale locks expire); none may stay behind.
        // A job that failed in the crash's aftermath (a lock broken as stale, a row the killed process still held) is
        // retried by Hangfire only after its own back-off: 15 s and more, random, longer per attempt. Waiting that out
        // on the wall clock raced Hangfire's dice, so such retries are run at once; a job that keeps failing keeps
        // coming back as a retry and fails the test.
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    await RunHangfireRetriesNowAsync();
                    return await _runtime.ScalarAsync("SELECT count(*) FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing', 'Scheduled')") == 0;
                },
                TimeSpan.FromSeconds(60),
                "no Hangfire job is left scheduled, enqueued or processing");
        }
        finally
        {
            await using var states = _runtime.DataSource.CreateCommand(
                "SELECT j.statename, count(*), count(q.id), count(q.fetchedat), min(q.fetchedat)::text, max(j.createdat)::text " +
                "FROM hangfire.job j LEFT JOIN hangfire.jobqueue q ON q.jobid = j.id GROUP BY j.statename");
            await using var reader = await states.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                output.WriteLine($"hangfire {reader.GetValue(0)}: {reader.GetValue(1)} jobs, {reader.GetValue(2)} queued, {reader.GetValue(3)} fetched (oldest {reader.GetValue(4)}), newest {reader.GetValue(5)}");
            }

            await reader.CloseAsync();
            // Why jobs failed: Hangfire's automatic retry records the exception in the reason of the Scheduled state it
            // elects instead of Failed (or in the Failed state once the attempts are used up).
            await using var failures = _runtime.DataSource.CreateCommand(
                "SELECT count(*), name || ': ' || left(coalesce(data->>'ExceptionType', '') || ' ' || coalesce(reason, '') || ' ' || coalesce(data->>'ExceptionMessage', ''), 400) " +
                "FROM hangfire.state WHERE name = 'Failed' OR (name = 'Scheduled' AND reason LIKE 'Retry attempt%') GROUP BY 2 ORDER BY 1 DESC LIMIT 10");
            await using var failed = await failures.ExecuteReaderAsync();
            while (await failed.ReadAsync())
            {
                output.WriteLine($"hangfire {failed.GetInt64(0)}x {failed.GetString(1)}");
            }

            await failed.CloseAsync();
            // The history of each job still open, and Hangfire's distributed locks (a lock of the killed process stays until stale).
            await using var open = _runtime.DataSource.CreateCommand(
                "SELECT j.id || ' ' || j.statename || ' ' || coalesce(j.invocationdata->>'Method', '') || ' ' || j.arguments::text || ': ' || " +
                "string_agg(s.name || ' at ' || s.createdat::time::text || coalesce(' (' || left(s.reason, 200) || ')', ''), ' > ' ORDER BY s.id) " +
                "FROM hangfire.job j JOIN hangfire.state s ON s.jobid = j.id WHERE j.statename NOT IN ('Succeeded', 'Deleted') GROUP BY j.id " +
                "UNION ALL SELECT 'lock ' || resource || ' acquired at ' || acquired::time::text FROM hangfire.lock");
            await using var rows = await open.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                output.WriteLine($"hangfire {rows.GetString(0)}");
            }
        }
    }

    /// <summary>Enqueues the jobs waiting out an automatic-retry back-off (their Scheduled state was elected by a retry).</summary>
    private async Task RunHangfireRetriesNowAsync()
    {
        var retries = new List<string>();
        await using (var command = _runtime.DataSource.CreateCommand(
            "SELECT j.id::text FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid WHERE j.statename = 'Scheduled' AND s.reason LIKE 'Retry attempt%'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                retries.Add(reader.GetString(0));
            }
        }

        var client = _runtime.Host.Services.GetRequiredService<IBackgroundJobClient>();
        foreach (var id in retries)
        {
            client.ChangeState(id, new EnqueuedState(), ScheduledState.StateName);
        }
    }

    private async Task AssertEveryStepOnceAsync(string key)
    {
        foreach (var type in new[] { "InstanceStarted", "TimerFired", "ServiceTaskCompleted", "InstanceCompleted" })
        {
            var wrong = await _runtime.ScalarAsync(
                "SELECT count(*) FROM (SELECT i.id FROM pf.instances i LEFT JOIN pf.history h ON h.instance_id = i.id AND h.type = $2 WHERE i.definition_key = $1 GROUP BY i.id HAVING count(h.sequence) <> 1) x",
                key,
                type);
            Assert.True(wrong == 0, $"{wrong} instance(s) do not have exactly one {type} entry");
        }

        var ids = new List<string>();
        await using (var command = _runtime.DataSource.CreateCommand($"SELECT id FROM pf.instances WHERE definition_key = '{key}'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        foreach (var id in ids)
        {
            var verification = await _runtime.Audit.VerifyAsync(id);
            Assert.True(verification.IsValid, verification.Problem);
        }
    }
}

/// <summary>The drills load the machine; they run alone, after the parallel test classes.</summary>
[CollectionDefinition(nameof(DrillTests), DisableParallelization = true)]
public sealed class DrillCollection;
