using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProcurementFlows.Runtime.ExternalTasks;

namespace ProcurementFlows.Runtime;

/// <summary>Composition of the external-task services (called by <see cref="RuntimeServiceCollectionExtensions"/>).</summary>
public static class ExternalTaskServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IExternalTaskService"/>, <see cref="ITaskSearchService"/>, <see cref="IDeploymentCatalog"/>, <see cref="IMessageDelivery"/>, <see cref="IVariableValueTypes"/> and <see cref="IHistorySearchService"/>; an <see cref="ExternalTaskOptions"/> registered before wins.</summary>
    public static IServiceCollection AddProcurementFlowsExternalTasks(this IServiceCollection services)
    {
        services.TryAddSingleton(new ExternalTaskOptions());
        services.TryAddSingleton<IExternalTaskService, ExternalTaskService>();
        services.TryAddSingleton<ITaskSearchService, TaskSearchService>();
        services.TryAddSingleton<IDeploymentCatalog, DeploymentCatalog>();
        services.TryAddSingleton<IMessageDelivery, MessageDelivery>();
        services.TryAddSingleton<IVariableValueTypes, VariableValueTypeStore>();
        services.TryAddSingleton<IHistorySearchService, HistorySearchService>();
        return services;
    }
}
