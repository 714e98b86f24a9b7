using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Camunda.Tests.Infrastructure;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed class ExternalTaskTests(CamundaServer server)
{
    private async Task<string> StartCheck(string key, string topic, string supplier)
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, key, ($"{key}.bpmn", Diagrams.ExternalCheck(key, topic)));
        using var olav = server.Client("olav");
        var started = await Http.Post(olav, $"process-definition/key/{key}/start", new { businessKey = supplier, variables = new Dictionary<string, object> { ["supplier"] = new { value = supplier, type = "String" } } });
        return (string)started!["id"]!;
    }

    private static object Fetch(string worker, string topic, long lockMs = 10_000, long wait = 0) =>
        new { workerId = worker, maxTasks = 5, asyncResponseTimeout = wait, topics = new[] { new { topicName = topic, lockDuration = lockMs } } };

    [Fact]
    public async Task Fetch_lock_complete_and_the_lock_protocol()
    {
        var instance = await StartCheck("ext_lock", "ext-lock-topic", "acme");
        using var erp = server.Client("erp");
        var locked = (await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-lock-topic")))!.AsArray();
        var task = Assert.Single(locked)!;
        var id = (string)task["id"]!;
        Assert.Equal(instance, (string?)task["processInstanceId"]);
        Assert.Equal("w1", (string?)task["workerId"]);
        Assert.Equal("Check", (string?)task["activityId"]);
        Assert.Equal("ext_lock", (string?)task["processDefinitionKey"]);
        Assert.Equal("acme", (string?)task["businessKey"]);
        Assert.Null(task["retries"]);
        Assert.Equal("acme", (string?)task["variables"]!["supplier"]!["value"]);
        Assert.Equal("String", (string?)task["variables"]!["supplier"]!["type"]);

        // Locked: nobody else gets it; another worker may not complete it.
        Assert.Empty((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w2", "ext-lock-topic")))!.AsArray());
        var message = await Http.PostError(erp, $"external-task/{id}/complete", new { workerId = "w2" }, HttpStatusCode.BadRequest, "RestException");
        Assert.Contains("w1", message, StringComparison.Ordinal);
        await Http.PostError(erp, $"external-task/{id}/extendLock", new { workerId = "w2", newDuration = 1000 }, HttpStatusCode.BadRequest, "RestException");
        await Http.Post(erp, $"external-task/{id}/extendLock", new { workerId = "w1", newDuration = 60_000 }, HttpStatusCode.NoContent);

        // Unlock returns it to the pool at once.
        await Http.Post(erp, $"external-task/{id}/unlock", new { }, HttpStatusCode.NoContent);
        var relocked = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w2", "ext-lock-topic", lockMs: 300)))!.AsArray())!;
        Assert.Equal(id, (string?)relocked["id"]);

        // Lock expiry returns it too (300 ms lock; the fetch long-polls until it is free).
        var afterExpiry = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w3", "ext-lock-topic", wait: 5000)))!.AsArray())!;
        Assert.Equal("w3", (string?)afterExpiry["workerId"]);

        await Http.Post(erp, $"external-task/{id}/complete", new { workerId = "w3", variables = new Dictionary<string, object> { ["score"] = new { value = 90, type = "Integer" } } }, HttpStatusCode.NoContent);
        var history = await Http.Get(erp, $"history/process-instance/{instance}");
        Assert.Equal("COMPLETED", (string?)history!["state"]);
        await Http.PostError(erp, $"external-task/{id}/complete", new { workerId = "w3" }, HttpStatusCode.NotFound, "RestException");
    }

    [Fact]
    public async Task A_failure_with_retries_returns_the_task_after_the_timeout_and_retries_0_raises_an_incident()
    {
        var instance = await StartCheck("ext_fail", "ext-fail-topic", "flaky");
        using var erp = server.Client("erp");
        var id = (string)Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-fail-topic")))!.AsArray())!["id"]!;
        await Http.Post(erp, $"external-task/{id}/failure", new { workerId = "w1", errorMessage = "timeout", errorDetails = "after 30 s", retries = 2, retryTimeout = 400 }, HttpStatusCode.NoContent);
        Assert.Empty((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-fail-topic")))!.AsArray());
        var again = Assert.Single((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-fail-topic", wait: 5000)))!.AsArray())!;
        Assert.Equal(2, (int)again["retries"]!);
        Assert.Equal("timeout", (string?)again["errorMessage"]);

        await Http.Post(erp, $"external-task/{id}/failure", new { workerId = "w1", errorMessage = "still down", retries = 0 }, HttpStatusCode.NoContent);
        var task = await Http.Get(erp, $"external-task/{id}");
        Assert.Equal(0, (int)task!["retries"]!);
        Assert.Single((await Http.Get(erp, "external-task?noRetriesLeft=true&topicName=ext-fail-topic"))!.AsArray());
        Assert.Empty((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-fail-topic")))!.AsArray());
        var history = await Http.Get(erp, $"history/process-instance/{instance}");
        Assert.Equal("ACTIVE", (string?)history!["state"]);
    }

    [Fact]
    public async Task Topics_with_a_built_in_handler_stay_internal()
    {
        var instance = await StartCheck("ext_internal", "registry.sanctions-screening", "internal");
        using var erp = server.Client("erp");
        Assert.Empty((await Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "registry.sanctions-screening")))!.AsArray());
        Assert.Empty((await Http.Get(erp, $"external-task?processInstanceId={instance}"))!.AsArray());
    }

    [Fact]
    public async Task Concurrent_workers_never_lock_the_same_task()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "ext_race", ("ext_race.bpmn", Diagrams.ExternalCheck("ext_race", "ext-race-topic")));
        using var olav = server.Client("olav");
        for (var i = 0; i < 8; i++)
        {
            await Http.Post(olav, "process-definition/key/ext_race/start", new { businessKey = $"race-{i}" });
        }

        using var erp = server.Client("erp");
        var fetches = Enumerable.Range(0, 5).Select(w => Http.Post(erp, "external-task/fetchAndLock",
            new { workerId = $"racer-{w}", maxTasks = 3, topics = new[] { new { topicName = "ext-race-topic", lockDuration = 60_000 } } }));
        var ids = (await Task.WhenAll(fetches)).SelectMany(r => r!.AsArray()).Select(t => (string)t!["id"]!).ToList();
        Assert.Equal(8, ids.Count);
        Assert.Equal(8, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(8, (long)(await Http.Get(erp, "external-task/count?topicName=ext-race-topic&locked=true"))!["count"]!);
    }

    [Fact]
    public async Task Long_polling_returns_as_soon_as_a_task_appears()
    {
        // The runtime's long-poll gauge of this server says when the request has found nothing and is waiting.
        var meters = server.Services.GetRequiredService<IMeterFactory>();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Name == RuntimeMetrics.ExternalTaskLongPolls && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, delta, _, _) =>
        {
            if (delta > 0)
            {
                waiting.TrySetResult();
            }
        });
        listener.Start();

        using var erp = server.Client("erp");
        var fetch = Http.Post(erp, "external-task/fetchAndLock", Fetch("w1", "ext-poll-topic", wait: 20_000));
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(fetch.IsCompleted, "the fetch returned before any task existed");
        await StartCheck("ext_poll", "ext-poll-topic", "late");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var locked = (await fetch)!.AsArray();
        Assert.Single(locked);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Bad_requests_and_roles()
    {
        using var erp = server.Client("erp");
        await Http.PostError(erp, "external-task/fetchAndLock", new { maxTasks = 1, topics = new[] { new { topicName = "x", lockDuration = 1000 } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(erp, "external-task/fetchAndLock", new { workerId = "w", maxTasks = 1, topics = new[] { new { topicName = "x", lockDuration = 0 } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(erp, "external-task/fetchAndLock", new { workerId = "w", maxTasks = 1, asyncResponseTimeout = 99_999_999, topics = new[] { new { topicName = "x", lockDuration = 10 } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        var message = await Http.PostError(erp, "external-task/fetchAndLock", new { workerId = "w", maxTasks = 1, topics = new object[] { new { topicName = "x", lockDuration = 10, processVariables = new { region = "north" } } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Contains("processVariables", message, StringComparison.Ordinal);
        await Http.PostError(erp, "external-task/fetchAndLock", new { workerId = "w", maxTasks = 1, topics = new object[] { new { topicName = "x", lockDuration = 10, tenantIdIn = new[] { "t1" } } } }, HttpStatusCode.BadRequest, "InvalidRequestException");
        await Http.PostError(erp, "external-task/no-such-task/complete", new { workerId = "w" }, HttpStatusCode.NotFound, "RestException");
        await Http.PostError(erp, "external-task/no-such-task/bpmnError", new { workerId = "w" }, HttpStatusCode.BadRequest, "InvalidRequestException");
        using var olav = server.Client("olav");
        await Http.PostError(olav, "external-task/fetchAndLock", Fetch("w", "x"), HttpStatusCode.Forbidden, "AuthorizationException");
    }
}
