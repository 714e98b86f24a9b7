using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

internal sealed partial class Interpreter
{
    /// <summary>Deterministic ids: <c>{InstanceId}-{sequence}</c>.</summary>
    private string NewId() => string.Concat(data.InstanceId, "-", Invariant(++data.Sequence));

    private ExecutionData NewExecution(ExecutionKind kind, string elementId, ExecutionData parent)
    {
        var e = new ExecutionData { Id = NewId(), ParentId = parent.Id, ElementId = elementId, Kind = kind, Order = data.Sequence };
        data.Executions.Add(e);
        index[e.Id] = e;
        return e;
    }

    private void RemoveExecution(ExecutionData e)
    {
        index.Remove(e.Id);
        var list = data.Executions;

        // Most removals hit the most recent executions: search from the end.
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(list[i], e))
            {
                list.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary>Cancels an execution and everything below it: tasks, jobs, timers, subscriptions, children, incidents.</summary>
    private void CancelExecution(ExecutionData exec, string reason)
    {
        CancelChildren(exec, reason);
        RemoveQueuedFor(exec.Id);
        CloseTriggers(exec.Id, cancelled: true);
        if (exec.Kind != ExecutionKind.Root)
        {
            History(HistoryEntryType.ActivityCancelled, process.FindNode(exec.ElementId), exec.Id, null, new JsonObject { ["reason"] = reason });
            RemoveExecution(exec);
        }
    }

    private void CancelChildren(ExecutionData parent, string reason)
    {
        // Snapshot: cancellation removes executions from the list.
        var children = new List<ExecutionData>();
        foreach (var e in data.Executions)
        {
            if (e.ParentId == parent.Id)
            {
                children.Add(e);
            }
        }

        foreach (var c in children)
        {
            if (index.ContainsKey(c.Id))
            {
                CancelExecution(c, reason);
            }
        }
    }

    /// <summary>Closes what belongs to one execution (boundary timers, subscriptions, jobs, tasks, children, incidents).</summary>
    private void CloseTriggers(string execId, bool cancelled)
    {
        for (var i = data.Timers.Count - 1; i >= 0; i--)
        {
            if (data.Timers[i].ExecutionId == execId)
            {
                effects.Add(new TimerCancelled(data.Timers[i].Id));
                data.Timers.RemoveAt(i);
            }
        }

        for (var i = data.Subscriptions.Count - 1; i >= 0; i--)
        {
            if (data.Subscriptions[i].ExecutionId == execId)
            {
                effects.Add(new MessageSubscriptionClosed(data.Subscriptions[i].Id));
                data.Subscriptions.RemoveAt(i);
            }
        }

        if (!cancelled)
        {
            return;
        }

        for (var i = data.Jobs.Count - 1; i >= 0; i--)
        {
            if (data.Jobs[i].ExecutionId == execId)
            {
                effects.Add(new ServiceTaskCancelled(data.Jobs[i].Id));
                data.Jobs.RemoveAt(i);
            }
        }

        for (var i = data.Tasks.Count - 1; i >= 0; i--)
        {
            if (data.Tasks[i].ActivityInstanceId == execId)
            {
                var t = data.Tasks[i];
                data.Tasks.RemoveAt(i);
                effects.Add(new UserTaskClosed(t.Id, TaskCloseReason.Cancelled, null));
            }
        }

        for (var i = data.Children.Count - 1; i >= 0; i--)
        {
            if (data.Children[i].ExecutionId == execId)
            {
                effects.Add(new ChildInstanceCancelRequested(data.Children[i].ChildInstanceId));
                data.Children.RemoveAt(i);
            }
        }

        for (var i = data.Incidents.Count - 1; i >= 0; i--)
        {
            if (data.Incidents[i].ExecutionId == execId)
            {
                effects.Add(new IncidentResolved(data.Incidents[i].Id));
                data.Incidents.RemoveAt(i);
            }
        }
    }

    private void RaiseIncident(ExecutionData exec, string activityId, string type, string message, string? jobId)
    {
        var incident = new IncidentState(NewId(), activityId, type, message, jobId, exec.Id, now);
        data.Incidents.Add(incident);
        effects.Add(new IncidentRaised(incident.Id, activityId, type, message, jobId));
        History(HistoryEntryType.IncidentRaised, process.FindNode(activityId), exec.Id, null, new JsonObject { ["incidentId"] = incident.Id, ["type"] = type, ["message"] = message });
    }

    private void History(HistoryEntryType type, FlowNode? node, string? activityInstanceId, string? userId, JsonObject? payload)
    {
        if (!options.RecordHistory)
        {
            return;
        }

        effects.Add(new HistoryRecorded(new HistoryEntry(type, node?.Id, node?.TypeName, activityInstanceId, now, userId, payload)));
    }

    private void History(HistoryEntryType type, string? activityId, string? activityType, string? activityInstanceId, string? userId, JsonObject? payload)
    {
        if (!options.RecordHistory)
        {
            return;
        }

        effects.Add(new HistoryRecorded(new HistoryEntry(type, activityId, activityType, activityInstanceId, now, userId, payload)));
    }
}
