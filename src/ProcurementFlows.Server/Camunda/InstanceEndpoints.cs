using ProcurementFlows.Runtime;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>/process-instance</c> and <c>/history/process-instance|activity-instance</c>.</summary>
internal static class InstanceEndpoints
{
    private const string InstanceFilters = "processInstanceIds (comma-separated), businessKey, businessKeyLike, processDefinitionId, processDefinitionKey, processDefinitionKeyIn, "
        + "superProcessInstance, withIncident, active, suspended; sortBy instanceId, definitionKey, definitionId, businessKey with sortOrder";

    private const string HistoricInstanceFilters = "processInstanceId, processInstanceIds, processDefinitionId, processDefinitionKey, processDefinitionKeyIn, processInstanceBusinessKey, "
        + "processInstanceBusinessKeyLike, finished, unfinished, withIncidents, startedBy, superProcessInstanceId, startedBefore/After, finishedBefore/After, "
        + "state (ACTIVE, COMPLETED, EXTERNALLY_TERMINATED, INTERNALLY_TERMINATED); sortBy instanceId, definitionId, definitionKey, definitionVersion, businessKey, startTime, endTime, duration with sortOrder";

    private const string ActivityFilters = "processInstanceId, processDefinitionId, processDefinitionKey, activityId, activityInstanceId, activityType, finished, unfinished, canceled, "
        + "startedBefore/After, finishedBefore/After; sortBy activityInstanceId, instanceId, executionId, activityId, activityType, startTime, endTime, duration, definitionId, occurrence with sortOrder";

