using System.Net;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed class TaskTests(CamundaServer server)
{
    private async Task<List<string>> StartReviews(string key, int count)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, key, ($"{key}.bpmn", Diagrams.UserTask(key)));
        using var olav = server.Client("olav");
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var started = await Http.Post(olav, $"process-definition/key/{key}/start", new { businessKey = $"{key}-{i}", variables = new Dictionary<string, object> { ["amount"] = new { value = 1000 * (i + 1), type = "Long" } } });
            ids.Add((string)started!["id"]!);
        }

        return ids;
    }

    [Fact]
    public async Task Query_by_candidate_group_and_definition_with_paging_sorting_and_count()
    {
        var instances = await StartReviews("task_query", 3);
        using var olav = server.Client("olav");
        var all = (await Http.Get(olav, "task?processDefinitionKey=task_query&candidateGroup=procurement-officers&sortBy=created&sortOrder=asc"))!.AsArray();
        Assert.Equal(3, all.Count);
        Assert.Equal(instances, all.Select(t => (string)t!["processInstanceId"]!));
        var first = all[0]!;
        Assert.Equal("Review", (string?)first["taskDefinitionKey"]);
        Assert.Equal("Review request", (string?)first["name"]);
        Assert.Null(first["assignee"]);
        Assert.StartsWith("task_query:1:", (string?)first["processDefinitionId"], StringComparison.Ordinal);
        Assert.Matches(@"\+0000$", (string?)first["created"]);

        var page = (await Http.Get(olav, "task?processDefinitionKey=task_query&firstResult=1&maxResults=1&sortBy=created&sortOrder=asc"))!.AsArray();
        Assert.Equal(instances[1], (string?)Assert.Single(page)!["processInstanceId"]);
        var descending = (await Http.Post(olav, "task?maxResults=2", new { processDefinitionKey = "task_query", sorting = new[] { new { sortBy = "created", sortOrder = "desc" } } }))!.AsArray();
        Assert.Equal([instances[2], instances[1]], descending.Select(t => (string)t!["processInstanceId"]!));
        Assert.Equal(3, (long)(await Http.Get(olav, "task/count?processDefinitionKey=task_query"))!["count"]!);
        Assert.Equal(1, (long)(await Http.Post(olav, "task/count", new { processInstanceId = instances[0] }))!["count"]!);
        var byKey = (await Http.Get(olav, "task?processInstanceBusinessKey=task_query-2"))!.AsArray();
        Assert.Equal(instances[2], (string?)Assert.Single(byKey)!["processInstanceId"]);

        // Rita is not a procurement officer: she sees none of them, and may not ask for the group.
        using var rita = server.Client("rita");
        Assert.Empty((await Http.Get(rita, "task?processDefinitionKey=task_query"))!.AsArray());
        using (var response = await rita.GetAsync("task?candidateGroup=procurement-officers"))
        {
            await Http.Error(response, HttpStatusCode.Forbidden, "AuthorizationException");
        }

        using (var response = await olav.GetAsync("task?sortBy=created"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using (var response = await olav.GetAsync("task?dueBefore=someday"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using var dana = server.Client("dana");
        using (var response = await dana.GetAsync("task"))
        {
            await Http.Error(response, HttpStatusCode.Forbidden, "AuthorizationException");
        }
    }

    [Fact]
    public async Task Claim_unclaim_delegate_and_complete_with_typed_variables()
    {
        var instance = (await StartReviews("task_work", 1))[0];
        using var olav = server.Client("olav");
        var task = Assert.Single((await Http.Get(olav, $"task?processInstanceId={instance}"))!.AsArray())!;
        var id = (string)task["id"]!;
        var variables = (await Http.Get(olav, $"task/{id}/variables"))!;
        // The value type is kept with the variable: a small Long still comes back as Long.
        Assert.Equal("Long", (string?)variables["amount"]!["type"]!);
        Assert.Equal(1000, (int)variables["amount"]!["value"]!);

        await Http.Post(olav, $"task/{id}/claim", new { userId = "olav" }, HttpStatusCode.NoContent);
        Assert.Equal("olav", (string?)(await Http.Get(olav, $"task/{id}"))!["assignee"]);
        using var siri = server.Client("siri");
        await Http.PostError(siri, $"task/{id}/claim", new { userId = "siri" }, HttpStatusCode.InternalServerError, "TaskAlreadyClaimedException");
        await Http.PostError(siri, $"task/{id}/complete", new { }, HttpStatusCode.Forbidden, "AuthorizationException");
        await Http.Post(olav, $"task/{id}/unclaim", new { }, HttpStatusCode.NoContent);
        Assert.Null((await Http.Get(olav, $"task/{id}"))!["assignee"]);

        await Http.Post(olav, $"task/{id}/claim", new { userId = "olav" }, HttpStatusCode.NoContent);
        await Http.Post(olav, $"task/{id}/delegate", new { userId = "siri" }, HttpStatusCode.NoContent);
        var delegated = (await Http.Get(siri, $"task/{id}"))!;
        Assert.Equal("siri", (string?)delegated["assignee"]);
        Assert.Equal("olav", (string?)delegated["owner"]);
        Assert.Equal("PENDING", (string?)delegated["delegationState"]);

        await Http.PostError(siri, $"task/{id}/complete", new { variables = new Dictionary<string, object> { ["approved"] = new { value = "maybe", type = "Boolean" } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        var returned = (await Http.Post(siri, $"task/{id}/complete", new { variables = new Dictionary<string, object> { ["approved"] = new { value = true, type = "Boolean" } }, withVariablesInReturn = true }))!;
        Assert.True((bool)returned["approved"]!["value"]!);
        using (var response = await olav.GetAsync($"task/{id}"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        var history = await Http.Get(olav, $"history/process-instance/{instance}");
        Assert.Equal("COMPLETED", (string?)history!["state"]);
        using (var response = await olav.GetAsync($"process-instance/{instance}"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        var path = (await Http.Get(olav, $"history/activity-instance?processInstanceId={instance}&finished=true"))!.AsArray();
        Assert.Equal(["Start", "Review", "End"], path.Select(a => (string?)a!["activityId"]));
        Assert.Equal(id, (string?)path[1]!["taskId"]);
        Assert.Equal("userTask", (string?)path[1]!["activityType"]);
        Assert.Equal("Review request", (string?)path[1]!["activityName"]);
    }

    [Fact]
    public async Task Task_actions_on_unknown_tasks_and_other_officers_tasks_are_refused()
    {
        using var olav = server.Client("olav");
        await Http.PostError(olav, "task/no-such-task/claim", new { }, HttpStatusCode.NotFound, "InvalidRequestException");
        await Http.PostError(olav, "task/no-such-task/complete", new { }, HttpStatusCode.NotFound, "InvalidRequestException");
        var instance = (await StartReviews("task_foreign", 1))[0];
        var id = (string)Assert.Single((await Http.Get(olav, $"task?processInstanceId={instance}"))!.AsArray())!["id"]!;
        using var rita = server.Client("rita");
        await Http.PostError(rita, $"task/{id}/claim", new { }, HttpStatusCode.Forbidden, "AuthorizationException");
        await Http.PostError(olav, $"task/{id}/claim", new { userId = "rita" }, HttpStatusCode.Forbidden, "AuthorizationException");
        await Http.PostError(olav, $"task/{id}/delegate", new { }, HttpStatusCode.BadRequest, "InvalidRequestException");
    }
}
