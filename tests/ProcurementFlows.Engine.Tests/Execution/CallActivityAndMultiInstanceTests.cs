namespace ProcurementFlows.Engine.Tests.Execution;

public class CallActivityAndMultiInstanceTests
{
    private static Harness Call(string mappings, string attrs = "") => Harness.For($"""
        <startEvent id="s"/>
        <callActivity id="call" calledElement="vetting" {attrs}><extensionElements>{mappings}</extensionElements></callActivity>
        <boundaryEvent id="onErr" attachedToRef="call"><errorEventDefinition errorRef="Err"/></boundaryEvent>
        <userTask id="after"/><userTask id="failed"/>
        {Bpmn.Chain("s", "call", "after")}{Bpmn.Flow("onErr", "failed")}
        """, """<bpmn:error id="Err" errorCode="VETTING_FAILED"/>""");

    [Fact]
    public void Call_activity_requests_child_with_in_mappings_and_business_key()
    {
        var h = Call("""
            <camunda:in source="supplier" target="candidate"/>
            <camunda:in sourceExpression="${amount * 2}" target="limit"/>
            <camunda:in businessKey="#{execution.getVariable('caseNo')}"/>
            """);
        h.Start(new { supplier = "ACME", amount = 10, caseNo = "C-1", secret = 1 });
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        Assert.Equal(("vetting", "latest", "C-1"), (req.CalledElement, req.Binding, req.BusinessKey));
        Assert.Equal("ACME", req.Variables["candidate"]!.GetValue<string>());
        Assert.Equal(20, req.Variables["limit"]!.GetValue<double>());
        Assert.False(req.Variables.ContainsKey("secret"));
        Assert.StartsWith("inst1-", req.ChildInstanceId, StringComparison.Ordinal);
        var child = Assert.Single(h.State.ChildInstances);
        Assert.Equal((req.ChildInstanceId, "call"), (child.ChildInstanceId, child.ActivityId));
        Assert.Equal(req.CallActivityInstanceId, child.ExecutionId);
    }

    [Fact]
    public void Child_completion_applies_out_mappings_and_continues()
    {
        var h = Call("""<camunda:in variables="all"/><camunda:out source="result" target="vettingResult"/>""");
        h.Start(new { a = 1 });
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        Assert.Equal(1, req.Variables["a"]!.GetValue<int>());
        h.Run(new ChildInstanceEnded(req.ChildInstanceId, ChildOutcome.Completed, null, Harness.Vars(new { result = "clean", other = 5 })));
        Assert.Equal(["after"], h.State.ActiveActivityIds);
        Assert.Equal("clean", h.Get<string>("vettingResult"));
        Assert.False(h.State.Variables.ContainsKey("other"));
        Assert.Empty(h.State.ChildInstances);
    }

    [Fact]
    public void Out_all_variables_copies_everything()
    {
        var h = Call("""<camunda:out variables="all"/>""");
        h.Start();
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        h.Run(new ChildInstanceEnded(req.ChildInstanceId, ChildOutcome.Completed, null, Harness.Vars(new { x = 1, y = "z" })));
        Assert.Equal((1, "z"), (h.Get<int>("x"), h.Get<string>("y")));
    }

