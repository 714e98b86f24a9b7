using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ProcurementFlows.Server.Operations;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and the Scalar reference page (<c>/scalar</c>).</summary>
public static class OpenApiExtensions
{
    /// <summary>The document name.</summary>
    public const string DocumentName = "v1";

    /// <summary>Adds the OpenAPI document with the bearer security scheme.</summary>
    public static IServiceCollection AddProcurementFlowsOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddDocumentTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<MultipartFilesTransformer>();
        });
        return services;
    }

    /// <summary>Maps <c>/openapi/v1.json</c> and <c>/scalar</c> (both need sign-in, like every non-health endpoint).</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapScalarApiReference("/scalar", o => o
            .WithTitle("ProcurementFlows API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return endpoints;
    }

    /// <summary>Describes the multipart body of endpoints marked with <see cref="MultipartFilesBody"/>.</summary>
    private sealed class MultipartFilesTransformer : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<MultipartFilesBody>().Any())
            {
                return Task.CompletedTask;
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "BPMN diagrams (*.bpmn, *.bpmn20.xml) and form-js forms (*.form), any field name; optional deployment-name.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["files"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                                ["deployment-name"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            },
                            Required = new HashSet<string> { "files" },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        }
    }

    private sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info = new OpenApiInfo
            {
                Title = "ProcurementFlows API",
                Version = "v1",
                Description = "Deploy BPMN definitions, run procurement cases, work task inboxes and supervise SLAs. "
                    + "Errors are RFC 9457 problem details. Authenticate with a bearer token from POST /api/auth/token "
                    + "(local accounts) or your OpenID Connect authority.",
            };
            // Servers depend on the host that serves the document; leaving them out keeps the document stable.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from POST /api/auth/token or the configured OpenID Connect authority.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
            return Task.CompletedTask;
        }
    }
}

/// <summary>Marks an endpoint that reads BPMN and form files from a multipart body (documented by a transformer).</summary>
public sealed class MultipartFilesBody
{
    private MultipartFilesBody()
    {
    }

    /// <summary>The marker.</summary>
    public static MultipartFilesBody Instance { get; } = new();
}
