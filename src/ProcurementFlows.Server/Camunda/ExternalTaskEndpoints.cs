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
            .WithSummary("Open external tasks; filter by externalTaskId, topicName, workerId, processInstanceId, locked, notLocked, noRetriesLeft; paging.")
            .Produces<List<ExternalTaskDto>>()
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
        group.MapPost("/external-task/{id}/unlock", Unlock)
            .WithName("EngineRestUnlockExternalTask")
            .WithSummary("Release the lock: the task is available again.")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> FetchAndLock(HttpContext context, IExternalTaskService tasks, IOptions<EngineRestOptions> options, DefinitionIds ids, CancellationToken cancellationToken)
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
                t.Retries, false, t.WorkerId, t.TopicName, null, 0, t.BusinessKey, [], TypedVariables.ToDto(item.Variables)));
        }

        return Json(list);
    }

    private static ExternalTaskQuery ReadQuery(HttpRequest request)
    {
        var (offset, limit) = Paging(request);
        var locked = Bool(request, "locked") == true ? true : Bool(request, "notLocked") == true ? false : (bool?)null;
        return new ExternalTaskQuery
        {
            TopicName = Text(request, "topicName"),
            WorkerId = Text(request, "workerId"),
            ProcessInstanceId = Text(request, "processInstanceId"),
            Locked = locked,
            NoRetriesLeft = Bool(request, "noRetriesLeft") ?? false,
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
        t.Retries, false, t.WorkerId, t.TopicName, null, 0, t.BusinessKey);

    private static string Worker(string? workerId) =>
        string.IsNullOrWhiteSpace(workerId) ? throw EngineRestException.InvalidRequest("workerId is required.") : workerId;

    private static async Task<IResult> Complete(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new CompleteExternalTaskDto(null, null, null), cancellationToken);
        var variables = TypedVariables.FromDto(body.Variables);
        foreach (var (name, value) in TypedVariables.FromDto(body.LocalVariables))
        {
            variables[name] = value;
        }

        await tasks.CompleteAsync(id, Worker(body.WorkerId), variables, cancellationToken);
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

    private static async Task<IResult> BpmnError(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new ExternalTaskBpmnErrorDto(null, null, null, null), cancellationToken);
        if (string.IsNullOrWhiteSpace(body.ErrorCode))
        {
            throw EngineRestException.InvalidRequest("errorCode is required.");
        }

        var variables = TypedVariables.FromDto(body.Variables);
        await tasks.ThrowBpmnErrorAsync(id, Worker(body.WorkerId), body.ErrorCode, body.ErrorMessage, variables, cancellationToken);
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

    private static async Task<IResult> Unlock(string id, HttpContext context, IExternalTaskService tasks, CancellationToken cancellationToken)
    {
        RequireWorker(context);
        await tasks.UnlockAsync(id, cancellationToken);
        return Results.NoContent();
    }
}
