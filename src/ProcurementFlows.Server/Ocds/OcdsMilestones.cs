using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Server.Ocds;

/// <summary>Derives the publishable milestones of a <c>procurement-case</c> instance from its history.</summary>
public static class OcdsMilestones
{
    // element id of procurement-case.bpmn -> milestone, on completion
    private static readonly Dictionary<string, OcdsMilestoneKind> OnCompleted = new(StringComparer.Ordinal)
    {
        ["Script_ApplyPolicy"] = OcdsMilestoneKind.Planning, // reached only when the requirement is approved
        ["Task_NotifyAward"] = OcdsMilestoneKind.Award,
        ["Task_SignContract"] = OcdsMilestoneKind.Contract,
        ["Task_ReceiveDelivery"] = OcdsMilestoneKind.Implementation,
        ["CallActivity_QualityAssurance"] = OcdsMilestoneKind.Implementation,
        ["Task_RecordPayment"] = OcdsMilestoneKind.Implementation,
        ["Task_Closeout"] = OcdsMilestoneKind.Termination,
    };

    // reached by a token (start or completion): ends and the start of signature (standstill over)
    private static readonly Dictionary<string, OcdsMilestoneKind> OnReached = new(StringComparer.Ordinal)
    {
        // the tender period opens only once the invitation passed the minimum-period check (a refused one is not published)
        ["SubProcess_TenderPeriod"] = OcdsMilestoneKind.Tender,
        ["Task_SignContract"] = OcdsMilestoneKind.AwardUpdate,
        ["End_TenderCancelled"] = OcdsMilestoneKind.TenderCancelled,
        ["End_TenderUnsuccessful"] = OcdsMilestoneKind.TenderUnsuccessful,
        ["End_ContractTerminated"] = OcdsMilestoneKind.Termination,
    };

    /// <summary>
    /// Every element id whose history entries can mark a milestone: <see cref="FromHistory"/> ignores entries of other
    /// elements, so history filtered to these ids gives the same milestones (lets a list page ask for them in one query).
    /// </summary>
    public static IReadOnlyCollection<string> ActivityIds { get; } =
        [.. OnCompleted.Keys.Concat(OnReached.Keys).Append(AmendmentActivityId).Distinct(StringComparer.Ordinal)];

    private const string AmendmentActivityId = "Task_AnswerClarification";

    /// <summary>Maps history entries (in order) to milestones; each element counts once per kind it marks.</summary>
    public static IReadOnlyList<OcdsMilestone> FromHistory(IEnumerable<HistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var result = new List<OcdsMilestone>();
        var reached = new HashSet<(string, OcdsMilestoneKind)>();
        foreach (var entry in history)
        {
            if (entry.ActivityId is not { } id)
            {
                continue;
            }

            if (entry.Type is HistoryEntryType.ActivityStarted or HistoryEntryType.ActivityCompleted
                && OnReached.TryGetValue(id, out var reachedKind) && reached.Add((id, reachedKind)))
            {
                result.Add(new OcdsMilestone(reachedKind, entry.Timestamp, id));
            }

            if (entry.Type == HistoryEntryType.ActivityCompleted)
            {
                if (OnCompleted.TryGetValue(id, out var kind))
                {
                    result.Add(new OcdsMilestone(kind, entry.Timestamp, id));
                }
                else if (id == AmendmentActivityId && Mentions(entry.Data, "amendsSolicitation"))
                {
                    result.Add(new OcdsMilestone(OcdsMilestoneKind.TenderAmendment, entry.Timestamp, id));
                }
            }
        }

        return result;
    }

    /// <summary>True when the entry's data sets the flag to true anywhere in its tree.</summary>
    private static bool Mentions(JsonNode? node, string flag) => node switch
    {
        JsonObject o => o.Any(p => (p.Key == flag && p.Value is JsonValue v && v.TryGetValue<bool>(out var b) && b) || Mentions(p.Value, flag)),
        JsonArray a => a.Any(x => Mentions(x, flag)),
        _ => false,
    };
}
