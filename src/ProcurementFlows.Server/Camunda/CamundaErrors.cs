using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Camunda;

/// <summary>The one place that decides which exception becomes which Camunda status and error type.</summary>
internal static class CamundaErrors
{
    public static (int Status, object Body) Map(Exception exception) => exception switch
    {
        EngineRestException rest => (rest.Status, new CamundaErrorDto(rest.Type, rest.Message)),
        BadHttpRequestException bad => (bad.StatusCode, new CamundaErrorDto("InvalidRequestException", bad.Message)),
        DeploymentRejectedException rejected => (StatusCodes.Status400BadRequest, Parse(rejected)),
        NotFoundException notFound => (StatusCodes.Status404NotFound, new CamundaErrorDto(notFound.Code.StartsWith("external-task", StringComparison.Ordinal) ? "RestException" : "InvalidRequestException", notFound.Message)),
        ExternalTaskLockException locked => (StatusCodes.Status400BadRequest, new CamundaErrorDto("RestException", locked.Message)),
        // Camunda wraps the engine's exception in a RestException, whose message is the cause's class and message.
        MessageCorrelationMismatchException mismatch => (StatusCodes.Status400BadRequest, new CamundaErrorDto("RestException", "org.camunda.bpm.engine.MismatchingMessageCorrelationException: " + mismatch.Message)),
        MessageNotCorrelatedException message => (StatusCodes.Status400BadRequest, new CamundaErrorDto("RestException", $"Cannot correlate message '{message.MessageName}': {message.Message}")),
        ConcurrencyConflictException conflict => (StatusCodes.Status500InternalServerError, new CamundaErrorDto("OptimisticLockingException", conflict.Message)),
        CommandRejectedException rejected when rejected.Code is "task.not-authorized" or "task.segregation-of-duties" =>
            (StatusCodes.Status403Forbidden, new CamundaErrorDto("AuthorizationException", rejected.Message)),
        CommandRejectedException rejected when rejected.Code.StartsWith("variables.", StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, new CamundaErrorDto("InvalidRequestException", rejected.Message)),
        ProcurementFlowsException domain => (StatusCodes.Status500InternalServerError, new CamundaErrorDto("ProcessEngineException", domain.Message)),
        _ => (StatusCodes.Status500InternalServerError, new CamundaErrorDto("ProcessEngineException", "The request failed; the error has been logged.")),
    };

    private static ParseErrorDto Parse(DeploymentRejectedException rejected)
    {
        var details = new Dictionary<string, ResourceReportDto>(StringComparer.Ordinal);
        foreach (var group in rejected.Diagnostics.GroupBy(d => d.ResourceName, StringComparer.Ordinal))
        {
            ProblemDto Problem(ResourceDiagnostic d) => new(
                $"{d.Diagnostic.Code}: {d.Diagnostic.Message}",
                d.Diagnostic.Line ?? 0,
                d.Diagnostic.Column ?? 0,
                d.Diagnostic.ElementId,
                d.Diagnostic.ElementId is null ? [] : [d.Diagnostic.ElementId]);
            details[group.Key] = new ResourceReportDto(
                [.. group.Where(d => d.Diagnostic.Severity == DiagnosticSeverity.Error).Select(Problem)],
                [.. group.Where(d => d.Diagnostic.Severity != DiagnosticSeverity.Error).Select(Problem)]);
        }

        return new ParseErrorDto("ParseException", "ENGINE-09005 Could not parse BPMN process. " + rejected.Message, 0, details);
    }
}
