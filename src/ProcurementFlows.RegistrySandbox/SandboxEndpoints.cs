using System.Text.Json.Serialization;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>Composition of the sandbox: services, the fault middleware, each registry's endpoints and the admin API.</summary>
public static class SandboxEndpoints
{
    /// <summary>Adds the sandbox's services: sample data, fault rules, the request journal and the options.</summary>
    public static IServiceCollection AddRegistrySandbox(this IServiceCollection services, SandboxOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(SampleData.Load());
        services.AddSingleton<SandboxFaults>();
        services.AddSingleton<RequestJournal>();
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>Maps every registry below its prefix (see <see cref="SandboxRegistries"/>) and the admin API under <c>/_sandbox</c>.</summary>
    public static WebApplication MapRegistrySandbox(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<SandboxFaultMiddleware>();
        BrregEndpoints.Map(app);
        OpenSanctionsEndpoints.Map(app);
        GleifEndpoints.Map(app);
        SamGovEndpoints.Map(app);
        ProzorroEndpoints.Map(app);
        MapAdmin(app);
        return app;
    }

    private static void MapAdmin(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Ok("healthy"));
        var admin = app.MapGroup("/_sandbox");
        admin.MapGet("/", () => Results.Ok(new { registries = SandboxRegistries.BasePaths, faultHeader = SandboxFaultMiddleware.FaultHeader }));
        admin.MapGet("/suppliers", (SampleData data) => Results.Text(data.Suppliers.ToJsonString(), "application/json"));
        admin.MapGet("/faults", (SandboxFaults faults) => Results.Ok(faults.Active));
        admin.MapPost("/faults", (SandboxFault fault, SandboxFaults faults) =>
        {
            if (fault.Registry != "*" && !SandboxRegistries.All.Contains(fault.Registry))
            {
                return Results.BadRequest(new { error = $"Unknown registry '{fault.Registry}'; use one of {string.Join(", ", SandboxRegistries.All)} or '*'." });
            }

            if (fault.Times is <= 0)
            {
                return Results.BadRequest(new { error = "times must be positive, or absent for 'until cleared'." });
            }

            faults.Add(fault);
            return Results.Created("/_sandbox/faults", fault);
        });
        admin.MapDelete("/faults", (SandboxFaults faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        admin.MapGet("/requests", (RequestJournal journal) => Results.Ok(journal.All));
        admin.MapDelete("/requests", (RequestJournal journal) =>
        {
            journal.Clear();
            return Results.NoContent();
        });
    }
}
