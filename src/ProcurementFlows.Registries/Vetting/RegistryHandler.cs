using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// Common shape of a vetting handler: read the supplier, ask one registry, write findings to
/// <c>findings</c> (for a diagram's output mapping, e.g. <c>companyLookup = ${findings}</c>) and to the
/// check's own variable. A <see cref="RegistryException"/> becomes <see cref="ServiceTaskResult.Failed"/>
/// with its retryable flag, so transient outages go through the diagram's retry cycle and permanent
/// failures straight to an incident. Handlers are singletons: each execution resolves its Refit client
/// in a scope of its own, so HttpClientFactory keeps rotating handlers.
/// </summary>
internal abstract class RegistryHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger logger) : IServiceTaskHandler
{
    /// <summary>The generic output variable every vetting handler writes.</summary>
    public const string FindingsVariable = "findings";

    public abstract string Topic { get; }

    /// <summary>The process variable the findings are written to.</summary>
    public abstract string OutputVariable { get; }

    protected abstract RegistryId Registry { get; }

    public async Task<ServiceTaskResult> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var findings = await CheckAsync(context, scope.ServiceProvider, cancellationToken);
            logger.LogInformation(
                "{Topic} for instance {ProcessInstanceId} ({ActivityId}): {Status}",
                Topic,
                context.ProcessInstanceId,
                context.ActivityId,
                VettingFindings.StatusName(findings.Status));
            var json = findings.ToJson();
            return new ServiceTaskResult.Completed(new Dictionary<string, JsonNode?> { [FindingsVariable] = json, [OutputVariable] = json.DeepClone() });
        }
        catch (RegistryException e)
        {
            logger.LogWarning(
                "{Topic} for instance {ProcessInstanceId} ({ActivityId}) failed, retryable {Retryable}: {Message}",
                Topic,
                context.ProcessInstanceId,
                context.ActivityId,
                e.IsRetryable,
                e.Message);
            return new ServiceTaskResult.Failed(e.Message, Details(e), e.IsRetryable);
        }
    }

    /// <summary>Runs the check; throws <see cref="RegistryException"/> on failure or bad input.</summary>
    protected abstract Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken);

    protected VettingFindings Findings(VettingStatus status, string summary, IEnumerable<string> reasons, IEnumerable<string> requests, JsonObject evidence) =>
        Findings(Registry, status, summary, reasons, requests, evidence);

    protected VettingFindings Findings(RegistryId registry, VettingStatus status, string summary, IEnumerable<string> reasons, IEnumerable<string> requests, JsonObject evidence) =>
        new(Topic, status, summary, [.. reasons], new FindingsSource(registry, [.. requests]), time.GetUtcNow(), evidence);

    private static string Details(RegistryException e)
    {
        var parts = new List<string> { "error=" + e.GetType().Name, "code=" + e.Code, "registry=" + e.Registry.ConfigurationKey() };
        switch (e)
        {
            case RegistryUnavailableException unavailable:
                parts.Add("reason=" + unavailable.Reason);
                if (unavailable.RetryAfter is { } after)
                {
                    parts.Add("retryAfterSeconds=" + after.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
                }

                break;
            case RegistryRequestRejectedException rejected:
                parts.Add("status=" + (int)rejected.StatusCode);
                break;
        }

        return string.Join("; ", parts);
    }
}
