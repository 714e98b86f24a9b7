using Microsoft.Extensions.Options;
using ProcurementFlows.Runtime;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>/external-task</c>: Camunda's external-task protocol over the runtime's service jobs.</summary>
internal static class ExternalTaskEndpoints
{
    public static void MapExternalTaskEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/external-task/fetchAndLock", FetchAndLock)
            .WithName("EngineRestFetchAndLock")
            .WithSummary("Lock up to maxTasks tasks of the topics for workerId; long polling with asyncResponseTimeout (ms). Topics with a built-in handler are never offered. Admins or the worker group.")
            .Accepts<FetchExternalTasksDto>("application/json")
            .Produces<List<LockedExternalTaskDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/external-task", Query)
            .WithName("EngineRestGetExternalTasks")
            .WithSummary("Open external tasks; filter by externalTaskId, topicName, workerId, processInstanceId, activityId, processDefinitionKey, locked, notLocked, "
                + "withRetriesLeft, noRetriesLeft, priorityHigherThanOrEquals, priorityLowerThanOrEquals, lockExpirationBefore/After; sortBy (id, lockExpirationTime, "
                + "processInstanceId, processDefinitionKey, createTime, priority) and sortOrder; paging.")
            .Produces<List<ExternalTaskDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/external-task", async (HttpContext context, IExternalTaskService tasks, DefinitionIds ids, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, QueryKeys, ct);
                return await Query(context, tasks, ids, ct);
            })
            .WithName("EngineRestQueryExternalTasks")
            .WithSummary("The POST variant of GET /external-task: the filters in a JSON body (sorting as [{sortBy, sortOrder}]); paging in the URL.")
            .Produces<List<ExternalTaskDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/external-task/count", async (HttpContext context, IExternalTaskService tasks, CancellationToken ct) =>
            {
                await UseBodyAsQueryAsync(context, QueryKeys, ct);
                return await Count(context, tasks, ct);
            })
            .WithName("EngineRestQueryExternalTasksCount")
            .WithSummary("The POST variant of GET /external-task/count.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/external-task/count", Count)
            .WithName("EngineRestGetExternalTasksCount")
            .WithSummary("Number of open external tasks matching the filters.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/external-task/{id}", Get)
            .WithName("EngineRestGetExternalTask")
            .WithSummary("One open external task.")
            .Produces<ExternalTaskDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapPost("/external-task/{id}/complete", Complete)
            .WithName("EngineRestCompleteExternalTask")
            .WithSummary("Complete a task locked by workerId, with typed variables (local variables are set on the process too).")
            .Accepts<CompleteExternalTaskDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/external-task/{id}/failure", Failure)
            .WithName("EngineRestHandleExternalTaskFailure")
            .WithSummary("Report a failure: retries > 0 returns the task after retryTimeout (ms); retries 0 raises a failedJob incident.")
            .Accepts<ExternalTaskFailureDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/external-task/{id}/bpmnError", BpmnError)
            .WithName("EngineRestHandleExternalTaskBpmnError")
            .WithSummary("Throw a BPMN error (errorCode) from the task, with variables; an uncaught error raises an incident.")
            .Accepts<ExternalTaskBpmnErrorDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/external-task/{id}/extendLock", ExtendLock)
            .WithName("EngineRestExtendExternalTaskLock")
            .WithSummary("Set the lock of a task the worker holds to expire newDuration (ms) from now.")
            .Accepts<ExtendLockDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPut("/external-task/{id}/retries", SetRetries)
            .WithName("EngineRestSetExternalTaskRetries")
            .WithSummary("Set the retries: above 0 on a task without retries resolves its incident (the task is available again); 0 raises a failedJob incident.")
            .Accepts<RetriesDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPut("/external-task/{id}/priority", SetPriority)
            .WithName("EngineRestSetExternalTaskPriority")
            .WithSummary("Set the priority (fetchAndLock with usePriority takes the highest first).")
            .Accepts<PriorityDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPost("/external-task/{id}/unlock", Unlock)
            .WithName("EngineRestUnlockExternalTask")
            .WithSummary("Release the lock: the task is available again.")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> FetchAndLock(HttpContext context, IExternalTaskService tasks, IOptions<EngineRestOptions> options, DefinitionIds ids, VariableTypes types, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync<FetchExternalTasksDto?>(context.Request, null, cancellationToken)
            ?? throw EngineRestException.InvalidRequest("The fetch request needs a body with workerId, maxTasks and topics.");
        if (string.IsNullOrWhiteSpace(body.WorkerId))
        {
            throw EngineRestException.InvalidRequest("workerId is required.");
        }

        var maxTasks = body.MaxTasks ?? 10;
        if (maxTasks is < 0 or > 1000)
        {
            throw EngineRestException.InvalidRequest("maxTasks must be between 0 and 1000.");
        }

        var timeout = TimeSpan.FromMilliseconds(body.AsyncResponseTimeout ?? 0);
        if (timeout < TimeSpan.Zero || timeout > options.Value.MaxAsyncResponseTimeout)
        {
            throw EngineRestException.InvalidRequest($"asyncResponseTimeout must be between 0 and {(long)options.Value.MaxAsyncResponseTimeout.TotalMilliseconds} ms.");
        }

        var topics = new List<ExternalTaskTopic>();
        foreach (var topic in body.Topics ?? [])
        {
            if (string.IsNullOrWhiteSpace(topic.TopicName))
            {
                throw EngineRestException.InvalidRequest("Every topic needs a topicName.");
            }

            if (topic.LockDuration is not > 0)
            {
                throw EngineRestException.InvalidRequest($"Topic '{topic.TopicName}': lockDuration must be a positive number of milliseconds.");
            }

            var unsupported = new[]
            {
                (topic.ProcessVariables is { Count: > 0 }, "processVariables"),
                (topic.ProcessDefinitionId is not null || topic.ProcessDefinitionIdIn is { Count: > 0 }, "processDefinitionId(In)"),
                (topic.ProcessDefinitionVersionTag is not null, "processDefinitionVersionTag"),
                (topic.TenantIdIn is { Count: > 0 }, "tenantIdIn"),
            }.Where(f => f.Item1).Select(f => f.Item2).ToList();
            if (unsupported.Count > 0)
            {
                throw EngineRestException.InvalidRequest($"Topic '{topic.TopicName}': the filter(s) {string.Join(", ", unsupported)} are not supported (supported: businessKey, processDefinitionKey, processDefinitionKeyIn, variables).");
            }

            var keys = topic.ProcessDefinitionKeyIn ?? (topic.ProcessDefinitionKey is null ? null : [topic.ProcessDefinitionKey]);
            topics.Add(new ExternalTaskTopic(topic.TopicName, TimeSpan.FromMilliseconds(topic.LockDuration.Value), topic.Variables, topic.BusinessKey, keys));
        }

        if (maxTasks == 0 || topics.Count == 0)
        {
            return Json(new List<LockedExternalTaskDto>());
        }

        var locked = await tasks.FetchAndLockAsync(new FetchAndLockRequest(body.WorkerId, maxTasks, topics, body.UsePriority), timeout, context.RequestAborted);
        var list = new List<LockedExternalTaskDto>();
        foreach (var item in locked)
        {
            var t = item.Task;
            list.Add(new LockedExternalTaskDto(
                t.ActivityId, t.Id, t.ErrorMessage, null, t.ProcessInstanceId, t.Id, t.LockExpiresAt, t.CreatedAt,
                await ids.GetAsync(t.ProcessDefinitionKey, t.ProcessDefinitionVersion, cancellationToken), t.ProcessDefinitionKey, null, t.ProcessInstanceId,
                t.Retries, false, t.WorkerId, t.TopicName, null, t.Priority, t.BusinessKey, [],
                await types.ToDtoAsync(t.ProcessInstanceId, item.Variables, null, cancellationToken)));
        }

        return Json(list);
    }

    private static readonly HashSet<string> QueryKeys = new(StringComparer.Ordinal)
    {
        "externalTaskId", "topicName", "workerId", "processInstanceId", "activityId", "processDefinitionKey", "locked", "notLocked", "withRetriesLeft", "noRetriesLeft",
        "priorityHigherThanOrEquals", "priorityLowerThanOrEquals", "lockExpirationBefore", "lockExpirationAfter",
    };

    private static readonly HashSet<string> SortKeys = new(StringComparer.Ordinal) { "id", "lockExpirationTime", "processInstanceId", "processDefinitionKey", "createTime", "priority" };

    private static ExternalTaskQuery ReadQuery(HttpRequest request)
    {
        var (offset, limit) = Paging(request);
        var locked = Bool(request, "locked") == true ? true : Bool(request, "notLocked") == true ? false : (bool?)null;
        var sorting = new List<(string, bool)>();
        var sortBy = Text(request, "sortBy");
        var sortOrder = Text(request, "sortOrder");
        if ((sortBy is null) != (sortOrder is null))
        {
            throw EngineRestException.InvalidRequest("Only a single sorting parameter specified. sortBy and sortOrder required");
        }

        if (sortBy is not null)
        {
            if (!SortKeys.Contains(sortBy))
            {
                throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortBy' to value '{sortBy}'");
            }

            if (sortOrder is not ("asc" or "desc"))
            {
                throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortOrder' to value '{sortOrder}'");
            }

            sorting.Add((sortBy, sortOrder == "desc"));
        }

        return new ExternalTaskQuery
        {
            TopicName = Text(request, "topicName"),
            WorkerId = Text(request, "workerId"),
            ProcessInstanceId = Text(request, "processInstanceId"),
            ActivityId = Text(request, "activityId"),
            ProcessDefinitionKey = Text(request, "processDefinitionKey"),
            Locked = locked,
            NoRetriesLeft = Bool(request, "noRetriesLeft") ?? false,
            WithRetriesLeft = Bool(request, "withRetriesLeft") ?? false,
            MinPriority = Long(request, "priorityHigherThanOrEquals"),
            MaxPriority = Long(request, "priorityLowerThanOrEquals"),
            LockExpiresBefore = Date(request, "lockExpirationBefore"),
            LockExpiresAfter = Date(request, "lockExpirationAfter"),
            Sorting = sorting,
            Offset = offset,
            Limit = limit,
        };
    }

    private static async Task<IResult> Query(HttpContext context, IExternalTaskService tasks, DefinitionIds ids, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var list = new List<ExternalTaskDto>();
        if (Text(context.Request, "externalTaskId") is { } id)
        {
            if (await tasks.GetAsync(id, cancellationToken) is { } one)
            {
                list.Add(await ToDto(one, ids, cancellationToken));
            }

            return Json(list);
        }

        var page = await tasks.QueryAsync(ReadQuery(context.Request), cancellationToken);
        foreach (var t in page.Items)
        {
            list.Add(await ToDto(t, ids, cancellationToken));
        }

        return Json(list);
    }

    private static async Task<IResult> Count(HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var query = ReadQuery(context.Request) with { Offset = 0, Limit = 0 };
        return Json(new CountDto((await tasks.QueryAsync(query, cancellationToken)).Total));
    }

    private static async Task<IResult> Get(string id, HttpContext context, IExternalTaskService tasks, DefinitionIds ids, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var task = await tasks.GetAsync(id, cancellationToken) ?? throw new EngineRestException(StatusCodes.Status404NotFound, "RestException", $"External task with id {id} does not exist");
        return Json(await ToDto(task, ids, cancellationToken));
    }

    private static async Task<ExternalTaskDto> ToDto(ExternalTaskInfo t, DefinitionIds ids, CancellationToken cancellationToken) => new(
        t.ActivityId, t.Id, t.ErrorMessage, t.ProcessInstanceId, t.Id, t.LockExpiresAt, t.CreatedAt,
        await ids.GetAsync(t.ProcessDefinitionKey, t.ProcessDefinitionVersion, cancellationToken), t.ProcessDefinitionKey, null, t.ProcessInstanceId,
        t.Retries, false, t.WorkerId, t.TopicName, null, t.Priority, t.BusinessKey);

    private static string Worker(string? workerId) =>
        string.IsNullOrWhiteSpace(workerId) ? throw EngineRestException.InvalidRequest("workerId is required.") : workerId;

    private static async Task<IResult> Complete(string id, HttpContext context, IExternalTaskService tasks, VariableTypes types, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new CompleteExternalTaskDto(null, null, null), cancellationToken);
        var input = TypedVariables.Read(body.Variables);
        var local = TypedVariables.Read(body.LocalVariables);
        foreach (var (name, value) in local.Values)
        {
            input.Values[name] = value;
            input.Types[name] = local.Types[name];
        }

        var outcome = await tasks.CompleteAsync(id, Worker(body.WorkerId), input.Values, cancellationToken);
        await types.RecordAsync(outcome.InstanceId, input, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Failure(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new ExternalTaskFailureDto(null, null, null, null, null, null, null), cancellationToken);
        var retries = body.Retries ?? 0;
        if (retries < 0)
        {
            throw EngineRestException.InvalidRequest("retries must not be negative.");
        }

        var retryTimeout = body.RetryTimeout ?? 0;
        if (retryTimeout < 0)
        {
            throw EngineRestException.InvalidRequest("retryTimeout must not be negative.");
        }

        if (body.Variables is { Count: > 0 } || body.LocalVariables is { Count: > 0 })
        {
            throw EngineRestException.InvalidRequest("Variables on a failure are not supported; complete the task or report a BPMN error to set variables.");
        }

        await tasks.FailAsync(id, Worker(body.WorkerId), body.ErrorMessage, body.ErrorDetails, retries, TimeSpan.FromMilliseconds(retryTimeout), cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> BpmnError(string id, HttpContext context, IExternalTaskService tasks, VariableTypes types, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new ExternalTaskBpmnErrorDto(null, null, null, null), cancellationToken);
        if (string.IsNullOrWhiteSpace(body.ErrorCode))
        {
            throw EngineRestException.InvalidRequest("errorCode is required.");
        }

        var input = TypedVariables.Read(body.Variables);
        var outcome = await tasks.ThrowBpmnErrorAsync(id, Worker(body.WorkerId), body.ErrorCode, body.ErrorMessage, input.Values, cancellationToken);
        await types.RecordAsync(outcome.InstanceId, input, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> ExtendLock(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new ExtendLockDto(null, null), cancellationToken);
        if (body.NewDuration is not > 0)
        {
            throw EngineRestException.InvalidRequest("newDuration must be a positive number of milliseconds.");
        }

        await tasks.ExtendLockAsync(id, Worker(body.WorkerId), TimeSpan.FromMilliseconds(body.NewDuration.Value), cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> SetRetries(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new RetriesDto(null), cancellationToken);
        if (body.Retries is not { } retries || retries < 0)
        {
            throw EngineRestException.InvalidRequest("The number of retries cannot be negative or null.");
        }

        await tasks.SetRetriesAsync(id, retries, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> SetPriority(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new PriorityDto(null), cancellationToken);
        if (body.Priority is not { } priority)
        {
            throw EngineRestException.InvalidRequest("priority is required.");
        }

        await tasks.SetPriorityAsync(id, priority, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Unlock(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        await tasks.UnlockAsync(id, cancellationToken);
        return Results.NoContent();
    }
}
