using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

/// <summary>Camunda value types survive the round trip: a variable set as Long reads back as Long, however small.</summary>
[Collection(CamundaCollection.Name)]
public sealed class TypedVariableTests(CamundaServer server)
{
    private static Dictionary<string, object> Typed() => new()
    {
        ["smallLong"] = new { value = 5, type = "Long" },
        ["short"] = new { value = 2, type = "Short" },
        ["integer"] = new { value = 3, type = "Integer" },
        ["wholeDouble"] = new { value = 2, type = "Double" },
        ["date"] = new { value = "2026-05-04T10:15:30.123+0200", type = "Date" },
        ["dateLikeText"] = new { value = "2026-01-01T00:00:00.000Z", type = "String" },
        ["json"] = new { value = "{\"b\":1,\"a\":[true,null]}", type = "Json" },
        ["object"] = new { value = "{\"lines\":[1]}", type = "Object", valueInfo = new { objectTypeName = "com.example.Order", serializationDataFormat = "application/json" } },
        ["flag"] = new { value = false, type = "boolean" },
    };

    private static void AssertTyped(JsonNode variables)
    {
        Assert.Equal("Long", (string?)variables["smallLong"]!["type"]);
        Assert.Equal(5L, (long)variables["smallLong"]!["value"]!);
        Assert.Equal("Short", (string?)variables["short"]!["type"]);
        Assert.Equal("Integer", (string?)variables["integer"]!["type"]);
        Assert.Equal("Double", (string?)variables["wholeDouble"]!["type"]);
        Assert.Equal(2.0, (double)variables["wholeDouble"]!["value"]!);
        Assert.Equal("Date", (string?)variables["date"]!["type"]);
        Assert.Equal("2026-05-04T08:15:30.123+0000", (string?)variables["date"]!["value"]);
        Assert.Equal("String", (string?)variables["dateLikeText"]!["type"]); // not mistaken for a Date
        Assert.Equal("2026-01-01T00:00:00.000Z", (string?)variables["dateLikeText"]!["value"]);
        Assert.Equal("Json", (string?)variables["json"]!["type"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"a\":[true,null],\"b\":1}"), JsonNode.Parse((string)variables["json"]!["value"]!)));
        Assert.Equal("Object", (string?)variables["object"]!["type"]);
        Assert.Equal("com.example.Order", (string?)variables["object"]!["valueInfo"]!["objectTypeName"]);
        Assert.Equal("Boolean", (string?)variables["flag"]!["type"]);
    }

    [Fact]
    public async Task Types_round_trip_through_start_instance_and_task_variables()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed_roundtrip", ("typed_roundtrip.bpmn", Diagrams.UserTask("typed_roundtrip")));
        using var olav = server.Client("olav");
        var started = (await Http.Post(olav, "process-definition/key/typed_roundtrip/start", new { variables = Typed(), withVariablesInReturn = true }))!;
        AssertTyped(started["variables"]!);
        var id = (string)started["id"]!;
        AssertTyped((await Http.Get(olav, $"process-instance/{id}/variables"))!);
        var task = Assert.Single((await Http.Get(olav, $"task?processInstanceId={id}"))!.AsArray())!;
        AssertTyped((await Http.Get(olav, $"task/{(string)task["id"]!}/variables"))!);

        // Our own API still sees plain JSON values.
        using var api = await server.ApiClient("siri");
        var view = (await Http.Get(api, $"/api/instances/{id}"))!;
        Assert.Equal(5, (int)view["variables"]!["smallLong"]!);
        Assert.Equal("2026-05-04T08:15:30.123Z", (string?)view["variables"]!["date"]);
        Assert.Equal(1, (int)view["variables"]!["json"]!["b"]!);

        // A value changed since (here through our own API) has its type inferred again; the unchanged ones keep theirs.
        using (var patch = await api.PatchAsJsonAsync($"/api/instances/{id}/variables", new { variables = new { smallLong = 6 } }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var after = (await Http.Get(olav, $"process-instance/{id}/variables"))!;
        Assert.Equal("Integer", (string?)after["smallLong"]!["type"]);
        Assert.Equal("Short", (string?)after["short"]!["type"]);

        // Completing the task with a Long sets it as Long again.
        await Http.Post(olav, $"task/{(string)task["id"]!}/claim", new { userId = "olav" }, HttpStatusCode.NoContent);
        var returned = (await Http.Post(olav, $"task/{(string)task["id"]!}/complete", new
        {
            variables = new Dictionary<string, object> { ["smallLong"] = new { value = 7, type = "Long" } },
            withVariablesInReturn = true,
        }))!;
        Assert.Equal("Long", (string?)returned["smallLong"]!["type"]);
        Assert.Equal(7L, (long)returned["smallLong"]!["value"]!);
    }

    [Fact]
    public async Task Types_round_trip_through_external_tasks_and_messages()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed_external", ("typed_external.bpmn", Diagrams.PrioritizedExternal("typed_external", "typed-external-topic", null, null)));
        await Http.Deploy(dana, "typed_message", ("typed_message.bpmn", Diagrams.Receive("typed_message")));
        using var olav = server.Client("olav");
        var id = (string)(await Http.Post(olav, "process-definition/key/typed_external/start", new { variables = Typed() }))!["id"]!;

        using var erp = server.Client("erp");
        var locked = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", new
        {
            workerId = "typed-worker",
            maxTasks = 1,
            topics = new[] { new { topicName = "typed-external-topic", lockDuration = 60_000 } },
        }))!.AsArray())!;
        AssertTyped(locked["variables"]!);

        var waiting = (string)(await Http.Post(olav, "process-definition/key/typed_message/start", new { businessKey = "TYPED-MSG" }))!["id"]!;
        var results = (await Http.Post(olav, "message", new
        {
            messageName = "typed_message-delivered",
            businessKey = "TYPED-MSG",
            processVariables = new Dictionary<string, object> { ["receivedCount"] = new { value = 1, type = "Long" } },
            resultEnabled = true,
            variablesInResultEnabled = true,
        }))!.AsArray();
        var result = Assert.Single(results)!;
        Assert.Equal("Execution", (string?)result["resultType"]);
        Assert.Equal(waiting, (string?)result["execution"]!["processInstanceId"]);
        Assert.True((bool)result["execution"]!["ended"]!);
        Assert.Equal("Long", (string?)result["variables"]!["receivedCount"]!["type"]);
        Assert.Equal(1L, (long)result["variables"]!["receivedCount"]!["value"]!);
        Assert.Equal("COMPLETED", (string?)(await Http.Get(olav, $"history/process-instance/{waiting}"))!["state"]);

        await Http.Post(erp, $"external-task/{(string)locked["id"]!}/complete", new
        {
            workerId = "typed-worker",
            variables = new Dictionary<string, object> { ["checkedAt"] = new { value = "2026-06-01T09:00:00.000+0000", type = "Date" } },
            localVariables = new Dictionary<string, object> { ["attempt"] = new { value = 1, type = "Short" } },
        }, HttpStatusCode.NoContent);
        Assert.Equal("COMPLETED", (string?)(await Http.Get(olav, $"history/process-instance/{id}"))!["state"]);
    }

    [Theory]
    [InlineData("Short", "70000")]
    [InlineData("Long", "\"12x\"")]
    [InlineData("Date", "\"yesterday\"")]
    [InlineData("Json", "\"{not json\"")]
    [InlineData("Bytes", "\"AAEC\"")]
    public async Task A_value_that_does_not_fit_its_type_is_a_400_and_starts_nothing(string type, string value)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed_bad", ("typed_bad.bpmn", Diagrams.UserTask("typed_bad")));
        using var olav = server.Client("olav");
        var before = (long)(await Http.Get(olav, "process-instance/count?processDefinitionKey=typed_bad"))!["count"]!;
        var message = await Http.PostError(olav, "process-definition/key/typed_bad/start", "{\"variables\":{\"bad\":{\"value\":" + value + ",\"type\":\"" + type + "\"}}}", HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Contains("bad", message, StringComparison.Ordinal);
        Assert.Equal(before, (long)(await Http.Get(olav, "process-instance/count?processDefinitionKey=typed_bad"))!["count"]!);
    }

    [Fact]
    public async Task Single_variables_read_and_write_with_their_types()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed_single", ("typed_single.bpmn", Diagrams.UserTask("typed_single")));
        using var olav = server.Client("olav");
        var id = (string)(await Http.Post(olav, "process-definition/key/typed_single/start", new { variables = new Dictionary<string, object> { ["budget"] = new { value = 10, type = "Long" } } }))!["id"]!;
        var budget = (await Http.Get(olav, $"process-instance/{id}/variables/budget"))!;
        Assert.Equal("Long", (string?)budget["type"]);
        Assert.Equal(10L, (long)budget["value"]!);
        var task = (string)Assert.Single((await Http.Get(olav, $"task?processInstanceId={id}"))!.AsArray())!["id"]!;
        Assert.Equal("Long", (string?)(await Http.Get(olav, $"task/{task}/variables/budget"))!["type"]);
        using (var missing = await olav.GetAsync($"process-instance/{id}/variables/nothing"))
        {
            await Http.Error(missing, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        using (var missing = await olav.GetAsync($"task/{task}/variables/nothing"))
        {
            await Http.Error(missing, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        // Writing needs a supervisor (as /api); the type given is kept.
        using (var refused = await olav.PutAsJsonAsync($"process-instance/{id}/variables/budget", new { value = 11, type = "Short" }))
        {
            await Http.Error(refused, HttpStatusCode.Forbidden, "AuthorizationException");
        }

        using var siri = server.Client("siri");
        using (var put = await siri.PutAsJsonAsync($"process-instance/{id}/variables/budget", new { value = 11, type = "Short" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal("Short", (string?)(await Http.Get(olav, $"process-instance/{id}/variables/budget"))!["type"]);
        await Http.Post(siri, $"process-instance/{id}/variables", new
        {
            modifications = new Dictionary<string, object> { ["budget"] = new { value = 12.5, type = "Double" }, ["note"] = new { value = "ok", type = "String" } },
        }, HttpStatusCode.NoContent);
        var all = (await Http.Get(olav, $"process-instance/{id}/variables"))!;
        Assert.Equal("Double", (string?)all["budget"]!["type"]);
        Assert.Equal(12.5, (double)all["budget"]!["value"]!);
        Assert.Equal("ok", (string?)all["note"]!["value"]);
        await Http.PostError(siri, $"process-instance/{id}/variables", new { deletions = new[] { "note" } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(siri, $"process-instance/{id}/variables", new { modifications = new Dictionary<string, object> { ["budget"] = new { value = "x", type = "Long" } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Equal("Double", (string?)(await Http.Get(olav, $"process-instance/{id}/variables/budget"))!["type"]);
        using (var unknown = await siri.PutAsJsonAsync("process-instance/no-such-instance/variables/budget", new { value = 1, type = "Long" }))
        {
            await Http.Error(unknown, HttpStatusCode.NotFound, "InvalidRequestException");
        }
    }
}
