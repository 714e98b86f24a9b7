using System.Diagnostics.Metrics;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Operations;

/// <summary>
/// The <c>ProcurementFlows</c> meter as the server sees it: what passes through the API. Registry call latency is the
/// <c>ProcurementFlows.Registries</c> meter's <c>procurementflows.registry.call.duration</c> (by registry and outcome).
/// </summary>
public sealed class ProcurementFlowsMetrics : IDisposable
{
    private readonly Meter meter;
    private readonly Counter<long> instancesStarted;
    private readonly Counter<long> instancesCompleted;
    private readonly Counter<long> tasksCompleted;

    /// <summary>Creates the instruments on the <c>ProcurementFlows</c> meter.</summary>
    public ProcurementFlowsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(TelemetryOptions.InstrumentationName);
        instancesStarted = meter.CreateCounter<long>("procurementflows.instances.started", "{instance}", "Process instances started through the API (start and message start).");
        instancesCompleted = meter.CreateCounter<long>("procurementflows.instances.completed", "{instance}", "Process instances that completed as the result of an API command.");
        tasksCompleted = meter.CreateCounter<long>("procurementflows.tasks.completed", "{task}", "User tasks completed through the API.");
    }

    /// <summary>Records a started instance.</summary>
    public void InstanceStarted(InstanceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        instancesStarted.Add(1, new KeyValuePair<string, object?>("process.key", outcome.ProcessKey));
        Completed(outcome);
    }

    /// <summary>Records a completed user task and, when the command ended the instance, its completion.</summary>
    public void TaskCompleted(InstanceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        tasksCompleted.Add(1, new KeyValuePair<string, object?>("process.key", outcome.ProcessKey));
        Completed(outcome);
    }

    /// <summary>Records the completion of an instance ended by a command (e.g. a correlated message).</summary>
    public void Completed(InstanceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == "Completed")
        {
            instancesCompleted.Add(1, new KeyValuePair<string, object?>("process.key", outcome.ProcessKey));
        }
    }

    /// <inheritdoc />
    public void Dispose() => meter.Dispose();
}