    [Fact]
    public void Child_error_is_caught_by_call_activity_boundary()
    {
        var h = Call("");
        h.Start();
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        h.Run(new ChildInstanceEnded(req.ChildInstanceId, ChildOutcome.Error, "VETTING_FAILED", null));
        Assert.Equal(["failed"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Child_cancelled_raises_incident_and_retry_calls_again()
    {
        var h = Call("");
        h.Start();
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        h.Run(new ChildInstanceEnded(req.ChildInstanceId, ChildOutcome.Cancelled, null, null));
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal("childCancelled", incident.Type);
        h.Run(new RetryIncident(incident.Id));
        var again = Assert.Single(h.LastEffects<ChildInstanceRequested>());
        Assert.NotEqual(req.ChildInstanceId, again.ChildInstanceId);
    }

    [Fact]
    public void Interrupting_the_call_activity_requests_child_cancellation()
    {
        var h = Harness.For("""
            <startEvent id="s"/><callActivity id="call" calledElement="child"/>
            <boundaryEvent id="t" attachedToRef="call"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="e"/>
            """ + Bpmn.Flow("s", "call") + Bpmn.Flow("t", "e"));
        h.Start();
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        h.FireTimer("t");
        Assert.Equal(req.ChildInstanceId, Assert.Single(h.LastEffects<ChildInstanceCancelRequested>()).ChildInstanceId);
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Called_element_version_binding()
    {
        var h = Call("", """camunda:calledElementBinding="version" camunda:calledElementVersion="4" """);
        h.Start();
        var req = Assert.Single(h.Effects<ChildInstanceRequested>());
        Assert.Equal(("version", 4), (req.Binding, req.Version));
    }

    [Fact]
    public void Parallel_multi_instance_user_task_over_collection()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="review" camunda:assignee="${reviewer}"><multiInstanceLoopCharacteristics camunda:collection="${reviewers}" camunda:elementVariable="reviewer"/></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "review", "e"));
        h.Start(new { reviewers = new[] { "ann", "ben", "cat" } });
        Assert.Equal(["ann", "ben", "cat"], h.State.UserTasks.Select(t => t.Assignee).Order());
        var body = h.State.ActivityInstances.Single(a => a.ActivityId == "review" && h.State.ActivityInstances.Any(c => c.ParentId == a.Id));
        var bodyVars = h.State.GetVariablesAt(body.Id);
        Assert.Equal((3, 3, 0), (bodyVars["nrOfInstances"]!.GetValue<int>(), bodyVars["nrOfActiveInstances"]!.GetValue<int>(), bodyVars["nrOfCompletedInstances"]!.GetValue<int>()));
        var loopCounters = h.State.UserTasks.Select(t => h.State.GetVariablesAt(t.ActivityInstanceId)["loopCounter"]!.GetValue<int>()).Order();
        Assert.Equal([0, 1, 2], loopCounters);
        foreach (var t in h.State.UserTasks.ToList())
        {
            Assert.Equal(InstanceStatus.Active, h.State.Status);
            h.Run(new CompleteUserTask(t.Id, t.Assignee!, [], null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Sequential_multi_instance_runs_one_after_another()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="sign" camunda:assignee="${signer}"><multiInstanceLoopCharacteristics isSequential="true" camunda:collection="signers" camunda:elementVariable="signer"/></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "sign", "e"));
        h.Start(new { signers = new[] { "a", "b", "c" } });
        foreach (var expected in new[] { "a", "b", "c" })
        {
            var t = Assert.Single(h.State.UserTasks);
            Assert.Equal(expected, t.Assignee);
            h.Run(new CompleteUserTask(t.Id, expected, [], null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Completion_condition_cancels_remaining_instances()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="vote"><multiInstanceLoopCharacteristics><loopCardinality>${voters}</loopCardinality><completionCondition>${nrOfCompletedInstances >= 2}</completionCondition></multiInstanceLoopCharacteristics></userTask>
            <userTask id="after"/>
            """ + Bpmn.Chain("s", "vote", "after"));
        h.Start(new { voters = 5 });
        Assert.Equal(5, h.State.UserTasks.Count);
        h.Run(new CompleteUserTask(h.State.UserTasks[0].Id, "x", [], null));
        h.Run(new CompleteUserTask(h.State.UserTasks[0].Id, "y", [], null));
        Assert.Equal(["after"], h.State.ActiveActivityIds);
        Assert.Equal(3, h.LastEffects<UserTaskClosed>().Count(c => c.Reason == TaskCloseReason.Cancelled));
    }

    [Fact]
    public void Zero_instances_skip_the_activity()
    {
        var h = Harness.For("""
            <startEvent id="s"/><userTask id="u"><multiInstanceLoopCharacteristics camunda:collection="${items}"/></userTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "u", "e"));
        h.Start(new { items = Array.Empty<int>() });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Empty(h.Effects<UserTaskCreated>());
    }

    [Fact]
    public void Collection_that_is_not_an_array_raises_incident()
    {
        var h = Harness.For("""
            <startEvent id="s"/><userTask id="u"><multiInstanceLoopCharacteristics camunda:collection="${items}"/></userTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "u", "e"));
        h.Start(new { items = 5 });
        Assert.Equal("u", Assert.Single(h.State.Incidents).ActivityId);
    }

    [Fact]
    public void Multi_instance_subprocess_has_isolated_element_variables()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <subProcess id="perLine"><multiInstanceLoopCharacteristics camunda:collection="${lines}" camunda:elementVariable="line"/>
              <startEvent id="ss"/><userTask id="check" camunda:assignee="${line.owner}"/><endEvent id="se"/>
            """ + Bpmn.Chain("ss", "check", "se") + """
            </subProcess><endEvent id="e"/>
            """ + Bpmn.Chain("s", "perLine", "e"));
        h.Start(new { lines = new[] { new { owner = "x" }, new { owner = "y" } } });
        Assert.Equal(["x", "y"], h.State.UserTasks.Select(t => t.Assignee).Order());
        foreach (var t in h.State.UserTasks.ToList())
        {
            h.Run(new CompleteUserTask(t.Id, t.Assignee!, [], null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.False(h.State.Variables.ContainsKey("line"));
    }

    [Fact]
    public void Multi_instance_service_task_dispatches_one_job_per_element()
    {
        var h = Harness.For("""
            <startEvent id="s"/><serviceTask id="svc" camunda:type="external" camunda:topic="check"><multiInstanceLoopCharacteristics camunda:collection="${ids}" camunda:elementVariable="id"/></serviceTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "svc", "e"));
        h.Start(new { ids = new[] { "a", "b" } });
        var jobs = h.Effects<ServiceTaskDispatched>().ToList();
        Assert.Equal(["a", "b"], jobs.Select(j => j.Input["id"]!.GetValue<string>()).Order());
        foreach (var j in jobs)
        {
            h.Run(new CompleteServiceTask(j.JobId, null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Multi_instance_call_activity_requests_one_child_per_element()
    {
        var h = Harness.For("""
            <startEvent id="s"/><callActivity id="call" calledElement="child"><multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></callActivity><endEvent id="e"/>
            """ + Bpmn.Chain("s", "call", "e"));
        h.Start();
        var reqs = h.Effects<ChildInstanceRequested>().ToList();
        Assert.Equal(3, reqs.Select(r => r.ChildInstanceId).Distinct().Count());
        foreach (var r in reqs)
        {
            h.Run(new ChildInstanceEnded(r.ChildInstanceId, ChildOutcome.Completed, null, null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Property_multi_instance_completes_exactly_once_in_any_completion_order(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 10; round++)
        {
            var n = random.Next(0, 8);
            var sequential = random.Next(2) == 0;
            var threshold = random.Next(0, n + 2);
            var condition = threshold <= n && random.Next(2) == 0 ? $"<completionCondition>${{nrOfCompletedInstances >= {threshold}}}</completionCondition>" : "";
            var h = Harness.For($"""
                <startEvent id="s"/>
                <userTask id="u"><multiInstanceLoopCharacteristics isSequential="{(sequential ? "true" : "false")}"><loopCardinality>{n}</loopCardinality>{condition}</multiInstanceLoopCharacteristics></userTask>
                <task id="after"/><endEvent id="e"/>
                """ + Bpmn.Chain("s", "u", "after", "e"));
            h.Start();
            var completed = 0;
            while (h.State.UserTasks.Count > 0)
            {
                Assert.True(sequential ? h.State.UserTasks.Count == 1 : h.State.UserTasks.Count == n - completed, $"n={n} seq={sequential} completed={completed}");
                var t = h.State.UserTasks[random.Next(h.State.UserTasks.Count)];
                h.Run(new CompleteUserTask(t.Id, "u", [], null));
                completed++;
            }

            var expectedCompleted = condition.Length == 0 || n == 0 ? n : Math.Max(threshold, 1);
            Assert.Equal(expectedCompleted, completed);
            Assert.Equal(1, h.CountCompleted("after"));
            Assert.Equal(InstanceStatus.Completed, h.State.Status);
        }
    }
}
