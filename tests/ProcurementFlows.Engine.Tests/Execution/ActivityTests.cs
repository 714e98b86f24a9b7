using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Tests.Execution;

public class ActivityTests
{
    private static Harness Service(string extra = "", string attrs = "") => Harness.For($"""
        <startEvent id="s"/><serviceTask id="svc" camunda:type="external" camunda:topic="registry-check" {attrs}>{extra}</serviceTask><endEvent id="e"/>
        {Bpmn.Chain("s", "svc", "e")}
        """);

    [Fact]
    public void External_task_is_dispatched_with_variables_and_completes()
    {
        var h = Service().Start(new { supplier = "ACME" });
        var d = Assert.Single(h.Effects<ServiceTaskDispatched>());
        Assert.Equal(("svc", "registry-check", 3), (d.ActivityId, d.Topic, d.RetriesLeft));
        Assert.Equal("ACME", d.Input["supplier"]!.GetValue<string>());
        var job = Assert.Single(h.State.ServiceJobs);
        Assert.Equal(d.JobId, job.Id);
        h.Run(new CompleteServiceTask(job.Id, Harness.Vars(new { score = 7 })));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(7, h.Get<int>("score"));
        var state = h.State;
        h.Run(new CompleteServiceTask(job.Id, null));
        Assert.Same(state, h.State);
    }

    [Fact]
    public void Topic_may_be_an_expression()
    {
        var h = Harness.For("""<startEvent id="s"/><serviceTask id="svc" camunda:type="external" camunda:topic="check-${country}"/>""" + Bpmn.Flow("s", "svc"));
        h.Start(new { country = "no" });
        Assert.Equal("check-no", Assert.Single(h.State.ServiceJobs).Topic);
    }

