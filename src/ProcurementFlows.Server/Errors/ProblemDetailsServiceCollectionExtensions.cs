using System.Diagnostics;

namespace ProcurementFlows.Server.Errors;

/// <summary>Composition of RFC 9457 problem details for every error the service returns.</summary>
public static class ProblemDetailsServiceCollectionExtensions
{
    /// <summary>Adds problem details (with trace ids), the exception-to-problem mapping and strict request binding.</summary>
    public static IServiceCollection AddProcurementFlowsProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var activity = context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity ?? Activity.Current;
            context.ProblemDetails.Extensions["traceId"] = activity?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures (malformed JSON, missing body) throw so that they become problem details with a reason.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Uses the exception handler and problem-details status pages (401, 403, 404, 405 get a body too).</summary>
    public static IApplicationBuilder UseProcurementFlowsProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
