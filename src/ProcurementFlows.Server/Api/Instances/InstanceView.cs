using System.Text.Json.Nodes;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Ocds;

namespace ProcurementFlows.Server.Api.Instances;

/// <summary>Everything about one instance, as <c>GET /api/instances/{id}</c> answers.</summary>
/// <param name="Instance">The instance.</param>
/// <param name="Variables">Its variables.</param>
/// <param name="OpenTasks">Open user tasks.</param>
/// <param name="PendingTimers">Pending timers.</param>
/// <param name="Incidents">Incidents (open and resolved).</param>
/// <param name="Subscriptions">Open message subscriptions.</param>
/// <param name="History">The hash-chained history, oldest first.</param>
/// <param name="OcdsAvailable">True when <c>GET /api/instances/{id}/ocds</c> returns a release package (the case reached a publishable milestone).</param>
public sealed record InstanceView(
    InstanceSummary Instance,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<TaskSummary> OpenTasks,
    IReadOnlyList<TimerSummary> PendingTimers,
    IReadOnlyList<IncidentSummary> Incidents,
    IReadOnlyList<SubscriptionSummary> Subscriptions,
    IReadOnlyList<HistoryRecord> History,
    bool OcdsAvailable)
{
    /// <summary>The runtime's detail plus what the server derives from it.</summary>
    public static InstanceView From(InstanceDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        return new InstanceView(
            detail.Instance, detail.Variables, detail.OpenTasks, detail.PendingTimers, detail.Incidents, detail.Subscriptions, detail.History,
            OcdsCases.IsExportable(OcdsCases.From(detail)));
    }
}

/// <summary>Builds the exporter's view of a case from a stored instance.</summary>
internal static class OcdsCases
{
    public static OcdsCase From(InstanceDetail detail)
    {
        var history = new List<HistoryEntry>(detail.History.Count);
        foreach (var h in detail.History)
        {
            // Entries of a type this version does not know carry no OCDS milestone.
            if (Enum.TryParse<HistoryEntryType>(h.Type, ignoreCase: false, out var type))
            {
                history.Add(new HistoryEntry(type, h.ActivityId, h.ActivityType, h.ActivityInstanceId, h.OccurredAt, h.UserId, h.Data));
            }
        }

        return new OcdsCase(detail.Instance.BusinessKey ?? detail.Instance.Id, detail.Variables, OcdsMilestones.FromHistory(history));
    }

    /// <summary>
    /// Exactly the checks <see cref="OcdsExporter.Export"/> makes before it builds anything (an ocid-able case id and at least
    /// one milestone); the options are validated at start-up, so these decide between a package and a 422.
    /// </summary>
    public static bool IsExportable(OcdsCase procurementCase) =>
        OcdsText.IsCaseId(procurementCase.CaseId) && procurementCase.Milestones.Count > 0;
}
