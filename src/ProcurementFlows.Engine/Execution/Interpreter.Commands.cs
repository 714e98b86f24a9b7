using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

internal sealed partial class Interpreter
{
    /// <summary>Applies a command to the working copy. Returns false for an idempotent no-op (the caller returns the input state).</summary>
    private bool Dispatch(EngineCommand command)
    {
        switch (command)
        {
            case FireTimer c:
                return OnFireTimer(c);
            case DeliverMessage c:
                return OnDeliverMessage(c);
            case CompleteServiceTask c:
                return OnCompleteJob(c);
            case ThrowServiceTaskError c:
                return OnJobError(c);
            case FailServiceTask c:
                return OnJobFailure(c);
            case ChildInstanceEnded c:
                return OnChildEnded(c);
        }

        if (data.Status != InstanceStatus.Active)
        {
            throw new CommandRejectedException("instance.not-active", $"Instance '{data.InstanceId}' is {data.Status}.");
        }

        switch (command)
        {
            case CompleteUserTask c:
                OnCompleteTask(c);
                return true;
            case ClaimUserTask c:
                OnClaim(c);
                return true;
            case UnclaimUserTask c:
                OnUnclaim(c);
                return true;
            case DelegateUserTask c:
                OnDelegate(c);
                return true;
            case AssignUserTask c:
                OnAssign(c);
                return true;
            case RetryIncident c:
                OnRetryIncident(c);
                return true;
            case CancelInstance c:
                OnCancel(c);
                return true;
            case MigrateInstance c:
                OnMigrate(c);
                return true;
            case SetVariables c:
                var vars = CopyVariables(c.Variables);
                SetVariables(data.Executions[0], vars, local: true);
                History(HistoryEntryType.VariablesUpdated, null, null, data.InstanceId, c.UserId, VariablesData(vars, "variables"));
                return true;
            default:
                throw new CommandRejectedException("command.unsupported", $"Command {command.GetType().Name} is not supported here.");
        }
    }

    // ------------------------------------------------------------------ timers and messages