    public static void MapProcessInstanceEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/process-instance", List)
            .WithName("EngineRestGetProcessInstances")
            .WithSummary("Running instances; filters " + InstanceFilters + "; paging by firstResult/maxResults.")
            .Produces<List<ProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/process-instance/count", Count)
            .WithName("EngineRestGetProcessInstancesCount")
            .WithSummary("Number of running instances matching the same filters.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/process-instance", async (HttpContext context, IHistorySearchService history, DefinitionIds ids, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, RunningKeys, ct);
                return await List(context.Request, history, ids, ct);
            })
            .WithName("EngineRestQueryProcessInstances")
            .WithSummary("The POST variant of GET /process-instance: the filters in a JSON body (arrays for the list filters, sorting as [{sortBy, sortOrder}]); paging in the URL.")
            .Produces<List<ProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/process-instance/count", async (HttpContext context, IHistorySearchService history, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, RunningKeys, ct);
                return await Count(context.Request, history, ct);
            })
            .WithName("EngineRestQueryProcessInstancesCount")
            .WithSummary("The POST variant of GET /process-instance/count.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/process-instance/{id}", Get)
            .WithName("EngineRestGetProcessInstance")
            .WithSummary("A running instance (404 once it ended: use the history).")
            .Produces<ProcessInstanceDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-instance/{id}/variables", Variables)
            .WithName("EngineRestGetProcessInstanceVariables")
            .WithSummary("The instance's variables, typed: with the type they were set with through engine-rest, else inferred from the JSON value.")
            .Produces<Dictionary<string, VariableValueDto>>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-instance/{id}/variables/{varName}", Variable)
            .WithName("EngineRestGetProcessInstanceVariable")
            .WithSummary("One variable of a running instance, typed.")
            .Produces<VariableValueDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapPut("/process-instance/{id}/variables/{varName}", PutVariable)
            .WithName("EngineRestPutProcessInstanceVariable")
            .WithSummary("Set one variable of a running instance (typed value; the type is kept). Role supervisor, as PUT /api/instances/{id}/variables/{name}.")
            .Accepts<VariableValueDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        group.MapPost("/process-instance/{id}/variables", ModifyVariables)
            .WithName("EngineRestModifyProcessInstanceVariables")
            .WithSummary("Set several variables of a running instance (modifications; deletions are refused: variables are never removed here). Role supervisor.")
            .Accepts<PatchVariablesDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
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
            .WithSummary("Instances, running and ended; filters " + HistoricInstanceFilters + "; paging.")
            .Produces<List<HistoricProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/history/process-instance/count", HistoricInstancesCount)
            .WithName("EngineRestGetHistoricProcessInstancesCount")
            .WithSummary("Number of historic instances matching the same filters.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/history/process-instance", async (HttpContext context, IHistorySearchService history, IDeploymentService deployments, DefinitionIds ids, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, HistoricKeys, ct);
                return await HistoricInstances(context.Request, history, deployments, ids, ct);
            })
            .WithName("EngineRestQueryHistoricProcessInstances")
            .WithSummary("The POST variant of GET /history/process-instance: the filters in a JSON body; paging in the URL.")
            .Produces<List<HistoricProcessInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/history/process-instance/count", async (HttpContext context, IHistorySearchService history, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, HistoricKeys, ct);
                return await HistoricInstancesCount(context.Request, history, ct);
            })
            .WithName("EngineRestQueryHistoricProcessInstancesCount")
            .WithSummary("The POST variant of GET /history/process-instance/count.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/history/process-instance/{id}", HistoricInstance)
            .WithName("EngineRestGetHistoricProcessInstance")
            .WithSummary("One instance, running or ended.")
            .Produces<HistoricProcessInstanceDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/history/activity-instance", Activities)
            .WithName("EngineRestGetHistoricActivityInstances")
            .WithSummary("Activity instances of all instances (or one); filters " + ActivityFilters + "; paging.")
            .Produces<List<HistoricActivityInstanceDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/history/activity-instance/count", ActivitiesCount)
            .WithName("EngineRestGetHistoricActivityInstancesCount")
            .WithSummary("Number of historic activity instances matching the same filters.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
    }

    private static readonly HashSet<string> RunningKeys = new(StringComparer.Ordinal)
    {
        "processInstanceIds", "businessKey", "businessKeyLike", "processDefinitionId", "processDefinitionKey", "processDefinitionKeyIn", "superProcessInstance", "withIncident", "active", "suspended",
    };

    private static readonly HashSet<string> HistoricKeys = new(StringComparer.Ordinal)
    {
        "processInstanceId", "processInstanceIds", "processDefinitionId", "processDefinitionKey", "processDefinitionKeyIn", "processInstanceBusinessKey", "processInstanceBusinessKeyLike",
        "finished", "unfinished", "withIncidents", "startedBy", "superProcessInstanceId", "startedBefore", "startedAfter", "finishedBefore", "finishedAfter", "state",
    };

    private static IReadOnlyList<(string, bool)> Sorting(HttpRequest request, IReadOnlySet<string> keys)
    {
        var sortBy = Text(request, "sortBy");
        var sortOrder = Text(request, "sortOrder");
        if (sortBy is null && sortOrder is null)
        {
            return [];
        }

        if (sortBy is null || sortOrder is null)
        {
            throw EngineRestException.InvalidRequest("Only a single sorting parameter specified. sortBy and sortOrder required");
        }

        if (!keys.Contains(sortBy))
        {
            throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortBy' to value '{sortBy}'");
        }

        return sortOrder is "asc" or "desc"
            ? [(sortBy, sortOrder == "desc")]
            : throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortOrder' to value '{sortOrder}'");
    }

    private static List<string>? Csv(HttpRequest request, string name) =>
        Text(request, name) is { } text ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null;

    /// <summary>processDefinitionId (<c>key:version:deployment</c>) to key and version; an unknown id matches nothing.</summary>
    private static (string? Key, int? Version) DefinitionFilter(HttpRequest request)
    {
        if (Text(request, "processDefinitionId") is not { } id)
        {
            return (null, null);
        }

        var parts = id.Split(':');
        return parts.Length == 3 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (parts[0], version)
            : ("\u0000no-such-definition", null);
    }

    private static readonly HashSet<string> InstanceSortKeys = new(StringComparer.Ordinal) { "instanceId", "definitionKey", "definitionId", "businessKey" };

    private static HistoricInstanceQuery RunningQuery(HttpRequest request, int offset, int limit)
    {
        if (Bool(request, "suspended") == true)
        {
            return new HistoricInstanceQuery { InstanceIds = [], Limit = 0 }; // nothing is ever suspended here
        }

        var (definitionKey, definitionVersion) = DefinitionFilter(request);
        return new HistoricInstanceQuery
        {
            InstanceIds = Csv(request, "processInstanceIds"),
            ProcessKeys = Keys(definitionKey ?? Text(request, "processDefinitionKey"), Csv(request, "processDefinitionKeyIn")),
            ProcessVersion = definitionVersion,
            BusinessKey = Text(request, "businessKey"),
            BusinessKeyLike = Text(request, "businessKeyLike"),
            ParentInstanceId = Text(request, "superProcessInstance"),
            WithIncidents = Bool(request, "withIncident") ?? false,
            Statuses = ["Active"],
            Sorting = Sorting(request, InstanceSortKeys),
            Offset = offset,
            Limit = limit,
        };
    }

    private static IReadOnlyList<string>? Keys(string? key, IReadOnlyList<string>? keysIn) =>
        key is null ? keysIn : keysIn is null ? [key] : [.. keysIn.Where(k => k == key)];

    private static async Task<IResult> List(HttpRequest request, IHistorySearchService history, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var page = await history.SearchInstancesAsync(RunningQuery(request, offset, limit), cancellationToken);
        var list = new List<ProcessInstanceDto>();
        foreach (var instance in page.Items)
        {
            list.Add(ToDto(request, instance, await ids.GetAsync(instance.ProcessKey, instance.ProcessVersion, cancellationToken)));
        }

        return Json(list);
    }

    private static async Task<IResult> Count(HttpRequest request, IHistorySearchService history, CancellationToken cancellationToken) =>
        Json(new CountDto((await history.SearchInstancesAsync(RunningQuery(request, 0, 0), cancellationToken)).Total));

    private static async Task<IResult> Get(string id, HttpRequest request, IProcessQueries queries, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        if (detail is null || detail.Instance.Status != "Active")
        {
            throw EngineRestException.NotFound($"Process instance with id {id} does not exist");
        }

        return Json(ToDto(request, detail.Instance, await ids.GetAsync(detail.Instance.ProcessKey, detail.Instance.ProcessVersion, cancellationToken)));
    }

    private static async Task<IResult> Variables(string id, IProcessQueries queries, VariableTypes types, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        return detail is null || detail.Instance.Status != "Active"
            ? throw EngineRestException.NotFound($"Process instance with id {id} does not exist")
            : Json(await types.ToDtoAsync(id, detail.Variables, null, cancellationToken));
    }

    private static async Task<IResult> Variable(string id, string varName, IProcessQueries queries, VariableTypes types, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        if (detail is null || detail.Instance.Status != "Active")
        {
            throw EngineRestException.NotFound($"Process instance with id {id} does not exist");
        }

        return detail.Variables.ContainsKey(varName)
            ? Json((await types.ToDtoAsync(id, detail.Variables, [varName], cancellationToken))[varName])
            : throw EngineRestException.NotFound($"process instance variable with name {varName} does not exist");
    }

    private static async Task<IResult> PutVariable(string id, string varName, HttpContext context, IProcessQueries queries, IProcessCommands commands, VariableTypes types, CancellationToken cancellationToken)
    {
        var body = await CamundaJson.ReadBodyAsync<VariableValueDto?>(context.Request, null, cancellationToken)
            ?? throw EngineRestException.InvalidRequest($"Cannot put process instance variable {varName}: the body must be a typed value ({{\"value\": ..., \"type\": ...}}).");
        await SetVariables(id, new Dictionary<string, VariableValueDto?> { [varName] = body }, context, queries, commands, types, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> ModifyVariables(string id, HttpContext context, IProcessQueries queries, IProcessCommands commands, VariableTypes types, CancellationToken cancellationToken)
    {
        var body = await CamundaJson.ReadBodyAsync(context.Request, new PatchVariablesDto(null, null), cancellationToken);
        if (body.Deletions is { Count: > 0 })
        {
            throw EngineRestException.InvalidRequest("Cannot modify variables for process instance " + id + ": deletions are not supported (variables are never removed; set them to null instead).");
        }

        if (body.Modifications is { Count: > 0 } modifications)
        {
            await SetVariables(id, modifications, context, queries, commands, types, cancellationToken);
        }

        return Results.NoContent();
    }

    private static async Task SetVariables(string id, Dictionary<string, VariableValueDto?> variables, HttpContext context, IProcessQueries queries, IProcessCommands commands, VariableTypes types, CancellationToken cancellationToken)
    {
        var user = RequireSupervisor(context, "set process instance variables");
        var input = TypedVariables.Read(variables);
        var detail = await queries.GetInstanceAsync(id, cancellationToken);
        if (detail is null || detail.Instance.Status != "Active")
        {
            throw EngineRestException.NotFound($"Process instance with id {id} does not exist");
        }

        await commands.SetVariablesAsync(id, input.Values, user.ToUserContext(), null, cancellationToken);
        await types.RecordAsync(id, input, cancellationToken);
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

    private static readonly HashSet<string> HistoricInstanceSortKeys = new(StringComparer.Ordinal) { "instanceId", "definitionId", "definitionKey", "definitionVersion", "businessKey", "startTime", "endTime", "duration" };

    private static readonly Dictionary<string, string> States = new(StringComparer.Ordinal)
    {
        ["ACTIVE"] = "Active",
        ["COMPLETED"] = "Completed",
        ["EXTERNALLY_TERMINATED"] = "Cancelled",
        ["INTERNALLY_TERMINATED"] = "Terminated",
    };

    private static HistoricInstanceQuery HistoricQuery(HttpRequest request, int offset, int limit)
    {
        var ids = Csv(request, "processInstanceIds");
        if (Text(request, "processInstanceId") is { } one)
        {
            ids = ids is null ? [one] : [.. ids.Where(i => i == one)];
        }

        var finished = Bool(request, "finished") == true ? true : Bool(request, "unfinished") == true ? false : (bool?)null;
        if (Bool(request, "finished") == true && Bool(request, "unfinished") == true)
        {
            ids = []; // both: nothing matches, as in Camunda
        }

        IReadOnlyList<string>? statuses = null;
        if (Text(request, "state") is { } state)
        {
            statuses = state == "SUSPENDED" ? [] : States.TryGetValue(state, out var status) ? [status]
                : throw EngineRestException.InvalidRequest($"Cannot set query parameter 'state' to value '{state}'");
        }

        var (definitionKey, definitionVersion) = DefinitionFilter(request);
        return new HistoricInstanceQuery
        {
            InstanceIds = ids,
            ProcessKeys = Keys(definitionKey ?? Text(request, "processDefinitionKey"), Csv(request, "processDefinitionKeyIn")),
            ProcessVersion = definitionVersion,
            BusinessKey = Text(request, "processInstanceBusinessKey"),
            BusinessKeyLike = Text(request, "processInstanceBusinessKeyLike"),
            Finished = finished,
            Statuses = statuses,
            StartedBy = Text(request, "startedBy"),
            ParentInstanceId = Text(request, "superProcessInstanceId"),
            StartedBefore = Date(request, "startedBefore"),
            StartedAfter = Date(request, "startedAfter"),
            FinishedBefore = Date(request, "finishedBefore"),
            FinishedAfter = Date(request, "finishedAfter"),
            WithIncidents = Bool(request, "withIncidents") ?? false,
            Sorting = Sorting(request, HistoricInstanceSortKeys),
            Offset = offset,
            Limit = limit,
        };
    }

    private static async Task<IResult> HistoricInstances(HttpRequest request, IHistorySearchService history, IDeploymentService deployments, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var page = await history.SearchInstancesAsync(HistoricQuery(request, offset, limit), cancellationToken);
        var list = new List<HistoricProcessInstanceDto>();
        foreach (var instance in page.Items)
        {
            list.Add(await ToHistoric(instance, null, deployments, ids, cancellationToken));
        }

        return Json(list);
    }

    private static async Task<IResult> HistoricInstancesCount(HttpRequest request, IHistorySearchService history, CancellationToken cancellationToken) =>
        Json(new CountDto((await history.SearchInstancesAsync(HistoricQuery(request, 0, 0), cancellationToken)).Total));

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

    private static readonly HashSet<string> ActivitySortKeys = new(StringComparer.Ordinal)
    {
        "activityInstanceId", "instanceId", "executionId", "activityId", "activityType", "startTime", "endTime", "duration", "definitionId", "occurrence",
    };

    private static HistoricActivityQuery ActivityQuery(HttpRequest request, int offset, int limit)
    {
        var finished = Bool(request, "finished") == true ? true : Bool(request, "unfinished") == true ? false : (bool?)null;
        var (definitionKey, definitionVersion) = DefinitionFilter(request);
        return new HistoricActivityQuery
        {
            InstanceId = Text(request, "processInstanceId"),
            ProcessKey = definitionKey ?? Text(request, "processDefinitionKey"),
            ProcessVersion = definitionVersion,
            ActivityId = Text(request, "activityId"),
            ActivityInstanceId = Text(request, "activityInstanceId") ?? Text(request, "executionId"),
            ActivityType = Text(request, "activityType"),
            Finished = Bool(request, "finished") == true && Bool(request, "unfinished") == true ? null : finished,
            Canceled = Bool(request, "canceled"),
            StartedBefore = Date(request, "startedBefore"),
            StartedAfter = Date(request, "startedAfter"),
            FinishedBefore = Date(request, "finishedBefore"),
            FinishedAfter = Date(request, "finishedAfter"),
            Sorting = Sorting(request, ActivitySortKeys),
            Offset = offset,
            Limit = Bool(request, "finished") == true && Bool(request, "unfinished") == true ? 0 : limit,
        };
    }

    private static async Task<IResult> Activities(HttpRequest request, IHistorySearchService history, DefinitionIds ids, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var page = await history.SearchActivitiesAsync(ActivityQuery(request, offset, limit), cancellationToken);
        var list = new List<HistoricActivityInstanceDto>();
        foreach (var a in page.Items)
        {
            var process = await deployments.GetProcessAsync(a.ProcessKey, a.ProcessVersion, cancellationToken);
            list.Add(new HistoricActivityInstanceDto(
                a.ActivityInstanceId, null, a.ActivityId, process.GetElementName(a.ActivityId), a.ActivityType, a.ProcessKey,
                await ids.GetAsync(a.ProcessKey, a.ProcessVersion, cancellationToken), a.InstanceId, a.ActivityInstanceId, a.TaskId, null, null,
                a.StartTime, a.EndTime, a.EndTime is { } end ? (long)(end - a.StartTime).TotalMilliseconds : null, a.Canceled,
                a.EndTime is not null && a.ActivityType is "endEvent" or "noneEndEvent", null));
        }

        return Json(list);
    }

    private static async Task<IResult> ActivitiesCount(HttpRequest request, IHistorySearchService history, CancellationToken cancellationToken)
    {
        var query = ActivityQuery(request, 0, 0);
        return Json(new CountDto(Bool(request, "finished") == true && Bool(request, "unfinished") == true ? 0 : (await history.SearchActivitiesAsync(query, cancellationToken)).Total));
    }
}
