using ProcurementFlows.Engine.Expressions;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

/// <summary>
/// Executes one command against a private working copy of the instance state (copy-on-execute) and
/// continues synchronously until every token rests in a wait state. One instance per command; not shared.
/// </summary>
internal sealed partial class Interpreter
{
    private readonly CompiledProcess process;
    private readonly EngineOptions options;
    private readonly TimeProvider time;
    private readonly ExpressionEvaluator evaluator;
    private readonly List<EngineEffect> effects = [];
    private readonly Queue<Op> queue = new();
    private readonly Dictionary<string, ExecutionData> index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> inFlight = new(StringComparer.Ordinal);
    private InstanceData data = null!;
    private DateTimeOffset now;
    private int steps;
    private bool stepLimitHit;

    public Interpreter(CompiledProcess process, EngineOptions options, TimeProvider time, ExpressionEvaluator evaluator)
    {
        this.evaluator = evaluator;
        this.process = process;
        this.options = options;
        this.time = time;
    }

    private enum OpKind
    {
        Enter,
        StartMultiInstanceInstance,
    }

    private readonly record struct Op(OpKind Kind, FlowNode Node, ExecutionData Scope, SequenceFlow? Flow, string? BoundaryOf, int LoopIndex);

    public EngineResult Execute(ProcessInstanceState? state, EngineCommand command)
    {
        now = time.GetUtcNow();
        if (command is StartProcess start)
        {
            if (state is not null)
            {
                throw new CommandRejectedException("instance.already-started", "A start command needs no existing state.");
            }

            Start(start);
        }
        else
        {
            if (state is null)
            {
                throw new CommandRejectedException("instance.not-found", "This command needs the instance state.");
            }

            data = state.Data.Clone();
            foreach (var e in data.Executions)
            {
                index[e.Id] = e;
            }

            if (!Dispatch(command))
            {
                return new EngineResult(state, []);
            }
        }

        RunToQuiescence();
        return new EngineResult(new ProcessInstanceState(data), effects) { StepCount = steps };
    }

    private void RunToQuiescence()
    {
        while (true)
        {
            Drain();
            if (!FireInclusiveJoin())
            {
                break;
            }
        }
    }

    private void Drain()
    {
        while (queue.Count > 0)
        {
            var op = queue.Dequeue();
            DecInFlight(op.Scope.Id);
            if (!index.ContainsKey(op.Scope.Id))
            {
                // The scope was cancelled (e.g. by an interrupting event) while this token was in flight.
                continue;
            }

            if (++steps > options.MaxStepsPerCommand)
            {
                StepLimit(op);
                continue;
            }

            if (op.Kind == OpKind.Enter)
            {
                Enter(op.Node, op.Scope, op.Flow, op.BoundaryOf);
            }
            else
            {
                StartMiInstance(op.Node, op.Scope, op.LoopIndex);
            }
        }
    }

    private void StepLimit(in Op op)
    {
        if (!stepLimitHit)
        {
            stepLimitHit = true;
        }

        var stuck = NewExecution(ExecutionKind.Stuck, op.Node.Id, op.Scope);
        stuck.IncomingFlowId = op.Flow?.Id;
        RaiseIncident(stuck, op.Node.Id, "stepLimit", $"More than {options.MaxStepsPerCommand} steps without a wait state (endless loop?). Retry the incident to continue.", null);
    }

    private void Push(FlowNode node, ExecutionData scope, SequenceFlow? flow, string? boundaryOf)
    {
        queue.Enqueue(new Op(OpKind.Enter, node, scope, flow, boundaryOf, 0));
        IncInFlight(scope.Id);
    }

    private void IncInFlight(string id) => inFlight[id] = inFlight.TryGetValue(id, out var n) ? n + 1 : 1;

    private void DecInFlight(string id)
    {
        if (inFlight.TryGetValue(id, out var n))
        {
            if (n <= 1)
            {
                inFlight.Remove(id);
            }
            else
            {
                inFlight[id] = n - 1;
            }
        }
    }

    // ------------------------------------------------------------------ start

