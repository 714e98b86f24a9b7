using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Runtime.Jobs;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Hosting;

/// <summary>
/// Start-up and shutdown of the runtime: database (local cluster, migrations), the workflows folder,
/// the Hangfire server and the sweep for timers and jobs whose Hangfire job was lost.
/// </summary>
internal sealed class RuntimeHostedService(
    RuntimeDatabase database,
    IServiceProvider services,
    ProcurementFlowsRuntimeOptionsAccessor options,
    ILogger<RuntimeHostedService> logger) : IHostedService, IAsyncDisposable
{
    private BackgroundJobServer? _server;
    private CancellationTokenSource? _sweepStop;
    private Task? _sweep;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync();
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.WorkflowsDirectory))
        {
            var result = await services.GetRequiredService<IDeploymentService>().DeployDirectoryAsync(settings.WorkflowsDirectory, "system", cancellationToken);
            logger.LogInformation(
                "Deployed {Folder}: {New} new definition version(s), {Unchanged} unchanged",
                settings.WorkflowsDirectory,
                result.Definitions.Count(d => d.IsNew),
                result.Definitions.Count(d => !d.IsNew));
        }

        if (!settings.RunBackgroundServer)
        {
            return;
        }

        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = settings.WorkerCount,
                SchedulePollingInterval = settings.SchedulePollingInterval,
                MaxDegreeOfParallelismForSchedulers = settings.SchedulerParallelism,
                Activator = new ServiceProviderJobActivator(services.GetRequiredService<IServiceScopeFactory>()),
                ServerName = $"procurementflows:{Environment.MachineName}:{Environment.ProcessId}",
            },
            services.GetRequiredService<JobStorage>());
        _sweepStop = new CancellationTokenSource();
        _sweep = SweepLoopAsync(services.GetRequiredService<RuntimeMaintenance>(), settings, _sweepStop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sweepStop is not null)
        {
            await _sweepStop.CancelAsync();
            try
            {
                await _sweep!;
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }

        if (_server is not null)
        {
            _server.SendStop();
            await _server.WaitForShutdownAsync(cancellationToken);
        }
    }

    private async Task SweepLoopAsync(RuntimeMaintenance maintenance, ProcurementFlowsRuntimeOptions settings, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(settings.SweepInterval, TimeProvider.System, cancellationToken);
            try
            {
                var timers = await maintenance.FireDueTimersAsync(settings.SweepGrace, cancellationToken);
                var jobs = await maintenance.RunDueServiceJobsAsync(settings.SweepGrace, cancellationToken);
                if (timers + jobs > 0)
                {
                    logger.LogInformation("Sweep took over {Timers} timer(s) and {Jobs} service job(s) whose Hangfire job was late or lost", timers, jobs);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The sweep is a safety net: a failed round is logged and the next round tries again.
                logger.LogError(ex, "Sweep for due timers and service jobs failed");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _sweepStop?.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class ServiceProviderJobActivator(IServiceScopeFactory scopes) : JobActivator
    {
        public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateScope());

        private sealed class Scope(IServiceScope scope) : JobActivatorScope
        {
            public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

            public override void DisposeScope() => scope.Dispose();
        }
    }
}
