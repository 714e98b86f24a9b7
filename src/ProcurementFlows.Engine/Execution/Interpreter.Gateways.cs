using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

internal sealed partial class Interpreter
{
    private void EnterParallelGateway(FlowNode node, ExecutionData scope, SequenceFlow? flow)
    {
        if (node.Incoming.Length <= 1)
        {
            PassThrough(node, scope, null);
            return;
        }

        var join = NewExecution(ExecutionKind.Join, node.Id, scope);
        join.IncomingFlowId = flow?.Id;

        // Fire when a token waits on every incoming flow.
        var picked = new ExecutionData[node.Incoming.Length];
        for (var i = 0; i < node.Incoming.Length; i++)
        {
            var fid = node.Incoming[i].Id;
            ExecutionData? found = null;
            foreach (var e in data.Executions)
            {
                if (e.Kind == ExecutionKind.Join && e.ParentId == scope.Id && e.ElementId == node.Id && e.IncomingFlowId == fid && Array.IndexOf(picked, e) < 0)
                {
                    found = e;
                    break;
                }
            }

            if (found is null)
            {
                return;
            }

            picked[i] = found;
        }

        foreach (var p in picked)
        {
            RemoveExecution(p);
        }

        PassThrough(node, scope, null);
    }

    private void EnterExclusiveGateway(FlowNode node, ExecutionData scope, string? activityInstanceId)
    {
        var id = activityInstanceId ?? NewId();
        History(HistoryEntryType.ActivityStarted, node, id, null, null);
        var outgoing = node.Outgoing;
        SequenceFlow? chosen = null;
        if (outgoing.Length == 1 && outgoing[0].Condition is null)
        {
            chosen = outgoing[0];
        }
        else
        {
            var vars = new ScopeVariables(this, scope);
            for (var i = 0; i < outgoing.Length; i++)
            {
                var f = outgoing[i];
                if (f == node.DefaultFlow || f.Condition is null)
                {
                    continue;
                }

                try
                {
                    if (EvaluateCondition(f.Condition, vars))
                    {
                        chosen = f;
                        break;
                    }
                }
                catch (ExpressionFailedException ex)
                {
                    Stuck(node, scope, "expression", $"Condition of flow '{f.Id}' failed: {ex.Message}");
                    return;
                }
            }

            chosen ??= node.DefaultFlow;
        }

        if (chosen is null)
        {
            GatewayDecision(node, id, [], "none");
            Stuck(node, scope, "noOutgoingFlow", $"No condition of exclusive gateway '{node.Id}' is true and there is no default flow.");
            return;
        }

        GatewayDecision(node, id, [chosen.Id], chosen == node.DefaultFlow ? "default" : "condition");
        History(HistoryEntryType.ActivityCompleted, node, id, null, null);
        Push(chosen.Target, scope, chosen, null);
    }

    private void SplitInclusive(FlowNode node, ExecutionData scope, string? boundaryOf, string id)
    {
        History(HistoryEntryType.ActivityStarted, node, id, null, null);
        var outgoing = node.Outgoing;
        var vars = new ScopeVariables(this, scope);
        var taken = new List<SequenceFlow>(outgoing.Length);
        foreach (var f in outgoing)
        {
            if (f == node.DefaultFlow)
            {
                continue;
            }

            try
            {
                if (f.Condition is null || EvaluateCondition(f.Condition, vars))
                {
                    taken.Add(f);
                }
            }
            catch (ExpressionFailedException ex)
            {
                Stuck(node, scope, "expression", $"Condition of flow '{f.Id}' failed: {ex.Message}");
                return;
            }
        }

        var reason = "condition";
        if (taken.Count == 0 && node.DefaultFlow is not null)
        {
            taken.Add(node.DefaultFlow);
            reason = "default";
        }

        if (taken.Count == 0)
        {
            GatewayDecision(node, id, [], "none");
            Stuck(node, scope, "noOutgoingFlow", $"No condition of inclusive gateway '{node.Id}' is true and there is no default flow.");
            return;
        }

        GatewayDecision(node, id, [.. taken.Select(f => f.Id)], reason);
        History(HistoryEntryType.ActivityCompleted, node, id, null, null);
        foreach (var f in taken)
        {
            Push(f.Target, scope, f, boundaryOf);
        }
    }

