using ProcurementFlows.Runtime;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>/process-instance</c> and <c>/history/process-instance|activity-instance</c>.</summary>
internal static class InstanceEndpoints
{
    public static void MapProcessInstanceEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/process-instance", List)
            .WithName("EngineRestGetProcessInstances")
            .WithSummary("Running instances; filter by processDefinitionKey, businessKey; paging by firstResult/maxResults (at most 500).")
            .Produces<List<ProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/process-instance/{id}", Get)
            .WithName("EngineRestGetProcessInstance")
            .WithSummary("A running instance (404 once it ended: use the history).")
            .Produces<ProcessInstanceDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-instance/{id}/variables", Variables)
            .WithName("EngineRestGetProcessInstanceVariables")
            .WithSummary("The instance's variables, typed (types are inferred: objects and arrays come back as Json, dates as String).")
            .Produces<Dictionary<string, VariableValueDto>>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapDelete("/process-instance/{id}", Delete)
            .WithName("EngineRestDeleteProcessInstance")
            .WithSummary("Cancel a running instance (and its call-activity children). Role supervisor.")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status404NotFound);
    }

    public static void MapHistoryEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/history/process-instance", HistoricInstances)
            .WithName("EngineRestGetHistoricProcessInstances")
            .WithSummary("Instances, running and ended; filter by processInstanceId, processDefinitionKey, processInstanceBusinessKey, finished, unfinished; paging (at most 500).")
            .Produces<List<HistoricProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/history/process-instance/{id}", HistoricInstance)
            .WithName("EngineRestGetHistoricProcessInstance")
            .WithSummary("One instance, running or ended.")
            .Produces<HistoricProcessInstanceDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/history/activity-instance", Activities)
            .WithName("EngineRestGetHistoricActivityInstances")
            .WithSummary("The activities an instance went through, in order (processInstanceId is required here); filter by activityId, activityType, finished, unfinished, canceled; paging.")
            .Produces<List<HistoricActivityInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> List(HttpRequest request, IProcessQueries queries, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var page = await queries.SearchInstancesAsync(new InstanceQuery
        {
            ProcessKey = Text(request, "processDefinitionKey"),
            BusinessKey = Text(request, "businessKey"),
            Status = "Active",
            Offset = offset,
            Limit = Math.Clamp(limit, 1, 500),
        }, cancellationToken);
        var list = new List<ProcessInstanceDto>();
        foreach (var instance in limit == 0 ? [] : page.Items)
        {
            list.Add(ToDto(request, instance, await ids.GetAsync(instance.ProcessKey, instance.ProcessVersion, cancellationToken)));
        }

        return Json(list);
    }

    private static async Task<IResult> Get(string id, HttpRequest request, IProcessQueries queries, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        if (detail is null || detail.Instance.Status != "Active")
        {
            throw EngineRestException.NotFound($"Process instance with id {id} does not exist");
        }

        return Json(ToDto(request, detail.Instance, await ids.GetAsync(detail.Instance.ProcessKey, detail.Instance.ProcessVersion, cancellationToken)));
    }

    private static async Task<IResult> Variables(string id, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        return detail is null || detail.Instance.Status != "Active"
            ? throw EngineRestException.NotFound($"Process instance with id {id} does not exist")
            : Json(TypedVariables.ToDto(detail.Variables));
    }

    private static async Task<IResult> Delete(string id, HttpContext context, IProcessQueries queries, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var user = RequireSupervisor(context, "delete process instances");
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        if (detail is null || detail.Instance.Status != "Active")
        {
            throw EngineRestException.NotFound($"Process instance with id {id} does not exist");
        }

        await commands.CancelInstanceAsync(id, Text(context.Request, "deleteReason") ?? "Deleted through engine-rest", user.ToUserContext(), null, cancellationToken);
        return Results.NoContent();
    }

    private static ProcessInstanceDto ToDto(HttpRequest request, InstanceSummary instance, string definitionId) => new(
        [new LinkDto("GET", Href(request, $"/process-instance/{instance.Id}"), "self")],
        instance.Id,
        definitionId,
        instance.BusinessKey,
        null,
        instance.Status != "Active",
        false,
        null,
        null);

    private static async Task<IResult> HistoricInstances(HttpRequest request, IProcessQueries queries, IDeploymentService deployments, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var list = new List<HistoricProcessInstanceDto>();
        if (Text(request, "processInstanceId") is { } instanceId)
        {
            if (await queries.GetInstanceAsync(instanceId, cancellationToken) is { } detail && offset == 0 && limit > 0 && Matches(request, detail.Instance))
            {
                list.Add(await ToHistoric(detail.Instance, detail.History, deployments, ids, cancellationToken));
            }

            return Json(list);
        }

        var finished = Bool(request, "finished");
        var unfinished = Bool(request, "unfinished");
        var page = await queries.SearchInstancesAsync(new InstanceQuery
        {
            ProcessKey = Text(request, "processDefinitionKey"),
            BusinessKey = Text(request, "processInstanceBusinessKey"),
            Status = unfinished == true ? "Active" : null,
            Offset = offset,
            Limit = 500,
        }, cancellationToken);
        foreach (var instance in page.Items.Where(i => finished != true || i.Status != "Active").Take(limit))
        {
            list.Add(await ToHistoric(instance, null, deployments, ids, cancellationToken));
        }

        return Json(list);
    }

    private static bool Matches(HttpRequest request, InstanceSummary instance) =>
        (Text(request, "processDefinitionKey") is not { } key || key == instance.ProcessKey)
        && (Text(request, "processInstanceBusinessKey") is not { } bk || bk == instance.BusinessKey)
        && (Bool(request, "finished") != true || instance.Status != "Active")
        && (Bool(request, "unfinished") != true || instance.Status == "Active");

    private static async Task<IResult> HistoricInstance(string id, IProcessQueries queries, IDeploymentService deployments, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken)
            ?? throw EngineRestException.NotFound($"Historic process instance with id {id} does not exist");
        return Json(await ToHistoric(detail.Instance, detail.History, deployments, ids, cancellationToken));
    }

    private static async Task<HistoricProcessInstanceDto> ToHistoric(InstanceSummary i, IReadOnlyList<HistoryRecord>? history, IDeploymentService deployments, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var definition = await deployments.GetDefinitionAsync(i.ProcessKey, i.ProcessVersion, cancellationToken);
        var state = i.Status switch
        {
            "Active" => "ACTIVE",
            "Completed" => "COMPLETED",
            "Cancelled" => "EXTERNALLY_TERMINATED",
            _ => "INTERNALLY_TERMINATED",
        };
        var startActivity = history?.FirstOrDefault(h => h.Type == "ActivityStarted")?.ActivityId;
        return new HistoricProcessInstanceDto(
            i.Id,
            i.BusinessKey,
            await ids.GetAsync(i.ProcessKey, i.ProcessVersion, cancellationToken),
            i.ProcessKey,
            definition?.Name,
            i.ProcessVersion,
            i.StartedAt,
            i.EndedAt,
            null,
            i.EndedAt is { } end ? (long)(end - i.StartedAt).TotalMilliseconds : null,
            i.StartedBy,
            startActivity,
            i.Status == "Cancelled" ? "Cancelled" : null,
            i.ParentInstanceId,
            i.ParentInstanceId ?? i.Id,
            null,
            state);
    }

    private static async Task<IResult> Activities(
        HttpRequest request, IProcessQueries queries, DefinitionIds ids, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var instanceId = Text(request, "processInstanceId")
            ?? throw EngineRestException.InvalidRequest("This engine answers historic activity instances per process instance: processInstanceId is required.");
        var (offset, limit) = Paging(request);
        var detail = await queries.GetInstanceAsync(instanceId, cancellationToken);
        if (detail is null)
        {
            return Json(new List<HistoricActivityInstanceDto>());
        }

        var definitionId = await ids.GetAsync(detail.Instance.ProcessKey, detail.Instance.ProcessVersion, cancellationToken);
        var process = await deployments.GetProcessAsync(detail.Instance.ProcessKey, detail.Instance.ProcessVersion, cancellationToken);
        var activities = new List<HistoricActivityInstanceDto>();
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in detail.History)
        {
            if (entry.ActivityInstanceId is null || entry.ActivityId is null)
            {
                continue;
            }

            switch (entry.Type)
            {
                case "ActivityStarted":
                    open[entry.ActivityInstanceId] = activities.Count;
                    activities.Add(new HistoricActivityInstanceDto(
                        entry.ActivityInstanceId, null, entry.ActivityId, process.GetElementName(entry.ActivityId), entry.ActivityType, detail.Instance.ProcessKey, definitionId, instanceId,
                        entry.ActivityInstanceId, null, null, null, entry.OccurredAt, null, null, false, false, null));
                    break;
                case "TaskCreated" when open.TryGetValue(entry.ActivityInstanceId, out var t):
                    activities[t] = activities[t] with { TaskId = (string?)entry.Data?["taskId"] };
                    break;
                case "ActivityCompleted" or "ActivityCancelled" when open.Remove(entry.ActivityInstanceId, out var index):
                    var started = activities[index];
                    activities[index] = started with
                    {
                        EndTime = entry.OccurredAt,
                        DurationInMillis = (long)(entry.OccurredAt - started.StartTime).TotalMilliseconds,
                        Canceled = entry.Type == "ActivityCancelled",
                        CompleteScope = entry.ActivityType is "endEvent" or "noneEndEvent",
                    };
                    break;
                default:
                    break;
            }
        }

        var activityId = Text(request, "activityId");
        var activityType = Text(request, "activityType");
        var finished = Bool(request, "finished");
        var unfinished = Bool(request, "unfinished");
        var canceled = Bool(request, "canceled");
        var filtered = activities
            .Where(a => activityId is null || a.ActivityId == activityId)
            .Where(a => activityType is null || a.ActivityType == activityType)
            .Where(a => finished != true || a.EndTime is not null)
            .Where(a => unfinished != true || a.EndTime is null)
            .Where(a => canceled is null || a.Canceled == canceled)
            .Skip(offset).Take(limit).ToList();
        return Json(filtered);
    }
}
