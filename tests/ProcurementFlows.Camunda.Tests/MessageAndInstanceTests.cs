using System.Net;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed class MessageAndInstanceTests(CamundaServer server)
{
    private async Task<List<string>> StartReceivers(string key, params string[] businessKeys)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, key, ($"{key}.bpmn", Diagrams.Receive(key)));
        using var olav = server.Client("olav");
        var ids = new List<string>();
        foreach (var businessKey in businessKeys)
        {
            ids.Add((string)(await Http.Post(olav, $"process-definition/key/{key}/start", new { businessKey }))!["id"]!);
        }

        return ids;
    }

    [Fact]
    public async Task Messages_correlate_by_business_key_and_by_process_instance_id()
    {
        var ids = await StartReceivers("msg_target", "PO-1", "PO-2");
        using var per = server.Client("olav");
        await Http.Post(per, "message", new
        {
            messageName = "msg_target-delivered",
            businessKey = "PO-2",
            processVariables = new Dictionary<string, object> { ["deliveredAt"] = new { value = "2026-04-01T08:00:00.000+0200", type = "Date" } },
        }, HttpStatusCode.NoContent);
        Assert.Equal("COMPLETED", (string?)(await Http.Get(per, $"history/process-instance/{ids[1]}"))!["state"]);
        Assert.Equal("ACTIVE", (string?)(await Http.Get(per, $"history/process-instance/{ids[0]}"))!["state"]);

        var results = (await Http.Post(per, "message", new { messageName = "msg_target-delivered", processInstanceId = ids[0], resultEnabled = true }))!.AsArray();
        var result = Assert.Single(results)!;
        Assert.Equal("Execution", (string?)result["resultType"]);
        Assert.Equal(ids[0], (string?)result["execution"]!["processInstanceId"]);

        var finished = (await Http.Get(per, "history/process-instance?processDefinitionKey=msg_target&finished=true"))!.AsArray();
        Assert.Equal(2, finished.Count);
        Assert.All(finished, i => Assert.Equal("COMPLETED", (string?)i!["state"]));
        Assert.Empty((await Http.Get(per, "history/process-instance?processDefinitionKey=msg_target&unfinished=true"))!.AsArray());
    }

    [Fact]
    public async Task Messages_nobody_waits_for_are_a_400_rest_exception()
    {
        using var olav = server.Client("olav");
        var message = await Http.PostError(olav, "message", new { messageName = "nobody-waits" }, HttpStatusCode.BadRequest, "RestException");
        Assert.Contains("nobody-waits", message, StringComparison.Ordinal);
        await Http.PostError(olav, "message", new { businessKey = "x" }, HttpStatusCode.BadRequest, "InvalidRequestException");
        var ids = await StartReceivers("msg_wrong_key", "PO-9");
        await Http.PostError(olav, "message", new { messageName = "msg_wrong_key-delivered", businessKey = "PO-other" }, HttpStatusCode.BadRequest, "RestException");
        Assert.Equal("ACTIVE", (string?)(await Http.Get(olav, $"history/process-instance/{ids[0]}"))!["state"]);
    }

    [Fact]
    public async Task Deleting_an_instance_needs_a_supervisor_and_ends_it_externally()
    {
        var ids = await StartReceivers("delete_me", "D-1");
        using var olav = server.Client("olav");
        using (var response = await olav.DeleteAsync($"process-instance/{ids[0]}"))
        {
            await Http.Error(response, HttpStatusCode.Forbidden, "AuthorizationException");
        }

        var running = await Http.Get(olav, $"process-instance/{ids[0]}");
        Assert.False((bool)running!["ended"]!);
        using var siri = server.Client("siri");
        using (var response = await siri.DeleteAsync($"process-instance/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal("EXTERNALLY_TERMINATED", (string?)(await Http.Get(siri, $"history/process-instance/{ids[0]}"))!["state"]);
        using (var response = await siri.DeleteAsync($"process-instance/{ids[0]}"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        using (var response = await siri.GetAsync("history/activity-instance?sortBy=name&sortOrder=asc"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }
    }
}
