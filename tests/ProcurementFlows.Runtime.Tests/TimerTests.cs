using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>Timers fired by the runtime itself with a fake clock: batch firing of many due timers.</summary>
public sealed class TimerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero));
    private RuntimeHarness _runtime = null!;

    public async Task InitializeAsync() =>
        _runtime = await RuntimeHarness.StartAsync(await SharedCluster.CreateDatabaseAsync("timers"), _clock, o => o.TimerFiringParallelism = 4);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    private static string Wait(string key, string duration) => Bpmn.Definitions($"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait" />
            <bpmn:intermediateCatchEvent id="Wait">
              <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    [Fact]
    public async Task Many_timers_due_together_are_fired_in_parallel_each_exactly_once_and_a_timer_being_fired_elsewhere_is_skipped()
    {
        var key = "burst_" + Guid.NewGuid().ToString("N")[..8];
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("burst", [new($"{key}.bpmn", Wait(key, "PT1H"))]));
        var instances = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            instances.Add((await _runtime.Commands.StartAsync(new StartInstanceRequest(key))).InstanceId);
        }

        _clock.Advance(TimeSpan.FromHours(1));

        // Another transaction is firing one of them right now (holds its row lock): skipped, not waited for.
        await using (var other = await _runtime.DataSource.OpenConnectionAsync())
        await using (var transaction = await other.BeginTransactionAsync())
        {
            await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT id FROM pf.timers WHERE instance_id = $1 FOR UPDATE", other, transaction))
            {
                lockRow.Parameters.Add(new Npgsql.NpgsqlParameter { Value = instances[0] });
                await lockRow.ExecuteScalarAsync();
            }

            Assert.Equal(39, await _runtime.Maintenance.FireDueTimersAsync());
            await transaction.RollbackAsync();
        }

        Assert.Equal("Active", (await _runtime.Queries.GetInstanceAsync(instances[0]))!.Instance.Status);
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());
        foreach (var id in instances)
        {
            Assert.Equal("Completed", (await _runtime.Queries.GetInstanceAsync(id))!.Instance.Status);
            Assert.Equal(1, await _runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1 AND type = 'TimerFired'", id));
            Assert.True((await _runtime.Audit.VerifyAsync(id)).IsValid);
        }
    }
}

