using System.Net;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>Definitions, instances, tasks, messages and supervision through the API, on a real runtime and PostgreSQL.</summary>
public sealed partial class WorkflowApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<string> DeployApproval(string key, string timer = "PT1H")
    {
        using var dana = await server.ClientFor("dana");
        var result = await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Approval(key, timer)), ("request.form", Diagrams.RequestForm));
        Assert.Contains(result.GetProperty("definitions").EnumerateArray(), d => d.GetProperty("key").GetString() == key);
        return key;
    }

    private async Task<(string InstanceId, string TaskId)> Start(string key, string starter = "olav", object? variables = null)
    {
        using var client = await server.ClientFor(starter);
        var outcome = await Rest.Json(await Rest.Post(client, "/api/instances", new { processKey = key, businessKey = "PF-" + key, variables }), HttpStatusCode.Created);
        return (outcome.GetProperty("instanceId").GetString()!, outcome.GetProperty("openTaskIds")[0].GetString()!);
    }

    private static object ValidRequest => new { title = "Night-vision goggles", amount = 1250000, cpv = "35000000-4", procedure = "restricted", classified = false };

    [Fact]
    public async Task Deploy_versions_and_lists_definitions_and_identical_content_keeps_its_version()
    {
        var key = await DeployApproval(NewKey("deploy"));
        using var dana = await server.ClientFor("dana");
        using (var again = Rest.Files(($"{key}.bpmn", Diagrams.Approval(key))))
        using (var response = await dana.PostAsync("/api/definitions", again))
        {
            var unchanged = await Rest.Json(response);
            Assert.False(unchanged.GetProperty("definitions")[0].GetProperty("isNew").GetBoolean());
        }

        await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Approval(key, approveName: "Approve the request")));
        var list = await Rest.Get(dana, "/api/definitions");
        var entry = list.EnumerateArray().Single(d => d.GetProperty("key").GetString() == key);
        Assert.Equal(2, entry.GetProperty("latestVersion").GetInt32());
        Assert.Equal([2, 1], entry.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        using var xml = await dana.GetAsync($"/api/definitions/{key}/versions/1/xml");
        Assert.Equal("application/xml", xml.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Approve request", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var version = await Rest.Get(dana, $"/api/definitions/{key}/versions/2");
        Assert.Contains(version.GetProperty("userTasks").EnumerateArray(), t => t.GetProperty("elementId").GetString() == "Task_Approve");

        var forms = await Rest.Get(dana, $"/api/definitions/{key}/versions/1/forms");
        var form = Assert.Single(forms.EnumerateArray());
        Assert.Equal("request-form", form.GetProperty("formKey").GetString());
        Assert.Equal("textfield", form.GetProperty("schema").GetProperty("components")[0].GetProperty("type").GetString());

        var diff = await Rest.Get(dana, $"/api/definitions/{key}/diff?from=1&to=2");
        var changed = Assert.Single(diff.GetProperty("changed").EnumerateArray());
        Assert.Equal("Task_Approve", changed.GetProperty("elementId").GetString());
        Assert.Contains("Approve the request", changed.GetProperty("changes")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(diff.GetProperty("added").EnumerateArray());
    }

    [Fact]
    public async Task Validate_reports_every_error_at_once_with_element_ids_and_deploy_refuses_the_same_file()
    {
        var key = NewKey("broken");
        using var dana = await server.ClientFor("dana");
        using (var body = Rest.Files(($"{key}.bpmn", Diagrams.Broken(key))))
        {
            var report = await Rest.Json(await dana.PostAsync("/api/definitions/validate", body));
            Assert.False(report.GetProperty("valid").GetBoolean());
            var errors = report.GetProperty("diagnostics").EnumerateArray().Where(d => d.GetProperty("severity").GetString() == "Error").ToList();
            Assert.True(errors.Count >= 2, report.ToString());
            Assert.Contains(errors, e => e.GetProperty("elementId").GetString() is "F2" or "Nowhere");
            Assert.Contains(errors, e => e.GetProperty("elementId").GetString() == "Task_Bad");
        }

        using var deploy = Rest.Files(($"{key}.bpmn", Diagrams.Broken(key)));
        using var refused = await dana.PostAsync("/api/definitions", deploy);
        var problem = await Problems.AssertProblem(refused, HttpStatusCode.BadRequest);
        Assert.Equal("deployment.invalid", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty($"{key}.bpmn#Task_Bad", out _), problem.ToString());
        using var missing = await dana.GetAsync($"/api/definitions/{key}/versions/1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Validate_accepts_a_good_diagram()
    {
        var key = NewKey("good");
        using var dana = await server.ClientFor("dana");
        using var body = Rest.Files(($"{key}.bpmn", Diagrams.Approval(key)), ("request.form", Diagrams.RequestForm));
        var report = await Rest.Json(await dana.PostAsync("/api/definitions/validate", body));
        Assert.True(report.GetProperty("valid").GetBoolean(), report.ToString());
    }

    [Fact]
    public async Task Xxe_bpmn_is_refused_and_nothing_leaks()
    {
        var key = NewKey("xxe");
        using var dana = await server.ClientFor("dana");
        using var body = Rest.Files(($"{key}.bpmn", Diagrams.Xxe(key)));
        using var response = await dana.PostAsync("/api/definitions", body);
        var text = await response.Content.ReadAsStringAsync();
        await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("xml.dtd-prohibited", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_runs_through_claim_complete_segregation_and_supervisor_reassignment()
    {
        var key = await DeployApproval(NewKey("case"));
        var (instanceId, requestTask) = await Start(key);
        using var olav = await server.ClientFor("olav");
        using var ingrid = await server.ClientFor("ingrid");
        using var siri = await server.ClientFor("siri");

        // Inbox: claimable for the group, invisible for another group.
        var claimable = await Rest.Get(olav, $"/api/tasks?scope=claimable&processKey={key}");
        Assert.Contains(claimable.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == requestTask);
        var foreign = await Rest.Get(ingrid, $"/api/tasks?processKey={key}");
        Assert.Equal(0, foreign.GetProperty("total").GetInt64());
        using (var peek = await ingrid.GetAsync($"/api/tasks/{requestTask}"))
        {
            await Problems.AssertProblem(peek, HttpStatusCode.Forbidden);
        }

        using (var steal = await Rest.Post(ingrid, $"/api/tasks/{requestTask}/claim"))
        {
            await Problems.AssertProblem(steal, HttpStatusCode.Forbidden);
        }

        // The task page: form and case context.
        var detail = await Rest.Get(olav, $"/api/tasks/{requestTask}");
        Assert.Equal("request-form", detail.GetProperty("form").GetProperty("formKey").GetString());
        Assert.Equal(instanceId, detail.GetProperty("case").GetProperty("instance").GetProperty("id").GetString());

        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{requestTask}/claim"));
        using (var twice = await Rest.Post(siri, $"/api/tasks/{requestTask}/claim"))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }

        // Another officer's task: 403 even for a member of the group.
        using (var other = await Rest.Post(siri, $"/api/tasks/{requestTask}/complete", new { variables = ValidRequest }))
        {
            await Problems.AssertProblem(other, HttpStatusCode.Forbidden);
        }

        // Form validation: field errors, nothing changes.
        using (var invalid = await Rest.Post(olav, $"/api/tasks/{requestTask}/complete", new { variables = new { amount = "lots", cpv = "1234", procedure = "bribery", classified = "maybe" } }))
        {
            var problem = await Problems.AssertProblem(invalid, HttpStatusCode.BadRequest);
            var errors = problem.GetProperty("errors");
            foreach (var field in new[] { "title", "amount", "cpv", "procedure", "classified" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {errors}");
            }
        }

        var completed = await Rest.Json(await Rest.Post(olav, $"/api/tasks/{requestTask}/complete", new { variables = ValidRequest }));
        var approveTask = completed.GetProperty("openTaskIds")[0].GetString()!;

        // Segregation of duties: the writer of the request may not approve it, and the problem names the rule.
        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{approveTask}/claim"));
        using (var sod = await Rest.Post(olav, $"/api/tasks/{approveTask}/complete", new { variables = new { } }))
        {
            var problem = await Problems.AssertProblem(sod, HttpStatusCode.Forbidden);
            Assert.Equal("task.segregation-of-duties", problem.GetProperty("code").GetString());
            Assert.Contains("Task_Request", problem.GetProperty("rule").GetString(), StringComparison.Ordinal);
        }

        // The supervisor reassigns the task to herself and approves it.
        using (var officerReassign = await Rest.Post(olav, $"/api/supervision/tasks/{approveTask}/reassign", new { userName = "siri" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, officerReassign.StatusCode);
        }

        await Rest.Json(await Rest.Post(siri, $"/api/supervision/tasks/{approveTask}/reassign", new { userName = "siri" }));
        var mine = await Rest.Get(siri, $"/api/tasks?scope=mine&processKey={key}");
        Assert.Equal(approveTask, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        await Rest.Json(await Rest.Post(siri, $"/api/tasks/{approveTask}/complete", new { variables = new { approved = true } }));

        // The case now waits on its timer; detail, history and audit agree.
        using var detailResponse = await siri.GetAsync($"/api/instances/{instanceId}");
        var instance = await Rest.Json(detailResponse);
        Assert.NotNull(detailResponse.Headers.ETag);
        Assert.Equal("Active", instance.GetProperty("instance").GetProperty("status").GetString());
        Assert.Contains("Wait", instance.GetProperty("instance").GetProperty("currentActivities").EnumerateArray().Select(a => a.GetString()));
        Assert.Single(instance.GetProperty("pendingTimers").EnumerateArray());
        Assert.Equal("Night-vision goggles", instance.GetProperty("variables").GetProperty("title").GetString());
        var history = await Rest.Get(siri, $"/api/instances/{instanceId}/history");
        Assert.True(history.GetArrayLength() > 5);
        var audit = await Rest.Get(siri, $"/api/instances/{instanceId}/audit/verify");
        Assert.True(audit.GetProperty("isValid").GetBoolean(), audit.ToString());

        var found = await Rest.Get(siri, $"/api/instances?processKey={key}&status=active&activityId=Wait");
        Assert.Equal(instanceId, Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Delegate_and_unclaim_move_the_task()
    {
        var key = await DeployApproval(NewKey("delegate"));
        var (_, task) = await Start(key);
        using var olav = await server.ClientFor("olav");
        using var siri = await server.ClientFor("siri");
        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{task}/claim"));
        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{task}/unclaim"));
        var claimable = await Rest.Get(siri, $"/api/tasks?scope=claimable&processKey={key}");
        Assert.Single(claimable.GetProperty("items").EnumerateArray());

        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{task}/claim"));
        using (var missing = await Rest.Post(olav, $"/api/tasks/{task}/delegate", new { userName = "" }))
        {
            await Problems.AssertProblem(missing, HttpStatusCode.BadRequest);
        }

        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{task}/delegate", new { userName = "siri" }));
        var mine = await Rest.Get(siri, $"/api/tasks?scope=mine&processKey={key}");
        Assert.Equal("siri", Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("assignee").GetString());
    }

    [Fact]
    public async Task A_stale_if_match_gets_409()
    {
        var key = await DeployApproval(NewKey("etag"));
        var (instanceId, task) = await Start(key);
        using var olav = await server.ClientFor("olav");
        using var detail = await olav.GetAsync($"/api/instances/{instanceId}");
        var etag = detail.Headers.ETag!.Tag;
        await Rest.Json(await Rest.Post(olav, $"/api/tasks/{task}/claim"));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{task}/unclaim");
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        using var response = await olav.SendAsync(request);
        var problem = await Problems.AssertProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("instance.concurrent-change", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cancel_ends_the_case_and_a_second_cancel_conflicts()
    {
        var key = await DeployApproval(NewKey("cancel"));
        var (instanceId, _) = await Start(key);
        using var siri = await server.ClientFor("siri");
        var cancelled = await Rest.Json(await Rest.Post(siri, $"/api/instances/{instanceId}/cancel", new { reason = "withdrawn" }));
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        using var again = await Rest.Post(siri, $"/api/instances/{instanceId}/cancel", new { reason = "again" });
        await Problems.AssertProblem(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Messages_correlate_by_name_and_business_key()
    {
        var key = NewKey("msg");
        using var dana = await server.ClientFor("dana");
        await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Delivery(key)));
        using var olav = await server.ClientFor("olav");
        var started = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "PF-2026-7" }), HttpStatusCode.Created);
        var instanceId = started.GetProperty("instanceId").GetString();

        using (var wrongKey = await Rest.Post(olav, "/api/messages", new { messageName = $"delivery-reported-{key}", correlationKey = "PF-2026-8" }))
        {
            await Problems.AssertProblem(wrongKey, HttpStatusCode.NotFound);
        }

        var result = await Rest.Json(await Rest.Post(olav, "/api/messages", new { messageName = $"delivery-reported-{key}", correlationKey = "PF-2026-7", variables = new { deliveredAt = "2026-11-28" } }));
        var delivered = Assert.Single(result.GetProperty("delivered").EnumerateArray());
        Assert.Equal(instanceId, delivered.GetProperty("instanceId").GetString());
        Assert.Equal("Completed", delivered.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Migration_dry_run_reports_and_changes_nothing_then_migrates()
    {
        var key = await DeployApproval(NewKey("migrate"));
        var (instanceId, _) = await Start(key);
        using var dana = await server.ClientFor("dana");
        await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Approval(key, approveName: "Approve (v2)")));
        using var siri = await server.ClientFor("siri");

        var dry = await Rest.Json(await Rest.Post(siri, "/api/migrations", new { processKey = key, sourceVersion = 1, targetVersion = 2, dryRun = true }));
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, dry.GetProperty("succeeded").GetInt32());
        var still = await Rest.Get(siri, $"/api/instances/{instanceId}");
        Assert.Equal(1, still.GetProperty("instance").GetProperty("processVersion").GetInt32());

        var real = await Rest.Json(await Rest.Post(siri, "/api/migrations", new { processKey = key, sourceVersion = 1, targetVersion = 2, dryRun = false }));
        Assert.Equal(1, real.GetProperty("succeeded").GetInt32());
        var moved = await Rest.Get(siri, $"/api/instances/{instanceId}");
        Assert.Equal(2, moved.GetProperty("instance").GetProperty("processVersion").GetInt32());
    }

    [Fact]
    public async Task Hostile_variables_are_stored_inertly()
    {
        var key = await DeployApproval(NewKey("hostile"));
        const string sql = "'; DROP TABLE pf.instances; --";
        const string script = "<script>alert(document.cookie)</script>${java.lang.Runtime.getRuntime()}";
        var (instanceId, _) = await Start(key, variables: new { note = sql, html = script, nested = new { x = script } });
        using var siri = await server.ClientFor("siri");
        var detail = await Rest.Get(siri, $"/api/instances/{instanceId}");
        Assert.Equal(sql, detail.GetProperty("variables").GetProperty("note").GetString());
        Assert.Equal(script, detail.GetProperty("variables").GetProperty("html").GetString());

        var search = await Rest.Get(siri, $"/api/instances?businessKey={Uri.EscapeDataString(sql)}");
        Assert.Equal(0, search.GetProperty("total").GetInt64());
        var all = await Rest.Get(siri, $"/api/instances?processKey={key}");
        Assert.Equal(1, all.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Supervision_lists_workload_sla_and_incidents()
    {
        var key = await DeployApproval(NewKey("super"));
        await Start(key);
        using var siri = await server.ClientFor("siri");
        var workload = await Rest.Get(siri, "/api/supervision/workload?group=procurement-officers");
        Assert.Contains(workload.EnumerateArray(), w => w.GetProperty("group").GetString() == "procurement-officers" && w.GetProperty("openTasks").GetInt32() > 0);
        var tasks = await Rest.Get(siri, $"/api/supervision/tasks?processKey={key}");
        Assert.Equal(1, tasks.GetProperty("total").GetInt64());
        var sla = await Rest.Get(siri, $"/api/supervision/sla?processKey={key}");
        Assert.Contains(sla.EnumerateArray(), s => s.GetProperty("activityId").GetString() == "Task_Request");
        var incidents = await Rest.Get(siri, "/api/supervision/incidents");
        Assert.True(incidents.GetProperty("total").GetInt64() >= 0);
        using var retry = await Rest.Post(siri, "/api/supervision/incidents/no-such-incident/retry", new { retries = 1 });
        await Problems.AssertProblem(retry, HttpStatusCode.NotFound);
        using var badRetry = await Rest.Post(siri, "/api/supervision/incidents/x/retry", new { retries = 0 });
        await Problems.AssertProblem(badRetry, HttpStatusCode.BadRequest);
    }
}
