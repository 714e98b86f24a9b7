using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Api.Definitions;
using ProcurementFlows.Server.Api.Forms;
using ProcurementFlows.Server.Identity;
using ProcurementFlows.Server.Ocds;

namespace ProcurementFlows.Server.Api.Instances;

/// <summary>Start a process instance.</summary>
/// <param name="ProcessKey">The definition key (process id).</param>
/// <param name="Version">A specific version; the latest when omitted.</param>
/// <param name="BusinessKey">The case number or other business key.</param>
/// <param name="Variables">Initial variables (JSON values; stored as data, never evaluated).</param>
public sealed record StartInstanceBody([property: Required] string ProcessKey, int? Version, string? BusinessKey, Dictionary<string, JsonNode?>? Variables);

/// <summary>Cancel an instance.</summary>
/// <param name="Reason">Why (recorded in history).</param>
public sealed record CancelInstanceBody(string? Reason);

/// <summary>Migrate instances of one version to another.</summary>
/// <param name="ProcessKey">The definition key.</param>
/// <param name="SourceVersion">The version the instances run now.</param>
/// <param name="TargetVersion">The version to move to.</param>
/// <param name="ActivityMapping">Source activity id → target activity id; unmapped ids map to themselves.</param>
/// <param name="InstanceIds">Only these instances (all active instances of the source version when omitted).</param>
/// <param name="DryRun">Check every instance and change none (default true: run a dry run first).</param>
public sealed record MigrationBody(
    [property: Required] string ProcessKey,
    int SourceVersion,
    int TargetVersion,
    Dictionary<string, string>? ActivityMapping,
    List<string>? InstanceIds,
    bool DryRun = true);

