using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

/// <summary>External-task priority (camunda:taskPriority) and what a worker admin or Cockpit-like tool calls.</summary>
[Collection(CamundaCollection.Name)]
public sealed class ExternalTaskAdminTests(CamundaServer server)
{
    private static object Fetch(string worker, string topic, int maxTasks, bool usePriority) =>
        new { workerId = worker, maxTasks, usePriority, topics = new[] { new { topicName = topic, lockDuration = 60_000 } } };

    private async Task<string> Start(HttpClient client, string key, long? prio)
    {
        object body = prio is null ? new { } : new { variables = new Dictionary<string, object> { ["prio"] = new { value = prio, type = "Long" } } };
        return (string)(await Http.Post(client, $"process-definition/key/{key}/start", body))!["id"]!;
    }

    [Fact]
    public async Task Task_priority_from_the_element_the_process_default_or_an_expression_orders_use_priority_fetches()
    {
        const string topic = "prio-topic";
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "prio_expr", ("prio_expr.bpmn", Diagrams.PrioritizedExternal("prio_expr", topic, "${prio}", "1")));
        await Http.Deploy(dana, "prio_default", ("prio_default.bpmn", Diagrams.PrioritizedExternal("prio_default", topic, null, "30")));
        await Http.Deploy(dana, "prio_literal", ("prio_literal.bpmn", Diagrams.PrioritizedExternal("prio_literal", topic, "40", "99")));
        await Http.Deploy(dana, "prio_none", ("prio_none.bpmn", Diagrams.PrioritizedExternal("prio_none", topic, null, null)));
        using var olav = server.Client("olav");
        var low = await Start(olav, "prio_expr", 5);
        var high = await Start(olav, "prio_expr", 50);
        var byDefault = await Start(olav, "prio_default", null);
        var literal = await Start(olav, "prio_literal", null);
        var none = await Start(olav, "prio_none", null);

        using var erp = server.Client("erp");
        var all = (await Http.Get(erp, $"external-task?topicName={topic}&sortBy=priority&sortOrder=desc"))!.AsArray();
        Assert.Equal([high, literal, byDefault, low, none], all.Select(t => (string)t!["processInstanceId"]!));
        Assert.Equal([50L, 40L, 30L, 5L, 0L], all.Select(t => (long)t!["priority"]!));
        Assert.Equal(3, (long)(await Http.Get(erp, $"external-task/count?topicName={topic}&priorityHigherThanOrEquals=30"))!["count"]!);
        Assert.Equal(2, (long)(await Http.Get(erp, $"external-task/count?topicName={topic}&priorityLowerThanOrEquals=5"))!["count"]!);

