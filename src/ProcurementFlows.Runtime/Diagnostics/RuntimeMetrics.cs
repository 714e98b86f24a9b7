using System.Diagnostics;
using System.Diagnostics.Metrics;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime;

/// <summary>
/// The runtime's <see cref="Meter"/>: what was committed (instances, tasks, timers, incidents), service jobs
/// run, and how long commands take. Add it to OpenTelemetry with <c>AddMeter(RuntimeMetrics.MeterName)</c>.
/// </summary>
public static class RuntimeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ProcurementFlows.Runtime";

    /// <summary>Counter: instances started (tag <c>process</c>).</summary>
    public const string InstancesStarted = "procurementflows.instances.started";

    /// <summary>Counter: instances completed normally (tag <c>process</c>).</summary>
    public const string InstancesCompleted = "procurementflows.instances.completed";

    /// <summary>Counter: user tasks completed (tag <c>process</c>).</summary>
    public const string TasksCompleted = "procurementflows.tasks.completed";

    /// <summary>Counter: timers fired (tag <c>process</c>).</summary>
    public const string TimersFired = "procurementflows.timers.fired";

    /// <summary>Counter: incidents raised (tags <c>process</c>, <c>type</c>).</summary>
    public const string IncidentsRaised = "procurementflows.incidents.raised";

    /// <summary>Counter: service-task handler runs (tags <c>topic</c>, <c>outcome</c> = completed | bpmn_error | failed).</summary>
    public const string ServiceJobsRun = "procurementflows.service_jobs.run";

    /// <summary>Counter: service-task handler runs that failed (tags <c>topic</c>, <c>retryable</c>).</summary>
    public const string ServiceJobsFailed = "procurementflows.service_jobs.failed";

    /// <summary>Histogram, seconds: one command from the start of its transaction to after its commit, retries included (tags <c>command</c>, <c>outcome</c>).</summary>
    public const string CommandDuration = "procurementflows.command.duration";

    /// <summary>Up-down counter: fetch-and-lock requests (Camunda external-task workers) waiting for work right now.</summary>
    public const string ExternalTaskLongPolls = "procurementflows.external_tasks.long_polls";
}

/// <summary>The instruments, created from the host's <see cref="IMeterFactory"/>.</summary>
internal sealed class RuntimeInstruments
{
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _tasks;
    private readonly Counter<long> _timers;
    private readonly Counter<long> _incidents;
    private readonly Counter<long> _jobsRun;
    private readonly Counter<long> _jobsFailed;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _longPolls;

    public RuntimeInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(RuntimeMetrics.MeterName);
        _started = meter.CreateCounter<long>(RuntimeMetrics.InstancesStarted, "{instance}", "Process instances started.");
        _completed = meter.CreateCounter<long>(RuntimeMetrics.InstancesCompleted, "{instance}", "Process instances completed.");
        _tasks = meter.CreateCounter<long>(RuntimeMetrics.TasksCompleted, "{task}", "User tasks completed.");
        _timers = meter.CreateCounter<long>(RuntimeMetrics.TimersFired, "{timer}", "Timers fired.");
        _incidents = meter.CreateCounter<long>(RuntimeMetrics.IncidentsRaised, "{incident}", "Incidents raised.");
        _jobsRun = meter.CreateCounter<long>(RuntimeMetrics.ServiceJobsRun, "{job}", "Service-task handler runs.");
        _jobsFailed = meter.CreateCounter<long>(RuntimeMetrics.ServiceJobsFailed, "{job}", "Service-task handler runs that failed.");
        _duration = meter.CreateHistogram<double>(RuntimeMetrics.CommandDuration, "s", "Duration of one command, transaction and retries included.");
        _longPolls = meter.CreateUpDownCounter<long>(RuntimeMetrics.ExternalTaskLongPolls, "{request}", "Fetch-and-lock requests waiting for work.");
    }

    /// <summary>Records what a committed unit of work did.</summary>
    public void Committed(IReadOnlyList<(HistoryEntryType Type, string ProcessKey, string? Detail)> events)
    {
        foreach (var (type, key, detail) in events)
        {
            var process = new KeyValuePair<string, object?>("process", key);
            switch (type)
            {
                case HistoryEntryType.InstanceStarted:
                    _started.Add(1, process);
                    break;
                case HistoryEntryType.InstanceCompleted:
                    _completed.Add(1, process);
                    break;
                case HistoryEntryType.TaskCompleted:
                    _tasks.Add(1, process);
                    break;
                case HistoryEntryType.TimerFired:
                    _timers.Add(1, process);
                    break;
                case HistoryEntryType.IncidentRaised:
                    _incidents.Add(1, process, new KeyValuePair<string, object?>("type", detail));
                    break;
                default:
                    break;
            }
        }
    }

    public void CommandFinished(string? command, long startTimestamp, string outcome) =>
        _duration.Record(
            Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("command", command ?? "other"),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void ServiceJobRan(string topic, string outcome, bool? retryable)
    {
        _jobsRun.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("outcome", outcome));
        if (retryable is { } retry)
        {
            _jobsFailed.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("retryable", retry));
        }
    }

    /// <summary>A fetch-and-lock request found nothing and waits (+1), or stopped waiting (-1).</summary>
    public void LongPollWaiting(bool waiting) => _longPolls.Add(waiting ? 1 : -1);
}
