using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

public sealed class CommandTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private static readonly UserContext Officer = UserContext.Of("olga", "officers");
    private RuntimeHarness Runtime => fixture.Runtime;

    [Fact]
    public async Task Start_puts_the_first_task_in_the_inbox_and_completing_it_ends_the_instance()
    {
        var key = await DeployAsync(Bpmn.SingleTask(Key("simple")));

        var started = await Runtime.Commands.StartAsync(new StartInstanceRequest(key, BusinessKey: "CASE-1", Variables: new Dictionary<string, JsonNode?> { ["amount"] = 1200 }, StartedBy: "ivan"));

        Assert.Equal("Active", started.Status);
        var taskId = Assert.Single(started.OpenTaskIds);
        var inbox = await Runtime.Queries.GetInboxAsync(new InboxQuery { User = Officer, Scope = InboxScope.Claimable, ProcessKey = key });
        var task = Assert.Single(inbox.Items);
        Assert.Equal((taskId, "Task_Review", "CASE-1"), (task.Id, task.ActivityId, task.BusinessKey));
        Assert.Contains("officers", task.CandidateGroups);

        var done = await Runtime.Commands.CompleteTaskAsync(taskId, Officer, new Dictionary<string, JsonNode?> { ["approved"] = true });

        Assert.Equal("Completed", done.Status);
        Assert.Equal(started.Version + 1, done.Version);
        var detail = await Runtime.Queries.GetInstanceAsync(started.InstanceId);
        Assert.NotNull(detail);
        Assert.Empty(detail.OpenTasks);
        Assert.Equal(true, (bool?)detail.Variables["approved"]);
        Assert.Equal(1200, (int?)detail.Variables["amount"]);
        Assert.Contains(detail.History, h => h.Type == "TaskCompleted" && h.UserId == "olga");
        Assert.Equal("InstanceCompleted", detail.History[^1].Type);
        Assert.True((await Runtime.Audit.VerifyAsync(started.InstanceId)).IsValid);
        Assert.Equal("completed", (await Runtime.Queries.GetTaskAsync(taskId))!.Status);
    }

    [Fact]
    public async Task Starting_an_unknown_process_key_or_version_is_a_clear_error_and_writes_nothing()
    {
        var before = await Runtime.ScalarAsync("SELECT count(*) FROM pf.instances");
        var unknownKey = await Assert.ThrowsAsync<NotFoundException>(() => Runtime.Commands.StartAsync(new StartInstanceRequest("no_such_process")));
        Assert.Equal("definition.not-found", unknownKey.Code);
        Assert.Contains("no_such_process", unknownKey.Message, StringComparison.Ordinal);

        var key = await DeployAsync(Bpmn.SingleTask(Key("versioned")));
        var unknownVersion = await Assert.ThrowsAsync<NotFoundException>(() => Runtime.Commands.StartAsync(new StartInstanceRequest(key, Version: 7)));
        Assert.Contains("version 7", unknownVersion.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Runtime.ScalarAsync("SELECT count(*) FROM pf.instances"));
    }

    [Fact]
    public async Task Bad_variables_are_rejected_before_anything_runs()
    {
        var key = await DeployAsync(Bpmn.SingleTask(Key("vars")));
        var before = await Runtime.ScalarAsync("SELECT count(*) FROM pf.instances");

        var ex = await Assert.ThrowsAsync<CommandRejectedException>(() => Runtime.Commands.StartAsync(new StartInstanceRequest(key, Variables: new Dictionary<string, JsonNode?> { [""] = 1 })));

        Assert.Equal("variables.invalid", ex.Code);
        Assert.Equal(before, await Runtime.ScalarAsync("SELECT count(*) FROM pf.instances"));
    }

    [Fact]
    public async Task Someone_elses_task_cannot_be_completed_and_nothing_changes()
    {
        var (instance, taskId) = await StartSingleTaskAsync();

        var ex = await Assert.ThrowsAsync<CommandRejectedException>(() => Runtime.Commands.CompleteTaskAsync(taskId, UserContext.Of("mallory", "suppliers")));

        Assert.Equal("task.not-authorized", ex.Code);
        await AssertUnchangedAsync(instance, taskId);
    }

    [Fact]
    public async Task A_finished_task_cannot_be_completed_again()
    {
        var (instance, taskId) = await StartSingleTaskAsync();
        var done = await Runtime.Commands.CompleteTaskAsync(taskId, Officer);

        var ex = await Assert.ThrowsAsync<CommandRejectedException>(() => Runtime.Commands.CompleteTaskAsync(taskId, Officer));

        Assert.Equal("task.not-active", ex.Code);
        Assert.Equal(done.Version, (await Runtime.Queries.GetInstanceAsync(instance.InstanceId))!.Instance.Version);
        Assert.Equal(1, await Runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1 AND type = 'TaskCompleted'", instance.InstanceId));
    }

    [Fact]
    public async Task An_unknown_task_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<NotFoundException>(() => Runtime.Commands.CompleteTaskAsync("no-such-task", Officer));
        Assert.Equal("task.not-found", ex.Code);
    }

    [Fact]
    public async Task A_stale_version_is_a_retryable_conflict_and_nothing_changes()
    {
        var (instance, taskId) = await StartSingleTaskAsync();
        var claimed = await Runtime.Commands.ClaimTaskAsync(taskId, Officer, expectedVersion: instance.Version);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Runtime.Commands.CompleteTaskAsync(taskId, Officer, expectedVersion: instance.Version));

        Assert.True(ex.IsRetryable);
        Assert.Equal((instance.Version, claimed.Version), (ex.ExpectedVersion!.Value, ex.ActualVersion!.Value));
        Assert.Equal("open", (await Runtime.Queries.GetTaskAsync(taskId))!.Status);
    }

    [Fact]
    public async Task Losing_the_race_after_loading_aborts_the_whole_batched_write_with_a_conflict()
    {
        var (instance, taskId) = await StartSingleTaskAsync();
        var processor = Runtime.Host.Services.GetRequiredService<Commands.CommandProcessor>();
        var database = Runtime.Host.Services.GetRequiredService<Storage.RuntimeDatabase>();
        Commands.InstanceRow stale;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            stale = (await Commands.InstanceRow.LoadAsync(connection, instance.InstanceId, CancellationToken.None))!;
        }

        // Another command moves the instance on between our load and our write.
        var claimed = await Runtime.Commands.ClaimTaskAsync(taskId, Officer);
        var historyBefore = await Runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1", instance.InstanceId);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => processor.RunAsync(
            unit => processor.ExecuteAsync(unit, stale, (_, _) => new CompleteUserTask(taskId, Officer.UserId, Officer.Groups, null), null, CancellationToken.None),
            retryOnConflict: false,
            CancellationToken.None));

        Assert.Equal(instance.InstanceId, ex.InstanceId);
        Assert.True(ex.IsRetryable);
        Assert.Equal("open", (await Runtime.Queries.GetTaskAsync(taskId))!.Status);
        Assert.Equal(claimed.Version, (await Runtime.Queries.GetInstanceAsync(instance.InstanceId))!.Instance.Version);
        Assert.Equal(historyBefore, await Runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1", instance.InstanceId));
        Assert.True((await Runtime.Audit.VerifyAsync(instance.InstanceId)).IsValid);
    }

    [Fact]
    public async Task A_message_nobody_waits_for_gets_a_clear_answer()
    {
        var ex = await Assert.ThrowsAsync<MessageNotCorrelatedException>(() => Runtime.Commands.CorrelateMessageAsync(new CorrelateMessageRequest("NobodyListens", "K-1")));
        Assert.Equal("message.not-correlated", ex.Code);
        Assert.Contains("NobodyListens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_is_delivered_by_name_and_correlation_key_only()
    {
        var message = "Signed_" + Guid.NewGuid().ToString("N")[..8];
        var key = await DeployAsync(Bpmn.MessageWait(Key("msg"), message));
        var a = await Runtime.Commands.StartAsync(new StartInstanceRequest(key, Variables: new Dictionary<string, JsonNode?> { ["caseId"] = "A" }));
        var b = await Runtime.Commands.StartAsync(new StartInstanceRequest(key, Variables: new Dictionary<string, JsonNode?> { ["caseId"] = "B" }));

        await Assert.ThrowsAsync<MessageNotCorrelatedException>(() => Runtime.Commands.CorrelateMessageAsync(new CorrelateMessageRequest(message, "C")));
        var result = await Runtime.Commands.CorrelateMessageAsync(new CorrelateMessageRequest(message, "B", new Dictionary<string, JsonNode?> { ["signedBy"] = "supplier" }));

        Assert.Equal(b.InstanceId, Assert.Single(result.Delivered).InstanceId);
        Assert.Equal("Completed", (await Runtime.Queries.GetInstanceAsync(b.InstanceId))!.Instance.Status);
        Assert.Equal("Active", (await Runtime.Queries.GetInstanceAsync(a.InstanceId))!.Instance.Status);
        Assert.Equal(0, await Runtime.ScalarAsync("SELECT count(*) FROM pf.message_subscriptions WHERE instance_id = $1", b.InstanceId));
    }

    [Fact]
    public async Task Fifty_parallel_completions_of_one_task_give_exactly_one_success()
    {
        var (instance, taskId) = await StartSingleTaskAsync();
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Runtime.Commands.CompleteTaskAsync(taskId, UserContext.Of($"officer{i}", "officers"));
                return "ok";
            }
            catch (ConcurrencyConflictException)
            {
                return "conflict";
            }
            catch (CommandRejectedException ex) when (ex.Code is "task.not-active" or "task.not-found" or "instance.not-active")
            {
                return "conflict";
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Equal(49, outcomes.Count(o => o == "conflict"));
        Assert.Equal(1, await Runtime.ScalarAsync("SELECT count(*) FROM pf.history WHERE instance_id = $1 AND type = 'TaskCompleted'", instance.InstanceId));
        Assert.Equal("Completed", (await Runtime.Queries.GetInstanceAsync(instance.InstanceId))!.Instance.Status);
        Assert.True((await Runtime.Audit.VerifyAsync(instance.InstanceId)).IsValid);
    }

    [Fact]
    public async Task Claim_delegate_and_supervisor_assignment_move_the_task_between_inboxes()
    {
        var (_, taskId) = await StartSingleTaskAsync();

        await Runtime.Commands.ClaimTaskAsync(taskId, Officer);
        Assert.Contains(await MineAsync("olga"), t => t.Id == taskId);
        var taken = await Assert.ThrowsAsync<CommandRejectedException>(() => Runtime.Commands.ClaimTaskAsync(taskId, UserContext.Of("oskar", "officers")));
        Assert.StartsWith("task.", taken.Code, StringComparison.Ordinal);

        await Runtime.Commands.DelegateTaskAsync(taskId, Officer, "dora");
        Assert.Contains(await MineAsync("dora"), t => t.Id == taskId);
        Assert.Equal("olga", (await Runtime.Queries.GetTaskAsync(taskId))!.Owner);

        await Runtime.Commands.AssignTaskAsync(taskId, "sven", UserContext.Of("sup", "supervisors"));
        Assert.Contains(await MineAsync("sven"), t => t.Id == taskId);
        Assert.DoesNotContain(await MineAsync("dora"), t => t.Id == taskId);

        await Runtime.Commands.UnclaimTaskAsync(taskId, UserContext.Of("sven"));
        Assert.Null((await Runtime.Queries.GetTaskAsync(taskId))!.Assignee);
    }

    [Fact]
    public async Task Cancelling_an_instance_closes_its_tasks()
    {
        var (instance, taskId) = await StartSingleTaskAsync();

        var cancelled = await Runtime.Commands.CancelInstanceAsync(instance.InstanceId, "withdrawn", UserContext.Of("sup"));

        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("cancelled", (await Runtime.Queries.GetTaskAsync(taskId))!.Status);
        var ex = await Assert.ThrowsAsync<CommandRejectedException>(() => Runtime.Commands.CompleteTaskAsync(taskId, Officer));
        Assert.Equal("task.not-active", ex.Code);
    }

    [Fact]
    public async Task Tampering_with_history_is_reported_at_the_first_broken_link()
    {
        var (instance, taskId) = await StartSingleTaskAsync();
        await Runtime.Commands.CompleteTaskAsync(taskId, Officer, new Dictionary<string, JsonNode?> { ["decision"] = "award" });
        var entries = await Runtime.Queries.GetHistoryAsync(instance.InstanceId);
        Assert.True(entries.Count >= 4);
        Assert.True((await Runtime.Audit.VerifyAsync(instance.InstanceId)).IsValid);

        // Someone rewrites who completed the task.
        var target = entries.First(e => e.Type == "TaskCompleted").Sequence;
        await Runtime.ExecuteAsync("UPDATE pf.history SET entry = replace(entry, 'olga', 'eve') WHERE instance_id = $1 AND sequence = $2", instance.InstanceId, target);
        var changed = await Runtime.Audit.VerifyAsync(instance.InstanceId);
        Assert.False(changed.IsValid);
        Assert.Equal(target, changed.FirstBrokenSequence);

        await Runtime.ExecuteAsync("UPDATE pf.history SET entry = replace(entry, 'eve', 'olga') WHERE instance_id = $1 AND sequence = $2", instance.InstanceId, target);
        Assert.True((await Runtime.Audit.VerifyAsync(instance.InstanceId)).IsValid);

        // Someone removes the last entry.
        await Runtime.ExecuteAsync("DELETE FROM pf.history WHERE instance_id = $1 AND sequence = $2", instance.InstanceId, entries[^1].Sequence);
        var truncated = await Runtime.Audit.VerifyAsync(instance.InstanceId);
        Assert.False(truncated.IsValid);
        Assert.Equal(entries[^1].Sequence, truncated.FirstBrokenSequence);

        // Someone removes an entry in the middle.
        await Runtime.ExecuteAsync("DELETE FROM pf.history WHERE instance_id = $1 AND sequence = 2", instance.InstanceId);
        Assert.Equal(2, (await Runtime.Audit.VerifyAsync(instance.InstanceId)).FirstBrokenSequence);
    }

    [Fact]
    public async Task Instance_search_filters_and_pages_with_a_stable_order()
    {
        var key = await DeployAsync(Bpmn.SingleTask(Key("search")));
        for (var i = 0; i < 5; i++)
        {
            await Runtime.Commands.StartAsync(new StartInstanceRequest(key, BusinessKey: $"BK-{i}", StartedBy: i % 2 == 0 ? "ivan" : "ida"));
        }

        var page1 = await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key, Limit = 2 });
        var page2 = await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key, Limit = 2, Offset = 2 });
        var page3 = await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key, Limit = 2, Offset = 4 });

        Assert.Equal(5, page1.Total);
        Assert.Equal(5, page1.Items.Concat(page2.Items).Concat(page3.Items).Select(i => i.Id).Distinct().Count());
        Assert.Equal(3, (await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key, StartedBy = "ivan" })).Total);
        Assert.Equal("BK-3", Assert.Single((await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { BusinessKey = "BK-3" })).Items).BusinessKey);
        Assert.Equal(5, (await Runtime.Queries.SearchInstancesAsync(new InstanceQuery { ProcessKey = key, ActivityId = "Task_Review", Status = "active" })).Total);
    }

    [Fact]
    public async Task The_inbox_counts_up_to_a_bound_past_the_page_and_says_when_its_total_is_a_lower_bound()
    {
        var group = Key("grp");
        var key = await DeployAsync(Bpmn.SingleTask(Key("inbox"), group));
        for (var i = 0; i < 12; i++)
        {
            await Runtime.Commands.StartAsync(new StartInstanceRequest(key, BusinessKey: $"IN-{i:00}"));
        }

        var viewer = UserContext.Of("olga", group);
        Task<PagedResult<TaskSummary>> PageAsync(int offset, int limit, int beyond) =>
            Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, Offset = offset, Limit = limit, CountBeyondPage = beyond });

        var exact = await PageAsync(0, 5, InboxQuery.DefaultCountBeyondPage);
        Assert.Equal((12L, true), (exact.Total, exact.TotalIsExact));
        Assert.Equal(["IN-00", "IN-01", "IN-02", "IN-03", "IN-04"], exact.Items.Select(t => t.BusinessKey));

        // Counting stops 3 tasks past the page: at least 8 match, and the total says it is a lower bound.
        var bounded = await PageAsync(0, 5, 3);
        Assert.Equal((8L, false), (bounded.Total, bounded.TotalIsExact));
        Assert.Equal(exact.Items.Select(t => t.Id), bounded.Items.Select(t => t.Id));

        // The bound moves with the page; when it reaches the end the total is exact again, also exactly at the bound.
        var further = await PageAsync(5, 5, 1);
        Assert.Equal((11L, false), (further.Total, further.TotalIsExact));
        var atBound = await PageAsync(5, 5, 2);
        Assert.Equal((12L, true), (atBound.Total, atBound.TotalIsExact));
        var last = await PageAsync(10, 5, 0);
        Assert.Equal((12L, true), (last.Total, last.TotalIsExact));
        Assert.Equal(["IN-10", "IN-11"], last.Items.Select(t => t.BusinessKey));
        var pastTheEnd = await PageAsync(20, 5, 0);
        Assert.Equal((12L, true, 0), (pastTheEnd.Total, pastTheEnd.TotalIsExact, pastTheEnd.Items.Count));

        // Seek paging gives the same pages as offsets, in both directions, also after the last item was completed.
        var seek = await Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, Limit = 5, AfterTaskId = exact.Items[^1].Id });
        Assert.Equal(["IN-05", "IN-06", "IN-07", "IN-08", "IN-09"], seek.Items.Select(t => t.BusinessKey));
        await Runtime.Commands.CompleteTaskAsync(seek.Items[^1].Id, viewer);
        var next = await Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, Limit = 5, AfterTaskId = seek.Items[^1].Id });
        Assert.Equal(["IN-10", "IN-11"], next.Items.Select(t => t.BusinessKey));
        Assert.Equal((2L, true), (next.Total, next.TotalIsExact)); // the tasks after the cursor
        var back = await Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, Limit = 3, Descending = true, AfterTaskId = seek.Items[0].Id });
        Assert.Equal(["IN-04", "IN-03", "IN-02"], back.Items.Select(t => t.BusinessKey));
        Assert.Empty((await Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, AfterTaskId = "no-such-task" })).Items);
        await Assert.ThrowsAsync<ArgumentException>(() => Runtime.Queries.GetInboxAsync(new InboxQuery { User = viewer, Scope = InboxScope.MyGroups, Sort = TaskSort.Due, AfterTaskId = seek.Items[0].Id }));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PageAsync(0, 5, -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PageAsync(0, 5, 100_001));
    }

    private async Task<IReadOnlyList<TaskSummary>> MineAsync(string user) =>
        (await Runtime.Queries.GetInboxAsync(new InboxQuery { User = UserContext.Of(user), Scope = InboxScope.Mine })).Items;

    private async Task<(InstanceOutcome Instance, string TaskId)> StartSingleTaskAsync()
    {
        var key = await DeployAsync(Bpmn.SingleTask(Key("task")));
        var started = await Runtime.Commands.StartAsync(new StartInstanceRequest(key, StartedBy: "ivan"));
        return (started, Assert.Single(started.OpenTaskIds));
    }

    private async Task AssertUnchangedAsync(InstanceOutcome instance, string taskId)
    {
        var detail = await Runtime.Queries.GetInstanceAsync(instance.InstanceId);
        Assert.NotNull(detail);
        Assert.Equal(instance.Version, detail.Instance.Version);
        Assert.Equal("Active", detail.Instance.Status);
        Assert.Equal("open", (await Runtime.Queries.GetTaskAsync(taskId))!.Status);
    }

    private async Task<string> DeployAsync(string xml)
    {
        var result = await Runtime.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", xml)]));
        return result.Definitions[0].Key;
    }

    private static string Key(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..20];
}
