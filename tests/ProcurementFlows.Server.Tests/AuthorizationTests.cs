using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>Who may call what: 401 without sign-in, 403 for the wrong role or group, problems for bad input.</summary>
public sealed class AuthorizationTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Theory]
    [InlineData("GET", "/api/definitions")]
    [InlineData("POST", "/api/definitions")]
    [InlineData("GET", "/api/instances")]
    [InlineData("POST", "/api/instances")]
    [InlineData("GET", "/api/tasks")]
    [InlineData("POST", "/api/messages")]
    [InlineData("GET", "/api/supervision/workload")]
    [InlineData("POST", "/api/migrations")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/hangfire")]
    public async Task Every_endpoint_but_health_requires_sign_in(string method, string path)
    {
        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { }) : null };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("olav", "POST", "/api/definitions")]
    [InlineData("siri", "POST", "/api/definitions/validate")]
    [InlineData("dana", "GET", "/api/tasks")]
    [InlineData("olav", "GET", "/api/supervision/workload")]
    [InlineData("olav", "GET", "/api/supervision/incidents")]
    [InlineData("dana", "POST", "/api/supervision/tasks/t-1/reassign")]
    [InlineData("olav", "POST", "/api/migrations")]
    [InlineData("olav", "POST", "/api/instances/i-1/cancel")]
    [InlineData("siri", "GET", "/hangfire")]
    public async Task Wrong_role_gets_403(string user, string method, string path)
    {
        using var client = await server.ClientFor(user);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { }) : null };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Admin_sees_the_hangfire_dashboard()
    {
        using var client = await server.ClientFor("admin");
        using var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Officers_may_not_list_everyones_tasks_or_other_groups()
    {
        using var olav = await server.ClientFor("olav");
        using var everyone = await olav.GetAsync("/api/tasks?scope=everyone");
        var problem = await Problems.AssertProblem(everyone, HttpStatusCode.Forbidden);
        Assert.Equal("task.not-authorized", problem.GetProperty("code").GetString());
        using var otherGroup = await olav.GetAsync("/api/tasks?candidateGroup=compliance-officers");
        await Problems.AssertProblem(otherGroup, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Supervisors_may_list_everyones_tasks()
    {
        using var siri = await server.ClientFor("siri");
        var page = await Rest.Get(siri, "/api/tasks?scope=everyone&sort=due");
        Assert.True(page.GetProperty("total").GetInt64() >= 0);
        Assert.Equal(50, page.GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("/api/tasks?scope=nobody", "scope")]
    [InlineData("/api/tasks?sort=colour", "sort")]
    [InlineData("/api/tasks?limit=0", "limit")]
    [InlineData("/api/instances?limit=501", "limit")]
    [InlineData("/api/instances?offset=-1", "offset")]
    [InlineData("/api/instances?status=sleeping", "status")]
    public async Task Bad_query_parameters_get_400_with_field_errors(string path, string field)
    {
        using var client = await server.ClientFor("siri");
        using var response = await client.GetAsync(path);
        var problem = await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Malformed_query_values_get_400()
    {
        using var client = await server.ClientFor("siri");
        using var response = await client.GetAsync("/api/instances?startedAfter=yesterday-ish");
        await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/instances/no-such-instance")]
    [InlineData("/api/instances/no-such-instance/history")]
    [InlineData("/api/instances/no-such-instance/audit/verify")]
    [InlineData("/api/tasks/no-such-task")]
    [InlineData("/api/definitions/no-such-process/versions/1")]
    [InlineData("/api/definitions/no-such-process/versions/1/xml")]
    [InlineData("/api/definitions/no-such-process/diff?from=1&to=2")]
    public async Task Unknown_ids_get_404_problem(string path)
    {
        using var client = await server.ClientFor("siri");
        using var response = await client.GetAsync(path);
        await Problems.AssertProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_task_actions_get_404()
    {
        using var client = await server.ClientFor("olav");
        using var response = await Rest.Post(client, "/api/tasks/no-such-task/complete", new { variables = new { } });
        var problem = await Problems.AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Equal("task.not-found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Starting_an_unknown_process_gets_404()
    {
        using var client = await server.ClientFor("olav");
        using var response = await Rest.Post(client, "/api/instances", new { processKey = "no-such-process" });
        await Problems.AssertProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Starting_without_a_process_key_gets_400()
    {
        using var client = await server.ClientFor("olav");
        using var response = await Rest.Post(client, "/api/instances", new { businessKey = "x" });
        await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_uncorrelated_message_gets_404_naming_the_message()
    {
        using var client = await server.ClientFor("olav");
        using var response = await Rest.Post(client, "/api/messages", new { messageName = "nobody-waits", correlationKey = "PF-1" });
        var problem = await Problems.AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Equal("message.not-correlated", problem.GetProperty("code").GetString());
        Assert.Contains("nobody-waits", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_without_files_gets_400_and_without_multipart_gets_415()
    {
        using var client = await server.ClientFor("dana");
        using var empty = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        using var noFiles = await client.PostAsync("/api/definitions", empty);
        await Problems.AssertProblem(noFiles, HttpStatusCode.BadRequest);
        using var json = await Rest.Post(client, "/api/definitions", new { xml = "<x/>" });
        await Problems.AssertProblem(json, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Deploy_of_other_file_types_gets_400_naming_the_file()
    {
        using var client = await server.ClientFor("dana");
        using var body = Rest.Files(("notes.txt", "hello"));
        using var response = await client.PostAsync("/api/definitions", body);
        var problem = await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("notes.txt", out _));
    }

    [Fact]
    public async Task A_bpmn_over_10_MB_gets_413()
    {
        using var client = await server.ClientFor("dana");
        var huge = "<?xml version=\"1.0\"?><definitions>" + new string(' ', (10 * 1024 * 1024) + 10) + "</definitions>";
        using var body = Rest.Files(("huge.bpmn", huge));
        using var response = await client.PostAsync("/api/definitions", body);
        await Problems.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Readyz_reports_database_and_hangfire_healthy()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("hangfire").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Json_sign_in_sets_the_workbench_cookie_and_sign_out_clears_it()
    {
        using var client = server.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var user = await Rest.Json(await Rest.Post(client, "/api/auth/signin", new { userName = "ingrid", password = ServerFactory.Passwords["ingrid"] }));
        Assert.Contains("compliance-officers", user.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var me = await Rest.Get(client, "/api/auth/me");
        Assert.Equal("ingrid", me.GetProperty("userName").GetString());

        using var signOut = await Rest.Post(client, "/api/auth/signout");
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        using var after = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
