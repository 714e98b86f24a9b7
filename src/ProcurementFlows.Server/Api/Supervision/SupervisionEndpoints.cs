using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api.Supervision;

/// <summary>Reassign a task.</summary>
/// <param name="UserName">The officer who gets it; null returns it to its candidates.</param>
public sealed record ReassignBody(string? UserName);

/// <summary>Retry an incident.</summary>
/// <param name="Retries">How many attempts the re-dispatched job gets (default 1).</param>
public sealed record RetryIncidentBody(int? Retries);

/// <summary>The supervisor dashboard: workload, escalated/overdue tasks, SLA per stage, incidents, reassignment.</summary>
public static class SupervisionEndpoints
{
    /// <summary>Maps <c>/api/supervision</c>.</summary>
    public static IEndpointRouteBuilder MapSupervisionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/supervision").WithTags("Supervision").RequireAuthorization(Policies.Supervisor);
        group.MapGet("/workload", Workload)
            .WithName("GetWorkload")
            .WithSummary("Open, overdue and escalated tasks per candidate group and officer.");
        group.MapGet("/tasks", Tasks)
            .WithName("SuperviseTasks")
            .WithSummary("Everyone's open tasks, filtered by group, overdue and escalated; sorted by due date by default.")
            .ProducesValidationProblem();
        group.MapGet("/sla", Sla)
            .WithName("GetSlaPerStage")
            .WithSummary("SLA breaches and average time per stage (task definition key).");
        group.MapGet("/incidents", Incidents)
            .WithName("ListIncidents")
            .WithSummary("Incidents, newest first (open only by default).")
            .ProducesValidationProblem();
        group.MapPost("/incidents/{id}/retry", Retry)
            .WithName("RetryIncident")
            .WithSummary("Resolve an incident and re-run its job.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/tasks/{id}/reassign", Reassign)
            .WithName("ReassignTask")
            .WithSummary("Assign a task to an officer (or back to its candidates). Honors If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<WorkloadSummary>>> Workload([FromQuery] string? group, IProcessQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.GetWorkloadAsync(group, cancellationToken));

    private static async Task<Ok<Page<TaskSummary>>> Tasks(
        IProcessQueries queries,
        [FromQuery] string? group,
        [FromQuery] string? processKey,
        [FromQuery] bool? overdue,
        [FromQuery] bool? escalated,
        [FromQuery] int? offset,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        var (skip, take) = ApiHelpers.Paging(offset, limit);
        var result = await queries.GetInboxAsync(new InboxQuery
        {
            Scope = InboxScope.Everyone,
            CandidateGroup = group,
            ProcessKey = processKey,
            Overdue = overdue ?? false,
            Escalated = escalated ?? false,
            Sort = TaskSort.Due,
            Offset = skip,
            Limit = take,
        }, cancellationToken);
        return TypedResults.Ok(Page<TaskSummary>.From(result));
    }

    private static async Task<Ok<IReadOnlyList<StageSlaSummary>>> Sla([FromQuery] string? processKey, IProcessQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.GetSlaAsync(processKey, cancellationToken));

    private static async Task<Ok<Page<IncidentSummary>>> Incidents(
        IProcessQueries queries, [FromQuery] bool? openOnly, [FromQuery] string? processKey, [FromQuery] int? offset, [FromQuery] int? limit, CancellationToken cancellationToken)
    {
        var (skip, take) = ApiHelpers.Paging(offset, limit);
        return TypedResults.Ok(Page<IncidentSummary>.From(await queries.GetIncidentsAsync(openOnly ?? true, processKey, skip, take, cancellationToken)));
    }

    private static async Task<Ok<InstanceOutcome>> Retry(string id, RetryIncidentBody? body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var retries = body?.Retries ?? 1;
        if (retries is < 1 or > 100)
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["retries"] = ["retries must be between 1 and 100."] }, "Invalid request", "retries must be between 1 and 100.", "incident.invalid");
        }

        return TypedResults.Ok(await commands.RetryIncidentAsync(id, retries, context.GetCurrentUser().ToUserContext(), cancellationToken));
    }

    private static async Task<Ok<InstanceOutcome>> Reassign(string id, ReassignBody body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var assignee = string.IsNullOrWhiteSpace(body.UserName) ? null : body.UserName;
        var outcome = await commands.AssignTaskAsync(id, assignee, context.GetCurrentUser().ToUserContext(), context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }
}
