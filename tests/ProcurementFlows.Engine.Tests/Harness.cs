using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace ProcurementFlows.Engine.Tests;

/// <summary>Drives one instance through the engine with a fake clock and keeps every effect.</summary>
internal sealed class Harness
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private int instanceCounter;

    public Harness(CompiledProcess process, EngineOptions? options = null)
    {
        Process = process;
        Clock = new FakeTimeProvider(Epoch);
        Engine = new ProcessEngine(options ?? new EngineOptions(), Clock);
    }

    public static Harness For(string processBody, string globals = "", EngineOptions? options = null) =>
        new(Bpmn.Compile(Bpmn.Definitions(processBody, globals)), options);

    public CompiledProcess Process { get; set; }
    public FakeTimeProvider Clock { get; }
    public ProcessEngine Engine { get; }
    public ProcessInstanceState State { get; private set; } = null!;
    public IReadOnlyList<EngineEffect> Last { get; private set; } = [];
    public List<EngineEffect> All { get; } = [];
    public int Steps { get; private set; }

    public Harness Start(object? variables = null, string? businessKey = "BK-1", string? startedBy = "initiator-user", string? startEventId = null, string? messageName = null)
    {
        var id = "inst" + (++instanceCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Run(new StartProcess(id, businessKey, startedBy, Vars(variables), startEventId, messageName), null);
    }

    public Harness Run(EngineCommand command) => Run(command, State);

    public Harness Run(EngineCommand command, ProcessInstanceState? state)
    {
        var before = state is null ? null : ProcessStateSerializer.Serialize(state);
        var r = Engine.Execute(Process, state, command);
        if (before is not null)
        {
            // The engine must never mutate its input state.
            Assert.Equal(before, ProcessStateSerializer.Serialize(state!));
        }

        State = r.State;
        Last = r.Effects;
        All.AddRange(r.Effects);
        Steps += r.StepCount;
        return this;
    }

    public static IReadOnlyDictionary<string, JsonNode?>? Vars(object? variables)
    {
        if (variables is null)
        {
            return null;
        }

        if (variables is IReadOnlyDictionary<string, JsonNode?> d)
        {
            return d;
        }

        var node = System.Text.Json.JsonSerializer.SerializeToNode(variables)!.AsObject();
        return node.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
    }

    public UserTaskState Task(string activityId) =>
        State.UserTasks.Single(t => t.ActivityId == activityId);

    public Harness Complete(string activityId, object? variables = null, string user = "alice", params string[] groups)
    {
        var t = Task(activityId);
        return Run(new CompleteUserTask(t.Id, user, groups, Vars(variables)));
    }

    public Harness CompleteJob(string activityId, object? variables = null)
    {
        var j = State.ServiceJobs.Single(x => x.ActivityId == activityId);
        return Run(new CompleteServiceTask(j.Id, Vars(variables)));
    }

    public Harness FireTimer(string activityId)
    {
        var t = State.Timers.First(x => x.ActivityId == activityId);
        Clock.SetUtcNow(t.DueAt > Clock.GetUtcNow() ? t.DueAt : Clock.GetUtcNow());
        return Run(new FireTimer(t.Id));
    }

    public Harness Deliver(string activityId, object? variables = null)
    {
        var s = State.MessageSubscriptions.First(x => x.ActivityId == activityId);
        return Run(new DeliverMessage(s.Id, Vars(variables)));
    }

    /// <summary>Activity ids in the order they completed (from history).</summary>
    public List<string> Completed => [.. All.OfType<HistoryRecorded>().Where(h => h.Entry.Type == HistoryEntryType.ActivityCompleted).Select(h => h.Entry.ActivityId!)];

    public List<string> Started => [.. All.OfType<HistoryRecorded>().Where(h => h.Entry.Type == HistoryEntryType.ActivityStarted).Select(h => h.Entry.ActivityId!)];

    public int CountCompleted(string id) => Completed.Count(x => x == id);

    public IEnumerable<T> Effects<T>() => All.OfType<T>();

    public IEnumerable<T> LastEffects<T>() => Last.OfType<T>();

    public JsonNode? Var(string name) => State.Variables.TryGetValue(name, out var v) ? v : null;

    public T? Get<T>(string name) => Var(name) is { } n ? n.GetValue<T>() : default;
}