    private void GatewayDecision(FlowNode node, string id, string[] flows, string reason)
    {
        if (!options.RecordHistory)
        {
            return;
        }

        var arr = new JsonArray();
        foreach (var f in flows)
        {
            arr.Add(f);
        }

        History(HistoryEntryType.GatewayDecision, node, id, null, new JsonObject { ["flows"] = arr, ["reason"] = reason });
    }

    /// <summary>
    /// Inclusive joins are decided at quiescence: a join fires when no other token of its scope (waiting at an
    /// activity, a nested scope or another join) can still reach it through sequence flows or boundary events.
    /// </summary>
    private bool FireInclusiveJoin()
    {
        for (var i = 0; i < data.Executions.Count; i++)
        {
            var join = data.Executions[i];
            if (join.Kind != ExecutionKind.Join)
            {
                continue;
            }

            var node = process.FindNode(join.ElementId);
            if (node is null || node.Kind != NodeKind.InclusiveGateway)
            {
                continue;
            }

            if (!CanFireInclusive(node, join.ParentId!))
            {
                continue;
            }

            var scope = index[join.ParentId!];
            var seen = new HashSet<string?>();
            var consumed = new List<ExecutionData>();
            foreach (var e in data.Executions)
            {
                if (e.Kind == ExecutionKind.Join && e.ParentId == scope.Id && e.ElementId == node.Id && seen.Add(e.IncomingFlowId))
                {
                    consumed.Add(e);
                }
            }

            foreach (var e in consumed)
            {
                RemoveExecution(e);
            }

            steps++;
            SplitInclusive(node, scope, null, NewId());
            return true;
        }

        return false;
    }

    private bool CanFireInclusive(FlowNode join, string scopeId)
    {
        foreach (var e in data.Executions)
        {
            if (e.ParentId != scopeId || e.Kind == ExecutionKind.EventSubProcess)
            {
                continue;
            }

            if (e.Kind == ExecutionKind.Join && e.ElementId == join.Id)
            {
                continue;
            }

            var n = process.FindNode(e.ElementId);
            if (n is null || n.Scope != join.Scope || n.ReachIndex < 0 || join.ReachableFrom is null)
            {
                continue;
            }

            if (join.ReachableFrom[n.ReachIndex])
            {
                return false;
            }
        }

        return true;
    }

