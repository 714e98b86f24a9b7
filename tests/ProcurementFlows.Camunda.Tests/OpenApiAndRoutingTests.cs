using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed partial class OpenApiAndRoutingTests(CamundaServer server)
{
    [Theory]
    [InlineData("GET", "filter")]
    [InlineData("POST", "process-instance/abc/modification")]
    [InlineData("PUT", "task/abc/variables/x")]
    [InlineData("DELETE", "deployment/abc")]
    [InlineData("GET", "decision-definition")]
    public async Task Unsupported_endpoints_answer_501_naming_the_endpoint(string method, string path)
    {
        using var admin = server.Client("admin");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await admin.SendAsync(request);
        var message = await Http.Error(response, HttpStatusCode.NotImplemented, "RestException");
        Assert.Contains($"{method} /engine-rest/{path}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_answers_the_camunda_api_level_modeler_checks()
    {
        using var dana = server.Client("dana");
        Assert.Equal("7.23.0", (string?)(await Http.Get(dana, "version"))!["version"]);
    }

    [Fact]
    public async Task Unsupported_endpoints_still_need_credentials()
    {
        using var anonymous = server.Client(null);
        using var response = await anonymous.GetAsync("filter");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Bearer_tokens_of_our_own_api_work_too()
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var token = await client.PostAsync("/api/auth/token", new StringContent("""{"userName":"dana","password":"dana-designs"}""", System.Text.Encoding.UTF8, "application/json"));
        var accessToken = (string?)(await Http.Json(token))!["access_token"];
        using var bearer = server.Client(null);
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        Assert.NotNull(await Http.Get(bearer, "deployment?maxResults=0"));
    }

    [Fact]
    public async Task Every_engine_rest_endpoint_is_in_its_own_document_and_none_in_v1()
    {
        var document = await GetDocument("engine-rest");
        var paths = document["paths"]!.AsObject();
        var missing = new List<string>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!route.StartsWith("/engine-rest", StringComparison.Ordinal))
            {
                continue;
            }

            route = Constraint().Replace(route, "{$1}").Replace("{**rest}", "{rest}", StringComparison.Ordinal);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods ?? ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"])
            {
                if (paths[route]?[method.ToLowerInvariant()] is null && methods is not null)
                {
                    missing.Add($"{method} {route}");
                }
            }

            if (methods is null && paths[route] is null)
            {
                missing.Add($"(any) {route}");
            }
        }

        Assert.True(missing.Count == 0, "Undocumented: " + string.Join(", ", missing));
        var v1 = await GetDocument("v1");
        Assert.DoesNotContain(v1["paths"]!.AsObject(), p => p.Key.StartsWith("/engine-rest", StringComparison.Ordinal));
        Assert.Equal("basic", (string?)document["components"]!["securitySchemes"]!["Basic"]!["scheme"]);
    }

    [Fact]
    public async Task Document_matches_the_committed_snapshot()
    {
        var generated = (await GetDocument("engine-rest")).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
        var path = SnapshotPath();
        // After an intended change: UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Camunda.Tests
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI_SNAPSHOT") == "1")
        {
            await File.WriteAllTextAsync(path, generated);
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}; run UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Camunda.Tests");
        var committed = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        Assert.True(committed == generated, "The engine-rest OpenAPI document changed; review and regenerate with UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/ProcurementFlows.Camunda.Tests");
    }

    private async Task<JsonNode> GetDocument(string name)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = CamundaServer.Basic("admin", CamundaServer.Passwords["admin"]);
        // The OpenAPI endpoints are outside /engine-rest: they take our bearer token, not Basic.
        using var token = await client.PostAsync("/api/auth/token", new StringContent("""{"userName":"admin","password":"admin-operates"}""", System.Text.Encoding.UTF8, "application/json"));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string?)(await Http.Json(token))!["access_token"]);
        return JsonNode.Parse(await client.GetStringAsync($"/openapi/{name}.json"))!;
    }

    private static string SnapshotPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Snapshots", "openapi-engine-rest.json");

    [GeneratedRegex(@"\{([^}:*]+):[^}]+\}")]
    private static partial Regex Constraint();
}