    private void Start(StartProcess cmd)
    {
        if (process.NotStartableReason is { } reason)
        {
            throw new CommandRejectedException("process.not-executable", $"Process '{process.Key}' cannot be started: {reason}.");
        }

        if (string.IsNullOrWhiteSpace(cmd.InstanceId))
        {
            throw new CommandRejectedException("instance.invalid-id", "The start command needs an instance id.");
        }

        var vars = CopyVariables(cmd.Variables);
        FlowNode? startNode = null;
        if (cmd.StartEventId is not null)
        {
            startNode = process.FindNode(cmd.StartEventId);
            if (startNode is null || startNode.Kind != NodeKind.StartEvent || startNode.Scope != process.Root)
            {
                throw new CommandRejectedException("start.not-found", $"'{cmd.StartEventId}' is not a start event of process '{process.Key}'.", cmd.StartEventId);
            }
        }
        else if (cmd.MessageName is not null)
        {
            foreach (var n in process.Root.Nodes)
            {
                if (n.Kind == NodeKind.StartEvent && n.Event?.Kind == EventKind.Message && n.Event.MessageName == cmd.MessageName)
                {
                    startNode = n;
                    break;
                }
            }

            if (startNode is null)
            {
                throw new CommandRejectedException("start.not-found", $"Process '{process.Key}' has no message start event for '{cmd.MessageName}'.");
            }
        }
        else
        {
            startNode = process.Root.NoneStartEvents.Count > 0 ? process.Root.NoneStartEvents[0] : null;
            if (startNode is null)
            {
                foreach (var n in process.Root.Nodes)
                {
                    if (n.Kind == NodeKind.StartEvent)
                    {
                        startNode = n;
                        break;
                    }
                }
            }

            if (startNode is null)
            {
                throw new CommandRejectedException("start.not-found", $"Process '{process.Key}' has no start event.");
            }
        }

        if (startNode.InitiatorVariable is { } initiatorVar && cmd.StartedBy is not null)
        {
            vars[initiatorVar] = cmd.StartedBy;
        }

        data = new InstanceData
        {
            InstanceId = cmd.InstanceId,
            ProcessKey = process.Key,
            BusinessKey = cmd.BusinessKey,
            StartedBy = cmd.StartedBy,
            Status = InstanceStatus.Active,
            StartedAt = now,
            Parent = cmd.Parent,
        };
        var root = new ExecutionData { Id = cmd.InstanceId, ElementId = process.Key, Kind = ExecutionKind.Root, Variables = vars };
        data.Executions.Add(root);
        index[root.Id] = root;
        History(HistoryEntryType.InstanceStarted, null, null, root.Id, cmd.StartedBy, VariablesData(vars, "variables"));
        OpenEventSubProcessTriggers(process.Root, root);
        Push(startNode, root, null, null);
    }

    // ------------------------------------------------------------------ entering nodes

    private void Enter(FlowNode node, ExecutionData scope, SequenceFlow? flow, string? boundaryOf)
    {
        if (node.MultiInstance is not null)
        {
            StartMultiInstance(node, scope, boundaryOf);
            return;
        }

        switch (node.Kind)
        {
            case NodeKind.ParallelGateway:
                EnterParallelGateway(node, scope, flow);
                return;
            case NodeKind.ExclusiveGateway:
                EnterExclusiveGateway(node, scope, null);
                return;
            case NodeKind.InclusiveGateway:
                if (node.Incoming.Length > 1)
                {
                    var join = NewExecution(ExecutionKind.Join, node.Id, scope);
                    join.IncomingFlowId = flow?.Id;
                    return;
                }

                SplitInclusive(node, scope, null, NewId());
                return;
            case NodeKind.EventBasedGateway:
                EnterEventGateway(node, scope);
                return;
            case NodeKind.StartEvent:
                PassThrough(node, scope, boundaryOf);
                return;
            case NodeKind.EndEvent:
                EnterEndEvent(node, scope, boundaryOf);
                return;
            case NodeKind.IntermediateThrowEvent:
                EnterThrowEvent(node, scope, boundaryOf);
                return;
            case NodeKind.IntermediateCatchEvent when node.Event!.Kind == EventKind.Link:
                PassThrough(node, scope, boundaryOf);
                return;
            case NodeKind.BoundaryEvent:
                PassThrough(node, scope, boundaryOf);
                return;
            case NodeKind.Task or NodeKind.ManualTask when node.Inputs.Count == 0 && node.Outputs.Count == 0 && node.Boundaries.Length == 0:
                PassThrough(node, scope, boundaryOf);
                return;
            default:
                var exec = NewExecution(ExecutionKind.Activity, node.Id, scope);
                exec.BoundaryOf = boundaryOf;
                History(HistoryEntryType.ActivityStarted, node, exec.Id, null, null);
                OpenBoundaryTriggers(node, exec);
                if (!ApplyInputs(node, exec, scope))
                {
                    return;
                }

                Behave(node, exec);
                return;
        }
    }

    /// <summary>A node that starts and completes in one step without its own execution.</summary>
    private void PassThrough(FlowNode node, ExecutionData scope, string? boundaryOf)
    {
        if (options.RecordHistory)
        {
            var id = NewId();
            History(HistoryEntryType.ActivityStarted, node, id, null, null);
            History(HistoryEntryType.ActivityCompleted, node, id, null, null);
        }

        TakeOutgoing(node, scope, boundaryOf, null);
    }

    /// <summary>Runs an activity's behaviour on its (new or retried) execution.</summary>
    private void Behave(FlowNode node, ExecutionData exec)
    {
        switch (node.Kind)
        {
            case NodeKind.UserTask:
                CreateUserTask(node, exec);
                return;
            case NodeKind.ServiceTask or NodeKind.BusinessRuleTask:
                DispatchJob(node, exec, null);
                return;
            case NodeKind.SendTask:
                if (node.Topic is not null)
                {
                    DispatchJob(node, exec, null);
                    return;
                }

                if (!PublishMessage(node, exec))
                {
                    return;
                }

                Leave(exec, node, null);
                return;
            case NodeKind.ScriptTask:
                RunScript(node, exec);
                return;
            case NodeKind.ReceiveTask or NodeKind.IntermediateCatchEvent:
                if (node.Event!.Kind == EventKind.Message)
                {
                    OpenSubscription(node, exec, node.Id);
                }
                else if (node.Event.Kind == EventKind.Timer)
                {
                    _ = ScheduleTimer(node, exec, node.Event.Timer!, exec);
                }

                return;
            case NodeKind.SubProcess:
                exec.Kind = ExecutionKind.SubProcess;
                OpenEventSubProcessTriggers(node.Inner!, exec);
                Push(node.Inner!.NoneStartEvents[0], exec, null, null);
                return;
            case NodeKind.CallActivity:
                RequestChild(node, exec);
                return;
            default:
                Leave(exec, node, null);
                return;
        }
    }

