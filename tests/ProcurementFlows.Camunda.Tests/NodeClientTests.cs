using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Camunda.Tests.Infrastructure;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Camunda.Tests;

/// <summary>Camunda's real npm client (camunda-external-task-client-js) works our external tasks through /engine-rest.</summary>
[Collection(CamundaCollection.Name)]
public sealed class NodeClientTests(CamundaServer server)
{
    [Fact]
    public async Task The_npm_external_task_client_completes_throws_bpmn_errors_and_fails_tasks()
    {
        await NodeWorker.EnsureInstalledAsync();
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "node-check", ("node-check.bpmn", Diagrams.ExternalCheck("node_check", "node-supplier-check")));
        using var olav = server.Client("olav");
        var instances = new Dictionary<string, string>();
        foreach (var supplier in new[] { "good", "weak", "reject", "crash" })
        {
            var started = await Http.Post(olav, "process-definition/key/node_check/start", new
            {
                businessKey = $"node-{supplier}",
                variables = new Dictionary<string, object> { ["supplier"] = new { value = supplier, type = "String" }, ["lots"] = new { value = 2, type = "Integer" } },
            });
            instances[supplier] = (string)started!["id"]!;
        }

        var (exit, output) = await NodeWorker.RunAsync("node", ["worker.mjs", server.EngineRest, "node-supplier-check", "erp", CamundaServer.Passwords["erp"], "4"], NodeWorker.Directory(), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"node worker failed ({exit}): {output}");

        var queries = server.Services.GetRequiredService<IProcessQueries>();
        var good = (await queries.GetInstanceAsync(instances["good"]))!;
        Assert.Equal("Completed", good.Instance.Status);
        Assert.Contains(good.History, h => h.Type == "ActivityCompleted" && h.ActivityId == "End_Approved");
        Assert.Equal(80, (int)good.Variables["score"]!);
        Assert.Equal("node-worker", (string?)good.Variables["report"]!["checkedBy"]);
        Assert.Equal(2, (int)good.Variables["report"]!["lots"]!);
        Assert.StartsWith("2026-02-01T10:00:00", (string?)good.Variables["checkedAt"], StringComparison.Ordinal);

        var weak = (await queries.GetInstanceAsync(instances["weak"]))!;
        Assert.Equal("Completed", weak.Instance.Status);
        Assert.Contains(weak.History, h => h.ActivityId == "End_Low");

        var rejected = (await queries.GetInstanceAsync(instances["reject"]))!;
        Assert.Equal("Completed", rejected.Instance.Status);
        Assert.Contains(rejected.History, h => h.Type == "ActivityCompleted" && h.ActivityId == "End_Rejected");
        Assert.DoesNotContain(rejected.History, h => h.ActivityId is "End_Approved" or "End_Low");
        Assert.Equal("sanctioned", (string?)rejected.Variables["reason"]);

        var crashed = (await queries.GetInstanceAsync(instances["crash"]))!;
        Assert.Equal("Active", crashed.Instance.Status);
        var incident = Assert.Single(crashed.Incidents);
        Assert.Equal("failedJob", incident.Type);
        Assert.Equal("Check", incident.ActivityId);
        Assert.Contains("Registry unreachable", incident.Message, StringComparison.Ordinal);
        var open = await queries.GetIncidentsAsync(processKey: "node_check");
        Assert.Equal(instances["crash"], Assert.Single(open.Items).InstanceId);

        // The task in the incident is not offered again, and the REST view agrees with the runtime.
        using var erp = server.Client("erp");
        var listed = (await Http.Get(erp, $"external-task?processInstanceId={instances["crash"]}"))!.AsArray();
        Assert.Equal(0, (int)Assert.Single(listed)!["retries"]!);
        var path = (await Http.Get(olav, $"history/activity-instance?processInstanceId={instances["reject"]}"))!.AsArray();
        Assert.Equal(["Start", "Check", "Rejected", "End_Rejected"], path.Select(a => (string?)a!["activityId"]));
        Assert.True((bool)path[1]!["canceled"]!);
    }
}
