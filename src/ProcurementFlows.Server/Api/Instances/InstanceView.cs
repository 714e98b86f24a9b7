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

/// <summary>An instance as <c>GET /api/instances</c> lists it: the runtime's summary plus <c>ocdsAvailable</c>.</summary>
/// <param name="Id">The instance id.</param>
/// <param name="ProcessKey">The definition key.</param>
/// <param name="ProcessVersion">The definition version.</param>
/// <param name="BusinessKey">The business key (case number).</param>
/// <param name="Status">Active, Completed, Cancelled or Terminated.</param>
/// <param name="StartedBy">Who started it.</param>
/// <param name="StartedAt">When.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="CurrentActivities">Active activity ids.</param>
/// <param name="ParentInstanceId">The calling instance, for a called process.</param>
/// <param name="Version">The instance version (ETag of its detail).</param>
/// <param name="OcdsAvailable">Same as on the detail: <c>GET /api/instances/{id}/ocds</c> returns a release package.</param>
public sealed record InstanceListItem(
    string Id,
    string ProcessKey,
    int ProcessVersion,
    string? BusinessKey,
    string Status,
    string? StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<string> CurrentActivities,
    string? ParentInstanceId,
    long Version,
    bool OcdsAvailable)
{
    /// <summary>
    /// A page of list items: whether each instance is OCDS-exportable comes from one history query for the whole page
    /// (only the entries at milestone elements), not one per instance.
    /// </summary>
    public static async Task<Page<InstanceListItem>> PageAsync(PagedResult<InstanceSummary> result, IProcessQueries queries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(queries);
        var candidates = result.Items.Where(i => OcdsText.IsCaseId(OcdsCases.CaseId(i))).Select(i => i.Id).ToList();
        var milestoneHistory = await queries.GetHistoryAtActivitiesAsync(candidates, OcdsMilestones.ActivityIds, cancellationToken);
        var items = result.Items.Select(i => new InstanceListItem(
            i.Id, i.ProcessKey, i.ProcessVersion, i.BusinessKey, i.Status, i.StartedBy, i.StartedAt, i.EndedAt, i.CurrentActivities, i.ParentInstanceId, i.Version,
            milestoneHistory.TryGetValue(i.Id, out var history) && OcdsCases.IsExportable(new OcdsCase(OcdsCases.CaseId(i), new Dictionary<string, JsonNode?>(), OcdsCases.Milestones(history)))))
            .ToList();
        return new Page<InstanceListItem>(items, result.Total, result.Offset, result.Limit, result.TotalIsExact);
    }
}

/// <summary>Builds the exporter's view of a case from a stored instance.</summary>
internal static class OcdsCases
{
    public static OcdsCase From(InstanceDetail detail) =>
        new(CaseId(detail.Instance), detail.Variables, Milestones(detail.History));

    /// <summary>The case id an OCDS release uses: the business key, else the instance id.</summary>
    public static string CaseId(InstanceSummary instance) => instance.BusinessKey ?? instance.Id;

    /// <summary>The milestones of a (possibly filtered, see <see cref="OcdsMilestones.ActivityIds"/>) history.</summary>
    public static IReadOnlyList<OcdsMilestone> Milestones(IReadOnlyList<HistoryRecord> records)
    {
        var history = new List<HistoryEntry>(records.Count);
        foreach (var h in records)
        {
            // Entries of a type this version does not know carry no OCDS milestone.
            if (Enum.TryParse<HistoryEntryType>(h.Type, ignoreCase: false, out var type))
            {
                history.Add(new HistoryEntry(type, h.ActivityId, h.ActivityType, h.ActivityInstanceId, h.OccurredAt, h.UserId, h.Data));
            }
        }

        return OcdsMilestones.FromHistory(history);
    }

    /// <summary>
    /// Exactly the checks <see cref="OcdsExporter.Export"/> makes before it builds anything (an ocid-able case id and at least
    /// one milestone); the options are validated at start-up, so these decide between a package and a 422.
    /// </summary>
    public static bool IsExportable(OcdsCase procurementCase) =>
        OcdsText.IsCaseId(procurementCase.CaseId) && procurementCase.Milestones.Count > 0;
}