        // usePriority: highest first, one at a time; the result carries the priority.
        var order = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var task = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("prio-worker", topic, 1, usePriority: true)))!.AsArray())!;
            order.Add((string)task["processInstanceId"]!);
            Assert.Equal(i == 0 ? 50 : 40, (long)task["priority"]!);
        }

        Assert.Equal([high, literal], order);

        // A Cockpit-like override: the lowest task jumps the queue.
        var lowTask = (string)Assert.Single((await Http.Get(erp, $"external-task?processInstanceId={low}"))!.AsArray())!["id"]!;
        using (var put = await erp.PutAsJsonAsync($"external-task/{lowTask}/priority", new { priority = 1000 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal(1000, (long)(await Http.Get(erp, $"external-task/{lowTask}"))!["priority"]!);
        var next = (await Http.Post(erp, "external-task/fetchAndLock", Fetch("prio-worker", topic, 10, usePriority: true)))!.AsArray();
        Assert.Equal([low, byDefault, none], next.Select(t => (string)t!["processInstanceId"]!));
    }

    [Fact]
    public async Task A_task_priority_that_is_not_an_integer_fails_the_deployment()
    {
        using var dana = server.Client("dana");
        using var content = Http.ModelerDeployment("prio_bad", [("prio_bad.bpmn", Diagrams.PrioritizedExternal("prio_bad", "prio-bad-topic", "urgent", null))]);
        using var response = await dana.PostAsync("deployment/create", content);
        var message = await Http.Error(response, HttpStatusCode.BadRequest, "ParseException");
        Assert.Contains("taskPriority", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_retries_resolves_the_incident_of_a_failed_task_and_zero_raises_one()
    {
        const string topic = "retries-topic";
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "retries_admin", ("retries_admin.bpmn", Diagrams.PrioritizedExternal("retries_admin", topic, null, null)));
        using var olav = server.Client("olav");
        var instance = await Start(olav, "retries_admin", null);
        using var erp = server.Client("erp");
        var task = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("r-worker", topic, 1, false)))!.AsArray())!;
        var id = (string)task["id"]!;
        await Http.Post(erp, $"external-task/{id}/failure", new { workerId = "r-worker", errorMessage = "registry down", retries = 0 }, HttpStatusCode.NoContent);
        Assert.Equal(0, (int)(await Http.Get(erp, $"external-task/{id}"))!["retries"]!);
        Assert.Equal(1, (long)(await Http.Get(erp, $"external-task/count?processInstanceId={instance}&noRetriesLeft=true"))!["count"]!);
        Assert.Empty((await Http.Post(erp, "external-task/fetchAndLock", Fetch("r-worker", topic, 1, false)))!.AsArray());

        using (var bad = await erp.PutAsJsonAsync($"external-task/{id}/retries", new { retries = -1 }))
        {
            await Http.Error(bad, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using (var unknown = await erp.PutAsJsonAsync("external-task/no-such-task/retries", new { retries = 1 }))
        {
            await Http.Error(unknown, HttpStatusCode.NotFound, "RestException");
        }

        using (var put = await erp.PutAsJsonAsync($"external-task/{id}/retries", new { retries = 2 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal(2, (int)(await Http.Get(erp, $"external-task/{id}"))!["retries"]!);
        Assert.Equal(1, (long)(await Http.Get(erp, $"external-task/count?processInstanceId={instance}&withRetriesLeft=true"))!["count"]!);
        var again = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("r-worker", topic, 1, false)))!.AsArray())!;
        Assert.Equal(id, (string?)again["id"]);
        Assert.Equal(2, (int)again["retries"]!);

        // Retries 0 on an available task raise the incident, as in Camunda.
        await Http.Post(erp, $"external-task/{id}/unlock", new { }, HttpStatusCode.NoContent);
        using (var zero = await erp.PutAsJsonAsync($"external-task/{id}/retries", new { retries = 0 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, zero.StatusCode);
        }

        Assert.Equal(0, (int)(await Http.Get(erp, $"external-task/{id}"))!["retries"]!);
        using var api = await server.ApiClient("siri");
        var incidents = (await Http.Get(api, "/api/supervision/incidents?processKey=retries_admin"))!;
        Assert.Contains(Items(incidents), i => (string?)i["instanceId"] == instance);
    }

    [Fact]
    public async Task External_task_queries_have_camunda_shapes_and_refuse_bad_parameters()
    {
        const string topic = "query-shape-topic";
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "ext_query_shape", ("ext_query_shape.bpmn", Diagrams.PrioritizedExternal("ext_query_shape", topic, "7", null)));
        using var olav = server.Client("olav");
        var instance = await Start(olav, "ext_query_shape", null);
        using var erp = server.Client("erp");
        var task = Assert.Single((await Http.Get(erp, $"external-task?processInstanceId={instance}&activityId=Work&processDefinitionKey=ext_query_shape"))!.AsArray())!;
        foreach (var field in new[] { "activityId", "activityInstanceId", "errorMessage", "executionId", "id", "lockExpirationTime", "processDefinitionId", "processDefinitionKey", "processInstanceId", "retries", "suspended", "workerId", "topicName", "tenantId", "priority", "businessKey" })
        {
            Assert.True(task.AsObject().ContainsKey(field), $"external task lacks '{field}'");
        }

        Assert.Equal(7, (long)task["priority"]!);
        Assert.Empty((await Http.Get(erp, $"external-task?processInstanceId={instance}&activityId=Other"))!.AsArray());
        await Http.Post(erp, "external-task/fetchAndLock", Fetch("q-worker", topic, 1, false));
        var locked = Assert.Single((await Http.Get(erp, $"external-task?processInstanceId={instance}&locked=true&workerId=q-worker&lockExpirationAfter=2000-01-01T00:00:00.000%2B0000"))!.AsArray())!;
        Assert.Equal("q-worker", (string?)locked["workerId"]);
        using (var response = await erp.GetAsync("external-task?sortBy=priority"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using (var response = await erp.GetAsync("external-task?sortBy=nonsense&sortOrder=asc"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using (var response = await erp.GetAsync("external-task?priorityHigherThanOrEquals=high"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }
    }

    private static IEnumerable<JsonNode> Items(JsonNode page) => (page is JsonArray array ? array : page["items"]!.AsArray()).Select(i => i!);
}
