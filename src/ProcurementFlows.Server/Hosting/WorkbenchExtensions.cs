using Microsoft.Extensions.FileProviders;

namespace ProcurementFlows.Server.Hosting;

/// <summary>
/// Serves the workbench (src/ProcurementFlows.Web, built into <c>wwwroot/</c> of the server's output folder): static
/// assets anonymously, and <c>index.html</c> for every other non-API path so that client-side routes load.
/// </summary>
public static class WorkbenchExtensions
{
    private static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    private static bool IsBuilt => File.Exists(Path.Combine(WebRoot, "index.html"));

    /// <summary>Serves the workbench's static files when it is built.</summary>
    public static IApplicationBuilder UseProcurementFlowsWorkbench(this IApplicationBuilder app)
    {
        if (IsBuilt)
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(WebRoot) });
        }

        return app;
    }

    /// <summary>
    /// Maps the fallback: unknown API paths get a 404 problem; other paths get the workbench's <c>index.html</c>
    /// (or a 404 problem when the workbench is not built).
    /// </summary>
    public static IEndpointRouteBuilder MapProcurementFlowsWorkbench(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFallback(async context =>
        {
            var path = context.Request.Path;
            if (!IsBuilt || Identity.IdentityServiceCollectionExtensions.IsApiPath(path) || Path.HasExtension(path.Value))
            {
                await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Nothing is mapped at '{path}'.").ExecuteAsync(context);
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.SendFileAsync(Path.Combine(WebRoot, "index.html"));
        })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }
}
