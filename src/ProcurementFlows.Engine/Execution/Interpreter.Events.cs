using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

internal sealed partial class Interpreter
{
    // ------------------------------------------------------------------ end and throw events

    private void EnterEndEvent(FlowNode node, ExecutionData scope, string? boundaryOf)
    {
        var id = NewId();
        History(HistoryEntryType.ActivityStarted, node, id, null, null);
        switch (node.Event!.Kind)
        {
            case EventKind.Terminate:
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                TerminateScope(scope);
                return;
            case EventKind.Error:
                History(HistoryEntryType.ErrorThrown, node, id, null, new JsonObject { ["errorCode"] = node.Event.ErrorCode });
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                ThrowError(node.Event.ErrorCode ?? "", null, scope, node, fromEndEvent: true);
                return;
            case EventKind.Escalation:
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                if (ThrowEscalation(node.Event.EscalationCode, scope, node, boundaryOf))
                {
                    CheckScopeCompletion(scope);
                }

                return;
            case EventKind.Message:
                if (node.Topic is not null)
                {
                    break;
                }

                PublishMessage(node, scope);
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                CheckScopeCompletion(scope);
                return;
            default:
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                CheckScopeCompletion(scope);
                return;
        }

        History(HistoryEntryType.ActivityCompleted, node, id, null, null);
        CheckScopeCompletion(scope);
    }

    private void EnterThrowEvent(FlowNode node, ExecutionData scope, string? boundaryOf)
    {
        switch (node.Event!.Kind)
        {
            case EventKind.Link:
                var id = NewId();
                History(HistoryEntryType.ActivityStarted, node, id, null, null);
                History(HistoryEntryType.ActivityCompleted, node, id, null, null);
                if (node.Scope.LinkCatches.TryGetValue(node.Event.LinkName ?? "", out var target))
                {
                    Push(target, scope, null, boundaryOf);
                }
                else
                {
                    CheckScopeCompletion(scope);
                }

                return;
            case EventKind.Escalation:
                var eid = NewId();
                History(HistoryEntryType.ActivityStarted, node, eid, null, null);
                History(HistoryEntryType.ActivityCompleted, node, eid, null, null);
                if (ThrowEscalation(node.Event.EscalationCode, scope, node, boundaryOf))
                {
                    TakeOutgoing(node, scope, boundaryOf, null);
                }

                return;
            case EventKind.Message:
                var mid = NewId();
                History(HistoryEntryType.ActivityStarted, node, mid, null, null);
                PublishMessage(node, scope);
                History(HistoryEntryType.ActivityCompleted, node, mid, null, null);
                TakeOutgoing(node, scope, boundaryOf, null);
                return;
            default:
                PassThrough(node, scope, boundaryOf);
                return;
        }
    }

    /// <summary>Terminate end event: ends every token of the scope; the scope then completes (the process terminates).</summary>
    private void TerminateScope(ExecutionData scope)
    {
        CancelChildren(scope, "terminated");
        RemoveQueuedFor(scope.Id);
        if (scope.Kind == ExecutionKind.Root)
        {
            CloseTriggers(scope.Id, cancelled: true);
            data.Status = InstanceStatus.Terminated;
            data.EndedAt = now;
            History(HistoryEntryType.InstanceTerminated, null, null, scope.Id, null, null);
            effects.Add(new InstanceTerminated());
            return;
        }

        CompleteScope(scope);
    }

    private void RemoveQueuedFor(string scopeId)
    {
        if (!inFlight.ContainsKey(scopeId))
        {
            return;
        }

        var keep = new Queue<Op>(queue.Count);
        while (queue.Count > 0)
        {
            var op = queue.Dequeue();
            if (op.Scope.Id != scopeId)
            {
                keep.Enqueue(op);
            }
        }

        inFlight.Remove(scopeId);
        while (keep.Count > 0)
        {
            queue.Enqueue(keep.Dequeue());
        }
    }

