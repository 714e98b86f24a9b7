using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ProcurementFlows.Server.Errors;
using ProcurementFlows.Server.Hosting;
using ProcurementFlows.Server.Identity;
using ProcurementFlows.Server.Operations;

namespace ProcurementFlows.Server;

/// <summary>The server's composition root, in the order Program.cs reads.</summary>
public static class ServerCompositionExtensions
{
    /// <summary>Adds everything the service needs: options, problem details, identity, telemetry, health, OpenAPI, the API.</summary>
    public static WebApplicationBuilder AddProcurementFlowsServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) => kestrel.Limits.MaxRequestBodySize = server.Value.MaxRequestBodyBytes);
        services.AddOptions<FormOptions>().Configure<IOptions<ServerOptions>>((form, server) => form.MultipartBodyLengthLimit = server.Value.MaxRequestBodyBytes);
        services.AddHostedService<StartupBanner>();

        builder.AddProcurementFlowsRuntimeHost();
        services.AddProcurementFlowsRegistries(builder.Configuration);
        services.AddProcurementFlowsOcdsExport(builder.Configuration);
        builder.AddProcurementFlowsTelemetry();
        services.AddProcurementFlowsProblemDetails();
        services.AddProcurementFlowsIdentity(builder.Configuration);
        services.AddProcurementFlowsHealthChecks();
        services.AddProcurementFlowsOpenApi();
        services.AddAntiforgery();
        return builder;
    }

    /// <summary>The middleware pipeline: problem details, request limits, authentication, authorization, antiforgery.</summary>
    public static WebApplication UseProcurementFlowsServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseProcurementFlowsProblemDetails();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseProcurementFlowsWorkbench();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c>, <c>/openapi/v1.json</c>, <c>/scalar</c>, <c>/hangfire</c> and the workbench fallback.</summary>
    public static WebApplication MapProcurementFlowsOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapProcurementFlowsHealth();
        app.MapProcurementFlowsOpenApi();
        app.MapProcurementFlowsHangfireDashboard();
        app.MapProcurementFlowsWorkbench();
        return app;
    }
}
