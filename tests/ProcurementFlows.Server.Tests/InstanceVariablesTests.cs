using System.Net;
using System.Net.Http.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary><c>PATCH /api/instances/{id}/variables</c> and <c>PUT /api/instances/{id}/variables/{name}</c>.</summary>
public sealed partial class WorkflowApiTests
{
    private static HttpRequestMessage Patch(string path, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    [Fact]
    public async Task A_supervisor_sets_variables_which_merge_inertly_and_the_etag_moves_on()
    {
        var key = await DeployApproval(NewKey("vars"));
        var (instanceId, _) = await Start(key, variables: new { title = "Goggles", amount = 10 });
        using var siri = await server.ClientFor("siri");
        using var before = await siri.GetAsync($"/api/instances/{instanceId}");
        var etag = before.Headers.ETag!.Tag;

        const string script = "${execution.setVariable('pwned', true)}<script>alert(1)</script>'; DROP TABLE pf.instances; --";
        using var request = Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 12, note = script, nested = new { a = new[] { 1, 2 } } } }, etag);
        using var response = await siri.SendAsync(request);
        var outcome = await Rest.Json(response);
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        Assert.Equal($"\"{outcome.GetProperty("version").GetInt64()}\"", response.Headers.ETag!.Tag);

        using var put = await siri.PutAsJsonAsync($"/api/instances/{instanceId}/variables/title", new { value = "Night-vision goggles", expectedVersion = outcome.GetProperty("version").GetInt64() });
        await Rest.Json(put);

        var detail = await Rest.Get(siri, $"/api/instances/{instanceId}");
        var variables = detail.GetProperty("variables");
        Assert.Equal("Night-vision goggles", variables.GetProperty("title").GetString());
        Assert.Equal(12, variables.GetProperty("amount").GetInt32());
        Assert.Equal(script, variables.GetProperty("note").GetString());
        Assert.Equal(2, variables.GetProperty("nested").GetProperty("a")[1].GetInt32());
        Assert.False(variables.TryGetProperty("pwned", out _));
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("type").GetString() == "VariablesUpdated" && h.GetProperty("userId").GetString() == "siri");
    }

    [Fact]
    public async Task Setting_variables_with_a_stale_version_is_409_and_changes_nothing()
    {
        var key = await DeployApproval(NewKey("stale"));
        var (instanceId, _) = await Start(key, variables: new { amount = 10 });
        using var siri = await server.ClientFor("siri");
        var detail = await Rest.Get(siri, $"/api/instances/{instanceId}");
        var version = detail.GetProperty("instance").GetProperty("version").GetInt64();

        using (var staleHeader = await siri.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 11 } }, $"\"{version - 1}\"")))
        {
            await Problems.AssertProblem(staleHeader, HttpStatusCode.Conflict);
        }

        using (var staleBody = await siri.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 11 }, expectedVersion = version + 5 })))
        {
            await Problems.AssertProblem(staleBody, HttpStatusCode.Conflict);
        }

        using (var contradicting = await siri.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 11 }, expectedVersion = version + 1 }, $"\"{version}\"")))
        {
            var problem = await Problems.AssertProblem(contradicting, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("expectedVersion", out _), problem.ToString());
        }

        var after = await Rest.Get(siri, $"/api/instances/{instanceId}");
        Assert.Equal(10, after.GetProperty("variables").GetProperty("amount").GetInt32());
        Assert.Equal(version, after.GetProperty("instance").GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData(" ", "variables")]
    [InlineData(" amount", " amount")]
    [InlineData("line\nbreak", "line?break")]
    public async Task A_bad_variable_name_is_400_naming_the_variable(string name, string errorKey)
    {
        var key = await DeployApproval(NewKey("badvar"));
        var (instanceId, _) = await Start(key);
        using var siri = await server.ClientFor("siri");
        using var response = await siri.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new Dictionary<string, object> { ["fine"] = 1, [name] = 2 } }));
        var problem = await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("variables.invalid", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(errorKey, out _), problem.ToString());
        Assert.False(problem.GetProperty("errors").TryGetProperty("fine", out _));
        var detail = await Rest.Get(siri, $"/api/instances/{instanceId}");
        Assert.False(detail.GetProperty("variables").TryGetProperty("fine", out _));
    }

    [Fact]
    public async Task Variables_of_an_unknown_or_ended_instance_and_empty_or_unauthorised_requests_are_refused()
    {
        var key = await DeployApproval(NewKey("varsno"));
        var (instanceId, _) = await Start(key);
        using var siri = await server.ClientFor("siri");
        using var olav = await server.ClientFor("olav");

        using (var officer = await olav.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 1 } })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, officer.StatusCode);
        }

        using (var empty = await siri.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { } })))
        {
            var problem = await Problems.AssertProblem(empty, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("variables", out _), problem.ToString());
        }

        using (var unknown = await siri.PutAsJsonAsync($"/api/instances/{Guid.NewGuid()}/variables/amount", new { value = 1 }))
        {
            await Problems.AssertProblem(unknown, HttpStatusCode.NotFound);
        }

        await Rest.Json(await Rest.Post(siri, $"/api/instances/{instanceId}/cancel", new { reason = "withdrawn" }));
        using (var ended = await siri.PutAsJsonAsync($"/api/instances/{instanceId}/variables/amount", new { value = 1 }))
        {
            await Problems.AssertProblem(ended, HttpStatusCode.Conflict);
        }

        using var anonymous = server.Anonymous();
        using var unauthorised = await anonymous.SendAsync(Patch($"/api/instances/{instanceId}/variables", new { variables = new { amount = 1 } }));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
    }
}