/// <summary>Timer start events: scheduled at deployment, start an instance when they fire, cycles reschedule, newer versions replace them.</summary>
public sealed class StartTimerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 5, 4, 8, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Monday);
    private RuntimeHarness _runtime = null!;

    public async Task InitializeAsync() =>
        _runtime = await RuntimeHarness.StartAsync(await SharedCluster.CreateDatabaseAsync("starttimers"), _clock);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    private static string Diagram(string key, string timer, string taskName = "Review") => Bpmn.Definitions($"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="TimerStart">
              <bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition>
            </bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="TimerStart" targetRef="Task" />
            <bpmn:userTask id="Task" name="{taskName}" camunda:candidateGroups="officers" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    private static string Key(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> InstancesAsync(string key, int? version = null) => version is null
        ? _runtime.ScalarAsync("SELECT count(*) FROM pf.instances WHERE definition_key = $1", key)
        : _runtime.ScalarAsync("SELECT count(*) FROM pf.instances WHERE definition_key = $1 AND definition_version = $2", key, version.Value);

    private Task<long> PendingStartTimersAsync(string key) =>
        _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND status = 'pending'", key);

    [Fact]
    public async Task A_repeating_cycle_starts_an_instance_each_time_until_its_repetitions_are_used_up()
    {
        var key = Key("cycle");
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("cycle", [new($"{key}.bpmn", Diagram(key, "<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>"))]));

        Assert.Equal(1, await PendingStartTimersAsync(key));
        Assert.Equal(1, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND hangfire_job_id IS NOT NULL", key));
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync()); // not due yet

        for (var round = 1; round <= 3; round++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
            Assert.Equal(round, await InstancesAsync(key));
        }

        Assert.Equal(0, await PendingStartTimersAsync(key));
        _clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal(3, await InstancesAsync(key));

        var inbox = await _runtime.Queries.GetInboxAsync(new InboxQuery { User = UserContext.Of("olga", "officers"), Scope = InboxScope.MyGroups, ProcessKey = key });
        Assert.Equal(3, inbox.Total);
        var first = (await _runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key })).Items[^1];
        var history = await _runtime.Queries.GetHistoryAsync(first.Id);
        Assert.Contains(history, h => h.Type == "InstanceStarted");
        Assert.Contains(history, h => h.ActivityId == "TimerStart");
    }

    [Fact]
    public async Task A_start_timer_whose_expression_reads_variables_is_refused_at_deployment_naming_the_element()
    {
        var key = Key("needsvars");
        var rejected = await Assert.ThrowsAsync<DeploymentRejectedException>(() => _runtime.Deployments.DeployAsync(
            new DeploymentRequest("vars", [new($"{key}.bpmn", Diagram(key, "<bpmn:timeDate>${dueAt}</bpmn:timeDate>"))])));

        var problem = Assert.Single(rejected.Diagnostics, d => d.Diagnostic.Code == "timer.start-needs-variables");
        Assert.Equal(($"{key}.bpmn", "TimerStart", DiagnosticSeverity.Error), (problem.ResourceName, problem.Diagnostic.ElementId, problem.Diagnostic.Severity));
        Assert.Contains("dueAt", problem.Diagnostic.Message, StringComparison.Ordinal);

        // Nothing was stored and nothing is scheduled.
        Assert.Null(await _runtime.Deployments.GetDefinitionAsync(key));
        Assert.Equal(0, await PendingStartTimersAsync(key));
    }

    [Fact]
    public async Task A_start_timer_expression_without_variables_is_evaluated_at_deployment_and_scheduled()
    {
        var date = Key("exprdate");
        var cycle = Key("exprcycle");
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("expressions", [
            new($"{date}.bpmn", Diagram(date, "<bpmn:timeDate>${dates.addDays(today(), 1)}</bpmn:timeDate>")),
            new($"{cycle}.bpmn", Diagram(cycle, "<bpmn:timeCycle>${'R2/PT' + (3 * 2) + 'H'}</bpmn:timeCycle>")),
        ]));

        // Deployed on Monday 08:30: the date is Tuesday (midnight UTC), the cycle fires every 6 hours, twice.
        var due = await _runtime.ScalarAsync("SELECT extract(epoch FROM due_at)::bigint FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND status = 'pending'", date);
        Assert.Equal(new DateTimeOffset(2026, 5, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), due);
        _clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((0, 1), (await InstancesAsync(date), await InstancesAsync(cycle)));
        _clock.Advance(TimeSpan.FromHours(6)); // 20:30, Monday
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        _clock.Advance(TimeSpan.FromHours(6)); // 02:30, Tuesday
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((1, 2), (await InstancesAsync(date), await InstancesAsync(cycle)));
        Assert.Equal(0, await PendingStartTimersAsync(date) + await PendingStartTimersAsync(cycle));
    }

    [Fact]
    public async Task A_time_date_fires_once_and_a_cron_cycle_fires_at_its_next_match()
    {
        var once = Key("date");
        var cron = Key("cron");
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("dates", [
            new($"{once}.bpmn", Diagram(once, "<bpmn:timeDate>2026-05-04T12:00:00Z</bpmn:timeDate>")),
            new($"{cron}.bpmn", Diagram(cron, "<bpmn:timeCycle>0 0 9 * * ?</bpmn:timeCycle>")),
        ]));

        _clock.Advance(TimeSpan.FromMinutes(30)); // 09:00
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((0, 1), (await InstancesAsync(once), await InstancesAsync(cron)));

        _clock.Advance(TimeSpan.FromHours(3)); // 12:00
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((1, 1), (await InstancesAsync(once), await InstancesAsync(cron)));
        Assert.Equal(0, await PendingStartTimersAsync(once));
        Assert.Equal(1, await PendingStartTimersAsync(cron));
        var next = await _runtime.ScalarAsync("SELECT extract(epoch FROM due_at)::bigint FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND status = 'pending'", cron);
        Assert.Equal(new DateTimeOffset(2026, 5, 5, 9, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), next);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((1, 2), (await InstancesAsync(once), await InstancesAsync(cron)));
    }

    [Fact]
    public async Task A_newer_version_replaces_the_start_timers_of_the_older_one_and_identical_content_changes_nothing()
    {
        var key = Key("versions");
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("v1", [new($"{key}.bpmn", Diagram(key, "<bpmn:timeCycle>R/PT1H</bpmn:timeCycle>"))]));
        var v1Job = await _runtime.ScalarAsync("SELECT hangfire_job_id::bigint FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND status = 'pending'", key);

        // Redeploying identical content keeps version 1 and its timer.
        var same = await _runtime.Deployments.DeployAsync(new DeploymentRequest("v1 again", [new($"{key}.bpmn", Diagram(key, "<bpmn:timeCycle>R/PT1H</bpmn:timeCycle>"))]));
        Assert.False(Assert.Single(same.Definitions).IsNew);
        Assert.Equal(1, await PendingStartTimersAsync(key));

        var v2 = await _runtime.Deployments.DeployAsync(new DeploymentRequest("v2", [new($"{key}.bpmn", Diagram(key, "<bpmn:timeCycle>R/PT2H</bpmn:timeCycle>", "Review v2"))]));
        Assert.Equal(2, Assert.Single(v2.Definitions).Version);
        Assert.Equal(1, await PendingStartTimersAsync(key));
        Assert.Equal(1, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id IS NULL AND definition_key = $1 AND definition_version = 1 AND status = 'cancelled'", key));
        Assert.Equal("Deleted", await _runtime.TextAsync("SELECT statename FROM hangfire.job WHERE id = $1", v1Job));

        // The old version's Hangfire job, should it still run, is a no-op; v2 fires after 2 h.
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.False(await _runtime.Host.Services.GetRequiredService<Jobs.RuntimeMaintenance>().FireTimerAsync("", Jobs.StartTimers.TimerId(key, 1, "TimerStart", 0), CancellationToken.None));
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        Assert.Equal((0, 1), (await InstancesAsync(key, 1), await InstancesAsync(key, 2)));

        // A version without a timer start event removes the schedule altogether.
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("v3", [new($"{key}.bpmn", Bpmn.SingleTask(key))]));
        Assert.Equal(0, await PendingStartTimersAsync(key));
        _clock.Advance(TimeSpan.FromHours(4));
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());
    }
}
