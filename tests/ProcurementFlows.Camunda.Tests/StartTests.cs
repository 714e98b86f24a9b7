using System.Net;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed class StartTests(CamundaServer server)
{
    [Fact]
    public async Task Start_with_typed_variables_and_business_key()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed", ("typed.bpmn", Diagrams.UserTask("typed_start")));
        using var olav = server.Client("olav");
        var started = await Http.Post(olav, "process-definition/key/typed_start/start", new
        {
            businessKey = "CASE-2026-17",
            variables = new Dictionary<string, object>
            {
                ["title"] = new { value = "Night vision goggles", type = "String" },
                ["classified"] = new { value = true, type = "Boolean" },
                ["lots"] = new { value = 3, type = "Integer" },
                ["shortLots"] = new { value = 7, type = "Short" },
                ["amount"] = new { value = 12_345_678_901L, type = "Long" },
                ["rate"] = new { value = 0.25, type = "Double" },
                ["deadline"] = new { value = "2026-03-01T12:00:00.000+0100", type = "Date" },
                ["supplier"] = new { value = "{\"name\":\"Nordic Optics\",\"lei\":\"5493001NRDLYSFT9K236\"}", type = "Json" },
                ["order"] = new { value = "{\"lines\":[1,2]}", type = "Object", valueInfo = new { objectTypeName = "java.util.HashMap", serializationDataFormat = "application/json" } },
                ["nothing"] = new { value = (object?)null, type = "Null" },
                ["untyped"] = new { value = "inferred" },
            },
            withVariablesInReturn = true,
        });
        var id = (string?)started!["id"];
        Assert.Equal("CASE-2026-17", (string?)started["businessKey"]);
        Assert.False((bool)started["ended"]!);
        Assert.StartsWith("typed_start:1:", (string?)started["definitionId"], StringComparison.Ordinal);
        Assert.EndsWith($"/engine-rest/process-instance/{id}", (string?)started["links"]![0]!["href"]);
        Assert.Equal("Night vision goggles", (string?)started["variables"]!["title"]!["value"]);

        var variables = (await Http.Get(olav, $"process-instance/{id}/variables"))!;
        Assert.Equal("String", (string?)variables["title"]!["type"]);
        Assert.Equal("Boolean", (string?)variables["classified"]!["type"]);
        Assert.True((bool)variables["classified"]!["value"]!);
        Assert.Equal("Integer", (string?)variables["lots"]!["type"]);
        Assert.Equal(3, (int)variables["lots"]!["value"]!);
        Assert.Equal(7, (int)variables["shortLots"]!["value"]!);
        Assert.Equal("Short", (string?)variables["shortLots"]!["type"]);
        Assert.Equal("Long", (string?)variables["amount"]!["type"]);
        Assert.Equal(12_345_678_901L, (long)variables["amount"]!["value"]!);
        Assert.Equal("Double", (string?)variables["rate"]!["type"]);
        Assert.Equal(0.25, (double)variables["rate"]!["value"]!);
        Assert.Equal("Date", (string?)variables["deadline"]!["type"]);
        Assert.Equal("2026-03-01T11:00:00.000+0000", (string?)variables["deadline"]!["value"]); // normalized to UTC
        Assert.Equal("Json", (string?)variables["supplier"]!["type"]);
        Assert.Contains("Nordic Optics", (string?)variables["supplier"]!["value"], StringComparison.Ordinal);
        Assert.Equal("Object", (string?)variables["order"]!["type"]);
        Assert.Equal("java.util.HashMap", (string?)variables["order"]!["valueInfo"]!["objectTypeName"]);
        Assert.Equal("application/json", (string?)variables["order"]!["valueInfo"]!["serializationDataFormat"]);
        Assert.Equal("{\"lines\":[1,2]}", (string?)variables["order"]!["value"]);
        Assert.Equal("Null", (string?)variables["nothing"]!["type"]);
        Assert.Equal("inferred", (string?)variables["untyped"]!["value"]);

        var instance = await Http.Get(olav, $"process-instance/{id}");
        Assert.Equal("CASE-2026-17", (string?)instance!["businessKey"]);
        var byKey = (await Http.Get(olav, "process-instance?processDefinitionKey=typed_start&businessKey=CASE-2026-17"))!.AsArray();
        Assert.Equal(id, (string?)Assert.Single(byKey)!["id"]);
    }

    [Theory]
    [InlineData("Integer", "\"abc\"")]
    [InlineData("Integer", "3000000000")]
    [InlineData("Short", "40000")]
    [InlineData("Long", "1.5")]
    [InlineData("Boolean", "\"yes\"")]
    [InlineData("Double", "\"x\"")]
    [InlineData("Date", "\"tomorrow\"")]
    [InlineData("Json", "\"{not json\"")]
    [InlineData("Bytes", "\"AAAA\"")]
    [InlineData("File", "\"AAAA\"")]
    [InlineData("Unheard", "1")]
    public async Task A_bad_typed_value_is_a_400_naming_the_variable_and_starts_nothing(string type, string value)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "typed-bad", ("typed-bad.bpmn", Diagrams.UserTask("typed_bad")));
        using var olav = server.Client("olav");
        var body = "{\"businessKey\":\"bad-" + type + "\",\"variables\":{\"broken\":{\"value\":" + value + ",\"type\":\"" + type + "\"}}}";
        var message = await Http.PostError(olav, "process-definition/key/typed_bad/start", body, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Contains("broken", message, StringComparison.Ordinal);
        Assert.Empty((await Http.Get(olav, $"process-instance?businessKey=bad-{type}"))!.AsArray());
    }

    [Fact]
    public async Task Start_by_definition_id_uses_that_version_and_errors_are_camunda_shaped()
    {
        using var dana = server.Client("dana");
        var v1 = await Http.Deploy(dana, "by-id", ("by-id.bpmn", Diagrams.UserTask("by_id")));
        await Http.Deploy(dana, "by-id", ("by-id.bpmn", Diagrams.UserTask("by_id", "Second version")));
        var firstId = v1["deployedProcessDefinitions"]!.AsObject().First().Key;
        using var olav = server.Client("olav");
        var started = await Http.Post(olav, $"process-definition/{firstId}/start", new { });
        Assert.Equal(firstId, (string?)started!["definitionId"]);

        await Http.PostError(olav, "process-definition/key/no_such_process/start", new { }, HttpStatusCode.NotFound, "InvalidRequestException");
        await Http.PostError(olav, "process-definition/key/by_id/start", "{not json", HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(olav, "process-definition/key/by_id/start", new { businessKey = "instr", startInstructions = new[] { new { type = "startBeforeActivity", activityId = "Review" } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Empty((await Http.Get(olav, "process-instance?businessKey=instr"))!.AsArray());
    }
}
