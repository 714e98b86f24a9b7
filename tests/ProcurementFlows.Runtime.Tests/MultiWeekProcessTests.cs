using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>A procurement case that lasts weeks, driven by a fake clock: reminders, escalation, standstill, a message.</summary>
public sealed class MultiWeekProcessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private RuntimeHarness _runtime = null!;

    public async Task InitializeAsync() =>
        _runtime = await RuntimeHarness.StartAsync(await SharedCluster.CreateDatabaseAsync("weeks"), _clock);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    private static string Diagram(string key) => Bpmn.Definitions($"""
          <bpmn:message id="Msg_Signed" name="ContractSigned" />
          <bpmn:process id="{key}" name="Tender evaluation" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task_Evaluate" />
            <bpmn:userTask id="Task_Evaluate" name="Evaluate tenders" camunda:candidateGroups="evaluators" camunda:dueDate="P10D" />
            <bpmn:boundaryEvent id="Reminder" attachedToRef="Task_Evaluate" cancelActivity="false">
              <bpmn:timerEventDefinition><bpmn:timeCycle>R3/P3D</bpmn:timeCycle></bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f_rem" sourceRef="Reminder" targetRef="ReminderSent" />
            <bpmn:endEvent id="ReminderSent" />
            <bpmn:boundaryEvent id="Escalation" attachedToRef="Task_Evaluate" cancelActivity="false" pf:taskEscalation="true">
              <bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f_esc" sourceRef="Escalation" targetRef="Escalated" />
            <bpmn:endEvent id="Escalated" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task_Evaluate" targetRef="Standstill" />
            <bpmn:intermediateCatchEvent id="Standstill" name="10-day standstill">
              <bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="Standstill" targetRef="WaitSigned" />
            <bpmn:intermediateCatchEvent id="WaitSigned" pf:correlationKey="${"{"}caseId{"}"}">
              <bpmn:messageEventDefinition messageRef="Msg_Signed" />
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f4" sourceRef="WaitSigned" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        """);

    [Fact]
    public async Task A_multi_week_case_runs_to_completion_with_reminders_escalation_standstill_and_a_message()
    {
        var key = "weeks_" + Guid.NewGuid().ToString("N")[..8];
        await _runtime.Deployments.DeployAsync(new DeploymentRequest(null, [new("weeks.bpmn", Diagram(key))]));
        var started = await _runtime.Commands.StartAsync(new StartInstanceRequest(key, BusinessKey: "T-2026-17", Variables: new Dictionary<string, JsonNode?> { ["caseId"] = "T-2026-17" }, StartedBy: "ivan"));
        var id = started.InstanceId;
        var taskId = Assert.Single(started.OpenTaskIds);
        var evaluator = UserContext.Of("eva", "evaluators");

        // Nothing is due yet.
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());

        // Days 3, 6, 9: three reminders; the task stays open and is not escalated yet.
        for (var day = 3; day <= 9; day += 3)
        {
            _clock.Advance(TimeSpan.FromDays(3));
            Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        }

        Assert.Equal(3, await CountHistoryAsync(id, "TimerFired", "Reminder"));
        Assert.Equal(0, (await _runtime.Queries.GetTaskAsync(taskId))!.EscalationLevel);

        // Day 10: the escalation timer marks the task; supervisors see it, and it is overdue.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        var task = await _runtime.Queries.GetTaskAsync(taskId);
        Assert.Equal(1, task!.EscalationLevel);
        _clock.Advance(TimeSpan.FromHours(1));
        var escalated = await _runtime.Queries.GetInboxAsync(new InboxQuery { Scope = InboxScope.Everyone, Escalated = true, Overdue = true, ProcessKey = key });
        Assert.Equal(taskId, Assert.Single(escalated.Items).Id);
        var workload = await _runtime.Queries.GetWorkloadAsync("evaluators");
        Assert.Contains(workload, w => w.Group == "evaluators" && w.Escalated == 1 && w.Overdue == 1);

        // Day 11: the evaluator completes; the reminder cycle ends (no 4th reminder), the standstill starts.
        _clock.Advance(TimeSpan.FromDays(1));
        await _runtime.Commands.CompleteTaskAsync(taskId, evaluator, new Dictionary<string, JsonNode?> { ["winner"] = "ACME" });
        Assert.Equal(0, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id = $1 AND status = 'pending' AND activity_id <> 'Standstill'", id));
        var detail = await _runtime.Queries.GetInstanceAsync(id);
        var standstill = Assert.Single(detail!.PendingTimers);
        Assert.Equal(_clock.GetUtcNow().AddDays(10), standstill.DueAt);

        // Day 20: still in standstill; a premature message is not accepted by anybody.
        _clock.Advance(TimeSpan.FromDays(9));
        Assert.Equal(0, await _runtime.Maintenance.FireDueTimersAsync());
        await Assert.ThrowsAsync<MessageNotCorrelatedException>(() => _runtime.Commands.CorrelateMessageAsync(new CorrelateMessageRequest("ContractSigned", "T-2026-17")));

        // Day 21: the standstill ends; the case waits for the signed contract, which arrives on day 30.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await _runtime.Maintenance.FireDueTimersAsync());
        _clock.Advance(TimeSpan.FromDays(9));
        var delivered = await _runtime.Commands.CorrelateMessageAsync(new CorrelateMessageRequest("ContractSigned", "T-2026-17", new Dictionary<string, JsonNode?> { ["signedOn"] = "2026-04-01" }));
        Assert.Equal("Completed", Assert.Single(delivered.Delivered).Status);

        // Every step exactly once, the chain intact, nothing left pending.
        Assert.Equal(3, await CountHistoryAsync(id, "TimerFired", "Reminder"));
        Assert.Equal(1, await CountHistoryAsync(id, "TimerFired", "Escalation"));
        Assert.Equal(1, await CountHistoryAsync(id, "TimerFired", "Standstill"));
        Assert.Equal(1, await CountHistoryAsync(id, "TaskCompleted", "Task_Evaluate"));
        Assert.Equal(1, await CountHistoryAsync(id, "MessageReceived", "WaitSigned"));
        Assert.Equal(0, await _runtime.ScalarAsync("SELECT count(*) FROM pf.timers WHERE instance_id = $1 AND status = 'pending'", id));
        Assert.True((await _runtime.Audit.VerifyAsync(id)).IsValid);
        var history = await _runtime.Queries.GetHistoryAsync(id);
        Assert.Equal(_clock.GetUtcNow(), history[^1].OccurredAt);
        Assert.Contains(await _runtime.Queries.GetSlaAsync(key), s => s.ActivityId == "Task_Evaluate" && s.CompletedLate == 1);
    }

    private Task<long> CountHistoryAsync(string instanceId, string type, string activityId) =>
        _runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1 AND type = $2 AND activity_id = $3", instanceId, type, activityId);
}
