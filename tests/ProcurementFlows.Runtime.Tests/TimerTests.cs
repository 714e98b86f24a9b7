using Microsoft.Extensions.Time.Testing;
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