/// <summary>Start, search, inspect, verify, cancel and migrate process instances.</summary>
public static class InstancesEndpoints
{
    /// <summary>Maps <c>/api/instances</c> and <c>/api/migrations</c>.</summary>
    public static IEndpointRouteBuilder MapInstancesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/instances").WithTags("Instances");
        group.MapPost("", Start)
            .WithName("StartInstance")
            .WithSummary("Start an instance of the latest (or a given) version of a definition.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", Search)
            .WithName("SearchInstances")
            .WithSummary("Search instances (newest first, paged, stable order); each item says whether an OCDS export exists (ocdsAvailable).")
            .ProducesValidationProblem();
        group.MapGet("/{id}", Get)
            .WithName("GetInstance")
            .WithSummary("An instance with variables, active activities, open tasks, pending timers, incidents, history and whether an OCDS export exists (ocdsAvailable). ETag = instance version.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/history", History)
            .WithName("GetInstanceHistory")
            .WithSummary("The instance's hash-chained history in order.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/audit/verify", Audit)
            .WithName("VerifyInstanceAudit")
            .WithSummary("Recompute the history hash chain and report the first broken link.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/ocds", ExportOcds)
            .WithName("ExportInstanceOcds")
            .WithSummary("The case as an OCDS 1.1.5 release package: a release per milestone reached, classified fields withheld.")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id}/cancel", Cancel)
            .RequireAuthorization(Policies.Supervisor)
            .WithName("CancelInstance")
            .WithSummary("Cancel an active instance (supervisors). Honors If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapInstanceVariablesEndpoints();

        endpoints.MapPost("/api/migrations", Migrate)
            .WithTags("Instances")
            .RequireAuthorization(Policies.Supervisor)
            .WithName("MigrateInstances")
            .WithSummary("Migrate instances to another version with an activity mapping; dry run by default.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Created<InstanceOutcome>> Start(
        StartInstanceBody body, HttpContext context, IProcessCommands commands, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.ProcessKey))
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["processKey"] = ["The process key is required."] }, "Invalid request", "The process key is required.", "instance.invalid");
        }

        // Resolve the version once, so that the start form checked is the one of the version that starts.
        var version = body.Version;
        if (await deployments.GetDefinitionAsync(body.ProcessKey, body.Version, cancellationToken) is { } definition)
        {
            version = definition.Version;
            var process = await deployments.GetProcessAsync(definition.Key, definition.Version, cancellationToken);
            if (process.StartFormKey is { } formKey && await FormLookup.FindAsync(deployments, formKey, cancellationToken) is { } form)
            {
                var errors = FormValidator.Validate(FormLookup.ParseSchema(form.Content), body.Variables ?? []);
                if (errors.Count > 0)
                {
                    throw ApiHelpers.Validation(errors, "Invalid form values", $"{errors.Count} field(s) of start form '{formKey}' are invalid.", "variables.invalid");
                }
            }
        }

        var user = context.GetCurrentUser();
        var outcome = await commands.StartAsync(new StartInstanceRequest(body.ProcessKey, version, body.BusinessKey, body.Variables, user.UserName), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Created($"/api/instances/{outcome.InstanceId}", outcome);
    }

    private static async Task<Ok<Page<InstanceListItem>>> Search(
        IProcessQueries queries,
        [FromQuery] string? processKey,
        [FromQuery] int? version,
        [FromQuery] string? status,
        [FromQuery] string? businessKey,
        [FromQuery] string? activityId,
        [FromQuery] string? startedBy,
        [FromQuery] DateTimeOffset? startedAfter,
        [FromQuery] DateTimeOffset? startedBefore,
        [FromQuery] bool? withIncidents,
        [FromQuery] int? offset,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        var (skip, take) = ApiHelpers.Paging(offset, limit);
        if (status is not null && !new[] { "Active", "Completed", "Cancelled", "Terminated" }.Contains(status, StringComparer.OrdinalIgnoreCase))
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["status"] = ["status must be Active, Completed, Cancelled or Terminated."] }, "Invalid query", "Unknown status.", "query.invalid");
        }

        var result = await queries.SearchInstancesAsync(new InstanceQuery
        {
            ProcessKey = processKey,
            ProcessVersion = version,
            Status = status is null ? null : char.ToUpperInvariant(status[0]) + status[1..].ToLowerInvariant(),
            BusinessKey = businessKey,
            ActivityId = activityId,
            StartedBy = startedBy,
            StartedAfter = startedAfter,
            StartedBefore = startedBefore,
            WithIncidents = withIncidents ?? false,
            Offset = skip,
            Limit = take,
        }, cancellationToken);
        return TypedResults.Ok(await InstanceListItem.PageAsync(result, queries, cancellationToken));
    }

    private static async Task<IResult> ExportOcds(string id, IProcessQueries queries, IOptions<OcdsExportOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken) ?? throw ApiHelpers.NotFound("Instance", id, "instance.not-found");
        var package = new OcdsExporter(options.Value).Export(OcdsCases.From(detail), clock.GetUtcNow());
        return Results.Content(package.ToJsonString(), "application/json");
    }

    private static async Task<Ok<InstanceView>> Get(string id, HttpContext context, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var detail = await queries.GetInstanceAsync(id, cancellationToken) ?? throw ApiHelpers.NotFound("Instance", id, "instance.not-found");
        context.Response.SetETag(detail.Instance.Version);
        return TypedResults.Ok(InstanceView.From(detail));
    }

    private static async Task<Ok<IReadOnlyList<HistoryRecord>>> History(string id, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var history = await queries.GetHistoryAsync(id, cancellationToken);
        if (history.Count == 0 && await queries.GetInstanceAsync(id, cancellationToken) is null)
        {
            throw ApiHelpers.NotFound("Instance", id, "instance.not-found");
        }

        return TypedResults.Ok(history);
    }

    private static async Task<Ok<HistoryVerification>> Audit(string id, IAuditService audit, IProcessQueries queries, CancellationToken cancellationToken)
    {
        var verification = await audit.VerifyAsync(id, cancellationToken);
        if (verification.EntriesChecked == 0 && await queries.GetInstanceAsync(id, cancellationToken) is null)
        {
            throw ApiHelpers.NotFound("Instance", id, "instance.not-found");
        }

        return TypedResults.Ok(verification);
    }

    private static async Task<Ok<InstanceOutcome>> Cancel(string id, CancelInstanceBody? body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var outcome = await commands.CancelInstanceAsync(id, body?.Reason, user.ToUserContext(), context.Request.ExpectedVersion(), cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    private static async Task<Ok<MigrationResult>> Migrate(MigrationBody body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var result = await commands.MigrateAsync(
            new MigrationRequest(body.ProcessKey, body.SourceVersion, body.TargetVersion, body.ActivityMapping, body.InstanceIds, body.DryRun, user.UserName),
            cancellationToken);
        return TypedResults.Ok(result);
    }
}
