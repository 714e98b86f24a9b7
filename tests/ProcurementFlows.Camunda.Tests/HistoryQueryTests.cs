using System.Net;
using System.Text.Json.Nodes;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

/// <summary>History and instance queries across instances, with Camunda's filters, sorting, paging and counts.</summary>
[Collection(CamundaCollection.Name)]
public sealed class HistoryQueryTests(CamundaServer server)
{
    /// <summary>Three instances of <paramref name="key"/> (business keys H-1..H-3); the first one's task completed.</summary>
    private async Task<List<string>> Prepare(string key)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, key, ($"{key}.bpmn", Diagrams.UserTask(key)));
        using var olav = server.Client("olav");
        var ids = new List<string>();
        foreach (var businessKey in new[] { "H-1", "H-2", "H-3" })
        {
            ids.Add((string)(await Http.Post(olav, $"process-definition/key/{key}/start", new { businessKey }))!["id"]!);
        }

        var task = Assert.Single((await Http.Get(olav, $"task?processInstanceId={ids[0]}"))!.AsArray())!;
        await Http.Post(olav, $"task/{(string)task["id"]!}/claim", new { userId = "olav" }, HttpStatusCode.NoContent);
        await Http.Post(olav, $"task/{(string)task["id"]!}/complete", new { }, HttpStatusCode.NoContent);
        return ids;
    }

    private static long Count(JsonNode? node) => (long)node!["count"]!;

    [Fact]
    public async Task Activity_instances_of_every_instance_filter_sort_page_and_count()
    {
        var ids = await Prepare("hist_act");
        using var siri = server.Client("siri");
        var tasks = (await Http.Get(siri, "history/activity-instance?processDefinitionKey=hist_act&activityType=userTask&sortBy=startTime&sortOrder=asc"))!.AsArray();
        Assert.Equal(ids, tasks.Select(t => (string)t!["processInstanceId"]!));
        Assert.All(tasks, t =>
        {
            Assert.Equal("Review", (string?)t!["activityId"]);
            Assert.Equal("Review request", (string?)t["activityName"]);
            Assert.NotNull((string?)t["taskId"]);
            Assert.StartsWith("hist_act:1:", (string?)t["processDefinitionId"], StringComparison.Ordinal);
        });
        Assert.NotNull((string?)tasks[0]!["endTime"]);
        Assert.NotNull(tasks[0]!["durationInMillis"]);
        Assert.Null(tasks[1]!["endTime"]);

        Assert.Equal(3, Count(await Http.Get(siri, "history/activity-instance/count?processDefinitionKey=hist_act&activityType=userTask")));
        Assert.Equal(2, Count(await Http.Get(siri, "history/activity-instance/count?processDefinitionKey=hist_act&activityType=userTask&unfinished=true")));
        Assert.Equal(1, Count(await Http.Get(siri, "history/activity-instance/count?processDefinitionKey=hist_act&activityType=userTask&finished=true")));
        Assert.Equal(0, Count(await Http.Get(siri, "history/activity-instance/count?processDefinitionKey=hist_act&canceled=true")));

        // The first instance's whole path, in order: start, task, end.
        var path = (await Http.Get(siri, $"history/activity-instance?processInstanceId={ids[0]}&sortBy=occurrence&sortOrder=asc"))!.AsArray();
        Assert.Equal(["Start", "Review", "End"], path.Select(a => (string)a!["activityId"]!));
        Assert.True((bool)path[2]!["completeScope"]!);

        // Paging and descending order.
        var page = (await Http.Get(siri, "history/activity-instance?processDefinitionKey=hist_act&activityType=userTask&sortBy=startTime&sortOrder=desc&firstResult=1&maxResults=1"))!.AsArray();
        Assert.Equal(ids[1], (string?)Assert.Single(page)!["processInstanceId"]);

        // Without any filter it answers too (all instances), bounded by maxResults.
        Assert.Equal(2, (await Http.Get(siri, "history/activity-instance?maxResults=2"))!.AsArray().Count);
    }

    [Theory]
    [InlineData("history/activity-instance?sortBy=startTime")]
    [InlineData("history/activity-instance?sortOrder=asc")]
    [InlineData("history/activity-instance?sortBy=startTime&sortOrder=up")]
    [InlineData("history/activity-instance?sortBy=activityName&sortOrder=asc")]
    [InlineData("history/activity-instance?finished=maybe")]
    [InlineData("history/activity-instance?startedAfter=yesterday")]
    [InlineData("history/process-instance?sortBy=tenantId&sortOrder=asc")]
    [InlineData("history/process-instance?state=RUNNING")]
    [InlineData("history/process-instance?firstResult=-1")]
    [InlineData("process-instance?sortBy=startTime&sortOrder=asc")]
    [InlineData("process-instance/count?withIncident=sometimes")]
    public async Task Bad_query_parameters_are_400_invalid_request(string path)
    {
        using var siri = server.Client("siri");
        using var response = await siri.GetAsync(path);
        await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
    }

    [Fact]
    public async Task Historic_and_running_process_instances_filter_sort_page_and_count()
    {
        var ids = await Prepare("hist_proc");
        using var siri = server.Client("siri");
        var byKeyDesc = (await Http.Get(siri, "history/process-instance?processDefinitionKey=hist_proc&sortBy=businessKey&sortOrder=desc"))!.AsArray();
        Assert.Equal(["H-3", "H-2", "H-1"], byKeyDesc.Select(i => (string)i!["businessKey"]!));
        Assert.Equal(3, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKey=hist_proc")));
        Assert.Equal(1, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKey=hist_proc&finished=true")));
        Assert.Equal(2, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKey=hist_proc&unfinished=true")));
        Assert.Equal(1, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKey=hist_proc&state=COMPLETED")));
        Assert.Equal(2, Count(await Http.Get(siri, $"history/process-instance/count?processInstanceIds={ids[0]},{ids[2]}")));
        Assert.Equal(3, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKeyIn=hist_proc,nothing_else&processInstanceBusinessKeyLike=H-%25")));
        Assert.Equal(0, Count(await Http.Get(siri, "history/process-instance/count?processDefinitionKey=hist_proc&startedBy=nobody")));
        var completed = Assert.Single((await Http.Get(siri, "history/process-instance?processDefinitionKey=hist_proc&finished=true"))!.AsArray())!;
        Assert.Equal(ids[0], (string?)completed["id"]);
        Assert.Equal("COMPLETED", (string?)completed["state"]);
        Assert.NotNull(completed["durationInMillis"]);
        var definitionId = (string)completed["processDefinitionId"]!;
        Assert.Equal(3, Count(await Http.Get(siri, $"history/process-instance/count?processDefinitionId={Uri.EscapeDataString(definitionId)}")));
        var secondPage = (await Http.Get(siri, "history/process-instance?processDefinitionKey=hist_proc&sortBy=startTime&sortOrder=asc&firstResult=1&maxResults=1"))!.AsArray();
        Assert.Equal(ids[1], (string?)Assert.Single(secondPage)!["id"]);

        // Running instances: /process-instance with its own filters and count.
        var running = (await Http.Get(siri, "process-instance?processDefinitionKey=hist_proc&sortBy=businessKey&sortOrder=asc"))!.AsArray();
        Assert.Equal([ids[1], ids[2]], running.Select(i => (string)i!["id"]!));
        Assert.All(running, i => Assert.False((bool)i!["ended"]!));
        Assert.Equal(2, Count(await Http.Get(siri, "process-instance/count?processDefinitionKey=hist_proc")));
        Assert.Equal(1, Count(await Http.Get(siri, "process-instance/count?processDefinitionKey=hist_proc&businessKeyLike=%25-3")));
        Assert.Equal(0, Count(await Http.Get(siri, "process-instance/count?processDefinitionKey=hist_proc&suspended=true")));
        Assert.Equal(1, Count(await Http.Get(siri, $"process-instance/count?processInstanceIds={ids[0]},{ids[1]}")));
    }

    [Fact]
    public async Task Post_variants_take_the_filters_from_the_body_and_paging_from_the_url()
    {
        var ids = await Prepare("hist_post");
        using var siri = server.Client("siri");
        var page = (await Http.Post(siri, "history/process-instance?firstResult=0&maxResults=2", new
        {
            processDefinitionKey = "hist_post",
            sorting = new[] { new { sortBy = "businessKey", sortOrder = "desc" } },
        }))!.AsArray();
        Assert.Equal(["H-3", "H-2"], page.Select(i => (string)i!["businessKey"]!));
        Assert.Equal(1, Count(await Http.Post(siri, "history/process-instance/count", new { processDefinitionKey = "hist_post", finished = true })));
        var running = (await Http.Post(siri, "process-instance", new { processInstanceIds = new[] { ids[0], ids[1], ids[2] }, sorting = new[] { new { sortBy = "businessKey", sortOrder = "asc" } } }))!.AsArray();
        Assert.Equal([ids[1], ids[2]], running.Select(i => (string)i!["id"]!));
        Assert.Equal(2, Count(await Http.Post(siri, "process-instance/count", new { processDefinitionKeyIn = new[] { "hist_post" } })));

        // A filter this engine does not know is refused, never silently ignored.
        var message = await Http.PostError(siri, "history/process-instance", new { processDefinitionKey = "hist_post", tenantIdIn = new[] { "t1" } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Contains("tenantIdIn", message, StringComparison.Ordinal);
        await Http.PostError(siri, "process-instance", new { sorting = new[] { new { sortBy = "businessKey", sortOrder = "asc" }, new { sortBy = "instanceId", sortOrder = "asc" } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(siri, "process-instance/count", new { withIncident = new { yes = true } }, HttpStatusCode.BadRequest, "InvalidRequestException");

        using var erp = server.Client("erp");
        Assert.Equal(0, Count(await Http.Post(erp, "external-task/count", new { processDefinitionKey = "hist_post", locked = true })));
        Assert.Empty((await Http.Post(erp, "external-task", new { topicName = "no-such-topic", sorting = new[] { new { sortBy = "priority", sortOrder = "desc" } } }))!.AsArray());
    }
}
