using ProcurementFlows.Server.Api.Definitions;
using ProcurementFlows.Server.Api.Instances;
using ProcurementFlows.Server.Api.Messages;
using ProcurementFlows.Server.Api.Supervision;
using ProcurementFlows.Server.Api.Tasks;
using ProcurementFlows.Server.Api.Users;

namespace ProcurementFlows.Server.Api;

/// <summary>The REST API under <c>/api</c>.</summary>
public static class ApiEndpoints
{
    /// <summary>Maps definitions, instances, tasks, messages, supervision and the user directory.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDefinitionsEndpoints();
        endpoints.MapInstancesEndpoints();
        endpoints.MapTasksEndpoints();
        endpoints.MapMessagesEndpoints();
        endpoints.MapSupervisionEndpoints();
        endpoints.MapUsersEndpoints();
        return endpoints;
    }
}
