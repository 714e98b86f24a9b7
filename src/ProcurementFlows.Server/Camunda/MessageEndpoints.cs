using System.Text.Json.Nodes;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Identity;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>POST /message</c>.</summary>
internal static class MessageEndpoints
{
    public static void MapMessageEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/message", Correlate)
            .WithName("EngineRestDeliverMessage")
            .WithSummary("Correlate a message by messageName and processInstanceId, businessKey or one correlationKeys entry (compared with the subscription's correlation key); processVariables are set. "
                + "Starts an instance when a message start event matches and nobody waits. 204, or 200 with results when resultEnabled.")
            .Accepts<CorrelationMessageDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<List<MessageCorrelationResultDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Correlate(HttpContext context, IProcessCommands commands, IProcessQueries queries, IMessageDelivery delivery, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var body = await CamundaJson.ReadBodyAsync<CorrelationMessageDto?>(context.Request, null, cancellationToken)
            ?? throw EngineRestException.InvalidRequest("No message name supplied");
        if (string.IsNullOrWhiteSpace(body.MessageName))
        {
            throw EngineRestException.InvalidRequest("No message name supplied");
        }

        if (!string.IsNullOrEmpty(body.TenantId))
        {
            throw EngineRestException.InvalidRequest("Multi-tenancy is not supported: leave tenantId empty.");
        }

        if (body.LocalCorrelationKeys is { Count: > 0 } || body.ProcessVariablesLocal is { Count: > 0 })
        {
            throw EngineRestException.InvalidRequest("localCorrelationKeys and processVariablesLocal are not supported; use correlationKeys and processVariables.");
        }

        var keys = TypedVariables.FromDto(body.CorrelationKeys);
        if (keys.Count > 1)
        {
            throw EngineRestException.InvalidRequest("At most one correlationKeys entry is supported: it is compared with the correlation key the waiting subscription was opened with.");
        }

        var correlationKey = keys.Values.FirstOrDefault() switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        };
        var variables = TypedVariables.FromDto(body.ProcessVariables);
        var delivered = new List<InstanceOutcome>();
        var started = new List<InstanceOutcome>();
        if (body.ProcessInstanceId is not null || body.BusinessKey is not null)
        {
            var targets = new List<string>();
            if (body.ProcessInstanceId is not null)
            {
                targets.Add(body.ProcessInstanceId);
            }
            else
            {
                var page = await queries.SearchInstancesAsync(new InstanceQuery { BusinessKey = body.BusinessKey, Status = "Active", Limit = 500 }, cancellationToken);
                targets.AddRange(page.Items.OrderBy(i => i.StartedAt).Select(i => i.Id));
            }

            foreach (var target in targets)
            {
                if (await delivery.DeliverAsync(target, body.MessageName, correlationKey, variables, cancellationToken) is { } outcome)
                {
                    delivered.Add(outcome);
                    if (!body.All)
                    {
                        break;
                    }
                }
            }

            if (delivered.Count == 0 && body.ProcessInstanceId is null)
            {
                // Nobody with this business key waits: a message start event may start one (with the business key).
                var result = await TryStart(commands, body.MessageName, variables, body.BusinessKey, user.UserName, cancellationToken);
                started.AddRange(result);
            }
        }
        else
        {
            var result = await commands.CorrelateMessageAsync(new CorrelateMessageRequest(body.MessageName, correlationKey, variables, null, body.All, user.UserName), cancellationToken);
            delivered.AddRange(result.Delivered);
            started.AddRange(result.Started);
        }

        if (delivered.Count == 0 && started.Count == 0)
        {
            throw new EngineRestException(StatusCodes.Status400BadRequest, "RestException", $"Cannot correlate message '{body.MessageName}': No process definition or execution matches the parameters");
        }

        if (!body.ResultEnabled)
        {
            return Results.NoContent();
        }

        var results = new List<MessageCorrelationResultDto>();
        foreach (var (outcome, type) in delivered.Select(d => (d, "Execution")).Concat(started.Select(s => (s, "ProcessDefinition"))))
        {
            var instance = new ProcessInstanceDto(
                [new LinkDto("GET", Href(context.Request, $"/process-instance/{outcome.InstanceId}"), "self")],
                outcome.InstanceId, await ids.GetAsync(outcome.ProcessKey, outcome.ProcessVersion, cancellationToken), null, null, outcome.Status != "Active", false, null, null);
            results.Add(type == "Execution"
                ? new MessageCorrelationResultDto(type, null, new ExecutionDto(outcome.InstanceId, outcome.InstanceId, outcome.Status != "Active", null))
                : new MessageCorrelationResultDto(type, instance, null));
        }

        return Json(results);
    }

    private static async Task<IReadOnlyList<InstanceOutcome>> TryStart(IProcessCommands commands, string messageName, IReadOnlyDictionary<string, JsonNode?> variables, string? businessKey, string userId, CancellationToken cancellationToken)
    {
        // The runtime correlates to waiting subscriptions first; with a correlation key nobody uses, only a message start event matches.
        var unusedKey = "engine-rest-start:" + Guid.NewGuid().ToString("N");
        try
        {
            var result = await commands.CorrelateMessageAsync(new CorrelateMessageRequest(messageName, unusedKey, variables, businessKey, false, userId), cancellationToken);
            return result.Started;
        }
        catch (MessageNotCorrelatedException)
        {
            return [];
        }
    }
}
