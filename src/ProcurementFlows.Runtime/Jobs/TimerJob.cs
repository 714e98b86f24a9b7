using Hangfire;

namespace ProcurementFlows.Runtime.Jobs;

/// <summary>Hangfire job of one timer: fires it when the timer row is still pending (else a no-op).</summary>
internal sealed class TimerJob(RuntimeMaintenance maintenance)
{
    [AutomaticRetry(Attempts = 10)]
    public Task FireAsync(string instanceId, string timerId, CancellationToken cancellationToken) =>
        maintenance.FireTimerAsync(instanceId, timerId, cancellationToken);
}

/// <summary>Hangfire job of one service-task dispatch: runs the topic's handler and submits the result.</summary>
internal sealed class ServiceTaskJob(RuntimeMaintenance maintenance)
{
    [AutomaticRetry(Attempts = 10)]
    public Task RunAsync(string jobId, CancellationToken cancellationToken) =>
        maintenance.RunServiceJobAsync(jobId, cancellationToken);
}