    [Fact]
    public void Failures_use_retry_cycle_then_raise_incident_and_retry_resolves()
    {
        var h = Service("<extensionElements><camunda:failedJobRetryTimeCycle>R2/PT30S</camunda:failedJobRetryTimeCycle></extensionElements>").Start();
        var job = Assert.Single(h.State.ServiceJobs);
        Assert.Equal(2, job.RetriesLeft);
        h.Run(new FailServiceTask(job.Id, "timeout", "details", Retryable: true));
        var retry = Assert.Single(h.LastEffects<ServiceTaskRetryScheduled>());
        Assert.Equal((Harness.Epoch.AddSeconds(30), 1, "timeout"), (retry.DueAt, retry.RetriesLeft, retry.LastError));
        Assert.Equal(ServiceJobStatus.RetryScheduled, h.State.ServiceJobs[0].Status);
        h.Run(new FailServiceTask(job.Id, "timeout again", null, Retryable: true));
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal(("failedJob", job.Id, "svc"), (incident.Type, incident.JobId, incident.ActivityId));
        Assert.Equal(ServiceJobStatus.Incident, h.State.ServiceJobs[0].Status);
        Assert.Single(h.LastEffects<IncidentRaised>());

        h.Run(new RetryIncident(incident.Id, 2));
        Assert.Empty(h.State.Incidents);
        var redispatch = Assert.Single(h.LastEffects<ServiceTaskDispatched>());
        Assert.Equal((job.Id, 2), (redispatch.JobId, redispatch.RetriesLeft));
        h.Run(new CompleteServiceTask(job.Id, null));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Non_retryable_failure_raises_incident_immediately()
    {
        var h = Service().Start();
        h.Run(new FailServiceTask(h.State.ServiceJobs[0].Id, "bad request", null, Retryable: false));
        Assert.Single(h.State.Incidents);
        Assert.Empty(h.LastEffects<ServiceTaskRetryScheduled>());
    }

    [Fact]
    public void Default_retries_come_from_engine_options()
    {
        var h = new Harness(Bpmn.Compile(Bpmn.Definitions("""<startEvent id="s"/><serviceTask id="svc" camunda:type="external" camunda:topic="t"/>""" + Bpmn.Flow("s", "svc"))),
            new EngineOptions { DefaultServiceTaskRetries = 1, DefaultRetryDelay = TimeSpan.FromMinutes(1) });
        h.Start();
        Assert.Equal(1, h.State.ServiceJobs[0].RetriesLeft);
        h.Run(new FailServiceTask(h.State.ServiceJobs[0].Id, "x", null, true));
        Assert.Single(h.State.Incidents);
    }

    [Fact]
    public void Uncaught_bpmn_error_from_service_task_becomes_incident_not_lost_token()
    {
        var h = Service().Start();
        h.Run(new ThrowServiceTaskError(h.State.ServiceJobs[0].Id, "NOBODY_CATCHES", "msg", null));
        Assert.Equal("unhandledBpmnError", Assert.Single(h.State.Incidents).Type);
        Assert.Equal(["svc"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Unknown_job_commands_are_noops()
    {
        var h = Service().Start();
        var s = h.State;
        h.Run(new CompleteServiceTask("x", null));
        h.Run(new FailServiceTask("x", "m", null, true));
        h.Run(new ThrowServiceTaskError("x", "E", null, null));
        Assert.Same(s, h.State);
    }

    [Fact]
    public void Business_rule_task_can_be_external()
    {
        var h = Harness.For("""<startEvent id="s"/><businessRuleTask id="rule" camunda:type="external" camunda:topic="rules"/><endEvent id="e"/>""" + Bpmn.Chain("s", "rule", "e"));
        h.Start();
        Assert.Equal("rules", Assert.Single(h.State.ServiceJobs).Topic);
    }

    [Fact]
    public void Script_task_sets_result_variable_and_execution_variables()
    {
        var h = Harness.For("""
            <startEvent id="s"/><scriptTask id="calc" scriptFormat="javascript" camunda:resultVariable="total"><script>execution.setVariable('vat', amount * 0.25); amount * 1.25</script></scriptTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "calc", "e"));
        h.Start(new { amount = 100 });
        Assert.Equal(125, h.Get<double>("total"));
        Assert.Equal(25, h.Get<double>("vat"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Runaway_script_raises_incident_not_crash()
    {
        var h = Harness.For("""
            <startEvent id="s"/><scriptTask id="loop" scriptFormat="javascript"><script>while (true) { }</script></scriptTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "loop", "e"));
        h.Start();
        var incident = Assert.Single(h.State.Incidents);
        Assert.Equal(("script", "loop"), (incident.Type, incident.ActivityId));
        Assert.Equal(["loop"], h.State.ActiveActivityIds);
    }

    [Fact]
    public void Script_incident_retry_runs_script_again()
    {
        var h = Harness.For("""
            <startEvent id="s"/><scriptTask id="calc" scriptFormat="javascript" camunda:resultVariable="r"><script>input.value * 2</script></scriptTask><endEvent id="e"/>
            """ + Bpmn.Chain("s", "calc", "e"));
        h.Start();
        var incident = Assert.Single(h.State.Incidents);
        h.Run(new SetVariables(new Dictionary<string, JsonNode?> { ["input"] = new JsonObject { ["value"] = 21 } }, "admin"));
        h.Run(new RetryIncident(incident.Id));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(42, h.Get<double>("r"));
    }

    [Fact]
    public void Embedded_subprocess_runs_inner_flow_with_scope()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><userTask id="inner"/><endEvent id="se"/>
            """ + Bpmn.Chain("ss", "inner", "se") + """
            </subProcess><userTask id="after"/><endEvent id="e"/>
            """ + Bpmn.Chain("s", "sp", "after", "e"));
        h.Start();
        Assert.Equal(["inner"], h.State.ActiveActivityIds);
        var sp = h.State.ActivityInstances.Single(a => a.ActivityId == "sp");
        var inner = h.State.ActivityInstances.Single(a => a.ActivityId == "inner");
        Assert.Equal(sp.Id, inner.ParentId);
        h.Complete("inner");
        Assert.Equal(["after"], h.State.ActiveActivityIds);
        Assert.Equal(["s", "ss", "inner", "se", "sp"], h.Completed);
    }

    [Fact]
    public void Input_output_mappings_keep_locals_local_and_map_results_out()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <userTask id="u"><extensionElements><camunda:inputOutput>
              <camunda:inputParameter name="limit">${amount * 2}</camunda:inputParameter>
              <camunda:inputParameter name="label">Order ${orderNo}</camunda:inputParameter>
              <camunda:inputParameter name="tags"><camunda:list><camunda:value>a</camunda:value><camunda:value>${orderNo}</camunda:value></camunda:list></camunda:inputParameter>
              <camunda:inputParameter name="meta"><camunda:map><camunda:entry key="k">${amount}</camunda:entry></camunda:map></camunda:inputParameter>
              <camunda:outputParameter name="approvedLimit">${decision == 'yes' ? limit : 0}</camunda:outputParameter>
            </camunda:inputOutput></extensionElements></userTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "u", "e"));
        h.Start(new { amount = 50, orderNo = "PO-1" });
        var exec = h.State.ActivityInstances.Single(a => a.ActivityId == "u").Id;
        var local = h.State.GetVariablesAt(exec);
        Assert.Equal(100, local["limit"]!.GetValue<double>());
        Assert.Equal("Order PO-1", local["label"]!.GetValue<string>());
        Assert.Equal("PO-1", local["tags"]![1]!.GetValue<string>());
        Assert.Equal(50, local["meta"]!["k"]!.GetValue<double>());
        Assert.False(h.State.Variables.ContainsKey("limit"));
        h.Complete("u", new { decision = "yes" });
        Assert.Equal(100, h.Get<double>("approvedLimit"));
        Assert.False(h.State.Variables.ContainsKey("decision"));
        Assert.False(h.State.Variables.ContainsKey("limit"));
    }

    [Fact]
    public void External_task_with_input_mapping_receives_only_mapped_input()
    {
        var h = Service("""<extensionElements><camunda:inputOutput><camunda:inputParameter name="orgNo">${supplier.orgNo}</camunda:inputParameter></camunda:inputOutput></extensionElements>""")
            .Start(new { supplier = new { orgNo = "999", name = "ACME" }, secret = "s" });
        var d = Assert.Single(h.Effects<ServiceTaskDispatched>());
        Assert.Equal(["orgNo"], d.Input.Keys);
    }

    [Fact]
    public void Failing_input_mapping_raises_incident()
    {
        var h = Service("""<extensionElements><camunda:inputOutput><camunda:inputParameter name="x">${missing.y}</camunda:inputParameter></camunda:inputOutput></extensionElements>""").Start();
        Assert.Equal("expression", Assert.Single(h.State.Incidents).Type);
        Assert.Empty(h.State.ServiceJobs);
    }

    [Fact]
    public void Conditional_flows_leaving_a_task_are_evaluated()
    {
        var h = Harness.For("""
            <startEvent id="s"/><task id="t" default="t_c"/><userTask id="a"/><userTask id="b"/><userTask id="c"/>
            """ + Bpmn.Flow("s", "t") + Bpmn.Flow("t", "a", "${x > 1}") + Bpmn.Flow("t", "b", "${x > 2}") + Bpmn.Flow("t", "c"));
        h.Start(new { x = 5 });
        Assert.Equal(["a", "b"], h.State.ActiveActivityIds);
        var h2 = new Harness(h.Process).Start(new { x = 0 });
        Assert.Equal(["c"], h2.State.ActiveActivityIds);
    }

    [Fact]
    public void Manual_task_and_plain_task_pass_through()
    {
        var h = Harness.For("""<startEvent id="s"/><manualTask id="m"/><task id="t"/><endEvent id="e"/>""" + Bpmn.Chain("s", "m", "t", "e"));
        h.Start();
        Assert.Equal(["s", "m", "t", "e"], h.Completed);
    }
}
