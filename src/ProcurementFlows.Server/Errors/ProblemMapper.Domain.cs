using Microsoft.AspNetCore.Mvc;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Errors;

internal static partial class ProblemMapper
{
    /// <summary>The problem type URIs name the stable code, so clients can switch on them.</summary>
    internal const string TypePrefix = "https://procurementflows.dev/problems/";

    private static partial ProblemDetails? MapDomain(Exception exception) => exception switch
    {
        BpmnValidationException invalid => BpmnProblem(invalid.Diagnostics, invalid.Message),
        DeploymentRejectedException rejected => DeploymentProblem(rejected),
        ConcurrencyConflictException conflict => Problem(StatusCodes.Status409Conflict, "Concurrent update", conflict, conflict.Message),
        MessageNotCorrelatedException notCorrelated => Problem(StatusCodes.Status404NotFound, "Message not correlated", notCorrelated, notCorrelated.Message),
        CommandRejectedException rejected => Rejected(rejected),
        Ocds.OcdsExportException notExportable => Problem(StatusCodes.Status422UnprocessableEntity, "Case cannot be exported as OCDS", notExportable, notExportable.Message),
        ProcurementFlowsException other when IsConflict(other.Code) => Problem(StatusCodes.Status409Conflict, "Concurrent update", other, other.Message),
        ProcurementFlowsException other when other.Code.EndsWith(".not-found", StringComparison.Ordinal) => Problem(
            StatusCodes.Status404NotFound, "Not found", other, other.Message),
        ProcurementFlowsException other when other.Code.EndsWith(".invalid", StringComparison.Ordinal) => Problem(
            StatusCodes.Status400BadRequest, "Invalid request", other, other.Message),
        ProcurementFlowsException { IsRetryable: true } retryable => Problem(
            StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", retryable, retryable.Message),
        // A database that does not answer is an outage, never "not found".
        NpgsqlException or TimeoutException => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Database unavailable",
            Detail = "The database did not answer; try again shortly.",
        },
        _ => null,
    };

    private static bool IsConflict(string code) =>
        code.Contains("concurren", StringComparison.Ordinal) || code.Contains("conflict", StringComparison.Ordinal);

    /// <summary>A rejected deployment: <c>errors</c> keyed by <c>resource#elementId</c> (or the resource), all diagnostics listed.</summary>
    private static ProblemDetails DeploymentProblem(DeploymentRejectedException rejected)
    {
        var errors = rejected.Diagnostics
            .Where(d => d.Diagnostic.Severity == DiagnosticSeverity.Error)
            .GroupBy(d => d.Diagnostic.ElementId is null ? d.ResourceName : $"{d.ResourceName}#{d.Diagnostic.ElementId}")
            .ToDictionary(g => g.Key, g => g.Select(d => d.Diagnostic.Message).ToArray());
        var tooLarge = rejected.Diagnostics.Any(d => d.Diagnostic.Code == "xml.too-large");
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            Title = tooLarge ? "BPMN document too large" : "Deployment rejected",
            Detail = rejected.Message,
            Type = TypePrefix + rejected.Code,
        };
        problem.Extensions["code"] = rejected.Code;
        problem.Extensions["diagnostics"] = rejected.Diagnostics.Select(ResourceDiagnosticDto.From).ToArray();
        return problem;
    }

    private static ProblemDetails Rejected(CommandRejectedException rejected)
    {
        var code = rejected.Code;
        var (status, title) = code switch
        {
            "task.segregation-of-duties" => (StatusCodes.Status403Forbidden, "Segregation of duties"),
            "task.not-authorized" => (StatusCodes.Status403Forbidden, "Not allowed to work this task"),
            "variables.invalid" or "migration.invalid" => (StatusCodes.Status400BadRequest, "Invalid request"),
            _ when code.EndsWith(".not-found", StringComparison.Ordinal) => (StatusCodes.Status404NotFound, "Not found"),
            _ when code.EndsWith(".not-authorized", StringComparison.Ordinal) || code.EndsWith(".forbidden", StringComparison.Ordinal) =>
                (StatusCodes.Status403Forbidden, "Forbidden"),
            _ when code.EndsWith(".invalid", StringComparison.Ordinal) => (StatusCodes.Status400BadRequest, "Invalid request"),
            _ => (StatusCodes.Status409Conflict, "Not allowed in the current state"),
        };
        var problem = Problem(status, title, rejected, rejected.Message);
        if (rejected.ElementId is not null)
        {
            problem.Extensions["elementId"] = rejected.ElementId;
        }

        if (rejected.Rule is not null)
        {
            problem.Extensions["rule"] = rejected.Rule;
        }

        return problem;
    }

    private static ProblemDetails Problem(int status, string title, ProcurementFlowsException exception, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypePrefix + exception.Code };
        problem.Extensions["code"] = exception.Code;
        return problem;
    }

    /// <summary>
    /// A BPMN validation problem: <c>errors</c> maps element ids (or <c>definition</c> for document-level problems) to
    /// messages, and <c>diagnostics</c> lists every finding with code, severity, element and position.
    /// </summary>
    internal static ProblemDetails BpmnProblem(IReadOnlyList<BpmnDiagnostic> diagnostics, string? detail = null)
    {
        var errors = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .GroupBy(d => d.ElementId ?? "definition")
            .ToDictionary(g => g.Key, g => g.Select(d => d.Message).ToArray());
        var tooLarge = diagnostics.Any(d => d.Code == "xml.too-large");
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            Title = tooLarge ? "BPMN document too large" : "Invalid BPMN",
            Detail = detail ?? $"{errors.Values.Sum(v => v.Length)} error(s) found.",
            Type = TypePrefix + "bpmn.invalid",
        };
        problem.Extensions["code"] = "bpmn.invalid";
        problem.Extensions["diagnostics"] = diagnostics.Select(DiagnosticDto.From).ToArray();
        return problem;
    }
}

/// <summary>One finding of the BPMN validator.</summary>
/// <param name="Severity">Error, Warning or Info.</param>
/// <param name="Code">Stable machine code, e.g. <c>xml.dtd-prohibited</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="ElementId">The BPMN element, when the finding concerns one.</param>
/// <param name="Line">Line in the XML, when known.</param>
/// <param name="Column">Column in the XML, when known.</param>
public sealed record DiagnosticDto(string Severity, string Code, string Message, string? ElementId, int? Line, int? Column)
{
    /// <summary>Converts an engine diagnostic.</summary>
    public static DiagnosticDto From(BpmnDiagnostic d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new DiagnosticDto(d.Severity.ToString(), d.Code, d.Message, d.ElementId, d.Line, d.Column);
    }
}

/// <summary>One finding of the BPMN validator, attributed to a deployed file.</summary>
/// <param name="Resource">The file name.</param>
/// <param name="Severity">Error, Warning or Info.</param>
/// <param name="Code">Stable machine code.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="ElementId">The BPMN element, when the finding concerns one.</param>
/// <param name="Line">Line in the XML, when known.</param>
/// <param name="Column">Column in the XML, when known.</param>
public sealed record ResourceDiagnosticDto(string Resource, string Severity, string Code, string Message, string? ElementId, int? Line, int? Column)
{
    /// <summary>Converts a runtime diagnostic.</summary>
    public static ResourceDiagnosticDto From(ResourceDiagnostic d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new ResourceDiagnosticDto(d.ResourceName, d.Diagnostic.Severity.ToString(), d.Diagnostic.Code, d.Diagnostic.Message, d.Diagnostic.ElementId, d.Diagnostic.Line, d.Diagnostic.Column);
    }
}
