using Hangfire;
using Hangfire.Dashboard;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Operations;

/// <summary>The Hangfire dashboard at <c>/hangfire</c>, for admins only.</summary>
public static class HangfireDashboardExtensions
{
    /// <summary>Maps the dashboard (admin policy). Its pipeline is built on first use, so mapping never opens the database.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsHangfireDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorizationFilter()],
            DashboardTitle = "ProcurementFlows jobs",
            AppPath = "/",
        };
        // The dashboard middleware is used directly: UseHangfireDashboard insists on AddHangfire, whose global
        // configuration we do not use (the runtime registers JobStorage itself).
        var pipeline = new Lazy<RequestDelegate>(() =>
        {
            var app = endpoints.CreateApplicationBuilder();
            app.Map("/hangfire", dashboard => dashboard.UseMiddleware<AspNetCoreDashboardMiddleware>(
                endpoints.ServiceProvider.GetRequiredService<JobStorage>(), options, DashboardRoutes.Routes));
            return app.Build();
        });
        endpoints.Map("/hangfire/{**path}", context => pipeline.Value(context))
            .RequireAuthorization(Policies.Admin)
            .ExcludeFromDescription();
        return endpoints;
    }
}

/// <summary>Lets only signed-in admins see the dashboard (belt and braces behind the endpoint's admin policy).</summary>
internal sealed class AdminDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User is { Identity.IsAuthenticated: true } user && user.IsInRole(Roles.Admin);
}
