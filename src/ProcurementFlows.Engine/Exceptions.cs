namespace ProcurementFlows.Engine;

/// <summary>The one root of every exception ProcurementFlows throws on purpose.</summary>
public class ProcurementFlowsException : Exception
{
    /// <summary>Creates the exception with a stable machine-readable code.</summary>
    public ProcurementFlowsException(string code, string message, bool isRetryable = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        IsRetryable = isRetryable;
    }

    /// <summary>Stable machine code, e.g. <c>task.not-found</c>.</summary>
    public string Code { get; }

    /// <summary>True when repeating the same operation later may succeed.</summary>
    public bool IsRetryable { get; }
}

/// <summary>A command that is not allowed in the current instance state. The state is unchanged; not retryable.</summary>
public sealed class CommandRejectedException : ProcurementFlowsException
{
    /// <summary>Creates a rejection.</summary>
    public CommandRejectedException(string code, string message, string? elementId = null, string? rule = null)
        : base(code, message, isRetryable: false)
    {
        ElementId = elementId;
        Rule = rule;
    }

    /// <summary>The BPMN element the rejection concerns, if any.</summary>
    public string? ElementId { get; }

    /// <summary>For <c>task.segregation-of-duties</c>: the rule that forbids the completion (e.g. <c>notCompletedBy:Task_Requirement</c>).</summary>
    public string? Rule { get; }
}

/// <summary>Thrown by callers that need a deployable definition when compilation reported errors.</summary>
public sealed class BpmnValidationException : ProcurementFlowsException
{
    /// <summary>Creates the exception from the compiler's diagnostics.</summary>
    public BpmnValidationException(IReadOnlyList<BpmnDiagnostic> diagnostics)
        : base("bpmn.invalid", BuildMessage(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every problem found, errors and warnings.</summary>
    public IReadOnlyList<BpmnDiagnostic> Diagnostics { get; }

    private static string BuildMessage(IReadOnlyList<BpmnDiagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return errors.Count == 0
            ? "The BPMN definition is invalid."
            : $"The BPMN definition has {errors.Count} error(s): " + string.Join("; ", errors.Take(5).Select(e => e.ToString()));
    }
}
