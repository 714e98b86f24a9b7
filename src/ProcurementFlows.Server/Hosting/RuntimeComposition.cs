using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Hosting;

/// <summary>Wires the durable runtime into the server with the server's defaults.</summary>
public static class RuntimeComposition
{
    /// <summary>
    /// Adds the runtime (section <c>ProcurementFlows:Runtime</c>). The connection string may also come from
    /// <c>ConnectionStrings:ProcurementFlows</c>; without one, a private PostgreSQL cluster runs under <c>.data/postgres</c>
    /// of the content root. The shipped <c>workflows/</c> folder (found upwards from the content root) is deployed at start-up.
    /// </summary>
    public static WebApplicationBuilder AddProcurementFlowsRuntimeHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddProcurementFlowsRuntime(configuration, o =>
        {
            if (string.IsNullOrWhiteSpace(o.ConnectionString))
            {
                o.ConnectionString = configuration.GetConnectionString("ProcurementFlows");
            }

            if (string.IsNullOrWhiteSpace(o.LocalPostgresDirectory))
            {
                o.LocalPostgresDirectory = Path.Combine(contentRoot, ".data", "postgres");
            }

            // An explicit empty value turns start-up deployment off; no setting means "the shipped workflows folder".
            if (configuration[$"{ProcurementFlowsRuntimeOptions.SectionName}:WorkflowsDirectory"] is null)
            {
                o.WorkflowsDirectory = FindUpwards(contentRoot, "workflows") ?? FindUpwards(AppContext.BaseDirectory, "workflows");
            }
        });
        return builder;
    }

    private static string? FindUpwards(string start, string folder)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
