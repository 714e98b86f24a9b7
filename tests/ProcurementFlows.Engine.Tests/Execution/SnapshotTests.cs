namespace ProcurementFlows.Engine.Tests.Execution;

/// <summary>Snapshots written by earlier builds (Fixtures/*.state.json) must keep loading and running.</summary>
public class SnapshotTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static CompiledProcess Load(string bpmn, string key) => Bpmn.Compile(Fixture(bpmn), key);

    private static Harness Resume(string bpmn, string key, string state)
    {
        var h = new Harness(Load(bpmn, key));
        h.Clock.SetUtcNow(Harness.Epoch.AddHours(1));
        h.Run(new SetVariables(new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), null), ProcessStateSerializer.Deserialize(Fixture(state)));
        return h;
    }

    [Fact]
    public void Approval_fixture_loads_and_runs_to_completion_with_sod_intact()
    {
        var h = Resume("approval.bpmn", "approval", "approval-v1.state.json");
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        Assert.Equal(["Task_Approve"], h.State.ActiveActivityIds);
        var task = h.Task("Task_Approve");
        Assert.Equal(["approvers"], task.CandidateGroups);
        Assert.Single(h.State.Timers);

        h.FireTimer("reminder");
        Assert.Equal(1, h.Task("Task_Approve").EscalationLevel);
        var sod = Assert.Throws<CommandRejectedException>(() => h.Complete("Task_Approve", new { approved = true }, "olga", "approvers"));
        Assert.Equal("notCompletedBy:Task_Requirement", sod.Rule);
        h.Complete("Task_Approve", new { approved = true }, "petter", "approvers");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Contains("approved", h.Completed);
    }

    [Fact]
    public void Vetting_fixture_loads_and_runs_to_completion()
    {
        var h = Resume("vetting.bpmn", "vetting", "vetting-v1.state.json");
        Assert.Equal(["checkRegistry", "waitDocs"], h.State.ActiveActivityIds);
        var retrying = Assert.Single(h.State.ServiceJobs, j => j.Status == ServiceJobStatus.RetryScheduled);
        foreach (var job in h.State.ServiceJobs.ToList())
        {
            h.Run(new CompleteServiceTask(job.Id, null));
        }

        Assert.NotNull(retrying);
        h.Deliver("waitDocs", new { docs = 3 });
        Assert.Equal(["finance", "legal"], h.State.ActiveActivityIds);
        h.Complete("legal", groups: "legal");
        Assert.Equal(["finance", "merge"], h.State.ActiveActivityIds);
        h.Complete("finance", groups: "finance");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Fixture_round_trips_byte_for_byte()
    {
        foreach (var name in new[] { "approval-v1.state.json", "vetting-v1.state.json" })
        {
            var json = Fixture(name).Trim();
            Assert.Equal(json, ProcessStateSerializer.Serialize(ProcessStateSerializer.Deserialize(json)));
        }
    }

    [Fact]
    public void Snapshot_has_schema_version()
    {
        Assert.Contains("\"schemaVersion\":1", Fixture("approval-v1.state.json"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "state.invalid")]
    [InlineData("{}", "state.invalid")]
    [InlineData("[1,2]", "state.invalid")]
    [InlineData("{\"schemaVersion\":99,\"instanceId\":\"x\"}", "state.unsupported-version")]
    [InlineData("{\"schemaVersion\":1}", "state.invalid")]
    [InlineData("{\"schemaVersion\":1,\"instanceId\":\"x\",\"status\":\"bogus\"}", "state.invalid")]
    public void Bad_snapshots_are_refused_with_clear_codes(string json, string code)
    {
        var ex = Assert.Throws<ProcurementFlowsException>(() => ProcessStateSerializer.Deserialize(json));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void Live_state_round_trips_and_keeps_running()
    {
        var h = new Harness(Load("vetting.bpmn", "vetting"));
        h.Start(new { owners = new[] { "a", "b" }, amount = 5 });
        var restored = ProcessStateSerializer.Deserialize(ProcessStateSerializer.Serialize(h.State));
        Assert.Equal(ProcessStateSerializer.Serialize(h.State), ProcessStateSerializer.Serialize(restored));
        h.Run(new CompleteServiceTask(restored.ServiceJobs[0].Id, null), restored);
        Assert.Single(h.State.ServiceJobs);
    }
}
