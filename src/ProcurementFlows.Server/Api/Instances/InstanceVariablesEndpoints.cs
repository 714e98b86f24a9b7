using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api.Instances;

/// <summary>Set several variables of an instance.</summary>
/// <param name="Variables">Name → JSON value; each replaces the variable of that name (null stores null). Stored as data, never evaluated.</param>
/// <param name="ExpectedVersion">The instance version the change is based on (alternative to <c>If-Match</c>); a stale one gets 409.</param>
public sealed record SetVariablesBody(Dictionary<string, JsonNode?>? Variables, long? ExpectedVersion);

/// <summary>Set one variable of an instance.</summary>
/// <param name="Value">The JSON value (null stores null). Stored as data, never evaluated.</param>
/// <param name="ExpectedVersion">The instance version the change is based on (alternative to <c>If-Match</c>); a stale one gets 409.</param>
public sealed record SetVariableBody(JsonNode? Value, long? ExpectedVersion);

/// <summary>
/// Variable modification of a running instance, as Camunda's <c>POST /process-instance/{id}/variables</c> and
/// <c>PUT .../variables/{name}</c>. Camunda guards it with the UPDATE_VARIABLE permission on the instance, which plain task
/// workers do not hold; here it is the supervisor role (and admin). Officers change data by completing their tasks, where the
/// task's form validates it.
/// </summary>
public static class InstanceVariablesEndpoints
{
    /// <summary>The longest variable name accepted (as the runtime).</summary>
    public const int MaxNameLength = 255;

    /// <summary>Maps <c>PATCH /api/instances/{id}/variables</c> and <c>PUT /api/instances/{id}/variables/{name}</c>.</summary>
    public static RouteGroupBuilder MapInstanceVariablesEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPatch("/{id}/variables", SetMany)
            .RequireAuthorization(Policies.Supervisor)
            .WithName("SetInstanceVariables")
            .WithSummary("Set variables of an active instance (supervisors; merge: unnamed variables stay). Honors If-Match or expectedVersion; ETag = new version.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id}/variables/{name}", SetOne)
            .RequireAuthorization(Policies.Supervisor)
            .WithName("SetInstanceVariable")
            .WithSummary("Set one variable of an active instance (supervisors). Honors If-Match or expectedVersion; ETag = new version.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static Task<Ok<InstanceOutcome>> SetMany(string id, SetVariablesBody? body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        if (body?.Variables is not { Count: > 0 } variables)
        {
            throw ApiHelpers.Validation(
                new Dictionary<string, string[]> { ["variables"] = ["Name at least one variable to set."] }, "Invalid variables", "No variables to set.", "variables.invalid");
        }

        return SetAsync(id, variables, body.ExpectedVersion, context, commands, cancellationToken);
    }

    private static Task<Ok<InstanceOutcome>> SetOne(string id, string name, SetVariableBody? body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken) =>
        SetAsync(id, new Dictionary<string, JsonNode?> { [name] = body?.Value }, body?.ExpectedVersion, context, commands, cancellationToken);

    private static async Task<Ok<InstanceOutcome>> SetAsync(
        string id, Dictionary<string, JsonNode?> variables, long? bodyVersion, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in variables.Keys)
        {
            if (NameProblem(name) is { } problem)
            {
                errors[ErrorKey(name)] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            throw ApiHelpers.Validation(errors, "Invalid variables", $"{errors.Count} variable name(s) are invalid: {string.Join(", ", errors.Keys)}.", "variables.invalid");
        }

        var headerVersion = context.Request.ExpectedVersion();
        if (headerVersion is not null && bodyVersion is not null && headerVersion != bodyVersion)
        {
            throw ApiHelpers.Validation(
                new Dictionary<string, string[]> { ["expectedVersion"] = [$"expectedVersion {bodyVersion} contradicts If-Match {headerVersion}."] },
                "Invalid request", "If-Match and expectedVersion name different versions.", "variables.invalid");
        }

        var user = context.GetCurrentUser();
        var outcome = await commands.SetVariablesAsync(id, variables, user.ToUserContext(), headerVersion ?? bodyVersion, cancellationToken);
        context.Response.SetETag(outcome.Version);
        return TypedResults.Ok(outcome);
    }

    private static string? NameProblem(string name) => name switch
    {
        _ when string.IsNullOrWhiteSpace(name) => "A variable name must not be blank.",
        { Length: > MaxNameLength } => $"A variable name has at most {MaxNameLength} characters.",
        _ when name.Any(char.IsControl) => "A variable name must not contain control characters.",
        _ when name != name.Trim() => "A variable name must not start or end with white space.",
        _ => null,
    };

    // The error names the variable; a name that cannot serve as a readable key is shortened and made printable.
    private static string ErrorKey(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "variables";
        }

        var printable = new string([.. name.Select(c => char.IsControl(c) ? '?' : c)]);
        return printable.Length > 64 ? printable[..64] + "…" : printable;
    }
}
