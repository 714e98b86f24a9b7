using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Tests.Execution;

public class LifecycleTests
{
    private const string Body = """
        <startEvent id="s"/><parallelGateway id="f"/>
        <userTask id="a"/><serviceTask id="svc" camunda:type="external" camunda:topic="t"/>
        <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <intermediateCatchEvent id="msg"><messageEventDefinition messageRef="M"/></intermediateCatchEvent>
        <callActivity id="call" calledElement="child"/>
        """;

    private static Harness Busy() => Harness.For(Body + Bpmn.Flow("s", "f") + Bpmn.Flow("f", "a") + Bpmn.Flow("f", "svc") + Bpmn.Flow("f", "wait") + Bpmn.Flow("f", "msg") + Bpmn.Flow("f", "call"),
        """<bpmn:message id="M" name="m"/>""");

    [Fact]
    public void Cancel_closes_everything_and_ends_instance()
    {
        var h = Busy().Start();
        h.Run(new CancelInstance("withdrawn", "boss"));
        Assert.Equal(InstanceStatus.Cancelled, h.State.Status);
        Assert.Equal("withdrawn", Assert.Single(h.LastEffects<InstanceCancelled>()).Reason);
        Assert.Single(h.LastEffects<UserTaskClosed>());
        Assert.Single(h.LastEffects<ServiceTaskCancelled>());
        Assert.Single(h.LastEffects<TimerCancelled>());
        Assert.Single(h.LastEffects<MessageSubscriptionClosed>());
        Assert.Single(h.LastEffects<ChildInstanceCancelRequested>());
        Assert.Empty(h.State.UserTasks);
        Assert.Empty(h.State.Timers);
        Assert.Empty(h.State.ServiceJobs);
        Assert.Empty(h.State.MessageSubscriptions);
        Assert.Empty(h.State.ChildInstances);
        Assert.Empty(h.State.ActiveActivityIds);
        Assert.Equal(Harness.Epoch, h.State.EndedAt);
        Assert.Equal("instance.not-active", Assert.Throws<CommandRejectedException>(() => h.Run(new CancelInstance(null, null))).Code);
    }

    [Fact]
    public void Input_state_is_never_mutated_and_results_are_deterministic()
    {
        var h1 = Busy().Start(new { n = 1 });
        var h2 = new Harness(h1.Process).Start(new { n = 1 });
        Assert.Equal(ProcessStateSerializer.Serialize(h1.State), ProcessStateSerializer.Serialize(h2.State));
        Assert.Equal(h1.All.Count, h2.All.Count);
        Assert.Equal(string.Join("|", h1.All.Select(e => e.GetType().Name)), string.Join("|", h2.All.Select(e => e.GetType().Name)));
        var before = ProcessStateSerializer.Serialize(h1.State);
        var task = h1.Task("a");
        var r1 = h1.Engine.Execute(h1.Process, h1.State, new CompleteUserTask(task.Id, "x", [], null));
        var r2 = h1.Engine.Execute(h1.Process, h1.State, new CompleteUserTask(task.Id, "x", [], null));
        Assert.Equal(before, ProcessStateSerializer.Serialize(h1.State));
        Assert.Equal(ProcessStateSerializer.Serialize(r1.State), ProcessStateSerializer.Serialize(r2.State));
    }

