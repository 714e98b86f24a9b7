using System.Text.Json.Nodes;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>Timers and service tasks through a real Hangfire server on the test database.</summary>
public sealed class HangfireIntegrationTests : IAsyncLifetime
{
    private readonly ScriptedHandler _check = new("test.check", _ => ScriptedHandler.Ok("checked", true));
    private readonly ScriptedHandler _flaky = new("test.flaky", _ => new ServiceTaskResult.Failed("registry unavailable"));
    private RuntimeHarness _runtime = null!;

    // The sweep (the safety net for lost Hangfire jobs) is held back, so what these tests see was done by Hangfire itself.
    public async Task InitializeAsync() => _runtime = await RuntimeHarness.StartAsync(
        await SharedCluster.CreateDatabaseAsync("hangfire"),
        configure: o =>
        {
            o.RunBackgroundServer = true;
            o.SweepGrace = TimeSpan.FromHours(1);
        },
        handlers: [_check, _flaky]);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task A_service_task_runs_as_a_job_and_its_result_moves_the_instance_on()
    {
        var key = await DeployAsync(Bpmn.ServiceThenTask(Key("svc"), "test.check"));

        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key, Variables: new Dictionary<string, JsonNode?> { ["supplier"] = "ACME" }));
        Assert.Empty(started.OpenTaskIds);

        await Eventually.TrueAsync(async () => (await _runtime.Queries.GetInstanceAsync(started.InstanceId))!.OpenTasks.Count == 1, TimeSpan.FromSeconds(15), "the service task completed");
        var detail = await _runtime.Queries.GetInstanceAsync(started.InstanceId);
        Assert.Equal(true, (bool?)detail!.Variables["checked"]);
        var call = Assert.Single(_check.Calls, c => c.ProcessInstanceId == started.InstanceId);
        Assert.Equal(("Service", 1), (call.ActivityId, call.Attempt));
        Assert.Equal("completed", await StatusOfJobAsync(started.InstanceId));
    }

    [Fact]
    public async Task Failures_follow_the_retry_cycle_then_raise_an_incident_that_can_be_retried()
    {
        var key = await DeployAsync(Bpmn.ServiceThenTask(Key("flaky"), "test.flaky", "R2/PT1S"));
        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key));

        await Eventually.TrueAsync(async () => (await _runtime.Queries.GetIncidentsAsync(processKey: key)).Total == 1, TimeSpan.FromSeconds(30), "retries were exhausted");
        var incident = Assert.Single((await _runtime.Queries.GetIncidentsAsync(processKey: key)).Items);
        Assert.Equal(("Service", "open"), (incident.ActivityId, incident.Status));
        Assert.Contains("registry unavailable", incident.Message, StringComparison.Ordinal);
        var attempts = _flaky.Calls.Where(c => c.ProcessInstanceId == started.InstanceId).Select(c => c.Attempt).ToList();
        Assert.Equal([1, 2], attempts); // R2: two executions in all, as in Camunda
        Assert.True((await _runtime.Queries.SearchInstancesAsync(new InstanceQuery { WithIncidents = true, ProcessKey = key })).Total == 1);

        _flaky.Behaviour = _ => ScriptedHandler.Ok("recovered", true);
        await _runtime.Commands.RetryIncidentAsync(incident.Id, 1, UserContext.Of("sup", "supervisors"));

        await Eventually.TrueAsync(async () => (await _runtime.Queries.GetInstanceAsync(started.InstanceId))!.OpenTasks.Count == 1, TimeSpan.FromSeconds(15), "the retried job succeeded");
        Assert.Equal(0, (await _runtime.Queries.GetIncidentsAsync(processKey: key)).Total);
        Assert.True((await _runtime.Audit.VerifyAsync(started.InstanceId)).IsValid);
    }

    [Fact]
    public async Task A_due_timer_fires_within_about_a_second()
    {
        var key = await DeployAsync(Bpmn.TimerThenService(Key("timer"), "PT1S", "test.check"));

        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key));

        await Eventually.TrueAsync(async () => (await _runtime.Queries.GetInstanceAsync(started.InstanceId))!.Instance.Status == "Completed", TimeSpan.FromSeconds(15), "the timer fired and the service task ran");
        Assert.Equal(0, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id = $1 AND status = 'pending'", started.InstanceId));
        Assert.Equal(1, await _runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1 AND type = 'TimerFired'", started.InstanceId));
        // Promptness is Hangfire's schedule polling (1 s here, 15 s by default): measured from Hangfire's own record of the
        // timer's job, from when it was due (or scheduled, if later) to when the scheduler enqueued it. The end-to-end time
        // of the case would also count the start, both jobs and the test's polling, which a busy machine stretches.
        var lagMs = await _runtime.ScalarAsync(
            """
            SELECT (extract(epoch FROM e.createdat - greatest(t.due_at, s.createdat)) * 1000)::bigint
            FROM pf.timers t
            JOIN hangfire.state s ON s.jobid = t.hangfire_job_id::bigint AND s.name = 'Scheduled'
            JOIN hangfire.state e ON e.jobid = s.jobid AND e.name = 'Enqueued'
            WHERE t.instance_id = $1
            """,
            started.InstanceId);
        Assert.True(lagMs < 5000, $"Hangfire enqueued the due timer {lagMs} ms after it was due (schedule polling should be about 1 s)");
    }

    [Fact]
    public async Task Cancelling_an_instance_deletes_its_timer_job()
    {
        var key = await DeployAsync(Bpmn.TimerThenService(Key("cancel"), "PT1H", "test.check"));
        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key));
        var hangfireId = await _runtime.ScalarAsync("SELECT hangfire_job_id::bigint FROM pf.timers WHERE instance_id = $1", started.InstanceId);

        await _runtime.Commands.CancelInstanceAsync(started.InstanceId, "withdrawn", UserContext.Of("sup"));

        Assert.Equal("cancelled", await ScalarTextAsync("SELECT status FROM pf.timers WHERE instance_id = $1", started.InstanceId));
        Assert.Equal("Deleted", await ScalarTextAsync("SELECT statename FROM hangfire.job WHERE id = $1", hangfireId));
    }

    private async Task<string?> StatusOfJobAsync(string instanceId) => await ScalarTextAsync("SELECT status FROM pf.service_jobs WHERE instance_id = $1", instanceId);

    private async Task<string?> ScalarTextAsync(string sql, object parameter)
    {
        await using var command = _runtime.DataSource.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<string> DeployAsync(string xml) =>
        (await _runtime.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", xml)]))).Definitions[0].Key;

    private static string Key(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..20];
}
