using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Api.Definitions;
using ProcurementFlows.Server.Api.Forms;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api.Tasks;

/// <summary>The case a task belongs to, as the task page shows it.</summary>
/// <param name="Instance">The instance.</param>
/// <param name="Variables">The instance's variables.</param>
/// <param name="OpenTasks">Other open tasks of the case.</param>
/// <param name="History">The case history, oldest first.</param>
public sealed record CaseContext(InstanceSummary Instance, IReadOnlyDictionary<string, JsonNode?> Variables, IReadOnlyList<TaskSummary> OpenTasks, IReadOnlyList<HistoryRecord> History);

/// <summary>A task with its form and case context.</summary>
/// <param name="Task">The task.</param>
/// <param name="Form">Its form (null when the task has none or the form is not deployed).</param>
/// <param name="Case">The case context (null when the instance is gone).</param>
public sealed record TaskDetail(TaskSummary Task, FormDescription? Form, CaseContext? Case);

/// <summary>Complete a task.</summary>
/// <param name="Variables">The form's values and any further variables; checked against the task's form.</param>
public sealed record CompleteTaskBody(Dictionary<string, JsonNode?>? Variables);

/// <summary>Delegate a task to another user.</summary>
/// <param name="UserName">Who gets the task; it comes back to the delegator when they resolve it.</param>
public sealed record DelegateTaskBody([property: Required] string UserName);

/// <summary>The inbox and the task actions of officers.</summary>
public static class TasksEndpoints
{
    /// <summary>The longest free-text inbox search accepted.</summary>
    public const int MaxSearchLength = 200;

    /// <summary>The variables that hold a case's title in the shipped processes and in Camunda habit; <c>q</c> searches them too.</summary>
    public static readonly IReadOnlyList<string> CaseTitleVariables = ["caseTitle", "title", "requirementTitle"];

