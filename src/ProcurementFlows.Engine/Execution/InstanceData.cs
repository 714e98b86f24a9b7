using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ProcurementFlows.Engine.Execution;

/// <summary>Kinds of executions in the execution tree.</summary>
internal enum ExecutionKind
{
    /// <summary>The process instance itself (scope).</summary>
    Root,
    /// <summary>An embedded subprocess instance (scope).</summary>
    SubProcess,
    /// <summary>An event subprocess instance (scope).</summary>
    EventSubProcess,
    /// <summary>A multi-instance body (scope whose children are the instances).</summary>
    MultiInstanceBody,
    /// <summary>A token waiting at an activity, catch event or event-based gateway.</summary>
    Activity,
    /// <summary>A token waiting at a joining gateway.</summary>
    Join,
    /// <summary>A token stuck in an incident (e.g. no outgoing flow matched).</summary>
    Stuck,
}

/// <summary>One node of the execution tree (mutable during a command only; cloned per command).</summary>
internal sealed class ExecutionData
{
    public string Id { get; set; } = "";
    public string? ParentId { get; set; }
    public string ElementId { get; set; } = "";
    public ExecutionKind Kind { get; set; }
    public Dictionary<string, JsonNode?>? Variables { get; set; }
    /// <summary>For joins: the flow the token arrived on.</summary>
    public string? IncomingFlowId { get; set; }
    /// <summary>Multi-instance body: items of the collection (sequential needs them later).</summary>
    public JsonArray? Items { get; set; }
    /// <summary>Multi-instance body: the next loop counter to start (sequential).</summary>
    public int NextIndex { get; set; }
    /// <summary>A token spawned from a non-interrupting boundary event remembers the activity instance it belongs to (task escalation).</summary>
    public string? BoundaryOf { get; set; }
    /// <summary>Sequence number of creation (deterministic ordering).</summary>
    public long Order { get; set; }

    public ExecutionData Clone()
    {
        var c = (ExecutionData)MemberwiseClone();
        if (Variables is not null)
        {
            c.Variables = new Dictionary<string, JsonNode?>(Variables, StringComparer.Ordinal);
        }

        return c;
    }
}

/// <summary>The complete, serialisable state of one instance.</summary>
internal sealed class InstanceData
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public string InstanceId { get; set; } = "";
    public string ProcessKey { get; set; } = "";
    public string? BusinessKey { get; set; }
    public string? StartedBy { get; set; }
    public InstanceStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public ParentLink? Parent { get; set; }
    public long Sequence { get; set; }
    public List<ExecutionData> Executions { get; set; } = [];
    public List<UserTaskState> Tasks { get; set; } = [];
    public List<TimerState> Timers { get; set; } = [];
    public List<MessageSubscriptionState> Subscriptions { get; set; } = [];
    public List<ServiceJobState> Jobs { get; set; } = [];
    public List<IncidentState> Incidents { get; set; } = [];
    public List<ChildInstanceState> Children { get; set; } = [];
    /// <summary>Who completed which user task (activity id → user ids), for segregation of duties.</summary>
    public Dictionary<string, List<string>> Completers { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonNode?> RootVariables
    {
        get
        {
            if (Executions.Count > 0 && Executions[0].Variables is { } v)
            {
                return v.AsReadOnly();
            }

            return EmptyVariables;
        }
    }

    internal static readonly IReadOnlyDictionary<string, JsonNode?> EmptyVariables = new Dictionary<string, JsonNode?>().AsReadOnly();

    public InstanceData Clone()
    {
        var c = (InstanceData)MemberwiseClone();
        var execs = new List<ExecutionData>(Executions.Count + 8);
        foreach (var e in Executions)
        {
            execs.Add(e.Clone());
        }

        c.Executions = execs;
        c.Tasks = [.. Tasks];
        c.Timers = [.. Timers];
        c.Subscriptions = [.. Subscriptions];
        c.Jobs = [.. Jobs];
        c.Incidents = [.. Incidents];
        c.Children = [.. Children];
        var completers = new Dictionary<string, List<string>>(Completers.Count, StringComparer.Ordinal);
        foreach (var kv in Completers)
        {
            completers[kv.Key] = [.. kv.Value];
        }

        c.Completers = completers;
        return c;
    }

    public ExecutionData? FindExecution(string id)
    {
        foreach (var e in Executions)
        {
            if (e.Id == id)
            {
                return e;
            }
        }

        return null;
    }

    public IReadOnlyList<string> GetActiveActivityIds()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in Executions)
        {
            if (e.Kind is ExecutionKind.Activity or ExecutionKind.Join or ExecutionKind.Stuck)
            {
                set.Add(e.ElementId);
            }
        }

        return [.. set];
    }

    public IReadOnlyList<ActivityInstanceInfo> GetActivityInstances()
    {
        var list = new List<ActivityInstanceInfo>(Executions.Count);
        foreach (var e in Executions)
        {
            if (e.Kind != ExecutionKind.Root)
            {
                list.Add(new ActivityInstanceInfo(e.Id, e.ElementId, e.ParentId));
            }
        }

        return list;
    }

    public IReadOnlyDictionary<string, JsonNode?> GetVisibleVariables(string executionId)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var e = FindExecution(executionId);
        while (e is not null)
        {
            if (e.Variables is not null)
            {
                foreach (var kv in e.Variables)
                {
                    result.TryAdd(kv.Key, kv.Value);
                }
            }

            e = e.ParentId is null ? null : FindExecution(e.ParentId);
        }

        return result;
    }
}
