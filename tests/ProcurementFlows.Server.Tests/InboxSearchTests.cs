using System.Net;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>The inbox's free-text search (<c>q</c>), on the same server as the other workflow API tests.</summary>
public sealed partial class WorkflowApiTests
{
    private static async Task<string[]> InboxIds(HttpClient client, string query)
    {
        var page = await Rest.Get(client, "/api/tasks?" + query);
        return [.. page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("instanceId").GetString()!)];
    }

    [Fact]
    public async Task Inbox_q_matches_task_name_process_name_business_key_and_case_title_case_insensitively_and_literally()
    {
        var key = await DeployApproval(NewKey("search"));
        using var olav = await server.ClientFor("olav");
        var goggles = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "NDMA-2025-0042", variables = new { title = "Night-vision goggles" } }), HttpStatusCode.Created);
        var boots = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "NDMA-2025-0077", variables = new { requirementTitle = "Arctic boots" } }), HttpStatusCode.Created);
        var gogglesId = goggles.GetProperty("instanceId").GetString()!;
        var bootsId = boots.GetProperty("instanceId").GetString()!;

        Assert.Equal([gogglesId], await InboxIds(olav, $"processKey={key}&q=night-VISION"));
        Assert.Equal([bootsId], await InboxIds(olav, $"processKey={key}&q=arctic"));
        Assert.Equal([bootsId], await InboxIds(olav, $"processKey={key}&q=ndma-2025-0077"));
        Assert.Equal(2, (await InboxIds(olav, $"processKey={key}&q=WRITE%20req")).Length);
        Assert.Equal(2, (await InboxIds(olav, $"q={Uri.EscapeDataString("approval " + key.ToUpperInvariant())}")).Length);
        Assert.Equal(2, (await InboxIds(olav, $"processKey={key}&q=%20%20")).Length); // blank = no filter

        // Wildcards and SQL are plain text.
        Assert.Empty(await InboxIds(olav, $"processKey={key}&q=%25"));
        Assert.Empty(await InboxIds(olav, $"processKey={key}&q=_"));
        Assert.Empty(await InboxIds(olav, $"processKey={key}&q={Uri.EscapeDataString("x' OR '1'='1")}"));

        // Search never widens the scope: another group's officer finds nothing.
        using var ingrid = await server.ClientFor("ingrid");
        Assert.Empty(await InboxIds(ingrid, "q=NDMA-2025-0042"));

        using var tooLong = await olav.GetAsync($"/api/tasks?q={new string('a', 201)}");
        var problem = await Problems.AssertProblem(tooLong, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _), problem.ToString());

        // Seek paging: after=<task id> continues the created order; it needs sort=created.
        var first = await Rest.Get(olav, $"/api/tasks?processKey={key}&limit=1");
        var firstTask = first.GetProperty("items")[0];
        Assert.True(first.GetProperty("totalExact").GetBoolean());
        var rest = await Rest.Get(olav, $"/api/tasks?processKey={key}&after={firstTask.GetProperty("id").GetString()}");
        Assert.Equal([bootsId], rest.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("instanceId").GetString()!));
        Assert.Equal(gogglesId, firstTask.GetProperty("instanceId").GetString());
        using var wrongSort = await olav.GetAsync($"/api/tasks?sort=due&after={firstTask.GetProperty("id").GetString()}");
        var sortProblem = await Problems.AssertProblem(wrongSort, HttpStatusCode.BadRequest);
        Assert.True(sortProblem.GetProperty("errors").TryGetProperty("after", out _), sortProblem.ToString());
    }
}
