using System.Text.Json.Nodes;

namespace ProcurementFlows.Runtime.ServiceTasks;

/// <summary>
/// Executes the work behind an external service task (<c>camunda:type="external"</c>) for one topic.
/// The runtime calls it from a background job, outside any database transaction, and submits the
/// returned result to the engine as a command keyed by <see cref="ServiceTaskContext.JobId"/>.
/// </summary>
/// <remarks>
/// Throwing is equivalent to returning a retryable <see cref="ServiceTaskResult.Failed"/>; return
/// <c>Failed(..., Retryable: false)</c> for a permanent failure that must go straight to an incident.
/// </remarks>
public interface IServiceTaskHandler
{
    /// <summary>The service-task topic this handler serves, e.g. <c>registry.sanctions-screening</c>.</summary>
    string Topic { get; }

    /// <summary>Does the work once; retries and incidents are the runtime's business.</summary>
    Task<ServiceTaskResult> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the service task it runs.</summary>
/// <param name="JobId">Identifies this dispatch; results are idempotent per job id.</param>
/// <param name="ProcessInstanceId">The instance the task belongs to.</param>
/// <param name="ActivityId">The BPMN element id of the service task.</param>
/// <param name="Topic">The topic from <c>camunda:topic</c>.</param>
/// <param name="Variables">The task's input: its <c>camunda:inputOutput</c> inputs, else the visible process variables.</param>
/// <param name="Attempt">1 for the first try, then 2, 3...</param>
public sealed record ServiceTaskContext(
    string JobId,
    string ProcessInstanceId,
    string ActivityId,
    string Topic,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    int Attempt);

/// <summary>The outcome of one service-task execution.</summary>
public abstract record ServiceTaskResult
{
    private ServiceTaskResult()
    {
    }

    /// <summary>The work is done; <paramref name="Variables"/> are written to the process.</summary>
    public sealed record Completed(IReadOnlyDictionary<string, JsonNode?> Variables) : ServiceTaskResult;

    /// <summary>A business error the diagram can catch with an error boundary event.</summary>
    public sealed record BpmnError(string ErrorCode, string? Message, IReadOnlyDictionary<string, JsonNode?>? Variables = null) : ServiceTaskResult;

    /// <summary>A technical failure: retried per the diagram's retry cycle when <paramref name="Retryable"/>, else an incident at once.</summary>
    public sealed record Failed(string Message, string? Details = null, bool Retryable = true) : ServiceTaskResult;
}
