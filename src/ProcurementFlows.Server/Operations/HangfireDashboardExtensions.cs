using Hangfire;
using Hangfire.Dashboard;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Operations;

/// <summary>The Hangfire dashboard at <c>/hangfire</c>, for admins only.</summary>
public static class HangfireDashboardExtensions
{
    /// <summary>Maps the dashboard when Hangfire storage is registered; requires the admin policy.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsHangfireDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<JobStorage>() is null)
        {
            return endpoints;
        }

        endpoints.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorizationFilter()],
            DashboardTitle = "ProcurementFlows jobs",
            AppPath = "/",
        })
            .RequireAuthorization(Policies.Admin);
        return endpoints;
    }
}

/// <summary>Lets only signed-in admins see the dashboard (belt and braces behind the endpoint's admin policy).</summary>
internal sealed class AdminDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User is { Identity.IsAuthenticated: true } user && user.IsInRole(Roles.Admin);
}