    private bool OnFireTimer(FireTimer c)
    {
        var i = data.Timers.FindIndex(t => t.Id == c.TimerId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var timer = data.Timers[i];
        data.Timers.RemoveAt(i);
        var node = process.FindNode(timer.ActivityId);
        if (node is null || !index.TryGetValue(timer.ExecutionId, out var owner))
        {
            return true;
        }

        History(HistoryEntryType.TimerFired, node, owner.Id, null, new JsonObject { ["timerId"] = timer.Id, ["dueAt"] = timer.DueAt });
        Trigger(node, owner, null, timer);
        return true;
    }

    private bool OnDeliverMessage(DeliverMessage c)
    {
        var i = data.Subscriptions.FindIndex(s => s.Id == c.SubscriptionId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var sub = data.Subscriptions[i];
        var node = process.FindNode(sub.ActivityId);
        if (node is null || !index.TryGetValue(sub.ExecutionId, out var owner))
        {
            data.Subscriptions.RemoveAt(i);
            effects.Add(new MessageSubscriptionClosed(sub.Id));
            return true;
        }

        var payload = CopyVariables(c.Variables);

        // Non-interrupting boundary messages and non-interrupting event-subprocess message starts keep listening.
        var keep = node.Kind == NodeKind.BoundaryEvent && !node.CancelActivity || node.Kind == NodeKind.StartEvent && !node.IsInterruptingStart;
        if (!keep)
        {
            data.Subscriptions.RemoveAt(i);
            effects.Add(new MessageSubscriptionClosed(sub.Id));
        }

        History(HistoryEntryType.MessageReceived, node, owner.Id, null, new JsonObject { ["messageName"] = sub.MessageName, ["subscriptionId"] = sub.Id, ["variables"] = VariablesData(payload, "v")?["v"]?.DeepClone() });
        Trigger(node, owner, payload.Count > 0 ? payload : null, null);
        return true;
    }

    // ------------------------------------------------------------------ service tasks

    private bool OnCompleteJob(CompleteServiceTask c)
    {
        var i = data.Jobs.FindIndex(j => j.Id == c.JobId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var job = data.Jobs[i];
        data.Jobs.RemoveAt(i);
        ResolveIncidentsOfJob(job.Id);
        var exec = index[job.ExecutionId];
        var node = process.FindNode(job.ActivityId)!;
        var vars = CopyVariables(c.Variables);
        History(HistoryEntryType.ServiceTaskCompleted, node, exec.Id, null, new JsonObject { ["jobId"] = job.Id, ["variables"] = VariablesData(vars, "v")?["v"]?.DeepClone() });
        if (vars.Count > 0)
        {
            SetVariables(exec, vars, local: node.Outputs.Count > 0);
        }

        Leave(exec, node, null);
        return true;
    }

    private bool OnJobError(ThrowServiceTaskError c)
    {
        var i = data.Jobs.FindIndex(j => j.Id == c.JobId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var job = data.Jobs[i];
        var exec = index[job.ExecutionId];
        var node = process.FindNode(job.ActivityId)!;
        var vars = CopyVariables(c.Variables);
        if (!CanCatchError(exec, c.ErrorCode))
        {
            // Nothing would catch it: keep the job and open an incident instead of losing the token.
            job = job with { Status = ServiceJobStatus.Incident, RetriesLeft = 0, LastError = $"Uncaught BPMN error '{c.ErrorCode}': {c.Message}" };
            data.Jobs[i] = job;
            RaiseIncident(exec, node.Id, "unhandledBpmnError", $"BPMN error '{c.ErrorCode}' thrown by '{node.Id}' is not caught: {c.Message}", job.Id);
            return true;
        }

        data.Jobs.RemoveAt(i);
        ResolveIncidentsOfJob(job.Id);
        if (vars.Count > 0)
        {
            SetVariables(exec, vars, local: false);
        }

        ThrowError(c.ErrorCode, c.Message, exec, node, fromEndEvent: false);
        return true;
    }

    private bool CanCatchError(ExecutionData from, string code)
    {
        var cur = from;
        while (true)
        {
            if (cur.Kind is ExecutionKind.Root or ExecutionKind.SubProcess or ExecutionKind.EventSubProcess && ScopeOf(cur) is { } s && FindEventSubProcess(s, EventKind.Error, code) is not null)
            {
                return true;
            }

            if (cur.Kind == ExecutionKind.Root)
            {
                return data.Parent is not null;
            }

            var parent = index[cur.ParentId!];
            if (parent.Kind != ExecutionKind.MultiInstanceBody && process.FindNode(cur.ElementId) is { } host && FindBoundary(host, EventKind.Error, code) is not null)
            {
                return true;
            }

            cur = parent;
        }
    }

    private bool OnJobFailure(FailServiceTask c)
    {
        var i = data.Jobs.FindIndex(j => j.Id == c.JobId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var job = data.Jobs[i];
        if (job.Status == ServiceJobStatus.Incident)
        {
            return false;
        }

        var node = process.FindNode(job.ActivityId)!;
        var exec = index[job.ExecutionId];
        var left = job.RetriesLeft - 1;
        History(HistoryEntryType.ServiceTaskFailed, node, exec.Id, null, new JsonObject { ["jobId"] = job.Id, ["message"] = c.Message, ["details"] = c.Details, ["retriesLeft"] = Math.Max(left, 0), ["retryable"] = c.Retryable });
        if (c.Retryable && left > 0)
        {
            var delay = node.RetryCycle is { } rc && TimerMath.TryParseRetryCycle(rc, out _, out var d) ? d : options.DefaultRetryDelay;
            data.Jobs[i] = job with { RetriesLeft = left, Status = ServiceJobStatus.RetryScheduled, LastError = c.Message };
            effects.Add(new ServiceTaskRetryScheduled(job.Id, now + delay, left, c.Message));
            return true;
        }

        data.Jobs[i] = job with { RetriesLeft = 0, Status = ServiceJobStatus.Incident, LastError = c.Message };
        RaiseIncident(exec, node.Id, "failedJob", c.Message, job.Id);
        return true;
    }

    private void ResolveIncidentsOfJob(string jobId)
    {
        for (var i = data.Incidents.Count - 1; i >= 0; i--)
        {
            if (data.Incidents[i].JobId == jobId)
            {
                effects.Add(new IncidentResolved(data.Incidents[i].Id));
                History(HistoryEntryType.IncidentResolved, process.FindNode(data.Incidents[i].ActivityId), data.Incidents[i].ExecutionId, null, new JsonObject { ["incidentId"] = data.Incidents[i].Id });
                data.Incidents.RemoveAt(i);
            }
        }
    }

    private void OnRetryIncident(RetryIncident c)
    {
        var i = data.Incidents.FindIndex(x => x.Id == c.IncidentId);
        if (i < 0)
        {
            throw new CommandRejectedException("incident.not-found", $"Incident '{c.IncidentId}' is not open.");
        }

        if (c.Retries < 1)
        {
            throw new CommandRejectedException("incident.invalid-retries", "Retries must be at least 1.");
        }

        var incident = data.Incidents[i];
        data.Incidents.RemoveAt(i);
        effects.Add(new IncidentResolved(incident.Id));
        History(HistoryEntryType.IncidentResolved, process.FindNode(incident.ActivityId), incident.ExecutionId, null, new JsonObject { ["incidentId"] = incident.Id, ["retries"] = c.Retries });
        if (!index.TryGetValue(incident.ExecutionId, out var exec))
        {
            return;
        }

        var node = process.FindNode(incident.ActivityId)!;
        if (incident.JobId is not null)
        {
            var j = data.Jobs.FindIndex(x => x.Id == incident.JobId);
            if (j >= 0)
            {
                var job = data.Jobs[j] with { RetriesLeft = c.Retries, Status = ServiceJobStatus.Dispatched, LastError = null };
                data.Jobs[j] = job;
                var input = node.Inputs.Count > 0 ? Snapshot(exec.Variables) : Snapshot(VisibleVariables(exec));
                effects.Add(new ServiceTaskDispatched(job.Id, job.ActivityId, job.Topic, input, job.RetriesLeft));
                History(HistoryEntryType.ServiceTaskDispatched, node, exec.Id, null, new JsonObject { ["jobId"] = job.Id, ["topic"] = job.Topic, ["retriesLeft"] = job.RetriesLeft });
            }

            return;
        }

        var parent = exec.ParentId is null ? null : index[exec.ParentId];
        switch (exec.Kind)
        {
            case ExecutionKind.Stuck when parent is not null:
                // A token parked at a gateway/flow or a failed multi-instance body: enter the node again.
                RemoveExecution(exec);
                if (node.MultiInstance is not null && exec.ElementId == node.Id && exec.IncomingFlowId is null && incident.Type != "noOutgoingFlow" && incident.Type != "stepLimit")
                {
                    StartMultiInstance(node, parent, exec.BoundaryOf);
                }
                else if (incident.Type is "noOutgoingFlow" or "expression" && node.Kind is not (NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway) && node.MultiInstance is null)
                {
                    TakeOutgoing(node, parent, exec.BoundaryOf, null);
                }
                else
                {
                    Push(node, parent, exec.IncomingFlowId is null ? null : process.FindFlow(exec.IncomingFlowId), exec.BoundaryOf);
                }

                return;
            case ExecutionKind.Activity or ExecutionKind.SubProcess:
                if (incident.Type == "childCancelled" || data.Tasks.Exists(t => t.ActivityInstanceId == exec.Id))
                {
                    if (incident.Type == "childCancelled")
                    {
                        RequestChild(node, exec);
                    }

                    return;
                }

                if (exec.ElementId != node.Id)
                {
                    // Incident raised while opening a boundary/event trigger: re-open triggers.
                    CloseTriggers(exec.Id, cancelled: false);
                    OpenBoundaryTriggers(process.FindNode(exec.ElementId)!, exec);
                    return;
                }

                Behave(node, exec);
                return;
            default:
                return;
        }
    }

    // ------------------------------------------------------------------ call activities

    private bool OnChildEnded(ChildInstanceEnded c)
    {
        var i = data.Children.FindIndex(x => x.ChildInstanceId == c.ChildInstanceId);
        if (i < 0 || data.Status != InstanceStatus.Active)
        {
            return false;
        }

        var child = data.Children[i];
        data.Children.RemoveAt(i);
        var exec = index[child.ExecutionId];
        var node = process.FindNode(child.ActivityId)!;
        var vars = CopyVariables(c.Variables);
        switch (c.Outcome)
        {
            case ChildOutcome.Completed:
                var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                foreach (var m in node.CallOut)
                {
                    if (m.AllVariables)
                    {
                        foreach (var kv in vars)
                        {
                            outputs[kv.Key] = kv.Value;
                        }
                    }
                    else if (m.Target is not null)
                    {
                        if (m.SourceExpression is not null)
                        {
                            try
                            {
                                outputs[m.Target] = m.SourceExpression.Expression is null ? JsonValue.Create(m.SourceExpression.Raw) : Evaluate(m.SourceExpression, new DictionaryVariables(vars))?.DeepClone();
                            }
                            catch (ExpressionFailedException ex)
                            {
                                data.Children.Add(child);
                                RaiseIncident(exec, node.Id, "expression", $"camunda:out of '{node.Id}' failed: {ex.Message}", null);
                                return true;
                            }
                        }
                        else if (m.Source is not null)
                        {
                            outputs[m.Target] = vars.TryGetValue(m.Source, out var v) ? v : null;
                        }
                    }
                }

                if (outputs.Count > 0)
                {
                    SetVariables(exec, outputs, local: node.Outputs.Count > 0 || node.CallOut.Any(m => m.Local));
                    History(HistoryEntryType.VariablesUpdated, node, exec.Id, null, VariablesData(outputs, "variables"));
                }

                Leave(exec, node, null);
                return true;
            case ChildOutcome.Error:
                ThrowError(c.ErrorCode ?? "", null, exec, node, fromEndEvent: false);
                return true;
            default:
                RaiseIncident(exec, node.Id, "childCancelled", $"Called instance '{c.ChildInstanceId}' was cancelled; retry the incident to call again.", null);
                return true;
        }
    }

    // ------------------------------------------------------------------ user tasks

    private (int Index, UserTaskState Task) FindTask(string taskId)
    {
        var i = data.Tasks.FindIndex(t => t.Id == taskId);
        if (i < 0)
        {
            throw new CommandRejectedException("task.not-found", $"Task '{taskId}' is not open in instance '{data.InstanceId}'.");
        }

        return (i, data.Tasks[i]);
    }

    private static bool IsCandidate(UserTaskState t, string user, IReadOnlyCollection<string> groups)
    {
        if (t.CandidateUsers.Count == 0 && t.CandidateGroups.Count == 0)
        {
            return true;
        }

        if (t.CandidateUsers.Contains(user, StringComparer.Ordinal))
        {
            return true;
        }

        foreach (var g in t.CandidateGroups)
        {
            if (groups.Contains(g, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void OnCompleteTask(CompleteUserTask c)
    {
        var (i, task) = FindTask(c.TaskId);
        if (string.IsNullOrWhiteSpace(c.UserId))
        {
            throw new CommandRejectedException("task.not-authorized", "A user id is required.", task.ActivityId);
        }

        var allowed = task.Assignee is not null ? task.Assignee == c.UserId : IsCandidate(task, c.UserId, c.UserGroups ?? []);
        if (!allowed)
        {
            throw new CommandRejectedException("task.not-authorized", $"User '{c.UserId}' is neither the assignee nor a candidate of task '{task.Id}'.", task.ActivityId);
        }

        var node = process.FindNode(task.ActivityId)!;
        foreach (var rule in node.UserTask!.NotCompletedBy)
        {
            if (rule == "initiator")
            {
                if (data.StartedBy == c.UserId)
                {
                    throw new CommandRejectedException("task.segregation-of-duties", $"User '{c.UserId}' started this case and may not complete '{node.Name ?? node.Id}'.", node.Id, "notCompletedBy:initiator");
                }
            }
            else if (data.Completers.TryGetValue(rule, out var users) && users.Contains(c.UserId, StringComparer.Ordinal))
            {
                var other = process.GetElementName(rule) ?? rule;
                throw new CommandRejectedException("task.segregation-of-duties", $"User '{c.UserId}' completed '{other}' and may not complete '{node.Name ?? node.Id}'.", node.Id, "notCompletedBy:" + rule);
            }
        }

        var vars = CopyVariables(c.Variables);
        data.Tasks.RemoveAt(i);
        if (!data.Completers.TryGetValue(task.ActivityId, out var list))
        {
            list = [];
            data.Completers[task.ActivityId] = list;
        }

        if (!list.Contains(c.UserId, StringComparer.Ordinal))
        {
            list.Add(c.UserId);
        }

        effects.Add(new UserTaskClosed(task.Id, TaskCloseReason.Completed, c.UserId));
        var payload = new JsonObject { ["taskId"] = task.Id };
        if (VariablesData(vars, "variables") is { } vd)
        {
            payload["variables"] = vd["variables"]!.DeepClone();
        }

        var exec = index[task.ActivityInstanceId];
        History(HistoryEntryType.TaskCompleted, node, exec.Id, c.UserId, payload);
        if (vars.Count > 0)
        {
            SetVariables(exec, vars, local: node.Outputs.Count > 0);
        }

        Leave(exec, node, c.UserId);
    }

    private void OnClaim(ClaimUserTask c)
    {
        var (i, task) = FindTask(c.TaskId);
        if (task.Assignee is not null)
        {
            if (task.Assignee == c.UserId)
            {
                return;
            }

            throw new CommandRejectedException("task.already-claimed", $"Task '{task.Id}' is already assigned to '{task.Assignee}'.", task.ActivityId);
        }

        if (!IsCandidate(task, c.UserId, c.UserGroups ?? []))
        {
            throw new CommandRejectedException("task.not-authorized", $"User '{c.UserId}' is not a candidate of task '{task.Id}'.", task.ActivityId);
        }

        UpdateTask(i, task with { Assignee = c.UserId, ClaimedBy = c.UserId }, HistoryEntryType.TaskClaimed, c.UserId);
    }

    private void OnUnclaim(UnclaimUserTask c)
    {
        var (i, task) = FindTask(c.TaskId);
        if (task.Assignee != c.UserId)
        {
            throw new CommandRejectedException("task.not-authorized", $"Only the assignee may unclaim task '{task.Id}'.", task.ActivityId);
        }

        UpdateTask(i, task with { Assignee = null, ClaimedBy = null }, HistoryEntryType.TaskUnclaimed, c.UserId);
    }

    private void OnDelegate(DelegateUserTask c)
    {
        var (i, task) = FindTask(c.TaskId);
        if (task.Assignee != c.UserId)
        {
            throw new CommandRejectedException("task.not-authorized", $"Only the assignee may delegate task '{task.Id}'.", task.ActivityId);
        }

        if (string.IsNullOrWhiteSpace(c.DelegateTo))
        {
            throw new CommandRejectedException("task.invalid-delegate", "A delegate is required.", task.ActivityId);
        }

        UpdateTask(i, task with { Owner = task.Owner ?? c.UserId, Assignee = c.DelegateTo, Status = UserTaskStatus.Delegated }, HistoryEntryType.TaskDelegated, c.UserId, c.DelegateTo);
    }

    private void OnAssign(AssignUserTask c)
    {
        var (i, task) = FindTask(c.TaskId);
        UpdateTask(i, task with { Assignee = NullIfEmpty(c.Assignee), ClaimedBy = null }, HistoryEntryType.TaskAssigned, c.ByUserId, c.Assignee);
    }

    private void UpdateTask(int i, UserTaskState updated, HistoryEntryType type, string? userId, string? target = null)
    {
        data.Tasks[i] = updated;
        effects.Add(new UserTaskUpdated(updated));
        var payload = new JsonObject { ["taskId"] = updated.Id, ["assignee"] = updated.Assignee };
        if (target is not null)
        {
            payload["to"] = target;
        }

        History(type, process.FindNode(updated.ActivityId), updated.ActivityInstanceId, userId, payload);
    }

    // ------------------------------------------------------------------ cancel and migrate

    private void OnCancel(CancelInstance c)
    {
        var root = data.Executions[0];
        CancelChildren(root, c.Reason ?? "cancelled");
        CloseTriggers(root.Id, cancelled: true);
        data.Status = InstanceStatus.Cancelled;
        data.EndedAt = now;
        History(HistoryEntryType.InstanceCancelled, null, null, root.Id, c.UserId, new JsonObject { ["reason"] = c.Reason });
        effects.Add(new InstanceCancelled(c.Reason));
    }

    private void OnMigrate(MigrateInstance c)
    {
        var target = c.Target;
        if (target.NotStartableReason is not null && target.IsExecutable is false)
        {
            throw new CommandRejectedException("migration.invalid", $"Target process '{target.Key}' is not executable.");
        }

        string Map(string id) => c.ActivityMapping.TryGetValue(id, out var m) ? m : id;
        var problems = new List<string>();
        foreach (var e in data.Executions)
        {
            if (e.Kind == ExecutionKind.Root)
            {
                continue;
            }

            var mapped = Map(e.ElementId);
            var source = process.FindNode(e.ElementId);
            var dest = target.FindNode(mapped);
            if (dest is null)
            {
                problems.Add($"active activity '{e.ElementId}' has no counterpart '{mapped}' in the target");
            }
            else if (source is not null && source.Kind != dest.Kind)
            {
                problems.Add($"'{e.ElementId}' ({source.TypeName}) cannot become '{mapped}' ({dest.TypeName})");
            }
        }

        foreach (var t in data.Timers)
        {
            if (target.FindNode(Map(t.ActivityId)) is null)
            {
                problems.Add($"timer event '{t.ActivityId}' has no counterpart in the target");
            }
        }

        foreach (var s in data.Subscriptions)
        {
            if (target.FindNode(Map(s.ActivityId)) is null)
            {
                problems.Add($"message event '{s.ActivityId}' has no counterpart in the target");
            }
        }

        if (problems.Count > 0)
        {
            throw new CommandRejectedException("migration.invalid", "Cannot migrate: " + string.Join("; ", problems.Distinct()) + ".");
        }

        var from = data.ProcessKey;
        foreach (var e in data.Executions)
        {
            e.ElementId = e.Kind == ExecutionKind.Root ? target.Key : Map(e.ElementId);
        }

        for (var i = 0; i < data.Tasks.Count; i++)
        {
            var t = data.Tasks[i];
            var mapped = Map(t.ActivityId);
            if (mapped != t.ActivityId)
            {
                data.Tasks[i] = t with { ActivityId = mapped, Name = target.GetElementName(mapped) ?? t.Name };
                effects.Add(new UserTaskUpdated(data.Tasks[i]));
            }
        }

        for (var i = 0; i < data.Timers.Count; i++)
        {
            data.Timers[i] = data.Timers[i] with { ActivityId = Map(data.Timers[i].ActivityId) };
        }

        for (var i = 0; i < data.Subscriptions.Count; i++)
        {
            data.Subscriptions[i] = data.Subscriptions[i] with { ActivityId = Map(data.Subscriptions[i].ActivityId) };
        }

        for (var i = 0; i < data.Jobs.Count; i++)
        {
            data.Jobs[i] = data.Jobs[i] with { ActivityId = Map(data.Jobs[i].ActivityId) };
        }

        for (var i = 0; i < data.Incidents.Count; i++)
        {
            data.Incidents[i] = data.Incidents[i] with { ActivityId = Map(data.Incidents[i].ActivityId) };
        }

        for (var i = 0; i < data.Children.Count; i++)
        {
            data.Children[i] = data.Children[i] with { ActivityId = Map(data.Children[i].ActivityId) };
        }

        data.ProcessKey = target.Key;
        var mapping = new JsonObject();
        foreach (var kv in c.ActivityMapping)
        {
            mapping[kv.Key] = kv.Value;
        }

        History(HistoryEntryType.Migrated, null, null, data.InstanceId, null, new JsonObject { ["from"] = from, ["to"] = target.Key, ["mapping"] = mapping });
    }
}
