using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

/// <summary>
/// A minimal in-memory runtime around the engine for scenario tests: it keeps instance states, starts call-activity
/// children and reports their end to the parent, and lets a test act as officers, registries, timers and messages.
/// </summary>
internal sealed class CaseRunner
{
    private static readonly Lazy<Dictionary<string, CompiledProcess>> Definitions = new(() =>
        RepositoryPaths.ProcessFiles.Select(f => CompilationTests.Compile(Path.GetFileName(f))).ToDictionary(p => p.Key, StringComparer.Ordinal));

    private readonly Dictionary<string, ProcessInstanceState> _instances = new(StringComparer.Ordinal);
    private int _sequence;

    public CaseRunner()
    {
        Engine = new ProcessEngine(new EngineOptions(), Clock);
    }

    /// <summary>Starts on Monday 2 March 2026, 08:00 UTC.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    public ProcessEngine Engine { get; }

    public List<EngineEffect> Effects { get; } = [];

    /// <summary>History per instance, in order, as the runtime would append it.</summary>
    public Dictionary<string, List<HistoryEntry>> History { get; } = new(StringComparer.Ordinal);

    public IEnumerable<ProcessInstanceState> Instances => _instances.Values;

    public ProcessInstanceState this[string instanceId] => _instances[instanceId];

    public string Start(string processKey, string startedBy, IReadOnlyDictionary<string, JsonNode?>? variables = null, string businessKey = "PF-2026-0042")
    {
        var id = $"case-{++_sequence}";
        Execute(id, Definitions.Value[processKey], null, new StartProcess(id, businessKey, startedBy, variables));
        return id;
    }

    /// <summary>The one open task with this definition key (optionally in one instance).</summary>
    public UserTaskState Task(string activityId, string? instanceId = null)
    {
        var open = OpenTasks(activityId, instanceId);
        Assert.True(open.Count == 1, $"expected one open {activityId}, found {open.Count}; {Describe()}");
        return open[0];
    }

    /// <summary>Where the instances stand, for failure messages.</summary>
    public string Describe() => string.Join(" | ", Instances.Select(i =>
        $"{i.InstanceId} {i.ProcessKey} {i.Status} at [{string.Join(", ", i.ActiveActivityIds)}]"
        + string.Concat(i.Incidents.Select(x => $" incident {x.ActivityId}: {x.Message}"))));

    public IReadOnlyList<UserTaskState> OpenTasks(string activityId, string? instanceId = null) =>
        Instances.Where(i => instanceId is null || i.InstanceId == instanceId)
            .SelectMany(i => i.UserTasks).Where(t => t.ActivityId == activityId && t.Status is UserTaskStatus.Created or UserTaskStatus.Delegated).ToArray();

    public void Complete(UserTaskState task, string user, string[] groups, IReadOnlyDictionary<string, JsonNode?>? variables = null) =>
        Run(task.InstanceId, new CompleteUserTask(task.Id, user, groups, variables));

    public void Complete(string activityId, string user, string[] groups, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? instanceId = null) =>
        Complete(Task(activityId, instanceId), user, groups, variables);

    public void FireTimer(string activityId, string? instanceId = null)
    {
        var (instance, timer) = Instances.Where(i => instanceId is null || i.InstanceId == instanceId)
            .SelectMany(i => i.Timers.Select(t => (i, t))).Single(x => x.t.ActivityId == activityId);
        Clock.SetUtcNow(Max(Clock.GetUtcNow(), timer.DueAt));
        Run(instance.InstanceId, new FireTimer(timer.Id));
    }

    public void Deliver(string messageName, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? instanceId = null)
    {
        var (instance, subscription) = Instances.Where(i => instanceId is null || i.InstanceId == instanceId)
            .SelectMany(i => i.MessageSubscriptions.Select(s => (i, s))).Single(x => x.s.MessageName == messageName);
        Run(instance.InstanceId, new DeliverMessage(subscription.Id, variables));
    }

    /// <summary>Completes the open job on a registry topic as the registry handler would.</summary>
    public void CompleteJob(string instanceId, string topic, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var job = Assert.Single(this[instanceId].ServiceJobs, j => j.Topic == topic);
        Run(instanceId, new CompleteServiceTask(job.Id, variables));
    }

    public void Run(string instanceId, EngineCommand command)
    {
        var state = _instances[instanceId];
        Execute(instanceId, Definitions.Value[state.ProcessKey], state, command);
    }

    private void Execute(string instanceId, CompiledProcess definition, ProcessInstanceState? state, EngineCommand command)
    {
        var result = Engine.Execute(definition, state, command);
        _instances[instanceId] = result.State;
        Effects.AddRange(result.Effects);
        if (!History.TryGetValue(instanceId, out var history))
        {
            History[instanceId] = history = [];
        }

        history.AddRange(result.Effects.OfType<HistoryRecorded>().Select(h => h.Entry));
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case ChildInstanceRequested child:
                    var callActivity = result.State.ChildInstances.Single(c => c.ChildInstanceId == child.ChildInstanceId).ActivityId;
                    Execute(child.ChildInstanceId, Definitions.Value[child.CalledElement], null,
                        new StartProcess(child.ChildInstanceId, child.BusinessKey, result.State.StartedBy, child.Variables,
                            Parent: new ParentLink(instanceId, child.CallActivityInstanceId, callActivity, definition.Key)));
                    break;
                case InstanceCompleted completed when result.State.Parent is { } parent:
                    Run(parent.ParentInstanceId, new ChildInstanceEnded(instanceId, ChildOutcome.Completed, null, completed.Variables));
                    break;
                default:
                    break;
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
