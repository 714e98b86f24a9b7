namespace ProcurementFlows.Engine.Tests.Execution;

public class BasicFlowTests
{
    [Fact]
    public void None_start_task_end_completes_in_one_command()
    {
        var h = Harness.For("""
            <startEvent id="start"/>
            <task id="t1"/>
            <endEvent id="end"/>
            """ + Bpmn.Chain("start", "t1", "end"));
        h.Start(new { amount = 5 });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.Equal(["start", "t1", "end"], h.Completed);
        var done = Assert.Single(h.Effects<InstanceCompleted>());
        Assert.Equal(5, done.Variables["amount"]!.GetValue<int>());
        Assert.Equal(3, h.Steps);
    }

    [Fact]
    public void User_task_waits_and_completion_continues()
    {
        var h = Harness.For("""
            <startEvent id="start"/>
            <userTask id="review" name="Review" camunda:assignee="alice"/>
            <endEvent id="end"/>
            """ + Bpmn.Chain("start", "review", "end"));
        h.Start();
        Assert.Equal(InstanceStatus.Active, h.State.Status);
        var task = h.Task("review");
        Assert.Equal("alice", task.Assignee);
        Assert.Equal("Review", task.Name);
        Assert.Equal(["review"], h.State.ActiveActivityIds);
        Assert.Single(h.Effects<UserTaskCreated>());
        h.Complete("review", new { approved = true });
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
        Assert.True(h.Get<bool>("approved"));
        Assert.Equal(TaskCloseReason.Completed, Assert.Single(h.Effects<UserTaskClosed>()).Reason);
    }
}