    /// <summary>
    /// Propagates a BPMN error from <paramref name="from"/> outwards: event subprocesses of each scope, then the
    /// boundary events of the activity that owns it. Returns true when something caught it.
    /// </summary>
    private bool ThrowError(string code, string? message, ExecutionData from, FlowNode? thrower, bool fromEndEvent)
    {
        var cur = from;
        var skipEventSubProcessesOf = (string?)null;
        while (true)
        {
            if (cur.Kind is ExecutionKind.Root or ExecutionKind.SubProcess or ExecutionKind.EventSubProcess && skipEventSubProcessesOf != cur.Id)
            {
                var scopeDef = ScopeOf(cur);
                if (scopeDef is not null && FindEventSubProcess(scopeDef, EventKind.Error, code) is { } esp)
                {
                    StartEventSubProcess(esp, cur, code, message, null);
                    return true;
                }
            }

            if (cur.Kind != ExecutionKind.Root)
            {
                var parent = index[cur.ParentId!];
                if (parent.Kind != ExecutionKind.MultiInstanceBody && cur.Kind != ExecutionKind.EventSubProcess)
                {
                    var host = process.FindNode(cur.ElementId);
                    if (host is not null && FindBoundary(host, EventKind.Error, code) is { } boundary)
                    {
                        History(HistoryEntryType.ErrorThrown, thrower ?? host, cur.Id, null, new JsonObject { ["errorCode"] = code, ["caughtBy"] = boundary.Id });
                        CancelExecution(cur, "error");
                        var vars = ErrorVariables(boundary, code, message);
                        FireBoundaryPath(boundary, parent, vars, null);
                        return true;
                    }
                }

                if (cur.Kind == ExecutionKind.EventSubProcess)
                {
                    // An error inside an event subprocess is not caught by its sibling event subprocesses.
                    skipEventSubProcessesOf = parent.Id;
                }

                cur = parent;
                continue;
            }

            // Uncaught.
            History(HistoryEntryType.ErrorThrown, thrower, from.Id, null, new JsonObject { ["errorCode"] = code, ["uncaught"] = true });
            if (data.Parent is not null)
            {
                CancelChildren(cur, "error");
                RemoveQueuedFor(cur.Id);
                CloseTriggers(cur.Id, cancelled: true);
                data.Status = InstanceStatus.Terminated;
                data.EndedAt = now;
                effects.Add(new InstanceFailedWithError(code, message));
                return false;
            }

            if (fromEndEvent)
            {
                // Camunda 7: an uncaught error end event ends its token like a none end event.
                CheckScopeCompletion(from);
                return false;
            }

            return false;
        }
    }

    private static Dictionary<string, JsonNode?>? ErrorVariables(FlowNode catcher, string code, string? message)
    {
        var ev = catcher.Event;
        if (ev?.ErrorCodeVariable is null)
        {
            return ev?.ErrorMessageVariable is { } only ? new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [only] = message } : null;
        }

