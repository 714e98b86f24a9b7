using System.Net;
using System.Text.Json.Nodes;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

/// <summary>One task-visibility rule for both APIs; forms deployed with a diagram resolve; what Camunda Modeler calls.</summary>
[Collection(CamundaCollection.Name)]
public sealed class VisibilityAndFormTests(CamundaServer server)
{
    [Fact]
    public async Task Engine_rest_and_our_own_api_agree_on_which_tasks_each_user_may_see()
    {
        using var dana = server.Client("dana");
        await Http.Deploy(dana, "visibility", ("visibility.bpmn", Diagrams.UserTask("visibility")));
        using var olav = server.Client("olav");
        var open = (string)(await Http.Post(olav, "process-definition/key/visibility/start", new { businessKey = "V-open" }))!["id"]!;
        var delegated = (string)(await Http.Post(olav, "process-definition/key/visibility/start", new { businessKey = "V-delegated" }))!["id"]!;
        var openTask = (string)Assert.Single((await Http.Get(olav, $"task?processInstanceId={open}"))!.AsArray())!["id"]!;
        var delegatedTask = (string)Assert.Single((await Http.Get(olav, $"task?processInstanceId={delegated}"))!.AsArray())!["id"]!;
        await Http.Post(olav, $"task/{delegatedTask}/claim", new { userId = "olav" }, HttpStatusCode.NoContent);
        await Http.Post(olav, $"task/{delegatedTask}/delegate", new { userId = "rita" }, HttpStatusCode.NoContent);

        // olav: candidate of the open task, owner of the delegated one; rita: assignee of the delegated one only; siri: supervisor.
        var expected = new Dictionary<string, (bool Open, bool Delegated)>
        {
            ["olav"] = (true, true),
            ["rita"] = (false, true),
            ["siri"] = (true, true),
        };
        foreach (var (user, (seesOpen, seesDelegated)) in expected)
        {
            using var camunda = server.Client(user);
            using var api = await server.ApiClient(user);
            var listed = (await Http.Get(camunda, "task?processDefinitionKey=visibility"))!.AsArray().Select(t => (string)t!["id"]!).ToHashSet();
            var inbox = Items((await Http.Get(api, "/api/tasks?processKey=visibility&limit=100"))!).Select(t => (string)t["id"]!).ToHashSet();
            foreach (var (task, sees) in new[] { (openTask, seesOpen), (delegatedTask, seesDelegated) })
            {
                Assert.True(sees == listed.Contains(task), $"{user}: GET /engine-rest/task lists {task}: {listed.Contains(task)}, expected {sees}");
                using var single = await camunda.GetAsync($"task/{task}");
                Assert.True(sees == (single.StatusCode == HttpStatusCode.OK), $"{user}: GET /engine-rest/task/{task} was {(int)single.StatusCode}");
                using var ours = await api.GetAsync($"/api/tasks/{task}");
                Assert.True(sees == (ours.StatusCode == HttpStatusCode.OK), $"{user}: GET /api/tasks/{task} was {(int)ours.StatusCode}");
                Assert.False(inbox.Contains(task) && !sees, $"{user}: the inbox shows {task}, which the user may not see");
            }
        }

        // The inbox of each officer narrows the same rule: olav's shows his claimable task, rita's the task delegated to her.
        using (var api = await server.ApiClient("olav"))
        {
            Assert.Contains(openTask, Items((await Http.Get(api, "/api/tasks?processKey=visibility&scope=claimable"))!).Select(t => (string)t["id"]!));
        }

        using (var api = await server.ApiClient("rita"))
        {
            Assert.Contains(delegatedTask, Items((await Http.Get(api, "/api/tasks?processKey=visibility&scope=mine"))!).Select(t => (string)t["id"]!));
        }
    }

    [Fact]
    public async Task Forms_deployed_with_the_diagram_resolve_for_the_start_event_and_the_task()
    {
        const string startForm = """{"id":"vis_start_form","type":"default","components":[{"key":"title","label":"Title","type":"textfield","validate":{"required":true}}]}""";
        const string taskForm = """{"id":"vis_approval_form","type":"default","components":[{"key":"approved","label":"Approved","type":"checkbox"}]}""";
        using var dana = server.Client("dana");
        var deployment = await Http.Deploy(
            dana,
            "with_forms",
            ("with_forms.bpmn", Diagrams.WithForms("with_forms", "camunda-forms:deployment:vis-start.form", "vis_approval_form")),
            ("vis-start.form", startForm),
            ("vis-approval.form", taskForm));
        var definitionId = (string)deployment["deployedProcessDefinitions"]!.AsObject().Single().Key;

        using var olav = server.Client("olav");
        Assert.Equal("camunda-forms:deployment:vis-start.form", (string?)(await Http.Get(olav, "process-definition/key/with_forms/startForm"))!["key"]);
        Assert.Equal("camunda-forms:deployment:vis-start.form", (string?)(await Http.Get(olav, $"process-definition/{definitionId}/startForm"))!["key"]);
        using (var response = await olav.GetAsync($"process-definition/{definitionId}/deployed-start-form"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("vis_start_form", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]);
        }

        // Modeler's "Start process instance": by definition id, with variables and a business key.
        var started = (await Http.Post(olav, $"process-definition/{definitionId}/start", new
        {
            businessKey = "FORMS-1",
            variables = new Dictionary<string, object> { ["title"] = new { value = "Radios", type = "String" } },
        }))!;
        Assert.Equal(definitionId, (string?)started["definitionId"]);
        Assert.Equal("FORMS-1", (string?)started["businessKey"]);
        var task = Assert.Single((await Http.Get(olav, $"task?processInstanceId={(string)started["id"]!}"))!.AsArray())!;
        var taskId = (string)task["id"]!;
        Assert.Equal("vis_approval_form", (string?)(await Http.Get(olav, $"task/{taskId}/form"))!["key"]);
        var form = (await Http.Get(olav, $"task/{taskId}/deployed-form"))!;
        Assert.Equal("vis_approval_form", (string?)form["id"]);
        Assert.Equal("approved", (string?)form["components"]![0]!["key"]);

        // A definition without forms: 400 (no form key); a task of another user's group: 403; unknown: 404.
        await Http.Deploy(dana, "without_forms", ("without_forms.bpmn", Diagrams.UserTask("without_forms")));
        using (var response = await olav.GetAsync("process-definition/key/without_forms/deployed-start-form"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }

        using (var response = await olav.GetAsync("process-definition/key/no_such_process/startForm"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        using var rita = server.Client("rita");
        using (var response = await rita.GetAsync($"task/{taskId}/deployed-form"))
        {
            await Http.Error(response, HttpStatusCode.Forbidden, "AuthorizationException");
        }

        Assert.Equal("7.23.0", (string?)(await Http.Get(olav, "version"))!["version"]);
    }

    private static IEnumerable<JsonNode> Items(JsonNode page) => (page is JsonArray array ? array : page["items"]!.AsArray()).Select(i => i!);
}
