namespace ProcurementFlows.Engine.Tests.Execution;

public class BoundaryAndEventSubProcessTests
{
    private const string Globals = """
        <bpmn:message id="Cancel" name="cancel-order"/>
        <bpmn:message id="Info" name="info"/>
        <bpmn:error id="Err" errorCode="BAD"/>
        <bpmn:escalation id="Esc" escalationCode="LATE"/>
        """;

    private static Harness For(string body) => Harness.For(body, Globals);

    private static string TaskWithBoundary(string boundary, string taskAttrs = "") => $"""
        <startEvent id="s"/><userTask id="work"{taskAttrs}/><endEvent id="done"/>
        {boundary}
        <userTask id="escalated"/><endEvent id="e2"/>
        {Bpmn.Chain("s", "work", "done")}{Bpmn.Chain("b", "escalated", "e2")}
        """;

    [Fact]
    public void Interrupting_timer_boundary_cancels_task_and_takes_boundary_path()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work"><timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition></boundaryEvent>"""));
        h.Start();
        var task = h.Task("work");
        Assert.Equal(Harness.Epoch.AddDays(3), Assert.Single(h.State.Timers).DueAt);
        h.FireTimer("b");
        Assert.Equal(["escalated"], h.State.ActiveActivityIds);
        Assert.Contains(h.LastEffects<UserTaskClosed>(), c => c.TaskId == task.Id && c.Reason == TaskCloseReason.Cancelled);
        Assert.Contains(h.LastEffects<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.ActivityCancelled && x.Entry.ActivityId == "work");
    }

    [Fact]
    public void Completing_task_cancels_its_boundary_timer()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work"><timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition></boundaryEvent>"""));
        h.Start();
        var timer = Assert.Single(h.State.Timers);
        h.Complete("work");
        Assert.Equal(timer.Id, Assert.Single(h.LastEffects<TimerCancelled>()).TimerId);
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        h.Run(new FireTimer(timer.Id));
        Assert.Empty(h.Last);
    }

    [Fact]
    public void Non_interrupting_repeating_timer_fires_three_times_and_task_stays()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeCycle>R3/P1D</timeCycle></timerEventDefinition></boundaryEvent>"""));
        h.Start();
        var due = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            var t = Assert.Single(h.State.Timers);
            due.Add(t.DueAt);
            h.FireTimer("b");
            Assert.Single(h.State.UserTasks, x => x.ActivityId == "work");
        }

        Assert.Equal([Harness.Epoch.AddDays(1), Harness.Epoch.AddDays(2), Harness.Epoch.AddDays(3)], due);
        Assert.Empty(h.State.Timers);
        Assert.Equal(3, h.State.UserTasks.Count(x => x.ActivityId == "escalated"));
        h.Complete("work");
        Assert.Equal(InstanceStatus.Active, h.State.Status);
    }

    [Fact]
    public void Escalation_marked_timer_raises_task_escalation_level()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work" cancelActivity="false" pf:taskEscalation="true"><timerEventDefinition><timeCycle>R2/PT4H</timeCycle></timerEventDefinition></boundaryEvent>"""));
        h.Start();
        h.FireTimer("b");
        Assert.Equal(1, h.Task("work").EscalationLevel);
        var esc = Assert.Single(h.LastEffects<UserTaskEscalated>());
        Assert.Equal((h.Task("work").Id, 1), (esc.TaskId, esc.Level));
        Assert.Contains(h.LastEffects<UserTaskUpdated>(), u => u.Task.EscalationLevel == 1);
        h.FireTimer("b");
        Assert.Equal(2, h.Task("work").EscalationLevel);
        Assert.Contains(h.Effects<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.TaskEscalated);
    }

    [Fact]
    public void Escalation_thrown_from_boundary_path_escalates_the_task()
    {
        var h = For("""
            <startEvent id="s"/><userTask id="work"/><endEvent id="done"/>
            <boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeDuration>PT8H</timeDuration></timerEventDefinition></boundaryEvent>
            <intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="Esc"/></intermediateThrowEvent><endEvent id="e2"/>
            """ + Bpmn.Chain("s", "work", "done") + Bpmn.Chain("b", "raise", "e2"));
        h.Start();
        h.FireTimer("b");
        var esc = Assert.Single(h.Effects<UserTaskEscalated>());
        Assert.Equal(("LATE", 1), (esc.EscalationCode, esc.Level));
        Assert.Equal(1, h.Task("work").EscalationLevel);
    }

    [Fact]
    public void Message_boundary_interrupts()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work"><messageEventDefinition messageRef="Cancel"/></boundaryEvent>"""));
        h.Start();
        h.Deliver("b", new { reason = "customer" });
        Assert.Equal(["escalated"], h.State.ActiveActivityIds);
        Assert.Equal("customer", h.Get<string>("reason"));
        Assert.Empty(h.State.MessageSubscriptions);
    }

    [Fact]
    public void Non_interrupting_message_boundary_keeps_subscription_and_task()
    {
        var h = For(TaskWithBoundary("""<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><messageEventDefinition messageRef="Info"/></boundaryEvent>"""));
        h.Start();
        h.Deliver("b");
        h.Deliver("b");
        Assert.Equal(2, h.State.UserTasks.Count(t => t.ActivityId == "escalated"));
        Assert.Single(h.State.UserTasks, t => t.ActivityId == "work");
        Assert.Single(h.State.MessageSubscriptions);
        h.Complete("work");
        Assert.Empty(h.State.MessageSubscriptions);
    }

    [Fact]
    public void Error_boundary_on_service_task_catches_bpmn_error()
    {
        var h = For("""
            <startEvent id="s"/><serviceTask id="check" camunda:type="external" camunda:topic="vet"/><endEvent id="ok"/>
            <boundaryEvent id="b" attachedToRef="check"><errorEventDefinition errorRef="Err" camunda:errorCodeVariable="why"/></boundaryEvent>
            <userTask id="manual"/>
            """ + Bpmn.Chain("s", "check", "ok") + Bpmn.Flow("b", "manual"));
        h.Start();
        var job = Assert.Single(h.State.ServiceJobs);
        h.Run(new ThrowServiceTaskError(job.Id, "BAD", "sanctioned", null));
        Assert.Equal(["manual"], h.State.ActiveActivityIds);
        Assert.Equal("BAD", h.Get<string>("why"));
        Assert.Empty(h.State.ServiceJobs);
    }

    [Fact]
    public void Error_boundary_on_multi_instance_body_cancels_all_instances()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
              <startEvent id="ss"/><exclusiveGateway id="g" default="g_u"/><endEvent id="boom"><errorEventDefinition errorRef="Err"/></endEvent><userTask id="u"/>
            """ + Bpmn.Flow("ss", "g") + Bpmn.Flow("g", "boom", "${loopCounter == 2}") + Bpmn.Flow("g", "u") + """
            </subProcess>
            <boundaryEvent id="b" attachedToRef="sp"><errorEventDefinition errorRef="Err"/></boundaryEvent>
            <userTask id="after"/>
            """ + Bpmn.Flow("s", "sp") + Bpmn.Flow("b", "after"));
        h.Start();
        Assert.Equal(["after"], h.State.ActiveActivityIds);
        Assert.Equal(2, h.Effects<UserTaskClosed>().Count(c => c.Reason == TaskCloseReason.Cancelled));
    }

    private static string EventSubProcess(string start, string inner = "<userTask id=\"handler\"/>") => $"""
        <startEvent id="s"/><userTask id="main"/><endEvent id="e"/>
        {Bpmn.Chain("s", "main", "e")}
        <subProcess id="esp" triggeredByEvent="true">{start}{inner}<endEvent id="espEnd"/>{Bpmn.Flow("es", "handler")}{Bpmn.Flow("handler", "espEnd")}</subProcess>
        """;

    [Fact]
    public void Interrupting_message_event_subprocess_cancels_main_flow()
    {
        var h = For(EventSubProcess("""<startEvent id="es"><messageEventDefinition messageRef="Cancel"/></startEvent>"""));
        h.Start();
        Assert.Single(h.State.MessageSubscriptions);
        h.Deliver("es");
        Assert.Equal(["handler"], h.State.ActiveActivityIds);
        h.Complete("handler");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.DoesNotContain("e", h.Completed);
    }

    [Fact]
    public void Non_interrupting_timer_event_subprocess_runs_alongside()
    {
        var h = For(EventSubProcess("""<startEvent id="es" isInterrupting="false"><timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition></startEvent>"""));
        h.Start();
        h.FireTimer("es");
        Assert.Equal(["handler", "main"], h.State.ActiveActivityIds);
        h.FireTimer("es");
        Assert.Equal(2, h.State.UserTasks.Count(t => t.ActivityId == "handler"));
        Assert.Empty(h.State.Timers);
        h.Complete("main");
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        foreach (var t in h.State.UserTasks.ToList())
        {
            h.Run(new CompleteUserTask(t.Id, "alice", [], null));
        }

        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Event_subprocess_timer_is_cancelled_when_process_completes()
    {
        var h = For(EventSubProcess("""<startEvent id="es" isInterrupting="false"><timerEventDefinition><timeDuration>P10D</timeDuration></timerEventDefinition></startEvent>"""));
        h.Start();
        var timer = Assert.Single(h.State.Timers);
        h.Complete("main");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains(h.LastEffects<TimerCancelled>(), t => t.TimerId == timer.Id);
    }

    [Fact]
    public void Error_event_subprocess_catches_error_from_service_task()
    {
        var h = For("""
            <startEvent id="s"/><serviceTask id="svc" camunda:type="external" camunda:topic="t"/><endEvent id="e"/>
            """ + Bpmn.Chain("s", "svc", "e") + """
            <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition errorRef="Err" camunda:errorCodeVariable="code"/></startEvent><userTask id="handler"/>
            """ + Bpmn.Flow("es", "handler") + "</subProcess>");
        h.Start();
        h.Run(new ThrowServiceTaskError(h.State.ServiceJobs[0].Id, "BAD", null, null));
        Assert.Equal(["handler"], h.State.ActiveActivityIds);
        Assert.Equal("BAD", h.State.GetVariablesAt(h.State.ActivityInstances.Single(a => a.ActivityId == "esp").Id)["code"]!.GetValue<string>());
    }

    [Fact]
    public void Escalation_event_subprocess_non_interrupting_inside_subprocess()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="Esc"/></intermediateThrowEvent><userTask id="inner"/>
            """ + Bpmn.Chain("ss", "raise", "inner") + """
              <subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="false"><escalationEventDefinition escalationRef="Esc"/></startEvent><userTask id="handler"/>
            """ + Bpmn.Flow("es", "handler") + """
              </subProcess>
            </subProcess><endEvent id="e"/>
            """ + Bpmn.Chain("s", "sp", "e"));
        h.Start();
        Assert.Equal(["handler", "inner"], h.State.ActiveActivityIds);
        h.Complete("inner");
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        h.Complete("handler");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Interrupting_escalation_event_subprocess_stops_the_thrower()
    {
        var h = For("""
            <startEvent id="s"/><intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="Esc"/></intermediateThrowEvent><userTask id="never"/>
            """ + Bpmn.Chain("s", "raise", "never") + """
            <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><escalationEventDefinition escalationRef="Esc"/></startEvent><userTask id="handler"/>
            """ + Bpmn.Flow("es", "handler") + "</subProcess>");
        h.Start();
        Assert.Equal(["handler"], h.State.ActiveActivityIds);
    }
}
