using System.Net;
using System.Text.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

public sealed class OperationsTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Healthz_is_anonymous_and_healthy()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_is_anonymous_and_reports_database_and_hangfire()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var checks = body.GetProperty("checks");
        // The runtime's check: reachable and migrated.
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Contains("schema version", checks.GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(checks.TryGetProperty("hangfire", out _));
        var healthy = body.GetProperty("status").GetString() == "Healthy";
        Assert.Equal(healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_api_route_gets_404_problem()
    {
        using var client = await server.ClientFor("admin");
        using var response = await client.GetAsync("/api/no-such-thing");
        await Problems.AssertProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Oversized_body_gets_413_problem()
    {
        using var client = server.Anonymous();
        using var content = new ByteArrayContent(new byte[(10 * 1024 * 1024) + 1]);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("/api/auth/token", content);
        await Problems.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Scalar_page_is_served_to_signed_in_users()
    {
        using var client = await server.ClientFor("dana");
        using var first = await client.GetAsync("/scalar");
        // Scalar redirects /scalar to its canonical path; follow it with the same credentials.
        var location = first.StatusCode == HttpStatusCode.Redirect ? first.Headers.Location!.OriginalString : "/scalar";
        using var response = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }
}
