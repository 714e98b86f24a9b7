using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Api.Definitions;
using ProcurementFlows.Server.Api.Forms;
using ProcurementFlows.Server.Identity;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>/task</c>: the same visibility and candidate checks as <c>/api/tasks</c>.</summary>
internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/task", QueryGet)
            .WithName("EngineRestGetTasks")
            .WithSummary("Open tasks you may see; filter by taskId, assignee, assigned, unassigned, candidateGroup(s), candidateUser, processInstanceId, processInstanceBusinessKey, processDefinitionKey, taskDefinitionKey, name, nameLike, dueBefore/After, createdBefore/After, priority; sortBy/sortOrder; firstResult/maxResults. Role officer.")
            .Produces<List<TaskDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/task", QueryPost)
            .WithName("EngineRestQueryTasks")
            .WithSummary("The same query as a JSON body (with sorting); paging from the query string.")
            .Accepts<TaskQueryDto>("application/json")
            .Produces<List<TaskDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/task/count", CountGet)
            .WithName("EngineRestGetTasksCount")
            .WithSummary("Number of tasks matching the query.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapPost("/task/count", CountPost)
            .WithName("EngineRestQueryTasksCount")
            .WithSummary("Number of tasks matching the query body.")
            .Accepts<TaskQueryDto>("application/json")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/task/{id}", Get)
            .WithName("EngineRestGetTask")
            .WithSummary("One task.")
            .Produces<TaskDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/task/{id}/form", Form)
            .WithName("EngineRestGetTaskForm")
            .WithSummary("The task's form key (camunda:formKey or camunda:formRef).")
            .Produces<FormDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/task/{id}/deployed-form", DeployedForm)
            .WithName("EngineRestGetDeployedTaskForm")
            .WithSummary("The form deployed for the task (a Camunda Forms schema), as deployed; 400 when the task has no form key, 404 when no deployed form matches it.")
            .Produces<object>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapGet("/task/{id}/variables/{varName}", Variable)
            .WithName("EngineRestGetTaskVariable")
            .WithSummary("One variable visible from the task, typed.")
            .Produces<VariableValueDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/task/{id}/variables", Variables)
            .WithName("EngineRestGetTaskVariables")
            .WithSummary("The variables visible from the task (its process instance's), typed.")
            .Produces<Dictionary<string, VariableValueDto>>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapPost("/task/{id}/claim", Claim)
            .WithName("EngineRestClaimTask")
            .WithSummary("Claim for userId (yourself; supervisors may name another user).")
            .Accepts<UserIdDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/task/{id}/unclaim", Unclaim)
            .WithName("EngineRestUnclaimTask")
            .WithSummary("Give a claimed task back to its candidates.")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/task/{id}/delegate", Delegate)
            .WithName("EngineRestDelegateTask")
            .WithSummary("Delegate your task to userId.")
            .Accepts<UserIdDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/task/{id}/complete", Complete)
            .WithName("EngineRestCompleteTask")
            .WithSummary("Complete with typed variables (checked against the task's form); 204, or 200 with the variables when withVariablesInReturn.")
            .Accepts<CompleteTaskDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<Dictionary<string, VariableValueDto>>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
    }

    private static readonly Dictionary<string, string> SortKeys = new(StringComparer.Ordinal)
    {
        ["instanceId"] = "instanceId",
        ["processInstanceId"] = "instanceId",
        ["created"] = "created",
        ["dueDate"] = "due",
        ["followUpDate"] = "followUp",
        ["priority"] = "priority",
        ["name"] = "name",
        ["nameCaseInsensitive"] = "name",
        ["id"] = "id",
        ["assignee"] = "assignee",
        ["taskDefinitionKey"] = "taskDefinitionKey",
    };

    private static TaskQueryDto FromQueryString(HttpRequest r)
    {
        var sortBy = Text(r, "sortBy");
        var sortOrder = Text(r, "sortOrder");
        if ((sortBy is null) != (sortOrder is null))
        {
            throw EngineRestException.InvalidRequest("Only a single sorting parameter specified. sortBy and sortOrder required");
        }

        return new TaskQueryDto(
            Text(r, "taskId"), Text(r, "processInstanceId"), Text(r, "processInstanceBusinessKey"), Text(r, "processDefinitionKey"), Text(r, "taskDefinitionKey"),
            Text(r, "assignee"), Bool(r, "assigned"), Bool(r, "unassigned"), Text(r, "candidateGroup"),
            Text(r, "candidateGroups")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            Text(r, "candidateUser"), Text(r, "name"), Text(r, "nameLike"),
            Date(r, "dueBefore"), Date(r, "dueAfter"), Date(r, "createdBefore"), Date(r, "createdAfter"), Int(r, "priority"),
            sortBy is null ? null : [new SortingDto(sortBy, sortOrder)]);
    }

    private static TaskSearchQuery ToSearch(TaskQueryDto q, CurrentUser user, int offset, int limit)
    {
        if (!user.IsSupervisor)
        {
            foreach (var group in (q.CandidateGroups ?? []).Append(q.CandidateGroup).OfType<string>())
            {
                if (!user.Groups.Contains(group, StringComparer.Ordinal))
                {
                    throw EngineRestException.Forbidden($"The user with id '{user.UserName}' is not a member of group '{group}'.");
                }
            }
        }

        var sorting = new List<(string, bool)>();
        foreach (var s in q.Sorting ?? [])
        {
            if (s.SortBy is null || !SortKeys.TryGetValue(s.SortBy, out var key))
            {
                throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortBy' to value '{s.SortBy}'");
            }

            if (s.SortOrder is not ("asc" or "desc"))
            {
                throw EngineRestException.InvalidRequest($"Cannot set query parameter 'sortOrder' to value '{s.SortOrder}'");
            }

            sorting.Add((key, s.SortOrder == "desc"));
        }

        bool? assigned = q.Assigned == true ? true : q.Unassigned == true ? false : null;
        return new TaskSearchQuery
        {
            VisibleTo = user.IsSupervisor ? null : user.ToUserContext(),
            TaskId = q.TaskId,
            Assignee = q.Assignee,
            Assigned = assigned,
            CandidateGroup = q.CandidateGroup,
            CandidateGroups = q.CandidateGroups,
            CandidateUser = q.CandidateUser,
            ProcessInstanceId = q.ProcessInstanceId,
            BusinessKey = q.ProcessInstanceBusinessKey,
            ProcessDefinitionKey = q.ProcessDefinitionKey,
            TaskDefinitionKey = q.TaskDefinitionKey,
            Name = q.Name,
            NameLike = q.NameLike,
            DueBefore = q.DueBefore,
            DueAfter = q.DueAfter,
            CreatedBefore = q.CreatedBefore,
            CreatedAfter = q.CreatedAfter,
            Priority = q.Priority,
            Sorting = sorting,
            Offset = offset,
            Limit = limit,
        };
    }

    private static async Task<IResult> Run(HttpContext context, TaskQueryDto query, bool count, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var user = RequireOfficer(context, "query tasks");
        var (offset, limit) = count ? (0, 0) : Paging(context.Request);
        var page = await search.SearchAsync(ToSearch(query, user, offset, limit), cancellationToken);
        if (count)
        {
            return Json(new CountDto(page.Total));
        }

        var list = new List<TaskDto>();
        foreach (var hit in page.Items)
        {
            list.Add(ToDto(hit.Task, await ids.GetAsync(hit.Task.ProcessKey, hit.ProcessVersion, cancellationToken)));
        }

        return Json(list);
    }

    private static Task<IResult> QueryGet(HttpContext context, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken) =>
        Run(context, FromQueryString(context.Request), count: false, search, ids, cancellationToken);

    private static Task<IResult> CountGet(HttpContext context, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken) =>
        Run(context, FromQueryString(context.Request), count: true, search, ids, cancellationToken);

    private static async Task<IResult> QueryPost(HttpContext context, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken) =>
        await Run(context, await ReadQuery(context, cancellationToken), count: false, search, ids, cancellationToken);

    private static async Task<IResult> CountPost(HttpContext context, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken) =>
        await Run(context, await ReadQuery(context, cancellationToken), count: true, search, ids, cancellationToken);

    private static Task<TaskQueryDto> ReadQuery(HttpContext context, CancellationToken cancellationToken) =>
        CamundaJson.ReadBodyAsync(context.Request, new TaskQueryDto(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null), cancellationToken);

    internal static TaskDto ToDto(TaskSummary t, string definitionId) => new(
        t.Id, t.Name, t.Assignee, t.Owner, t.CreatedAt, t.DueAt, t.FollowUpAt, null,
        t.Status == "delegated" ? "PENDING" : t.Owner is not null ? "RESOLVED" : null,
        null, t.InstanceId, null, t.Priority, definitionId, t.InstanceId, t.ActivityId, null, null, null, false, t.FormKey, null);

    /// <summary>An open task the user may see (as <c>/api/tasks</c>: assignee, owner, candidate, or supervisor); 404 otherwise.</summary>
    private static async Task<(TaskSummary Task, int Version, CurrentUser User)> LoadVisible(string id, HttpContext context, ITaskSearchService search, CancellationToken cancellationToken)
    {
        var user = RequireOfficer(context, "work tasks");
        var hit = (await search.SearchAsync(new TaskSearchQuery { TaskId = id, Limit = 1 }, cancellationToken)).Items.FirstOrDefault()
            ?? throw EngineRestException.NotFound($"No matching task with id {id}");
        var t = hit.Task;
        return TaskVisibility.CanSee(t, user.ToUserContext(), user.IsSupervisor)
            ? (t, hit.ProcessVersion, user)
            : throw EngineRestException.Forbidden($"The user with id '{user.UserName}' may not work task '{id}': it belongs to groups the user is not a member of.");
    }

    private static (TaskSummary Task, CurrentUser User) Own((TaskSummary Task, int Version, CurrentUser User) loaded)
    {
        var (t, _, user) = loaded;
        return t.Assignee is not null && t.Assignee != user.UserName && t.Owner != user.UserName
            ? throw EngineRestException.Forbidden($"The user with id '{user.UserName}' may not work task '{t.Id}': it is assigned to '{t.Assignee}'.")
            : (t, user);
    }

    private static async Task<IResult> Get(string id, HttpContext context, ITaskSearchService search, DefinitionIds ids, CancellationToken cancellationToken)
    {
        var (task, version, _) = await LoadVisible(id, context, search, cancellationToken);
        return Json(ToDto(task, await ids.GetAsync(task.ProcessKey, version, cancellationToken)));
    }

    private static async Task<IResult> Form(string id, HttpContext context, ITaskSearchService search, CancellationToken cancellationToken)
    {
        var (task, _, _) = await LoadVisible(id, context, search, cancellationToken);
        return Json(new FormDto(task.FormKey, null));
    }

    private static async Task<IResult> DeployedForm(string id, HttpContext context, ITaskSearchService search, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var (task, _, _) = await LoadVisible(id, context, search, cancellationToken);
        return await DefinitionEndpoints.DeployedFormAsync(task.FormKey, $"task {id}", deployments, cancellationToken);
    }

    private static async Task<IResult> Variable(string id, string varName, HttpContext context, ITaskSearchService search, IProcessQueries queries, VariableTypes types, CancellationToken cancellationToken)
    {
        var (task, _, _) = await LoadVisible(id, context, search, cancellationToken);
        var detail = await queries.GetInstanceAsync(task.InstanceId, cancellationToken) ?? throw EngineRestException.NotFound($"No matching task with id {id}");
        return detail.Variables.ContainsKey(varName)
            ? Json((await types.ToDtoAsync(task.InstanceId, detail.Variables, [varName], cancellationToken))[varName])
            : throw EngineRestException.NotFound($"task variable with name {varName} does not exist");
    }

    private static async Task<IResult> Variables(string id, HttpContext context, ITaskSearchService search, IProcessQueries queries, VariableTypes types, CancellationToken cancellationToken)
    {
        var (task, _, _) = await LoadVisible(id, context, search, cancellationToken);
        var detail = await queries.GetInstanceAsync(task.InstanceId, cancellationToken) ?? throw EngineRestException.NotFound($"No matching task with id {id}");
        return Json(await types.ToDtoAsync(task.InstanceId, detail.Variables, null, cancellationToken));
    }

    private static async Task<IResult> Claim(string id, HttpContext context, ITaskSearchService search, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var (task, _, user) = await LoadVisible(id, context, search, cancellationToken);
        var body = await CamundaJson.ReadBodyAsync(context.Request, new UserIdDto(null), cancellationToken);
        var claimant = body.UserId ?? user.UserName;
        if (claimant == user.UserName)
        {
            if (task.Assignee is not null && task.Assignee != user.UserName)
            {
                throw new EngineRestException(StatusCodes.Status500InternalServerError, "TaskAlreadyClaimedException", $"Task '{id}' is already claimed by someone else.");
            }

            await commands.ClaimTaskAsync(id, user.ToUserContext(), null, cancellationToken);
        }
        else if (user.IsSupervisor)
        {
            await commands.AssignTaskAsync(id, claimant, user.ToUserContext(), null, cancellationToken);
        }
        else
        {
            throw EngineRestException.Forbidden($"The user with id '{user.UserName}' may not claim task '{id}' for '{claimant}'.");
        }

        return Results.NoContent();
    }

    private static async Task<IResult> Unclaim(string id, HttpContext context, ITaskSearchService search, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var (_, user) = Own(await LoadVisible(id, context, search, cancellationToken));
        await commands.UnclaimTaskAsync(id, user.ToUserContext(), null, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Delegate(string id, HttpContext context, ITaskSearchService search, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var (_, user) = Own(await LoadVisible(id, context, search, cancellationToken));
        var body = await CamundaJson.ReadBodyAsync(context.Request, new UserIdDto(null), cancellationToken);
        if (string.IsNullOrWhiteSpace(body.UserId))
        {
            throw EngineRestException.InvalidRequest("userId is required: the user to delegate the task to.");
        }

        await commands.DelegateTaskAsync(id, user.ToUserContext(), body.UserId, null, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> Complete(string id, HttpContext context, ITaskSearchService search, IProcessCommands commands, IProcessQueries queries, IDeploymentService deployments, VariableTypes types, CancellationToken cancellationToken)
    {
        var (task, user) = Own(await LoadVisible(id, context, search, cancellationToken));
        var body = await CamundaJson.ReadBodyAsync(context.Request, new CompleteTaskDto(null, false), cancellationToken);
        var input = TypedVariables.Read(body.Variables);
        var variables = input.Values;
        if (task.FormKey is not null && await FormLookup.FindAsync(deployments, task.FormKey, cancellationToken) is { } form)
        {
            var errors = FormValidator.Validate(FormLookup.ParseSchema(form.Content), variables);
            if (errors.Count > 0)
            {
                throw EngineRestException.InvalidRequest($"Cannot complete task {id}: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
            }
        }

        var outcome = await commands.CompleteTaskAsync(id, user.ToUserContext(), variables, null, cancellationToken);
        await types.RecordAsync(outcome.InstanceId, input, cancellationToken);
        if (!body.WithVariablesInReturn)
        {
            return Results.NoContent();
        }

        var detail = await queries.GetInstanceAsync(outcome.InstanceId, cancellationToken);
        return Json(await types.ToDtoAsync(outcome.InstanceId, detail?.Variables ?? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), null, cancellationToken));
    }
}
