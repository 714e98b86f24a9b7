using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;
using ProcurementFlows.Runtime.Deployment;
using ProcurementFlows.Runtime.History;
using ProcurementFlows.Runtime.Hosting;
using ProcurementFlows.Runtime.Jobs;
using ProcurementFlows.Runtime.Queries;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime;

/// <summary>Composition of the durable runtime.</summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime bound to the <c>ProcurementFlows:Runtime</c> configuration section, then
    /// <paramref name="configure"/>. Register <see cref="ServiceTasks.IServiceTaskHandler"/>s separately.
    /// </summary>
    public static IServiceCollection AddProcurementFlowsRuntime(this IServiceCollection services, IConfiguration configuration, Action<ProcurementFlowsRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ProcurementFlowsRuntimeOptions>().Bind(configuration.GetSection(ProcurementFlowsRuntimeOptions.SectionName));
        return services.AddProcurementFlowsRuntime(configure ?? (_ => { }));
    }

    /// <summary>
    /// Adds the runtime: <see cref="IDeploymentService"/>, <see cref="IProcessCommands"/>, <see cref="IProcessQueries"/>,
    /// <see cref="IAuditService"/>, <see cref="IRuntimeMaintenance"/>, Hangfire's <see cref="JobStorage"/> and
    /// <see cref="IBackgroundJobClient"/>, and a hosted service that migrates the database, deploys the
    /// workflows folder and runs the Hangfire server. A <see cref="TimeProvider"/> registered before wins
    /// (tests use a fake clock).
    /// </summary>
    public static IServiceCollection AddProcurementFlowsRuntime(this IServiceCollection services, Action<ProcurementFlowsRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ProcurementFlowsRuntimeOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new EngineOptions());
        services.TryAddSingleton(sp => new ProcessEngine(sp.GetRequiredService<EngineOptions>(), sp.GetRequiredService<TimeProvider>()));

        // Timer start events' expressions are evaluated outside any instance (at deployment and for each next occurrence).
        services.TryAddSingleton(sp =>
        {
            var engine = sp.GetRequiredService<EngineOptions>();
            return new Engine.Expressions.ExpressionEvaluator(engine.Expressions, sp.GetRequiredService<TimeProvider>(), engine.Calendars);
        });
        services.TryAddSingleton<ProcurementFlowsRuntimeOptionsAccessor>();
        services.TryAddSingleton<RuntimeDatabase>();
        services.TryAddSingleton<DefinitionCache>();
        services.TryAddSingleton<ServiceTaskHandlerRegistry>();
        services.TryAddSingleton<JobDispatcher>();
        services.AddMetrics();
        services.TryAddSingleton<RuntimeInstruments>();
        services.TryAddSingleton<IRuntimeHealth, RuntimeHealth>();
        services.TryAddSingleton<CommandProcessor>();
        services.TryAddSingleton<RuntimeMaintenance>();
        services.TryAddSingleton<IRuntimeMaintenance>(sp => sp.GetRequiredService<RuntimeMaintenance>());
        services.TryAddSingleton<IDeploymentService, DeploymentService>();
        services.TryAddSingleton<IProcessCommands, ProcessCommands>();
        services.TryAddSingleton<IProcessQueries, ProcessQueries>();
        services.TryAddSingleton<IAuditService, AuditService>();
        services.AddProcurementFlowsExternalTasks();
        services.TryAddTransient<TimerJob>();
        services.TryAddTransient<ServiceTaskJob>();

        services.TryAddSingleton<JobStorage>(sp =>
        {
            var settings = sp.GetRequiredService<ProcurementFlowsRuntimeOptionsAccessor>().Value;
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = SchemaMigrator.HangfireSchema,
                PrepareSchemaIfNecessary = false, // installed by SchemaMigrator under its advisory lock
                QueuePollInterval = settings.QueuePollInterval,
                EnableLongPolling = true,
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = settings.JobInvisibilityTimeout,
                DistributedLockTimeout = settings.JobLockTimeout,
            };
            var connectionString = sp.GetRequiredService<RuntimeDatabase>().ConnectionString;
            if (settings.HangfireAsynchronousCommit)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
                builder.Options = $"{builder.Options} -c synchronous_commit=off".TrimStart();
                connectionString = builder.ConnectionString;
            }

            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
        });
        services.TryAddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>()));
        services.AddHostedService<RuntimeHostedService>();
        return services;
    }

    /// <summary>
    /// Adds a health check (default name <c>procurementflows-runtime</c>, tag <c>ready</c>) that reports whether
    /// the runtime's database answers and is migrated (see <see cref="IRuntimeHealth"/>). Requires
    /// <see cref="AddProcurementFlowsRuntime(IServiceCollection, Action{ProcurementFlowsRuntimeOptions})"/>.
    /// </summary>
    public static IHealthChecksBuilder AddProcurementFlowsRuntimeCheck(this IHealthChecksBuilder builder, string name = "procurementflows-runtime", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<RuntimeDatabaseHealthCheck>(name, failureStatus: HealthStatus.Unhealthy, tags: tags.Length > 0 ? tags : ["ready"]);
    }
}
