using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Tests.Execution;

public class UserTaskTests
{
    private static Harness One(string attrs, string extra = "") => Harness.For($"""
        <startEvent id="s"/><userTask id="u" name="Approve" {attrs}>{extra}</userTask><endEvent id="e"/>
        {Bpmn.Chain("s", "u", "e")}
        """);

    [Fact]
    public void Camunda_attributes_are_evaluated_into_the_task()
    {
        var h = One("""camunda:assignee="${owner}" camunda:candidateUsers="bob, carol" camunda:candidateGroups="${group}" camunda:dueDate="P2D" camunda:followUpDate="2026-03-03T10:00:00Z" camunda:priority="${prio}" camunda:formKey="embedded:app:forms/approve.html" """);
        h.Start(new { owner = "dave", group = "buyers", prio = 80 });
        var t = h.Task("u");
        Assert.Equal("dave", t.Assignee);
        Assert.Equal(["bob", "carol"], t.CandidateUsers);
        Assert.Equal(["buyers"], t.CandidateGroups);
        Assert.Equal(Harness.Epoch.AddDays(2), t.DueDate);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero), t.FollowUpDate);
        Assert.Equal(80, t.Priority);
        Assert.Equal("embedded:app:forms/approve.html", t.FormKey);
        Assert.Equal(Harness.Epoch, t.CreatedAt);
        Assert.Equal("Approve", t.Name);
        Assert.Equal("inst1", t.InstanceId);
        Assert.Equal(0, t.EscalationLevel);
    }

    [Fact]
    public void Form_ref_is_used_as_form_key()
    {
        var h = One("""camunda:formRef="approve-form" camunda:formRefBinding="latest" """);
        h.Start();
        Assert.Equal("approve-form", h.Task("u").FormKey);
    }

    [Fact]
    public void Candidate_groups_from_array_expression()
    {
        var h = One("""camunda:candidateGroups="${groups}" """);
        h.Start(new { groups = new[] { "a", "b" } });
        Assert.Equal(["a", "b"], h.Task("u").CandidateGroups);
    }

    [Fact]
    public void Due_date_in_business_days_with_pf_calendar()
    {
        // 2026-03-02 is a Monday; 5 business days later (no Norwegian holiday that week) is Monday 2026-03-09.
        var h = One("""camunda:dueDate="P5D" pf:calendar="NO" """);
        h.Start();
        Assert.Equal(new DateOnly(2026, 3, 9), DateOnly.FromDateTime(h.Task("u").DueDate!.Value.UtcDateTime));
    }

    [Fact]
    public void Default_priority_is_50_and_unassigned()
    {
        var h = One("");
        h.Start();
        Assert.Equal(50, h.Task("u").Priority);
        Assert.Null(h.Task("u").Assignee);
    }

    [Fact]
    public void Assignee_expression_failure_raises_incident()
    {
        var h = One("""camunda:assignee="${nobody.name}" """);
        h.Start();
        Assert.Equal("expression", Assert.Single(h.State.Incidents).Type);
        Assert.Empty(h.State.UserTasks);
    }

    [Fact]
    public void Only_assignee_may_complete_an_assigned_task()
    {
        var h = One("""camunda:assignee="alice" """);
        h.Start();
        var ex = Assert.Throws<CommandRejectedException>(() => h.Complete("u", user: "mallory"));
        Assert.Equal("task.not-authorized", ex.Code);
        Assert.Equal("u", ex.ElementId);
        Assert.False(ex.IsRetryable);
        Assert.Single(h.State.UserTasks);
        h.Complete("u", user: "alice");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Theory]
    [InlineData("bob", new string[0], true)]
    [InlineData("zed", new[] { "buyers" }, true)]
    [InlineData("zed", new[] { "other" }, false)]
    [InlineData("zed", new string[0], false)]
    public void Candidates_may_complete_unassigned_task(string user, string[] groups, bool allowed)
    {
        var h = One("""camunda:candidateUsers="bob" camunda:candidateGroups="buyers" """);
        h.Start();
        if (allowed)
        {
            h.Complete("u", user: user, groups: groups);
            Assert.Equal(InstanceStatus.Completed, h.State.Status);
        }
        else
        {
            Assert.Equal("task.not-authorized", Assert.Throws<CommandRejectedException>(() => h.Complete("u", user: user, groups: groups)).Code);
        }
    }

    [Fact]
    public void Claim_unclaim_delegate_assign_lifecycle()
    {
        var h = One("""camunda:candidateGroups="buyers" """);
        h.Start();
        var id = h.Task("u").Id;
        Assert.Equal("task.not-authorized", Assert.Throws<CommandRejectedException>(() => h.Run(new ClaimUserTask(id, "x", ["other"]))).Code);
        h.Run(new ClaimUserTask(id, "bob", ["buyers"]));
        Assert.Equal(("bob", "bob"), (h.Task("u").Assignee, h.Task("u").ClaimedBy));
        Assert.Single(h.LastEffects<UserTaskUpdated>());
        Assert.Equal("task.already-claimed", Assert.Throws<CommandRejectedException>(() => h.Run(new ClaimUserTask(id, "carol", ["buyers"]))).Code);
        Assert.Equal("task.not-authorized", Assert.Throws<CommandRejectedException>(() => h.Run(new UnclaimUserTask(id, "carol"))).Code);
        h.Run(new UnclaimUserTask(id, "bob"));
        Assert.Null(h.Task("u").Assignee);
        h.Run(new ClaimUserTask(id, "bob", ["buyers"]));
        h.Run(new DelegateUserTask(id, "bob", "erin"));
        Assert.Equal(("erin", "bob", UserTaskStatus.Delegated), (h.Task("u").Assignee, h.Task("u").Owner, h.Task("u").Status));
        h.Run(new AssignUserTask(id, "frank", "supervisor"));
        Assert.Equal("frank", h.Task("u").Assignee);
        var types = h.Effects<HistoryRecorded>().Select(x => x.Entry.Type).ToList();
        Assert.Contains(HistoryEntryType.TaskClaimed, types);
        Assert.Contains(HistoryEntryType.TaskUnclaimed, types);
        Assert.Contains(HistoryEntryType.TaskDelegated, types);
        Assert.Contains(HistoryEntryType.TaskAssigned, types);
        Assert.Equal("supervisor", h.Effects<HistoryRecorded>().Last(x => x.Entry.Type == HistoryEntryType.TaskAssigned).Entry.UserId);
        h.Complete("u", user: "frank");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Unknown_task_is_rejected()
    {
        var h = One("");
        h.Start();
        Assert.Equal("task.not-found", Assert.Throws<CommandRejectedException>(() => h.Run(new CompleteUserTask("nope", "a", [], null))).Code);
    }

    [Fact]
    public void Completing_after_instance_ended_is_rejected()
    {
        var h = One("");
        h.Start();
        var id = h.Task("u").Id;
        h.Complete("u");
        Assert.Equal("instance.not-active", Assert.Throws<CommandRejectedException>(() => h.Run(new CompleteUserTask(id, "a", [], null))).Code);
    }

    [Fact]
    public void Completion_history_records_who_when_and_what_data()
    {
        var h = One("");
        h.Start();
        h.Clock.Advance(TimeSpan.FromHours(5));
        h.Complete("u", new { decision = "approve", amount = 10 }, user: "carol");
        var entry = h.Effects<HistoryRecorded>().Single(x => x.Entry.Type == HistoryEntryType.TaskCompleted).Entry;
        Assert.Equal("carol", entry.UserId);
        Assert.Equal(Harness.Epoch.AddHours(5), entry.Timestamp);
        Assert.Equal("approve", entry.Data!["variables"]!["decision"]!.GetValue<string>());
        Assert.Equal("carol", Assert.Single(h.Effects<UserTaskClosed>()).UserId);
    }

    private static Harness Sod() => Harness.For("""
        <startEvent id="s"/>
        <userTask id="Task_Requirement" name="Write requirement"/>
        <userTask id="Task_Approve" name="Approve requirement" pf:notCompletedBy="Task_Requirement initiator"/>
        <endEvent id="e"/>
        """ + Bpmn.Chain("s", "Task_Requirement", "Task_Approve", "e"));

    [Fact]
    public void Segregation_of_duties_rejects_the_earlier_completer_naming_the_rule()
    {
        var h = Sod().Start(startedBy: "ivan");
        h.Complete("Task_Requirement", user: "olga");
        var ex = Assert.Throws<CommandRejectedException>(() => h.Complete("Task_Approve", user: "olga"));
        Assert.Equal("task.segregation-of-duties", ex.Code);
        Assert.Equal("notCompletedBy:Task_Requirement", ex.Rule);
        Assert.Contains("Write requirement", ex.Message, StringComparison.Ordinal);
        h.Complete("Task_Approve", user: "petter");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Segregation_of_duties_rejects_the_initiator()
    {
        var h = Sod().Start(startedBy: "ivan");
        h.Complete("Task_Requirement", user: "olga");
        var ex = Assert.Throws<CommandRejectedException>(() => h.Complete("Task_Approve", user: "ivan"));
        Assert.Equal("notCompletedBy:initiator", ex.Rule);
    }

    [Fact]
    public void Segregation_of_duties_survives_a_snapshot_round_trip()
    {
        var h = Sod().Start(startedBy: "ivan");
        h.Complete("Task_Requirement", user: "olga");
        var restored = ProcessStateSerializer.Deserialize(ProcessStateSerializer.Serialize(h.State));
        var task = restored.UserTasks.Single();
        var ex = Assert.Throws<CommandRejectedException>(() => h.Engine.Execute(h.Process, restored, new CompleteUserTask(task.Id, "olga", [], null)));
        Assert.Equal("task.segregation-of-duties", ex.Code);
    }

    [Fact]
    public void Completion_variables_propagate_to_existing_scope_or_root()
    {
        var h = Harness.For("""
            <startEvent id="s"/><subProcess id="sp"><startEvent id="ss"/><userTask id="u"/><endEvent id="se"/>
            """ + Bpmn.Chain("ss", "u", "se") + "</subProcess><userTask id='after'/>" + Bpmn.Chain("s", "sp", "after"));
        h.Start(new { total = 1 });
        h.Complete("u", new { total = 2, fresh = "x" });
        Assert.Equal(2, h.Get<int>("total"));
        Assert.Equal("x", h.Get<string>("fresh"));
    }

    [Fact]
    public void Variables_with_empty_name_are_rejected()
    {
        var h = One("");
        h.Start();
        var ex = Assert.Throws<CommandRejectedException>(() => h.Run(new CompleteUserTask(h.Task("u").Id, "a", [], new Dictionary<string, JsonNode?> { [""] = 1 })));
        Assert.Equal("variables.invalid", ex.Code);
        Assert.Single(h.State.UserTasks);
    }
}
