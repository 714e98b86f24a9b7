using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ProcurementFlows.Server.Camunda;

/// <summary>Composition of the Camunda 7 compatible REST API under <c>/engine-rest</c> (see Camunda/README.md).</summary>
public static class EngineRestExtensions
{
    /// <summary>The path prefix.</summary>
    public const string Prefix = "/engine-rest";

    /// <summary>The OpenAPI document that describes <c>/engine-rest</c> (<c>/openapi/engine-rest.json</c>).</summary>
    public const string DocumentName = "engine-rest";

    /// <summary>The Camunda 7 REST API level the layer follows, reported by <c>GET /engine-rest/version</c>.</summary>
    public const string CamundaApiVersion = "7.23.0";

    /// <summary>The authorization policy of every <c>/engine-rest</c> endpoint: signed in by bearer token, cookie or HTTP Basic.</summary>
    public const string Policy = "engine-rest";

    /// <summary>Adds options (section <c>EngineRest</c>), HTTP Basic authentication, the policy and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddProcurementFlowsCamunda(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<EngineRestOptions>().Bind(builder.Configuration.GetSection(EngineRestOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BasicCredentialCache>();
        services.AddScoped<EngineRestSupport.DefinitionIds>();
        services.AddScoped<VariableTypes>();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Identity.IdentityServiceCollectionExtensions.Scheme, BasicAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.GroupName == DocumentName;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ProcurementFlows Camunda 7 compatible REST API",
                    Version = "7.23-compat",
                    Description = "The part of Camunda 7's REST API that Camunda Modeler and Camunda's external-task clients use, under /engine-rest. "
                        + "Errors are Camunda's {\"type\",\"message\"}; unsupported endpoints answer 501. Authenticate with HTTP Basic (local accounts) or a bearer token.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Basic"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "basic", Description = "A local account's user name and password." };
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", Description = "A token from POST /api/auth/token." };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Basic", document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] },
                ];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<DeploymentFormTransformer>();
        });
        return builder;
    }

    /// <summary>Maps <c>/engine-rest/**</c>: the supported endpoints and a catch-all that answers 501.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsCamunda(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<EngineRestOptions>>().Value;
        if (!options.Enabled)
        {
            return endpoints;
        }

        var group = endpoints.MapGroup(Prefix)
            .RequireAuthorization(Policy)
            .WithGroupName(DocumentName)
            .AddEndpointFilter<EngineRestErrorFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/version", () => EngineRestSupport.Json(new VersionDto(CamundaApiVersion)))
            .WithName("EngineRestGetVersion")
            .WithSummary("The Camunda REST API level this layer follows (Camunda Modeler asks for it before deploying).")
            .Produces<VersionDto>();
        group.MapDeploymentEndpoints();
        group.MapProcessDefinitionEndpoints();
        group.MapProcessInstanceEndpoints();
        group.MapTaskEndpoints();
        group.MapMessageEndpoints();
        group.MapExternalTaskEndpoints();
        group.MapHistoryEndpoints();
        group.MapMethods("/{**rest}", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"], (HttpContext context, string? rest) =>
                Task.FromException<IResult>(new EngineRestException(StatusCodes.Status501NotImplemented, "RestException",
                    $"{context.Request.Method} {Prefix}/{rest} is not supported by ProcurementFlows' Camunda 7 compatibility layer (see the engine-rest OpenAPI document for what is).")))
            .WithName("EngineRestNotSupported")
            .WithSummary("Any other /engine-rest endpoint: 501 Not Implemented, naming the endpoint.")
            .Produces<CamundaErrorDto>(StatusCodes.Status501NotImplemented);
        return endpoints;
    }

    /// <summary>Adds the standard Camunda error responses to an endpoint's documentation.</summary>
    internal static RouteHandlerBuilder WithErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<CamundaErrorDto>(status);
        }

        return builder.Produces<CamundaErrorDto>(StatusCodes.Status403Forbidden);
    }

    private sealed class DeploymentFormTransformer : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.Description.RelativePath?.EndsWith("deployment/create", StringComparison.Ordinal) != true)
            {
                return Task.CompletedTask;
            }

            var text = new OpenApiSchema { Type = JsonSchemaType.String };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "Camunda Modeler's form: deployment-name, deployment-source, deploy-changed-only, enable-duplicate-filtering, tenant-id (must be empty), "
                    + "deployment-activation-time (must be empty) and the files (*.bpmn, *.bpmn20.xml, *.form) under any field name.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["deployment-name"] = text,
                                ["deployment-source"] = text,
                                ["deploy-changed-only"] = new OpenApiSchema { Type = JsonSchemaType.Boolean },
                                ["enable-duplicate-filtering"] = new OpenApiSchema { Type = JsonSchemaType.Boolean },
                                ["tenant-id"] = text,
                                ["deployment-activation-time"] = text,
                                ["data"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                            },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        }
    }
}

/// <summary>Turns exceptions of <c>/engine-rest</c> endpoints into Camunda's error shape and status codes.</summary>
internal sealed class EngineRestErrorFilter(ILogger<EngineRestErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var (status, body) = CamundaErrors.Map(ex);
            if (status >= StatusCodes.Status500InternalServerError && status != StatusCodes.Status501NotImplemented)
            {
                logger.LogError(ex, "engine-rest {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            }
            else
            {
                logger.LogInformation("engine-rest {Method} {Path} answered {Status}: {Message}", context.HttpContext.Request.Method, context.HttpContext.Request.Path, status, ex.Message);
            }

            return EngineRestSupport.Json(body, status);
        }
    }
}
