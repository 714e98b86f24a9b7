namespace ProcurementFlows.Engine.Tests.Execution;

public class EventTests
{
    private const string Globals = """
        <bpmn:message id="M" name="payment"/>
        <bpmn:message id="Out" name="notify"/>
        <bpmn:error id="Err" errorCode="REJECTED"/>
        <bpmn:error id="Other" errorCode="OTHER"/>
        <bpmn:escalation id="Esc" escalationCode="LATE"/>
        """;

    private static Harness For(string body) => Harness.For(body, Globals);

    [Fact]
    public void Timer_catch_waits_for_duration_on_fake_clock()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>P2DT3H</timeDuration></timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>
            """ + Bpmn.Chain("s", "wait", "e"));
        h.Start();
        var t = Assert.Single(h.State.Timers);
        Assert.Equal(Harness.Epoch.AddDays(2).AddHours(3), t.DueAt);
        Assert.Equal("wait", t.ActivityId);
        var scheduled = Assert.Single(h.Effects<TimerScheduled>());
        Assert.Equal((t.Id, t.DueAt), (scheduled.TimerId, scheduled.DueAt));
        h.FireTimer("wait");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains(h.Effects<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.TimerFired && x.Entry.Timestamp == t.DueAt);
    }

    [Fact]
    public void Timer_catch_with_date_expression()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDate>${deadline}</timeDate></timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>
            """ + Bpmn.Chain("s", "wait", "e"));
        h.Start(new { deadline = "2026-04-01T12:00:00Z" });
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero), Assert.Single(h.State.Timers).DueAt);
    }

    [Fact]
    public void Timer_with_invalid_runtime_value_raises_incident()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>${d}</timeDuration></timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>
            """ + Bpmn.Chain("s", "wait", "e"));
        h.Start(new { d = "tomorrow-ish" });
        Assert.Equal("timer", Assert.Single(h.State.Incidents).Type);
        Assert.Empty(h.State.Timers);
    }

    [Fact]
    public void Fire_unknown_timer_is_noop_and_duplicate_fire_is_noop()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></intermediateCatchEvent><userTask id="u"/>
            """ + Bpmn.Chain("s", "wait", "u"));
        h.Start();
        var t = Assert.Single(h.State.Timers);
        h.Run(new FireTimer("does-not-exist"));
        Assert.Empty(h.Last);
        h.Run(new FireTimer(t.Id));
        Assert.Single(h.State.UserTasks);
        var state = h.State;
        h.Run(new FireTimer(t.Id));
        Assert.Empty(h.Last);
        Assert.Same(state, h.State);
    }

    [Fact]
    public void Message_catch_correlates_by_business_key_and_sets_variables()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="pay"><messageEventDefinition messageRef="M"/></intermediateCatchEvent><endEvent id="e"/>
            """ + Bpmn.Chain("s", "pay", "e"));
        h.Start(businessKey: "ORDER-7");
        var opened = Assert.Single(h.Effects<MessageSubscriptionOpened>());
        Assert.Equal(("payment", "ORDER-7", "pay"), (opened.MessageName, opened.CorrelationKey, opened.ActivityId));
        h.Deliver("pay", new { paid = 120.5 });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(120.5, h.Get<double>("paid"));
        Assert.Contains(h.Effects<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.MessageReceived && x.Entry.ActivityId == "pay");
    }

    [Fact]
    public void Message_catch_with_pf_correlation_key_expression()
    {
        var h = For("""
            <startEvent id="s"/><intermediateCatchEvent id="pay"><messageEventDefinition messageRef="M" pf:correlationKey="${orderId}"/></intermediateCatchEvent><endEvent id="e"/>
            """ + Bpmn.Chain("s", "pay", "e"));
        h.Start(new { orderId = "PO-99" });
        Assert.Equal("PO-99", Assert.Single(h.State.MessageSubscriptions).CorrelationKey);
    }

    [Fact]
    public void Deliver_unknown_subscription_is_noop()
    {
        var h = For("""<startEvent id="s"/><intermediateCatchEvent id="pay"><messageEventDefinition messageRef="M"/></intermediateCatchEvent>""" + Bpmn.Flow("s", "pay"));
        h.Start();
        var state = h.State;
        h.Run(new DeliverMessage("nope", null));
        Assert.Same(state, h.State);
        Assert.Empty(h.Last);
    }

    [Fact]
    public void Receive_task_waits_for_message()
    {
        var h = For("""<startEvent id="s"/><receiveTask id="r" messageRef="M"/><endEvent id="e"/>""" + Bpmn.Chain("s", "r", "e"));
        h.Start();
        Assert.Equal(["r"], h.State.ActiveActivityIds);
        h.Deliver("r");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Send_task_and_message_throw_and_message_end_publish()
    {
        var h = For("""
            <startEvent id="s"/><sendTask id="send" messageRef="Out"/>
            <intermediateThrowEvent id="throw"><messageEventDefinition messageRef="Out"/></intermediateThrowEvent>
            <endEvent id="e"><messageEventDefinition messageRef="Out"/></endEvent>
            """ + Bpmn.Chain("s", "send", "throw", "e"));
        h.Start(businessKey: "K");
        var published = h.Effects<MessagePublished>().ToList();
        Assert.Equal(3, published.Count);
        Assert.All(published, p => Assert.Equal(("notify", "K"), (p.MessageName, p.CorrelationKey)));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Send_task_payload_comes_from_input_mapping()
    {
        var h = For("""
            <startEvent id="s"/><sendTask id="send" messageRef="Out"><extensionElements><camunda:inputOutput><camunda:inputParameter name="total">${amount * 2}</camunda:inputParameter></camunda:inputOutput></extensionElements></sendTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "send", "e"));
        h.Start(new { amount = 21 });
        var p = Assert.Single(h.Effects<MessagePublished>());
        Assert.Equal(42, p.Variables["total"]!.GetValue<double>());
    }

    [Fact]
    public void Link_events_jump_within_the_scope()
    {
        var h = For("""
            <startEvent id="s"/><intermediateThrowEvent id="go"><linkEventDefinition name="ToEnd"/></intermediateThrowEvent>
            <intermediateCatchEvent id="land"><linkEventDefinition name="ToEnd"/></intermediateCatchEvent><task id="after"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "go") + Bpmn.Chain("land", "after", "e"));
        h.Start();
        Assert.Equal(["s", "go", "land", "after", "e"], h.Completed);
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Terminate_end_event_ends_all_parallel_tokens()
    {
        var h = For("""
            <startEvent id="s"/><parallelGateway id="fork"/><userTask id="a"/><userTask id="b"/><endEvent id="kill"><terminateEventDefinition/></endEvent><endEvent id="e"/>
            """ + Bpmn.Flow("s", "fork") + Bpmn.Flow("fork", "a") + Bpmn.Flow("fork", "b") + Bpmn.Flow("a", "kill") + Bpmn.Flow("b", "e"));
        h.Start();
        var b = h.Task("b");
        h.Complete("a");
        Assert.Equal(InstanceStatus.Terminated, h.State.Status);
        Assert.Single(h.LastEffects<InstanceTerminated>());
        Assert.Contains(h.LastEffects<UserTaskClosed>(), c => c.TaskId == b.Id && c.Reason == TaskCloseReason.Cancelled);
        Assert.Empty(h.State.UserTasks);
        Assert.Empty(h.State.ActiveActivityIds);
    }

    [Fact]
    public void Terminate_inside_subprocess_ends_only_the_subprocess()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><parallelGateway id="f"/><userTask id="a"/><userTask id="b"/><endEvent id="t"><terminateEventDefinition/></endEvent><endEvent id="se"/>
            """ + Bpmn.Flow("ss", "f") + Bpmn.Flow("f", "a") + Bpmn.Flow("f", "b") + Bpmn.Flow("a", "t") + Bpmn.Flow("b", "se") + """
            </subProcess><userTask id="after"/>
            """ + Bpmn.Chain("s", "sp", "after"));
        h.Start();
        h.Complete("a");
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        Assert.Equal(["after"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Error_end_event_in_subprocess_is_caught_by_boundary()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><endEvent id="fail"><errorEventDefinition errorRef="Err"/></endEvent>
            """ + Bpmn.Flow("ss", "fail") + """
            </subProcess>
            <boundaryEvent id="onErr" attachedToRef="sp"><errorEventDefinition errorRef="Err" camunda:errorCodeVariable="code"/></boundaryEvent>
            <userTask id="handle"/><endEvent id="ok"/>
            """ + Bpmn.Chain("s", "sp", "ok") + Bpmn.Flow("onErr", "handle"));
        h.Start();
        Assert.Equal(["handle"], h.State.ActiveActivityIds);
        Assert.DoesNotContain("ok", h.Completed);
        Assert.Equal("REJECTED", h.Get<string>("code"));
    }

    [Fact]
    public void Catch_all_error_boundary_catches_any_code_but_specific_wins()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><endEvent id="fail"><errorEventDefinition errorRef="Err"/></endEvent>
            """ + Bpmn.Flow("ss", "fail") + """
            </subProcess>
            <boundaryEvent id="any" attachedToRef="sp"><errorEventDefinition/></boundaryEvent>
            <boundaryEvent id="specific" attachedToRef="sp"><errorEventDefinition errorRef="Err"/></boundaryEvent>
            <userTask id="viaAny"/><userTask id="viaSpecific"/>
            """ + Bpmn.Flow("s", "sp") + Bpmn.Flow("any", "viaAny") + Bpmn.Flow("specific", "viaSpecific"));
        h.Start();
        Assert.Equal(["viaSpecific"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Uncaught_error_end_event_in_top_level_process_ends_like_none_end()
    {
        var h = For("""<startEvent id="s"/><endEvent id="fail"><errorEventDefinition errorRef="Err"/></endEvent>""" + Bpmn.Flow("s", "fail"));
        h.Start();
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains(h.Effects<HistoryRecorded>(), x => x.Entry.Type == HistoryEntryType.ErrorThrown);
    }

    [Fact]
    public void Uncaught_error_in_child_instance_fails_it_with_the_error_code()
    {
        var h = For("""<startEvent id="s"/><endEvent id="fail"><errorEventDefinition errorRef="Err"/></endEvent>""" + Bpmn.Flow("s", "fail"));
        h.Run(new StartProcess("child-1", null, null, null, Parent: new ParentLink("parent-1", "parent-1-5", "call")), null);
        Assert.Equal(InstanceStatus.Terminated, h.State.Status);
        var failed = Assert.Single(h.Effects<InstanceFailedWithError>());
        Assert.Equal("REJECTED", failed.ErrorCode);
    }

    [Fact]
    public void Escalation_end_in_subprocess_caught_by_interrupting_boundary()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><parallelGateway id="f"/><userTask id="inner"/><endEvent id="esc"><escalationEventDefinition escalationRef="Esc"/></endEvent>
            """ + Bpmn.Flow("ss", "f") + Bpmn.Flow("f", "inner") + Bpmn.Flow("f", "esc") + """
            </subProcess>
            <boundaryEvent id="onEsc" attachedToRef="sp"><escalationEventDefinition escalationRef="Esc"/></boundaryEvent>
            <userTask id="handle"/>
            """ + Bpmn.Flow("s", "sp") + Bpmn.Flow("onEsc", "handle"));
        h.Start();
        Assert.Equal(["handle"], h.State.ActiveActivityIds);
        Assert.Contains(h.Effects<UserTaskClosed>(), c => c.Reason == TaskCloseReason.Cancelled);
    }

    [Fact]
    public void Escalation_throw_caught_by_non_interrupting_boundary_continues_both()
    {
        var h = For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="Esc"/></intermediateThrowEvent><userTask id="inner"/>
            """ + Bpmn.Chain("ss", "raise", "inner") + """
            </subProcess>
            <boundaryEvent id="onEsc" attachedToRef="sp" cancelActivity="false"><escalationEventDefinition escalationRef="Esc"/></boundaryEvent>
            <userTask id="notify"/>
            """ + Bpmn.Flow("s", "sp") + Bpmn.Flow("onEsc", "notify"));
        h.Start();
        Assert.Equal(["inner", "notify"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Uncaught_escalation_continues()
    {
        var h = For("""<startEvent id="s"/><intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="Esc"/></intermediateThrowEvent><endEvent id="e"/>""" + Bpmn.Chain("s", "raise", "e"));
        h.Start();
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Message_start_event_starts_by_message_name()
    {
        var h = For("""
            <startEvent id="plain"/><startEvent id="byMsg"><messageEventDefinition messageRef="M"/></startEvent>
            <userTask id="fromPlain"/><userTask id="fromMsg"/>
            """ + Bpmn.Flow("plain", "fromPlain") + Bpmn.Flow("byMsg", "fromMsg"));
        h.Start(messageName: "payment");
        Assert.Equal(["fromMsg"], h.State.ActiveActivityIds);
        var other = new Harness(h.Process).Start();
        Assert.Equal(["fromPlain"], other.State.ActiveActivityIds);
    }

    [Fact]
    public void Timer_start_event_started_by_runtime_with_start_event_id()
    {
        var h = For("""
            <startEvent id="daily"><timerEventDefinition><timeCycle>R/P1D</timeCycle></timerEventDefinition></startEvent><userTask id="u"/>
            """ + Bpmn.Flow("daily", "u"));
        Assert.Equal("daily", Assert.Single(h.Process.TimerStartEvents).ElementId);
        h.Start(startEventId: "daily");
        Assert.Equal(["u"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Unknown_start_message_or_event_is_rejected()
    {
        var h = For("""<startEvent id="s"/><endEvent id="e"/>""" + Bpmn.Flow("s", "e"));
        Assert.Equal("start.not-found", Assert.Throws<CommandRejectedException>(() => h.Start(messageName: "nope")).Code);
        Assert.Equal("start.not-found", Assert.Throws<CommandRejectedException>(() => h.Start(startEventId: "e")).Code);
    }
}
