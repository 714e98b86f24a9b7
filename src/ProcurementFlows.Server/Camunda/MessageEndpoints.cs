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
            .WithSummary("Correlate a message (Camunda semantics): waiting executions matching processInstanceId, businessKey, every correlationKeys entry (process variables) "
                + "and localCorrelationKeys entry first, else a message start event; without all exactly one must match (else 400). processVariables are set. "
                + "204, or 200 with results when resultEnabled (with variables when variablesInResultEnabled).")
            .Accepts<CorrelationMessageDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<List<MessageCorrelationResultDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Correlate(HttpContext context, IProcessQueries queries, IMessageDelivery delivery, DefinitionIds ids, VariableTypes types, CancellationToken cancellationToken)
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

        if (body.ProcessVariablesLocal is { Count: > 0 })
        {
            throw EngineRestException.InvalidRequest("processVariablesLocal is not supported: the message's variables are set on the process instance (use processVariables).");
        }

        if (body.VariablesInResultEnabled && !body.ResultEnabled)
        {
            throw EngineRestException.InvalidRequest("variablesInResultEnabled needs resultEnabled.");
        }

        var input = TypedVariables.Read(body.ProcessVariables);
        var result = await delivery.CorrelateAsync(
            new MessageCorrelation(
                body.MessageName,
                body.ProcessInstanceId,
                body.BusinessKey,
                body.CorrelationKeys is null ? null : TypedVariables.FromDto(body.CorrelationKeys),
                body.LocalCorrelationKeys is null ? null : TypedVariables.FromDto(body.LocalCorrelationKeys),
                input.Values,
                body.All,
                user.UserName),
            cancellationToken);
        foreach (var outcome in result.Delivered.Concat(result.Started))
        {
            await types.RecordAsync(outcome.InstanceId, input, cancellationToken);
        }

        if (!body.ResultEnabled)
        {
            return Results.NoContent();
        }

        var results = new List<MessageCorrelationResultDto>();
        foreach (var (outcome, type) in result.Delivered.Select(d => (d, "Execution")).Concat(result.Started.Select(s => (s, "ProcessDefinition"))))
        {
            Dictionary<string, VariableValueDto>? variables = null;
            if (body.VariablesInResultEnabled && await queries.GetInstanceAsync(outcome.InstanceId, cancellationToken) is { } detail)
            {
                variables = await types.ToDtoAsync(outcome.InstanceId, detail.Variables, null, cancellationToken);
            }

            var ended = outcome.Status != "Active";
            if (type == "Execution")
            {
                results.Add(new MessageCorrelationResultDto(type, null, new ExecutionDto(outcome.InstanceId, outcome.InstanceId, ended, null), variables));
                continue;
            }

            var businessKey = (await queries.GetInstanceAsync(outcome.InstanceId, cancellationToken))?.Instance.BusinessKey;
            var instance = new ProcessInstanceDto(
                [new LinkDto("GET", Href(context.Request, $"/process-instance/{outcome.InstanceId}"), "self")],
                outcome.InstanceId, await ids.GetAsync(outcome.ProcessKey, outcome.ProcessVersion, cancellationToken), businessKey, null, ended, false, null, null);
            results.Add(new MessageCorrelationResultDto(type, instance, null, variables));
        }

        return Json(results);
    }
}
