using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine;

/// <summary>
/// An immutable, thread-safe process ready to execute many instances. Element lookups, outgoing flows,
/// reachability and expressions are all prepared at compile time.
/// </summary>
public sealed class CompiledProcess
{
    private readonly Dictionary<string, FlowNode> nodesById;
    private readonly Dictionary<string, SequenceFlow> flowsById;

    internal CompiledProcess(string key, string? name, bool isExecutable, FlowScope root, IReadOnlyList<FlowNode> allNodes, Dictionary<string, SequenceFlow> flows, string? notStartableReason)
    {
        Key = key;
        Name = name;
        IsExecutable = isExecutable;
        Root = root;
        NotStartableReason = notStartableReason;
        Nodes = allNodes;
        flowsById = flows;
        nodesById = new Dictionary<string, FlowNode>(allNodes.Count, StringComparer.Ordinal);
        foreach (var n in allNodes)
        {
            nodesById[n.Id] = n;
        }

        var messageStarts = new List<MessageStartEventInfo>();
        var timerStarts = new List<TimerStartEventInfo>();
        var calls = new List<CallActivityInfo>();
        var tasks = new List<UserTaskInfo>();
        foreach (var n in allNodes)
        {
            switch (n.Kind)
            {
                case NodeKind.StartEvent when (n.Event is null || n.Event.Kind == EventKind.None) && n.Scope == root:
                    StartFormKey ??= n.StartFormKey;
                    break;
                case NodeKind.StartEvent when n.Event?.Kind == EventKind.Message:
                    messageStarts.Add(new MessageStartEventInfo(n.Id, n.Event.MessageName ?? "", n.Scope.Owner?.Id));
                    break;
                case NodeKind.StartEvent when n.Event?.Timer is { } timer && n.Scope == root:
                    timerStarts.Add(new TimerStartEventInfo(n.Id, timer.Kind, timer.Value.Raw));
                    break;
                case NodeKind.CallActivity:
                    calls.Add(new CallActivityInfo(n.Id, n.CalledElement?.Raw ?? "", n.CalledElementBinding, n.CalledElementVersion));
                    break;
                case NodeKind.UserTask:
                    var u = n.UserTask!;
                    tasks.Add(new UserTaskInfo(n.Id, n.Name, u.FormKey, u.Assignee?.Raw, SplitList(u.CandidateUsers), SplitList(u.CandidateGroups), u.NotCompletedBy));
                    break;
                default:
                    break;
            }
        }

        MessageStartEvents = messageStarts;
        TimerStartEvents = timerStarts;
        CallActivities = calls;
        UserTasks = tasks;
    }

    /// <summary>The process id (definition key).</summary>
    public string Key { get; }

    /// <summary>The process name.</summary>
    public string? Name { get; }

    /// <summary>The <c>isExecutable</c> flag. Non-executable processes are compiled for inspection only and refuse to start.</summary>
    public bool IsExecutable { get; }

    /// <summary>Message start events (of the process and of its event subprocesses; see <see cref="MessageStartEventInfo.EventSubProcessId"/>).</summary>
    public IReadOnlyList<MessageStartEventInfo> MessageStartEvents { get; }

    /// <summary>Timer start events of the process (the runtime schedules these per definition version).</summary>
    public IReadOnlyList<TimerStartEventInfo> TimerStartEvents { get; }

    /// <summary>Call activities and their called elements.</summary>
    public IReadOnlyList<CallActivityInfo> CallActivities { get; }

    /// <summary>
    /// The form of the process's none start event (<c>camunda:formKey</c> or <c>camunda:formRef</c>), whose fields the
    /// starter fills in; null when it has none.
    /// </summary>
    public string? StartFormKey { get; }

    /// <summary>User tasks (metadata only; expressions are given raw).</summary>
    public IReadOnlyList<UserTaskInfo> UserTasks { get; }

    /// <summary>Ids of every flow node (including boundary events and nodes inside subprocesses).</summary>
    public IEnumerable<string> ElementIds => nodesById.Keys;

    internal FlowScope Root { get; }

    /// <summary>Why instances cannot start (not executable, foreign dialect, unsupported elements), or null.</summary>
    public string? NotStartableReason { get; }

    internal IReadOnlyList<FlowNode> Nodes { get; }

    /// <summary>True when a flow node with this id exists.</summary>
    public bool ContainsElement(string elementId) => nodesById.ContainsKey(elementId);

    /// <summary>The BPMN element type (XML local name, e.g. <c>userTask</c>) of a flow node, or null.</summary>
    public string? GetElementType(string elementId) => nodesById.TryGetValue(elementId, out var n) ? n.TypeName : null;

    /// <summary>The name of a flow node, or null.</summary>
    public string? GetElementName(string elementId) => nodesById.TryGetValue(elementId, out var n) ? n.Name : null;

    internal FlowNode? FindNode(string id) => nodesById.TryGetValue(id, out var n) ? n : null;

    internal SequenceFlow? FindFlow(string id) => flowsById.TryGetValue(id, out var f) ? f : null;

    private static List<string> SplitList(ValueSource? v)
    {
        if (v is null)
        {
            return [];
        }

        return [.. v.Raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