    private void EnterEventGateway(FlowNode node, ExecutionData scope)
    {
        var exec = NewExecution(ExecutionKind.Activity, node.Id, scope);
        History(HistoryEntryType.ActivityStarted, node, exec.Id, null, null);
        foreach (var f in node.Outgoing)
        {
            var target = f.Target;
            if (target.Event?.Kind == EventKind.Message)
            {
                OpenSubscription(target, exec, target.Id);
            }
            else if (target.Event?.Kind == EventKind.Timer)
            {
                if (!ScheduleTimer(target, exec, target.Event.Timer!, exec))
                {
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ multi-instance

    private void StartMultiInstance(FlowNode node, ExecutionData scope, string? boundaryOf)
    {
        var mi = node.MultiInstance!;
        var body = NewExecution(ExecutionKind.MultiInstanceBody, node.Id, scope);
        body.BoundaryOf = boundaryOf;
        History(HistoryEntryType.ActivityStarted, node, body.Id, null, new JsonObject { ["multiInstanceBody"] = true });
        OpenBoundaryTriggers(node, body);
        var vars = new ScopeVariables(this, scope);
        int count;
        JsonArray? items = null;
        try
        {
            if (mi.Collection is not null)
            {
                JsonNode? collection;
                if (mi.Collection.IsLiteral)
                {
                    if (!vars.TryGetVariable(mi.Collection.Raw, out collection))
                    {
                        throw new ExpressionFailedException("expression.unknown-variable", $"Collection variable '{mi.Collection.Raw}' is not defined.");
                    }
                }
                else
                {
                    collection = Evaluate(mi.Collection, vars);
                }

                items = collection as JsonArray ?? throw new ExpressionFailedException("multiInstance.not-a-collection", $"The multi-instance collection of '{node.Id}' is not an array.");
                count = items.Count;
            }
            else
            {
                var c = Evaluate(mi.Cardinality!, vars);
                count = ToInt(c) ?? throw new ExpressionFailedException("multiInstance.invalid-cardinality", $"loopCardinality of '{node.Id}' is not an integer.");
                if (count < 0)
                {
                    throw new ExpressionFailedException("multiInstance.invalid-cardinality", $"loopCardinality of '{node.Id}' is negative.");
                }
            }

            if (count > options.MaxMultiInstanceCount)
            {
                throw new ExpressionFailedException("multiInstance.too-many", $"'{node.Id}' would create {count} instances; at most {options.MaxMultiInstanceCount} are allowed (EngineOptions.MaxMultiInstanceCount).");
            }
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(body, node.Id, "expression", ex.Message, null);
            body.Kind = ExecutionKind.Stuck;
            return;
        }

        body.Items = items is null ? null : (JsonArray)items.DeepClone();
        body.Variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["nrOfInstances"] = count,
            ["nrOfActiveInstances"] = 0,
            ["nrOfCompletedInstances"] = 0,
        };

        if (count == 0)
        {
            LeaveMultiInstance(body, node);
            return;
        }

        if (mi.IsSequential)
        {
            body.NextIndex = 1;
            QueueMiInstance(node, body, 0);
        }
        else
        {
            body.NextIndex = count;
            for (var i = 0; i < count; i++)
            {
                QueueMiInstance(node, body, i);
            }
        }
    }

    private void QueueMiInstance(FlowNode node, ExecutionData body, int loopIndex)
    {
        body.Variables!["nrOfActiveInstances"] = (ToInt(body.Variables["nrOfActiveInstances"]) ?? 0) + 1;
        queue.Enqueue(new Op(OpKind.StartMultiInstanceInstance, node, body, null, null, loopIndex));
        IncInFlight(body.Id);
    }

    private void StartMiInstance(FlowNode node, ExecutionData body, int loopIndex)
    {
        var exec = NewExecution(ExecutionKind.Activity, node.Id, body);
        exec.Variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["loopCounter"] = loopIndex };
        if (node.MultiInstance!.ElementVariable is { } ev)
        {
            exec.Variables[ev] = body.Items is { } items && loopIndex < items.Count ? items[loopIndex]?.DeepClone() : null;
        }

        History(HistoryEntryType.ActivityStarted, node, exec.Id, null, new JsonObject { ["loopCounter"] = loopIndex });
        if (!ApplyInputs(node, exec, body))
        {
            return;
        }

        Behave(node, exec);
    }

    private void MiInstanceCompleted(ExecutionData body, FlowNode node)
    {
        var v = body.Variables!;
        v["nrOfCompletedInstances"] = (ToInt(v["nrOfCompletedInstances"]) ?? 0) + 1;
        v["nrOfActiveInstances"] = (ToInt(v["nrOfActiveInstances"]) ?? 1) - 1;
        var total = ToInt(v["nrOfInstances"]) ?? 0;
        var mi = node.MultiInstance!;
        if (mi.CompletionCondition is { } cc)
        {
            bool done;
            try
            {
                done = EvaluateCondition(cc, new ScopeVariables(this, body));
            }
            catch (ExpressionFailedException ex)
            {
                RaiseIncident(body, node.Id, "expression", $"Completion condition failed: {ex.Message}", null);
                return;
            }

            if (done)
            {
                CancelChildren(body, "completionCondition");
                LeaveMultiInstance(body, node);
                return;
            }
        }

        if (mi.IsSequential && body.NextIndex < total)
        {
            QueueMiInstance(node, body, body.NextIndex++);
            return;
        }

        if ((ToInt(v["nrOfActiveInstances"]) ?? 0) <= 0 && !inFlight.ContainsKey(body.Id) && !HasChildren(body.Id))
        {
            LeaveMultiInstance(body, node);
        }
    }

    private void LeaveMultiInstance(ExecutionData body, FlowNode node)
    {
        var parent = index[body.ParentId!];
        CloseTriggers(body.Id, cancelled: false);
        History(HistoryEntryType.ActivityCompleted, node, body.Id, null, new JsonObject { ["multiInstanceBody"] = true });
        var boundaryOf = body.BoundaryOf;
        RemoveExecution(body);
        TakeOutgoing(node, parent, boundaryOf, null);
    }

    private static int? ToInt(JsonNode? node)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<int>(out var i))
            {
                return i;
            }

            if (v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue)
            {
                return (int)l;
            }

            if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
            {
                return (int)d;
            }

            if (v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var p))
            {
                return p;
            }
        }

        return null;
    }

    private static long? ToLong(JsonNode? node)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l))
            {
                return l;
            }

            if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue)
            {
                return (long)d;
            }

            if (v.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var p))
            {
                return p;
            }
        }

        return null;
    }
}
