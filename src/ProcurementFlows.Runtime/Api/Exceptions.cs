using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime;

/// <summary>
/// Another command changed the instance between read and write (or the caller's expected version is stale).
/// Nothing was written. Retryable: repeat the command on fresh state. API callers map it to 409.
/// </summary>
public sealed class ConcurrencyConflictException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public ConcurrencyConflictException(string instanceId, long? expectedVersion, long? actualVersion)
        : base("instance.concurrent-change", expectedVersion is not null && actualVersion is not null
            ? $"Instance '{instanceId}' was changed concurrently: expected version {expectedVersion}, current version {actualVersion}. Reload and retry."
            : $"Instance '{instanceId}' was changed concurrently. Reload and retry.", isRetryable: true)
    {
        InstanceId = instanceId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The instance concerned.</summary>
    public string InstanceId { get; }

    /// <summary>The version the command was based on.</summary>
    public long? ExpectedVersion { get; }

    /// <summary>The version found in the store, when known.</summary>
    public long? ActualVersion { get; }
}

/// <summary>A referenced thing (definition, instance, task, incident) does not exist. Maps to 404.</summary>
public sealed class NotFoundException : ProcurementFlowsException
{
    /// <summary>Creates the exception, e.g. code <c>definition.not-found</c>.</summary>
    public NotFoundException(string code, string message)
        : base(code, message)
    {
    }
}

/// <summary>A correlated message matched no waiting instance and no message start event. Maps to 404/409.</summary>
public sealed class MessageNotCorrelatedException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public MessageNotCorrelatedException(string messageName, string? correlationKey)
        : base("message.not-correlated", correlationKey is null
            ? $"No process instance waits for message '{messageName}' and no deployed process starts with it."
            : $"No process instance waits for message '{messageName}' with correlation key '{correlationKey}' and no deployed process starts with it.")
    {
        MessageName = messageName;
        CorrelationKey = correlationKey;
    }

    /// <summary>The message name.</summary>
    public string MessageName { get; }

    /// <summary>The correlation key, if one was given.</summary>
    public string? CorrelationKey { get; }
}

/// <summary>A deployment was rejected: nothing was stored. <see cref="Diagnostics"/> lists every problem per resource.</summary>
public sealed class DeploymentRejectedException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public DeploymentRejectedException(IReadOnlyList<ResourceDiagnostic> diagnostics)
        : base("deployment.invalid", BuildMessage(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>All diagnostics (errors and warnings) of all resources.</summary>
    public IReadOnlyList<ResourceDiagnostic> Diagnostics { get; }

    private static string BuildMessage(IReadOnlyList<ResourceDiagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.Diagnostic.Severity == DiagnosticSeverity.Error).ToList();
        return $"The deployment was rejected with {errors.Count} error(s): " +
            string.Join("; ", errors.Take(5).Select(e => $"{e.ResourceName}: {e.Diagnostic.Code} {e.Diagnostic.Message}" + (e.Diagnostic.ElementId is null ? "" : $" ({e.Diagnostic.ElementId})")));
    }
}

/// <summary>A compiler diagnostic attributed to one resource of a deployment.</summary>
public sealed record ResourceDiagnostic(string ResourceName, BpmnDiagnostic Diagnostic);