    [Fact]
    public void Ids_are_derived_from_the_instance_id_and_unique()
    {
        var h = Busy().Start();
        var ids = h.State.UserTasks.Select(t => t.Id).Concat(h.State.Timers.Select(t => t.Id)).Concat(h.State.ServiceJobs.Select(j => j.Id))
            .Concat(h.State.MessageSubscriptions.Select(s => s.Id)).Concat(h.State.ChildInstances.Select(c => c.ChildInstanceId)).Concat(h.State.ActivityInstances.Select(a => a.Id)).ToList();
        Assert.All(ids, id => Assert.StartsWith("inst1-", id, StringComparison.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Rejected_command_leaves_state_untouched()
    {
        var h = Busy().Start();
        var before = ProcessStateSerializer.Serialize(h.State);
        Assert.Throws<CommandRejectedException>(() => h.Engine.Execute(h.Process, h.State, new CompleteUserTask("nope", "x", [], null)));
        Assert.Equal(before, ProcessStateSerializer.Serialize(h.State));
    }

    [Fact]
    public void Start_with_existing_state_or_command_without_state_is_rejected()
    {
        var h = Busy().Start();
        Assert.Equal("instance.already-started", Assert.Throws<CommandRejectedException>(() => h.Engine.Execute(h.Process, h.State, new StartProcess("x", null, null, null))).Code);
        Assert.Equal("instance.not-found", Assert.Throws<CommandRejectedException>(() => h.Engine.Execute(h.Process, null, new FireTimer("t"))).Code);
    }

    [Fact]
    public void Migration_moves_tasks_and_timers_to_mapped_activities()
    {
        var v1 = Harness.For("""
            <startEvent id="s"/><userTask id="review" name="Review v1"/><endEvent id="e"/>
            <boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
            """ + Bpmn.Chain("s", "review", "e") + Bpmn.Flow("late", "e2"));
        v1.Start();
        var v2 = Bpmn.Compile(Bpmn.Definitions("""
            <startEvent id="s"/><userTask id="review2" name="Review v2"/><userTask id="extra"/><endEvent id="e"/>
            <boundaryEvent id="late" attachedToRef="review2" cancelActivity="false"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e2"/>
            """ + Bpmn.Chain("s", "review2", "extra", "e") + Bpmn.Flow("late", "e2")));
        v1.Run(new MigrateInstance(v2, new Dictionary<string, string> { ["review"] = "review2" }));
        var task = Assert.Single(v1.State.UserTasks);
        Assert.Equal(("review2", "Review v2"), (task.ActivityId, task.Name));
        Assert.Contains(v1.Last.OfType<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.Migrated);
        v1.Process = v2;
        v1.Complete("review2");
        Assert.Equal(["extra"], v1.State.ActiveActivityIds);
    }

    [Fact]
    public void Migration_with_unmapped_active_activity_is_rejected()
    {
        var v1 = Harness.For("""<startEvent id="s"/><userTask id="review"/>""" + Bpmn.Flow("s", "review"));
        v1.Start();
        var v2 = Bpmn.Compile(Bpmn.Definitions("""<startEvent id="s"/><userTask id="other"/>""" + Bpmn.Flow("s", "other")));
        var ex = Assert.Throws<CommandRejectedException>(() => v1.Run(new MigrateInstance(v2, new Dictionary<string, string>())));
        Assert.Equal("migration.invalid", ex.Code);
        Assert.Contains("review", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migration_to_a_different_element_type_is_rejected()
    {
        var v1 = Harness.For("""<startEvent id="s"/><userTask id="review"/>""" + Bpmn.Flow("s", "review"));
        v1.Start();
        var v2 = Bpmn.Compile(Bpmn.Definitions("""<startEvent id="s"/><serviceTask id="review" camunda:type="external" camunda:topic="t"/>""" + Bpmn.Flow("s", "review")));
        Assert.Equal("migration.invalid", Assert.Throws<CommandRejectedException>(() => v1.Run(new MigrateInstance(v2, new Dictionary<string, string>()))).Code);
    }

    [Fact]
    public void Endless_loop_without_wait_state_hits_step_limit_incident()
    {
        var h = new Harness(Bpmn.Compile(Bpmn.Definitions("""
            <startEvent id="s"/><exclusiveGateway id="g"/><task id="t"/>
            """ + Bpmn.Flow("s", "g") + Bpmn.Chain("g", "t") + Bpmn.Flow("t", "g", id: "back"))), new EngineOptions { MaxStepsPerCommand = 500 });
        h.Start();
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal("stepLimit", incident.Type);
        Assert.Equal(InstanceStatus.Active, h.State.Status);
    }

    [Fact]
    public void Set_variables_updates_root_and_records_history()
    {
        var h = Busy().Start();
        h.Run(new SetVariables(new Dictionary<string, JsonNode?> { ["priority"] = "high" }, "admin"));
        Assert.Equal("high", h.Get<string>("priority"));
        var entry = Assert.Single(h.LastEffects<HistoryRecorded>()).Entry;
        Assert.Equal((HistoryEntryType.VariablesUpdated, "admin"), (entry.Type, entry.UserId));
    }

    [Fact]
    public void Variables_passed_in_are_copied_not_aliased()
    {
        var input = new JsonObject { ["x"] = 1 };
        var h = Busy();
        h.Start(new Dictionary<string, JsonNode?> { ["obj"] = input });
        input["x"] = 999;
        Assert.Equal(1, h.Var("obj")!["x"]!.GetValue<int>());
    }

    [Fact]
    public void History_covers_every_step_with_timestamps_from_the_clock()
    {
        var h = Harness.For("""<startEvent id="s"/><task id="t"/><userTask id="u"/><endEvent id="e"/>""" + Bpmn.Chain("s", "t", "u", "e"));
        h.Start();
        h.Clock.Advance(TimeSpan.FromMinutes(7));
        h.Complete("u");
        var entries = h.Effects<HistoryRecorded>().Select(x => x.Entry).ToList();
        Assert.Equal(HistoryEntryType.InstanceStarted, entries[0].Type);
        Assert.Equal(HistoryEntryType.InstanceCompleted, entries[^1].Type);
        foreach (var id in new[] { "s", "t", "u", "e" })
        {
            Assert.Contains(entries, e => e.Type == HistoryEntryType.ActivityStarted && e.ActivityId == id);
            Assert.Contains(entries, e => e.Type == HistoryEntryType.ActivityCompleted && e.ActivityId == id);
        }

        Assert.Equal(Harness.Epoch.AddMinutes(7), entries[^1].Timestamp);
        Assert.Equal("userTask", entries.First(e => e.ActivityId == "u").ActivityType);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessEngine(new EngineOptions { MaxStepsPerCommand = 0 }, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessEngine(new EngineOptions { DefaultServiceTaskRetries = -1 }, TimeProvider.System));
    }

    [Fact]
    public void History_can_be_switched_off_for_benchmarks()
    {
        var h = new Harness(Bpmn.Compile(Bpmn.Definitions("""<startEvent id="s"/><task id="t"/><endEvent id="e"/>""" + Bpmn.Chain("s", "t", "e"))), new EngineOptions { RecordHistory = false });
        h.Start();
        Assert.Empty(h.Effects<HistoryRecorded>());
        Assert.Single(h.Effects<InstanceCompleted>());
    }
}