    /// <summary>Maps <c>/api/tasks</c>.</summary>
    public static IEndpointRouteBuilder MapTasksEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Officer);
        group.MapGet("", Inbox)
            .WithName("QueryTasks")
            .WithSummary("Inbox: scope all|mine|myGroups|claimable|everyone (supervisors); filter by process, activity, group, due, overdue, escalated; q = free text (task name, process key or name, business key, case title caseTitle|title|requirementTitle; case-insensitive); sort; page by offset or, with sort=created, by after=<last task id> (cheaper than a deep offset). total counts up to 1,000 tasks past the page; beyond that it is a lower bound and totalExact is false.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id}", Get)
            .WithName("GetTask")
            .WithSummary("A task with its form and case context.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/claim", Claim)
            .WithName("ClaimTask")
            .WithSummary("Claim an unassigned task of one of your groups. Honors If-Match.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/unclaim", Unclaim)
            .WithName("UnclaimTask")
            .WithSummary("Give a claimed task back to its candidates. Honors If-Match.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/delegate", Delegate)
            .WithName("DelegateTask")
            .WithSummary("Delegate your task to another user. Honors If-Match.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/complete", Complete)
            .WithName("CompleteTask")
            .WithSummary("Complete a task; variables are validated against its form (field errors). Segregation-of-duties violations name the rule. Honors If-Match.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<Page<TaskSummary>>> Inbox(
        HttpContext context,
        IProcessQueries queries,
        [FromQuery] string? scope,
        [FromQuery] string? processKey,
        [FromQuery] string? activityId,
        [FromQuery] string? candidateGroup,
        [FromQuery] DateTimeOffset? dueBefore,
        [FromQuery] bool? overdue,
        [FromQuery] bool? escalated,
        [FromQuery] string? q,
        [FromQuery] string? sort,
        [FromQuery] bool? descending,
        [FromQuery] int? offset,
        [FromQuery] int? limit,
        [FromQuery] string? after,
        CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var (skip, take) = ApiHelpers.Paging(offset, limit);
        var errors = new Dictionary<string, string[]>();
        InboxScope parsedScope = InboxScope.All;
        if (scope is not null && !Enum.TryParse(scope, ignoreCase: true, out parsedScope))
        {
            errors["scope"] = ["scope must be all, mine, myGroups, claimable or everyone."];
        }

        TaskSort parsedSort = TaskSort.Created;
        if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out parsedSort))
        {
            errors["sort"] = ["sort must be created, due, priority or followUp."];
        }

        if (after is not null && parsedSort != TaskSort.Created)
        {
            errors["after"] = ["after (seek paging from a task id) works with sort=created only."];
        }

        if (q is { Length: > MaxSearchLength })
        {
            errors["q"] = [$"q must be at most {MaxSearchLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw ApiHelpers.Validation(errors, "Invalid query", "The inbox query has invalid parameters.", "query.invalid");
        }

        if (parsedScope == InboxScope.Everyone && !user.IsSupervisor)
        {
            throw ApiHelpers.Problem(StatusCodes.Status403Forbidden, "Forbidden", "Only supervisors may list everyone's tasks.", "task.not-authorized");
        }

        if (candidateGroup is not null && !user.IsSupervisor && !user.Groups.Contains(candidateGroup, StringComparer.Ordinal))
        {
            throw ApiHelpers.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"You are not a member of group '{candidateGroup}'.", "task.not-authorized");
        }

        var result = await queries.GetInboxAsync(new InboxQuery
        {
            User = user.ToUserContext(),
            Scope = parsedScope,
            ProcessKey = processKey,
            ActivityId = activityId,
            CandidateGroup = candidateGroup,
            DueBefore = dueBefore,
            Overdue = overdue ?? false,
            Escalated = escalated ?? false,
            Text = string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            TextVariables = CaseTitleVariables,
            Sort = parsedSort,
            Descending = descending ?? false,
            Offset = skip,
            Limit = take,
            AfterTaskId = after,
        }, cancellationToken);
        return TypedResults.Ok(Page<TaskSummary>.From(result));
    }

    private static async Task<Ok<TaskDetail>> Get(string id, HttpContext context, IProcessQueries queries, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var task = await LoadVisible(id, user, queries, cancellationToken);
        FormDescription? form = null;
        if (task.FormKey is not null)
        {
            var stored = await FormLookup.FindAsync(deployments, task.FormKey, cancellationToken);
            form = new FormDescription(task.FormKey, stored?.Version, stored?.ResourceName, stored is null ? null : FormLookup.ParseSchema(stored.Content));
        }

        var instance = await queries.GetInstanceAsync(task.InstanceId, cancellationToken);
        var caseContext = instance is null ? null : new CaseContext(instance.Instance, instance.Variables, instance.OpenTasks, instance.History);
        if (instance is not null)
        {
            context.Response.SetETag(instance.Instance.Version);
        }

        return TypedResults.Ok(new TaskDetail(task, form, caseContext));
    }

    private static async Task<Ok<InstanceOutcome>> Claim(string id, HttpContext context, IProcessQueries queries, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        await LoadVisible(id, user, queries, cancellationToken);
        var outcome = await commands.ClaimTaskAsync(id, user.ToUserContext(), context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    private static async Task<Ok<InstanceOutcome>> Unclaim(string id, HttpContext context, IProcessQueries queries, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        await LoadOwn(id, user, queries, cancellationToken);
        var outcome = await commands.UnclaimTaskAsync(id, user.ToUserContext(), context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    private static async Task<Ok<InstanceOutcome>> Delegate(string id, DelegateTaskBody body, HttpContext context, IProcessQueries queries, IProcessCommands commands, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.UserName))
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["userName"] = ["The user to delegate to is required."] }, "Invalid request", "The user to delegate to is required.", "task.invalid");
        }

        var user = context.GetCurrentUser();
        await LoadOwn(id, user, queries, cancellationToken);
        var outcome = await commands.DelegateTaskAsync(id, user.ToUserContext(), body.UserName, context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    private static async Task<Ok<InstanceOutcome>> Complete(
        string id, CompleteTaskBody? body, HttpContext context, IProcessQueries queries, IProcessCommands commands, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var task = await LoadOwn(id, user, queries, cancellationToken);
        var variables = body?.Variables ?? [];
        if (task.FormKey is not null && await FormLookup.FindAsync(deployments, task.FormKey, cancellationToken) is { } form)
        {
            var errors = FormValidator.Validate(FormLookup.ParseSchema(form.Content), variables);
            if (errors.Count > 0)
            {
                throw ApiHelpers.Validation(errors, "Invalid form values", $"{errors.Count} field(s) of form '{task.FormKey}' are invalid.", "variables.invalid");
            }
        }

        var outcome = await commands.CompleteTaskAsync(id, user.ToUserContext(), variables, context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    /// <summary>A task the user may see: assignee, owner, candidate user or group member — or a supervisor.</summary>
    internal static async Task<TaskSummary> LoadVisible(string id, CurrentUser user, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var task = await queries.GetTaskAsync(id, cancellationToken) ?? throw ApiHelpers.NotFound("Task", id, "task.not-found");
        return TaskVisibility.CanSee(task, user.ToUserContext(), user.IsSupervisor)
            ? task
            : throw ApiHelpers.Problem(StatusCodes.Status403Forbidden, "Not allowed to work this task", $"Task '{id}' belongs to groups you are not a member of.", "task.not-authorized");
    }

    /// <summary>A task the user may act on: visible, and either theirs or unassigned. Another officer's task is 403, even for supervisors (they reassign).</summary>
    private static async Task<TaskSummary> LoadOwn(string id, CurrentUser user, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var task = await LoadVisible(id, user, queries, cancellationToken);
        if (task.Assignee is not null && task.Assignee != user.UserName && task.Owner != user.UserName)
        {
            throw ApiHelpers.Problem(StatusCodes.Status403Forbidden, "Not allowed to work this task", $"Task '{id}' is assigned to another officer.", "task.not-authorized");
        }

        return task;
    }
}
