using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>The runtime's meter (observed with a MeterListener) and its readiness check.</summary>
public sealed class MetricsAndHealthTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
    private RuntimeHarness _runtime = null!;

    public async Task InitializeAsync() =>
        _runtime = await RuntimeHarness.StartAsync(await SharedCluster.CreateDatabaseAsync("metrics"), _clock);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task Starting_completing_and_firing_a_timer_increment_the_counters_and_commands_are_timed()
    {
        var key = "metered_" + Guid.NewGuid().ToString("N")[..8];
        await _runtime.Deployments.DeployAsync(new DeploymentRequest("metered", [new($"{key}.bpmn", Bpmn.Definitions($"""
              <bpmn:process id="{key}" isExecutable="true">
                <bpmn:startEvent id="Start" />
                <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task" />
                <bpmn:userTask id="Task" camunda:candidateGroups="officers" />
                <bpmn:sequenceFlow id="f2" sourceRef="Task" targetRef="Wait" />
                <bpmn:intermediateCatchEvent id="Wait">
                  <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
                </bpmn:intermediateCatchEvent>
                <bpmn:sequenceFlow id="f3" sourceRef="Wait" targetRef="End" />
                <bpmn:endEvent id="End" />
              </bpmn:process>
            """))]));
        using var recorder = new Recorder(_runtime.Host.Services.GetRequiredService<IMeterFactory>());

        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key));
        Assert.Equal(1, recorder.Sum(RuntimeMetrics.InstancesStarted, key));
        Assert.Equal(0, recorder.Sum(RuntimeMetrics.TimersFired, key));

        await _runtime.Commands.CompleteTaskAsync(started.OpenTaskIds[0], UserContext.Of("olga", "officers"));
        Assert.Equal(1, recorder.Sum(RuntimeMetrics.TasksCompleted, key));
        Assert.Equal(0, recorder.Sum(RuntimeMetrics.InstancesCompleted, key));

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());

        Assert.Equal(1, recorder.Sum(RuntimeMetrics.TimersFired, key));
        Assert.Equal(1, recorder.Sum(RuntimeMetrics.InstancesCompleted, key));
        Assert.Contains(recorder.Durations, d => d.Command == "StartProcess" && d.Outcome == "committed" && d.Seconds > 0);
        Assert.Contains(recorder.Durations, d => d.Command == "CompleteUserTask" && d.Outcome == "committed");
        Assert.Contains(recorder.Durations, d => d.Command == "FireTimer" && d.Outcome == "committed");

        // A rejected command is timed with its outcome and counts nothing.
        await Assert.ThrowsAsync<CommandRejectedException>(() => _runtime.Commands.CompleteTaskAsync(started.OpenTaskIds[0], UserContext.Of("olga", "officers")));
        Assert.Contains(recorder.Durations, d => d.Outcome == "rejected");
        Assert.Equal(1, recorder.Sum(RuntimeMetrics.TasksCompleted, key));
    }

    [Fact]
    public async Task The_health_check_reports_a_reachable_migrated_database()
    {
        var health = _runtime.Host.Services.GetRequiredService<IRuntimeHealth>();

        var report = await health.CheckAsync();

        Assert.True(report.IsHealthy, report.Description);
        Assert.True(report.SchemaVersion >= 2);
        Assert.Null(report.Error);
        var check = new RuntimeDatabaseHealthCheck(health);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("db", check, HealthStatus.Unhealthy, ["ready"]) });
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.True(result.Data.ContainsKey("latencyMs"));
    }

    [Fact]
    public async Task The_health_check_reports_a_database_that_is_starting_or_failed_to_start_without_throwing()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ProcurementFlowsRuntimeOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2" });
        await using var database = new Storage.RuntimeDatabase(options, NullLoggerFactory.Instance);
        var health = new RuntimeHealth(database);

        var starting = await health.CheckAsync();
        Assert.False(starting.IsHealthy);
        Assert.Contains("starting", starting.Description, StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(database.InitializeAsync);
        var failed = await health.CheckAsync();
        Assert.False(failed.IsHealthy);
        Assert.NotNull(failed.Error);
        Assert.Contains("failed to start", failed.Description, StringComparison.Ordinal);
        var check = new RuntimeDatabaseHealthCheck(health);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("db", check, HealthStatus.Unhealthy, null) });
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    /// <summary>Listens to the runtime meter of one host only (tests run in parallel with other hosts).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, long Value, string? Process)> _counts = [];

        public Recorder(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RuntimeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                lock (_counts)
                {
                    _counts.Add((instrument.Name, value, Tag(tags, "process")));
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                lock (_counts)
                {
                    Durations.Add((Tag(tags, "command"), Tag(tags, "outcome"), value));
                }
            });
            _listener.Start();
        }

        public List<(string? Command, string? Outcome, double Seconds)> Durations { get; } = [];

        public long Sum(string name, string process)
        {
            lock (_counts)
            {
                return _counts.Where(c => c.Name == name && c.Process == process).Sum(c => c.Value);
            }
        }

        public void Dispose() => _listener.Dispose();

        private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == key)
                {
                    return tag.Value?.ToString();
                }
            }

            return null;
        }
    }
}