    // ------------------------------------------------------------------ leaving nodes

    /// <summary>Normal completion of an activity execution: outputs, history, cleanup, then the outgoing flows.</summary>
    private void Leave(ExecutionData exec, FlowNode node, string? userId)
    {
        var parent = index[exec.ParentId!];
        if (node.Outputs.Count > 0 && !ApplyOutputs(node, exec, parent))
        {
            return;
        }

        CloseTriggers(exec.Id, cancelled: false);
        History(HistoryEntryType.ActivityCompleted, node, exec.Id, userId, null);
        var boundaryOf = exec.BoundaryOf;
        RemoveExecution(exec);
        if (parent.Kind == ExecutionKind.MultiInstanceBody)
        {
            MiInstanceCompleted(parent, node);
            return;
        }

        TakeOutgoing(node, parent, boundaryOf, exec);
    }

    private void TakeOutgoing(FlowNode node, ExecutionData scope, string? boundaryOf, ExecutionData? context)
    {
        var outgoing = node.Outgoing;
        if (outgoing.Length == 0)
        {
            CheckScopeCompletion(scope);
            return;
        }

        if (!node.HasConditionalOutgoing || node.Kind is NodeKind.ParallelGateway)
        {
            for (var i = 0; i < outgoing.Length; i++)
            {
                Push(outgoing[i].Target, scope, outgoing[i], boundaryOf);
            }

            return;
        }

        // Conditional flows leaving an activity or event: every flow whose condition holds (unconditioned flows always), else the default.
        var vars = new ScopeVariables(this, context is not null && index.ContainsKey(context.Id) ? context : scope);
        var taken = 0;
        for (var i = 0; i < outgoing.Length; i++)
        {
            var f = outgoing[i];
            if (f == node.DefaultFlow)
            {
                continue;
            }

            bool ok;
            try
            {
                ok = f.Condition is null || EvaluateCondition(f.Condition, vars);
            }
            catch (ExpressionFailedException ex)
            {
                Stuck(node, scope, "expression", $"Condition of flow '{f.Id}' failed: {ex.Message}");
                return;
            }

            if (ok)
            {
                taken++;
                Push(f.Target, scope, f, boundaryOf);
            }
        }

        if (taken == 0)
        {
            if (node.DefaultFlow is { } d)
            {
                Push(d.Target, scope, d, boundaryOf);
            }
            else
            {
                Stuck(node, scope, "noOutgoingFlow", $"No outgoing sequence flow of '{node.Id}' could be taken.");
            }
        }
    }

    /// <summary>Parks a token at <paramref name="node"/> with an incident; RetryIncident re-enters the node.</summary>
    private void Stuck(FlowNode node, ExecutionData scope, string type, string message)
    {
        var stuck = NewExecution(ExecutionKind.Stuck, node.Id, scope);
        RaiseIncident(stuck, node.Id, type, message, null);
    }

    private void CheckScopeCompletion(ExecutionData scope)
    {
        if (!index.ContainsKey(scope.Id) || inFlight.ContainsKey(scope.Id) || HasChildren(scope.Id))
        {
            return;
        }

        CompleteScope(scope);
    }

    private bool HasChildren(string id)
    {
        foreach (var e in data.Executions)
        {
            if (e.ParentId == id)
            {
                return true;
            }
        }

        return false;
    }

    private void CompleteScope(ExecutionData scope)
    {
        switch (scope.Kind)
        {
            case ExecutionKind.Root:
                CompleteInstance();
                return;
            case ExecutionKind.SubProcess:
                Leave(scope, process.FindNode(scope.ElementId)!, null);
                return;
            case ExecutionKind.EventSubProcess:
                var parent = index[scope.ParentId!];
                CloseTriggers(scope.Id, cancelled: false);
                History(HistoryEntryType.ActivityCompleted, process.FindNode(scope.ElementId), scope.Id, null, null);
                RemoveExecution(scope);
                CheckScopeCompletion(parent);
                return;
            default:
                return;
        }
    }

    private void CompleteInstance()
    {
        var root = data.Executions[0];
        CloseTriggers(root.Id, cancelled: true);
        data.Status = InstanceStatus.Completed;
        data.EndedAt = now;
        History(HistoryEntryType.InstanceCompleted, null, null, root.Id, null, null);
        effects.Add(new InstanceCompleted(Snapshot(root.Variables)));
    }
}
