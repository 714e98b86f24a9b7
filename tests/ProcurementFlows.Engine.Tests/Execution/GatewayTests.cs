using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Tests.Execution;

public class GatewayTests
{
    private static Harness Exclusive(bool withDefault = true) => Harness.For($"""
        <startEvent id="s"/>
        <exclusiveGateway id="g"{(withDefault ? " default=\"g_low\"" : "")}/>
        <task id="high"/><task id="mid"/><task id="low"/>
        <endEvent id="e1"/><endEvent id="e2"/><endEvent id="e3"/>
        {Bpmn.Flow("s", "g")}
        {Bpmn.Flow("g", "high", "${amount > 1000}")}
        {Bpmn.Flow("g", "mid", "${amount > 100}")}
        {(withDefault ? Bpmn.Flow("g", "low") : Bpmn.Flow("g", "low", "${amount < 0}"))}
        {Bpmn.Flow("high", "e1")}{Bpmn.Flow("mid", "e2")}{Bpmn.Flow("low", "e3")}
        """);

    [Theory]
    [InlineData(5000, "high")]
    [InlineData(500, "mid")]
    [InlineData(50, "low")]
    [InlineData(1001, "high")]
    [InlineData(101, "mid")]
    [InlineData(100, "low")]
    public void Exclusive_takes_the_first_true_flow_in_order_else_default(int amount, string expected)
    {
        var h = Exclusive().Start(new { amount });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        var taken = new[] { "high", "mid", "low" }.Where(t => h.Completed.Contains(t)).ToList();
        Assert.Equal([expected], taken);
        var decision = h.Effects<HistoryRecorded>().Single(x => x.Entry.Type == HistoryEntryType.GatewayDecision).Entry;
        Assert.Equal("g", decision.ActivityId);
        Assert.Equal($"g_{expected}", decision.Data!["flows"]![0]!.GetValue<string>());
        Assert.Equal(expected == "low" ? "default" : "condition", decision.Data["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Exclusive_without_match_raises_incident_and_retry_after_fix_continues()
    {
        var h = Exclusive(withDefault: false).Start(new { amount = 50 });
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal("noOutgoingFlow", incident.Type);
        Assert.Equal("g", incident.ActivityId);
        Assert.Single(h.Effects<IncidentRaised>());
        Assert.Equal(["g"], h.State.ActiveActivityIds);

        h.Run(new SetVariables(new Dictionary<string, JsonNode?> { ["amount"] = 2000 }, "admin"));
        h.Run(new RetryIncident(incident.Id));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains("high", h.Completed);
        Assert.Single(h.LastEffects<IncidentResolved>());
        Assert.Empty(h.State.Incidents);
    }

    [Fact]
    public void Exclusive_condition_error_raises_expression_incident()
    {
        var h = Harness.For("""
            <startEvent id="s"/><exclusiveGateway id="g" default="g_b"/><endEvent id="a"/><endEvent id="b"/>
            """ + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a", "${missingVariable > 3}") + Bpmn.Flow("g", "b"));
        h.Start();
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal("expression", incident.Type);
        Assert.Contains("missingVariable", incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exclusive_gateway_as_merge_passes_every_token()
    {
        var h = Harness.For("""
            <startEvent id="s"/><parallelGateway id="fork"/><task id="a"/><task id="b"/><exclusiveGateway id="merge"/><task id="after"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "fork") + Bpmn.Flow("fork", "a") + Bpmn.Flow("fork", "b") + Bpmn.Flow("a", "merge") + Bpmn.Flow("b", "merge") + Bpmn.Chain("merge", "after", "e"));
        h.Start();
        Assert.Equal(2, h.CountCompleted("after"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Parallel_fork_and_join_waits_for_all_branches()
    {
        var h = Harness.For("""
            <startEvent id="s"/><parallelGateway id="fork"/><userTask id="a"/><userTask id="b"/><userTask id="c"/><parallelGateway id="join"/><task id="after"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "fork") + Bpmn.Flow("fork", "a") + Bpmn.Flow("fork", "b") + Bpmn.Flow("fork", "c")
                + Bpmn.Flow("a", "join") + Bpmn.Flow("b", "join") + Bpmn.Flow("c", "join") + Bpmn.Chain("join", "after", "e"));
        h.Start();
        Assert.Equal(["a", "b", "c"], h.State.ActiveActivityIds);
        h.Complete("b");
        Assert.Equal(["a", "c", "join"], h.State.ActiveActivityIds);
        h.Complete("a");
        Assert.DoesNotContain("after", h.Completed);
        h.Complete("c");
        Assert.Equal(1, h.CountCompleted("after"));
        Assert.Equal(1, h.CountCompleted("join"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Parallel_gateway_ignores_conditions()
    {
        var h = Harness.For("""
            <startEvent id="s"/><parallelGateway id="fork"/><task id="a"/><task id="b"/><endEvent id="e1"/><endEvent id="e2"/>
            """ + Bpmn.Flow("s", "fork") + Bpmn.Flow("fork", "a", "${false}") + Bpmn.Flow("fork", "b") + Bpmn.Flow("a", "e1") + Bpmn.Flow("b", "e2"));
        h.Start();
        Assert.Contains("a", h.Completed);
        Assert.Contains("b", h.Completed);
    }

    private static Harness Inclusive() => Harness.For("""
        <startEvent id="s"/>
        <inclusiveGateway id="split" default="split_d"/>
        <userTask id="a"/><userTask id="b"/><userTask id="d"/>
        <inclusiveGateway id="join"/>
        <task id="after"/><endEvent id="e"/>
        """ + Bpmn.Flow("s", "split") + Bpmn.Flow("split", "a", "${x > 0}") + Bpmn.Flow("split", "b", "${y > 0}") + Bpmn.Flow("split", "d")
            + Bpmn.Flow("a", "join") + Bpmn.Flow("b", "join") + Bpmn.Flow("d", "join") + Bpmn.Chain("join", "after", "e"));

    [Fact]
    public void Inclusive_split_activates_every_true_branch_and_join_waits_for_them_only()
    {
        var h = Inclusive().Start(new { x = 1, y = 1 });
        Assert.Equal(["a", "b"], h.State.ActiveActivityIds);
        h.Complete("a");
        Assert.Equal(0, h.CountCompleted("after"));
        Assert.Equal(["b", "join"], h.State.ActiveActivityIds);
        h.Complete("b");
        Assert.Equal(1, h.CountCompleted("after"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Inclusive_join_with_single_active_branch_fires_immediately()
    {
        var h = Inclusive().Start(new { x = 1, y = 0 });
        Assert.Equal(["a"], h.State.ActiveActivityIds);
        h.Complete("a");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(1, h.CountCompleted("join"));
    }

    [Fact]
    public void Inclusive_split_takes_default_when_nothing_matches()
    {
        var h = Inclusive().Start(new { x = 0, y = 0 });
        Assert.Equal(["d"], h.State.ActiveActivityIds);
        h.Complete("d");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Inclusive_join_waits_for_token_upstream_that_can_still_arrive()
    {
        // Branch b has two steps; a token in b1 can still reach the join, so completing a must not fire it.
        var h = Harness.For("""
            <startEvent id="s"/><inclusiveGateway id="split"/>
            <userTask id="a"/><userTask id="b1"/><userTask id="b2"/>
            <inclusiveGateway id="join"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "split") + Bpmn.Flow("split", "a", "${true}") + Bpmn.Flow("split", "b1", "${true}")
                + Bpmn.Flow("a", "join") + Bpmn.Chain("b1", "b2", "join") + Bpmn.Flow("join", "e"));
        h.Start();
        h.Complete("a");
        Assert.Equal(["b1", "join"], h.State.ActiveActivityIds);
        h.Complete("b1");
        Assert.Equal(["b2", "join"], h.State.ActiveActivityIds);
        h.Complete("b2");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(1, h.CountCompleted("e"));
    }

    [Fact]
    public void Inclusive_join_ignores_token_that_cannot_reach_it()
    {
        var h = Harness.For("""
            <startEvent id="s"/><parallelGateway id="fork"/>
            <userTask id="side"/><endEvent id="sideEnd"/>
            <inclusiveGateway id="split"/><userTask id="a"/><userTask id="b"/><inclusiveGateway id="join"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "fork") + Bpmn.Flow("fork", "side") + Bpmn.Flow("side", "sideEnd") + Bpmn.Flow("fork", "split")
                + Bpmn.Flow("split", "a", "${true}") + Bpmn.Flow("split", "b", "${false}") + Bpmn.Flow("a", "join") + Bpmn.Flow("b", "join") + Bpmn.Flow("join", "e"));
        h.Start();
        h.Complete("a");
        Assert.Equal(1, h.CountCompleted("e"));
        Assert.Equal(["side"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Inclusive_split_without_match_or_default_raises_incident()
    {
        var h = Harness.For("""
            <startEvent id="s"/><inclusiveGateway id="split"/><task id="a"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "split") + Bpmn.Flow("split", "a", "${false}") + Bpmn.Chain("a", "e"));
        h.Start();
        Assert.Equal("noOutgoingFlow", Assert.Single(h.State.Incidents).Type);
    }

    private static Harness EventGateway() => Harness.For("""
        <startEvent id="s"/><eventBasedGateway id="g"/>
        <intermediateCatchEvent id="msg"><messageEventDefinition messageRef="M"/></intermediateCatchEvent>
        <intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>PT2H</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <task id="onMsg"/><task id="onTimeout"/><endEvent id="e1"/><endEvent id="e2"/>
        """ + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "msg") + Bpmn.Flow("g", "timeout") + Bpmn.Chain("msg", "onMsg", "e1") + Bpmn.Chain("timeout", "onTimeout", "e2"),
        """<bpmn:message id="M" name="reply"/>""");

    [Fact]
    public void Event_gateway_message_wins_and_timer_is_cancelled()
    {
        var h = EventGateway().Start();
        Assert.Equal(["g"], h.State.ActiveActivityIds);
        var timer = Assert.Single(h.State.Timers);
        Assert.Equal(Harness.Epoch.AddHours(2), timer.DueAt);
        var sub = Assert.Single(h.State.MessageSubscriptions);
        Assert.Equal(("reply", "BK-1"), (sub.MessageName, sub.CorrelationKey));
        h.Deliver("msg", new { answer = "yes" });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains("onMsg", h.Completed);
        Assert.DoesNotContain("onTimeout", h.Completed);
        Assert.Equal(timer.Id, Assert.Single(h.LastEffects<TimerCancelled>()).TimerId);
        Assert.Equal("yes", h.Get<string>("answer"));
    }

    [Fact]
    public void Event_gateway_timer_wins_and_subscription_closes()
    {
        var h = EventGateway().Start();
        var sub = Assert.Single(h.State.MessageSubscriptions);
        h.FireTimer("timeout");
        Assert.Contains("onTimeout", h.Completed);
        Assert.DoesNotContain("onMsg", h.Completed);
        Assert.Equal(sub.Id, Assert.Single(h.LastEffects<MessageSubscriptionClosed>()).SubscriptionId);
        Assert.Empty(h.State.MessageSubscriptions);
    }

    [Fact]
    public void Event_gateway_late_message_is_a_noop()
    {
        var h = EventGateway().Start();
        var sub = Assert.Single(h.State.MessageSubscriptions);
        h.FireTimer("timeout");
        var before = h.State;
        h.Run(new DeliverMessage(sub.Id, null));
        Assert.Empty(h.Last);
        Assert.Same(before, h.State);
    }
}