        var d = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [ev.ErrorCodeVariable] = code };
        if (ev.ErrorMessageVariable is { } mv)
        {
            d[mv] = message;
        }

        return d;
    }

    /// <summary>Propagates an escalation outwards. Returns false when the throwing token was cancelled by an interrupting catch.</summary>
    private bool ThrowEscalation(string? code, ExecutionData scope, FlowNode thrower, string? boundaryOf)
    {
        History(HistoryEntryType.EscalationThrown, thrower, scope.Id, null, new JsonObject { ["escalationCode"] = code });
        if (boundaryOf is not null && index.TryGetValue(boundaryOf, out var host))
        {
            EscalateTasks(host, code);
        }

        var cur = scope;
        while (true)
        {
            if (cur.Kind is ExecutionKind.Root or ExecutionKind.SubProcess)
            {
                var scopeDef = ScopeOf(cur);
                if (scopeDef is not null && FindEventSubProcess(scopeDef, EventKind.Escalation, code) is { } esp)
                {
                    var start = esp.Inner!.Nodes.First(n => n.Kind == NodeKind.StartEvent);
                    var interrupting = start.IsInterruptingStart;
                    StartEventSubProcess(esp, cur, null, null, code);
                    return !interrupting;
                }
            }

            if (cur.Kind == ExecutionKind.Root)
            {
                return true;
            }

            var parent = index[cur.ParentId!];
            if (parent.Kind != ExecutionKind.MultiInstanceBody && cur.Kind != ExecutionKind.EventSubProcess)
            {
                var hostNode = process.FindNode(cur.ElementId);
                if (hostNode is not null && FindBoundary(hostNode, EventKind.Escalation, code) is { } boundary)
                {
                    if (boundary.CancelActivity)
                    {
                        CancelExecution(cur, "escalation");
                        FireBoundaryPath(boundary, parent, null, null);
                        return false;
                    }

                    FireBoundaryPath(boundary, parent, null, cur.Id);
                    return true;
                }
            }

            cur = parent;
        }
    }

    private static FlowNode? FindBoundary(FlowNode host, EventKind kind, string? code)
    {
        FlowNode? catchAll = null;
        foreach (var b in host.Boundaries)
        {
            if (b.Event?.Kind != kind)
            {
                continue;
            }

            var bcode = kind == EventKind.Error ? b.Event.ErrorCode : b.Event.EscalationCode;
            if (bcode is null)
            {
                catchAll ??= b;
            }
            else if (bcode == code)
            {
                return b;
            }
        }

        return catchAll;
    }

    private static FlowNode? FindEventSubProcess(FlowScope scope, EventKind kind, string? code)
    {
        FlowNode? catchAll = null;
        foreach (var esp in scope.EventSubProcesses)
        {
            foreach (var n in esp.Inner!.Nodes)
            {
                if (n.Kind != NodeKind.StartEvent || n.Event?.Kind != kind)
                {
                    continue;
                }

                var c = kind == EventKind.Error ? n.Event.ErrorCode : n.Event.EscalationCode;
                if (c is null)
                {
                    catchAll ??= esp;
                }
                else if (c == code)
                {
                    return esp;
                }
            }
        }

        return catchAll;
    }

    private FlowScope? ScopeOf(ExecutionData scopeExec) =>
        scopeExec.Kind == ExecutionKind.Root ? process.Root : process.FindNode(scopeExec.ElementId)?.Inner;

    /// <summary>Starts an event subprocess inside <paramref name="scope"/>; interrupting starts cancel everything else in the scope first.</summary>
    private void StartEventSubProcess(FlowNode esp, ExecutionData scope, string? errorCode, string? errorMessage, string? escalationCode, IReadOnlyDictionary<string, JsonNode?>? payload = null)
    {
        FlowNode start = null!;
        foreach (var n in esp.Inner!.Nodes)
        {
            if (n.Kind == NodeKind.StartEvent)
            {
                start = n;
                break;
            }
        }

        if (start.IsInterruptingStart)
        {
            CancelChildren(scope, "interrupted by " + esp.Id);
            RemoveQueuedFor(scope.Id);
            CloseTriggers(scope.Id, cancelled: true);
        }

        var exec = NewExecution(ExecutionKind.EventSubProcess, esp.Id, scope);
        History(HistoryEntryType.ActivityStarted, esp, exec.Id, null, null);
        if (errorCode is not null && start.Event?.ErrorCodeVariable is { } ecv)
        {
            exec.Variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [ecv] = errorCode };
        }

        if (errorCode is not null && start.Event?.ErrorMessageVariable is { } emv)
        {
            exec.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            exec.Variables[emv] = errorMessage;
        }

        _ = escalationCode;
        if (payload is not null)
        {
            SetVariables(exec, payload, local: false);
        }

        OpenEventSubProcessTriggers(esp.Inner, exec);
        Push(start, exec, null, null);
    }

    // ------------------------------------------------------------------ triggers (timers, subscriptions)

    private void OpenEventSubProcessTriggers(FlowScope scopeDef, ExecutionData scopeExec)
    {
        foreach (var esp in scopeDef.EventSubProcesses)
        {
            foreach (var n in esp.Inner!.Nodes)
            {
                if (n.Kind != NodeKind.StartEvent)
                {
                    continue;
                }

                if (n.Event?.Kind == EventKind.Message)
                {
                    OpenSubscription(n, scopeExec, n.Id);
                }
                else if (n.Event?.Kind == EventKind.Timer)
                {
                    _ = ScheduleTimer(n, scopeExec, n.Event.Timer!, scopeExec);
                }
            }
        }
    }

    private void OpenBoundaryTriggers(FlowNode node, ExecutionData exec)
    {
        foreach (var b in node.Boundaries)
        {
            if (b.Event?.Kind == EventKind.Timer)
            {
                if (!ScheduleTimer(b, exec, b.Event.Timer!, exec))
                {
                    return;
                }
            }
            else if (b.Event?.Kind == EventKind.Message)
            {
                OpenSubscription(b, exec, b.Id);
            }
        }
    }

    private bool ScheduleTimer(FlowNode eventNode, ExecutionData owner, TimerDefinition timer, ExecutionData context)
    {
        string text;
        try
        {
            var v = Evaluate(timer.Value, new ScopeVariables(this, context));
            text = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString().Trim('"') ?? "";
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(owner, eventNode.Id, "expression", $"Timer expression of '{eventNode.Id}' failed: {ex.Message}", null);
            return false;
        }

        BusinessCalendar? calendar;
        try
        {
            calendar = CalendarOf(timer.Calendar);
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(owner, eventNode.Id, "timer", ex.Message, null);
            return false;
        }

        if (!TimerMath.TryCompute(timer.Kind, text, now, calendar, out var schedule))
        {
            RaiseIncident(owner, eventNode.Id, "timer", $"'{text}' is not a valid ISO 8601 {timer.Kind} for '{eventNode.Id}' (or it lies entirely in the past).", null);
            return false;
        }

        AddTimer(eventNode, owner, schedule.DueAt, schedule.RepeatsLeft, schedule.Cycle);
        return true;
    }

    private void AddTimer(FlowNode eventNode, ExecutionData owner, DateTimeOffset due, int repeatsLeft, string? cycle)
    {
        var t = new TimerState(NewId(), eventNode.Id, due, owner.Id, repeatsLeft, cycle);
        data.Timers.Add(t);
        effects.Add(new TimerScheduled(t.Id, t.DueAt, t.ActivityId));
        History(HistoryEntryType.TimerScheduled, eventNode, owner.Id, null, new JsonObject { ["timerId"] = t.Id, ["dueAt"] = t.DueAt });
    }

    private void OpenSubscription(FlowNode eventNode, ExecutionData owner, string activityId)
    {
        string? key = data.BusinessKey;
        if (eventNode.Event?.CorrelationKey is { } ck)
        {
            try
            {
                var v = Evaluate(ck, new ScopeVariables(this, owner));
                key = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString();
            }
            catch (ExpressionFailedException ex)
            {
                RaiseIncident(owner, eventNode.Id, "expression", $"Correlation key of '{eventNode.Id}' failed: {ex.Message}", null);
                return;
            }
        }

        var sub = new MessageSubscriptionState(NewId(), eventNode.Event?.MessageName ?? "", key, activityId, owner.Id);
        data.Subscriptions.Add(sub);
        effects.Add(new MessageSubscriptionOpened(sub.Id, sub.MessageName, sub.CorrelationKey, sub.ActivityId));
    }

    /// <summary>A timer fired or a message arrived for <paramref name="eventNode"/> owned by <paramref name="owner"/>.</summary>
    private void Trigger(FlowNode eventNode, ExecutionData owner, IReadOnlyDictionary<string, JsonNode?>? payload, TimerState? timer)
    {
        switch (eventNode.Kind)
        {
            case NodeKind.BoundaryEvent:
                var parent = index[owner.ParentId!];
                if (eventNode.MarksTaskEscalation)
                {
                    EscalateTasks(owner, eventNode.Id);
                }

                if (eventNode.CancelActivity)
                {
                    CancelExecution(owner, "interrupted by " + eventNode.Id);
                    FireBoundaryPath(eventNode, parent, payload, null);
                }
                else
                {
                    if (timer is { Cycle: not null, RepeatsLeft: not 0 })
                    {
                        Reschedule(eventNode, owner, timer);
                    }

                    FireBoundaryPath(eventNode, parent, payload, owner.Id);
                }

                return;
            case NodeKind.StartEvent:
                var esp = eventNode.Scope.Owner!;
                if (!eventNode.IsInterruptingStart && timer is { Cycle: not null, RepeatsLeft: not 0 })
                {
                    Reschedule(eventNode, owner, timer);
                }

                StartEventSubProcess(esp, owner, null, null, null, payload);
                return;
            default:
                if (owner.ElementId == eventNode.Id)
                {
                    if (payload is not null)
                    {
                        SetVariables(owner, payload, local: false);
                    }

                    Leave(owner, eventNode, null);
                    return;
                }

                // Event-based gateway: the first event wins; the gateway's other triggers close.
                var gateway = process.FindNode(owner.ElementId)!;
                var scope = index[owner.ParentId!];
                CloseTriggers(owner.Id, cancelled: true);
                GatewayDecision(gateway, owner.Id, [Array.Find(gateway.Outgoing, f => f.Target == eventNode)?.Id ?? eventNode.Id], "event");
                History(HistoryEntryType.ActivityCompleted, gateway, owner.Id, null, null);
                RemoveExecution(owner);
                if (payload is not null)
                {
                    SetVariables(scope, payload, local: false);
                }

                PassThrough(eventNode, scope, null);
                return;
        }
    }

    private void Reschedule(FlowNode eventNode, ExecutionData owner, TimerState timer)
    {
        var calendar = eventNode.Event?.Timer?.Calendar is { } c && evaluator.Calendars.TryGet(c, out var cal) ? cal : null;
        if (TimerMath.TryNext(timer.Cycle!, timer.DueAt, calendar, out var next))
        {
            AddTimer(eventNode, owner, next, timer.RepeatsLeft > 0 ? timer.RepeatsLeft - 1 : -1, timer.Cycle);
        }
    }

    private void FireBoundaryPath(FlowNode boundary, ExecutionData parentScope, IReadOnlyDictionary<string, JsonNode?>? payload, string? boundaryOf)
    {
        if (payload is not null)
        {
            SetVariables(parentScope, payload, local: false);
        }

        var id = NewId();
        History(HistoryEntryType.ActivityStarted, boundary, id, null, null);
        History(HistoryEntryType.ActivityCompleted, boundary, id, null, null);
        TakeOutgoing(boundary, parentScope, boundaryOf, null);
        if (boundary.Outgoing.Length == 0)
        {
            return;
        }
    }

    private void EscalateTasks(ExecutionData host, string? code)
    {
        for (var i = 0; i < data.Tasks.Count; i++)
        {
            var t = data.Tasks[i];
            if (!IsSelfOrDescendant(t.ActivityInstanceId, host.Id))
            {
                continue;
            }

            var updated = t with { EscalationLevel = t.EscalationLevel + 1 };
            data.Tasks[i] = updated;
            effects.Add(new UserTaskEscalated(t.Id, updated.EscalationLevel, code));
            effects.Add(new UserTaskUpdated(updated));
            History(HistoryEntryType.TaskEscalated, process.FindNode(t.ActivityId), t.ActivityInstanceId, null, new JsonObject { ["taskId"] = t.Id, ["level"] = updated.EscalationLevel, ["code"] = code });
        }
    }

    private bool IsSelfOrDescendant(string id, string ancestor)
    {
        var cur = id;
        while (cur is not null)
        {
            if (cur == ancestor)
            {
                return true;
            }

            cur = index.TryGetValue(cur, out var e) ? e.ParentId! : null!;
        }

        return false;
    }
}
