using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

public sealed class OpenApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    /// <summary>Endpoints outside /api that are deliberately not API operations.</summary>
    private static readonly string[] NonApiRoutes =
    [
        "/healthz", "/readyz", "/account/signin", "/{*path:nonfile}", "/openapi/{documentName}.json", "/scalar/{documentName?}", "/hangfire/{**path}",
    ];

    [Fact]
    public async Task Document_requires_sign_in()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Every_mapped_endpoint_is_in_the_document()
    {
        var document = await GetDocument();
        var paths = document["paths"]!.AsObject();
        var missing = new List<string>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (NonApiRoutes.Contains(route))
            {
                continue;
            }

            // OpenAPI paths carry parameter names without route constraints: {version:int} → {version}.
            route = System.Text.RegularExpressions.Regex.Replace(route.TrimEnd('/'), @"\{([^}:]+):[^}]+\}", "{$1}");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            // /engine-rest (Camunda compatibility) has its own document, checked by ProcurementFlows.Camunda.Tests.
            if (NonApiRoutes.Contains(route) || route.StartsWith("/scalar", StringComparison.Ordinal) || route.StartsWith("/hangfire", StringComparison.Ordinal) || route.StartsWith("/engine-rest", StringComparison.Ordinal))
            {
                continue;
            }

            var documented = paths[route]?.AsObject();
            foreach (var method in methods)
            {
                if (documented?[method.ToLowerInvariant()] is null)
                {
                    missing.Add($"{method} {route}");
                }
            }

            if (methods.Count == 0)
            {
                missing.Add($"(any method) {route}");
            }
        }

        Assert.True(missing.Count == 0, "Undocumented endpoints: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Document_matches_the_committed_snapshot()
    {
        var generated = (await GetDocument()).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
        var path = SnapshotPath();
        // Regenerate after an intended API change: UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Server.Tests
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI_SNAPSHOT") == "1")
        {
            await File.WriteAllTextAsync(path, generated);
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}; run UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Server.Tests");
        var committed = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        Assert.True(committed == generated, "The OpenAPI document changed; review and regenerate with UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Server.Tests");
    }

    [Fact]
    public async Task Document_declares_bearer_security()
    {
        var document = await GetDocument();
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["security"]);
    }

    private async Task<JsonNode> GetDocument()
    {
        using var client = await server.ClientFor("admin");
        var text = await client.GetStringAsync("/openapi/v1.json");
        return JsonNode.Parse(text)!;
    }

    private static string SnapshotPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Snapshots", "openapi-v1.json");
}
