using System.Net;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

/// <summary><c>POST /message</c> with Camunda's correlation semantics.</summary>
[Collection(CamundaCollection.Name)]
public sealed class CorrelationTests(CamundaServer server)
{
    private static object Str(string value) => new { value, type = "String" };

    private async Task<string> StartReceiver(HttpClient client, string key, string businessKey, string order, string region, long slot)
    {
        var started = await Http.Post(client, $"process-definition/key/{key}/start", new
        {
            businessKey,
            variables = new Dictionary<string, object> { ["orderId"] = Str(order), ["region"] = Str(region), ["slotNo"] = new { value = slot, type = "Long" } },
        });
        return (string)started!["id"]!;
    }

    private static async Task<string> State(HttpClient client, string id) => (string)(await Http.Get(client, $"history/process-instance/{id}"))!["state"]!;

    [Fact]
    public async Task Every_correlation_key_must_match_and_several_matches_are_a_400_that_changes_nothing()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "corr_keys", ("corr_keys.bpmn", Diagrams.ReceiveWithLocal("corr_keys")));
        using var olav = server.Client("olav");
        var northA = await StartReceiver(olav, "corr_keys", "CK-1", "A-1", "north", 1);
        var southA = await StartReceiver(olav, "corr_keys", "CK-2", "A-1", "south", 2);
        var northB = await StartReceiver(olav, "corr_keys", "CK-3", "B-7", "north", 3);

        // orderId A-1 matches two instances: Camunda refuses to pick one.
        var message = await Http.PostError(olav, "message", new
        {
            messageName = "corr_keys-delivered",
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("A-1") },
        }, HttpStatusCode.BadRequest, "RestException");
        Assert.Contains("MismatchingMessageCorrelationException", message, StringComparison.Ordinal);
        Assert.Contains("2 executions", message, StringComparison.Ordinal);
        Assert.Equal(["ACTIVE", "ACTIVE", "ACTIVE"], [await State(olav, northA), await State(olav, southA), await State(olav, northB)]);

        // Both keys: exactly one.
        var results = (await Http.Post(olav, "message", new
        {
            messageName = "corr_keys-delivered",
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("A-1"), ["region"] = Str("south") },
            processVariables = new Dictionary<string, object> { ["deliveredBy"] = Str("carrier-9") },
            resultEnabled = true,
        }))!.AsArray();
        var result = Assert.Single(results)!;
        Assert.Equal("Execution", (string?)result["resultType"]);
        Assert.Null(result["processInstance"]);
        Assert.Equal(southA, (string?)result["execution"]!["processInstanceId"]);
        Assert.Equal("COMPLETED", await State(olav, southA));
        Assert.Equal("ACTIVE", await State(olav, northA));

        // A key of another type does not match (Camunda compares typed values).
        await Http.PostError(olav, "message", new
        {
            messageName = "corr_keys-delivered",
            correlationKeys = new Dictionary<string, object> { ["slotNo"] = Str("3") },
        }, HttpStatusCode.BadRequest, "RestException");

        // None matches.
        var none = await Http.PostError(olav, "message", new
        {
            messageName = "corr_keys-delivered",
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("Z-0") },
        }, HttpStatusCode.BadRequest, "RestException");
        Assert.Contains("No process definition or execution matches the parameters", none, StringComparison.Ordinal);

        // all: every match (here both north instances), with a result per execution.
        var all = (await Http.Post(olav, "message", new
        {
            messageName = "corr_keys-delivered",
            correlationKeys = new Dictionary<string, object> { ["region"] = Str("north") },
            all = true,
            resultEnabled = true,
        }))!.AsArray();
        Assert.Equal(new[] { northA, northB }.Order(StringComparer.Ordinal), all.Select(r => (string)r!["execution"]!["processInstanceId"]!).Order(StringComparer.Ordinal));
        Assert.Equal("COMPLETED", await State(olav, northA));
        Assert.Equal("COMPLETED", await State(olav, northB));

        // all with no match is no error (Camunda's correlateAll): 204, or an empty result list.
        await Http.Post(olav, "message", new { messageName = "corr_keys-delivered", all = true }, HttpStatusCode.NoContent);
        Assert.Empty((await Http.Post(olav, "message", new { messageName = "corr_keys-delivered", all = true, resultEnabled = true }))!.AsArray());
    }

    [Fact]
    public async Task Local_correlation_keys_match_the_waiting_activity_s_variables_together_with_business_key()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "corr_local", ("corr_local.bpmn", Diagrams.ReceiveWithLocal("corr_local")));
        using var olav = server.Client("olav");
        var first = await StartReceiver(olav, "corr_local", "CL-1", "L-1", "east", 11);
        var second = await StartReceiver(olav, "corr_local", "CL-2", "L-1", "east", 12);

        // slot is a local variable of the receive task (input mapping), not a process variable.
        await Http.PostError(olav, "message", new
        {
            messageName = "corr_local-delivered",
            correlationKeys = new Dictionary<string, object> { ["slot"] = new { value = 12, type = "Long" } },
        }, HttpStatusCode.BadRequest, "RestException");
        await Http.Post(olav, "message", new
        {
            messageName = "corr_local-delivered",
            localCorrelationKeys = new Dictionary<string, object> { ["slot"] = new { value = 12, type = "Long" } },
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("L-1") },
        }, HttpStatusCode.NoContent);
        Assert.Equal("COMPLETED", await State(olav, second));
        Assert.Equal("ACTIVE", await State(olav, first));

        // Business key and keys together: the business key must match as well.
        await Http.PostError(olav, "message", new
        {
            messageName = "corr_local-delivered",
            businessKey = "CL-2",
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("L-1") },
        }, HttpStatusCode.BadRequest, "RestException");
        await Http.Post(olav, "message", new
        {
            messageName = "corr_local-delivered",
            businessKey = "CL-1",
            correlationKeys = new Dictionary<string, object> { ["orderId"] = Str("L-1") },
        }, HttpStatusCode.NoContent);
        Assert.Equal("COMPLETED", await State(olav, first));
    }

    [Fact]
    public async Task A_message_start_event_starts_an_instance_with_the_business_key_and_camunda_s_result_shape()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "corr_start", ("corr_start.bpmn", Diagrams.MessageStart("corr_start")));
        using var olav = server.Client("olav");
        var results = (await Http.Post(olav, "message", new
        {
            messageName = "corr_start-placed",
            businessKey = "ORDER-77",
            processVariables = new Dictionary<string, object> { ["amount"] = new { value = 12, type = "Long" } },
            resultEnabled = true,
            variablesInResultEnabled = true,
        }))!.AsArray();
        var result = Assert.Single(results)!;
        Assert.Equal("ProcessDefinition", (string?)result["resultType"]);
        Assert.Null(result["execution"]);
        var instance = result["processInstance"]!;
        Assert.Equal("ORDER-77", (string?)instance["businessKey"]);
        Assert.False((bool)instance["ended"]!);
        Assert.False((bool)instance["suspended"]!);
        Assert.StartsWith("corr_start:1:", (string?)instance["definitionId"], StringComparison.Ordinal);
        Assert.EndsWith($"/engine-rest/process-instance/{(string?)instance["id"]}", (string?)instance["links"]![0]!["href"], StringComparison.Ordinal);
        Assert.Equal("Long", (string?)result["variables"]!["amount"]!["type"]);

        // With a process instance id only waiting executions count: the start event does not.
        var waiting = (string)instance["id"]!;
        await Http.PostError(olav, "message", new { messageName = "corr_start-placed", processInstanceId = waiting }, HttpStatusCode.BadRequest, "RestException");
        Assert.Equal(1, (long)(await Http.Get(olav, "process-instance/count?processDefinitionKey=corr_start"))!["count"]!);
    }

    [Fact]
    public async Task Bad_correlation_requests_are_400_invalid_request()
    {
        using var olav = server.Client("olav");
        await Http.PostError(olav, "message", new { messageName = "x", processVariablesLocal = new Dictionary<string, object> { ["a"] = Str("b") } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(olav, "message", new { messageName = "x", variablesInResultEnabled = true }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(olav, "message", new { messageName = "x", correlationKeys = new Dictionary<string, object> { ["a"] = new { value = "nope", type = "Integer" } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(olav, "message", new { messageName = "x", tenantId = "t1" }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(olav, "message", "{\"messageName\":", HttpStatusCode.BadRequest, "InvalidRequestException");
    }
}
