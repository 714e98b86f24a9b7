using System.Net;
using System.Text.Json.Nodes;
using ProcurementFlows.Camunda.Tests.Infrastructure;

namespace ProcurementFlows.Camunda.Tests;

[Collection(CamundaCollection.Name)]
public sealed class DeploymentTests(CamundaServer server)
{
    [Fact]
    public async Task Modeler_deploy_versions_like_our_own_deploy_endpoint()
    {
        using var dana = server.Client("dana");
        var first = await Http.Deploy(dana, "modeler-versions", ("modeler-versions.bpmn", Diagrams.UserTask("modeler_versions")));
        var deployed = first["deployedProcessDefinitions"]!.AsObject();
        var definition = Assert.Single(deployed).Value!;
        Assert.Equal("modeler_versions", (string?)definition["key"]);
        Assert.Equal(1, (int)definition["version"]!);
        Assert.Equal("modeler-versions.bpmn", (string?)definition["resource"]);
        Assert.Equal((string?)first["id"], (string?)definition["deploymentId"]);
        Assert.Equal("Camunda Modeler", (string?)first["source"]);
        Assert.Equal("modeler-versions", (string?)first["name"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$", (string?)first["deploymentTime"]);
        Assert.EndsWith($"/engine-rest/deployment/{first["id"]}", (string?)first["links"]![0]!["href"]);

        // Identical: no new version, the answer names the deployment that holds it.
        var again = await Http.Deploy(dana, "modeler-versions", ("modeler-versions.bpmn", Diagrams.UserTask("modeler_versions")));
        Assert.Null(again["deployedProcessDefinitions"]);
        Assert.Equal((string?)first["id"], (string?)again["id"]);

        // Changed: version n+1.
        var changed = await Http.Deploy(dana, "modeler-versions", ("modeler-versions.bpmn", Diagrams.UserTask("modeler_versions", "Review request again")));
        var second = Assert.Single(changed["deployedProcessDefinitions"]!.AsObject()).Value!;
        Assert.Equal(2, (int)second["version"]!);
        Assert.Equal($"modeler_versions:2:{changed["id"]}", (string?)second["id"]);

        var latest = await Http.Get(dana, "process-definition/key/modeler_versions");
        Assert.Equal(2, (int)latest!["version"]!);
        Assert.Equal((string?)second["id"], (string?)latest["id"]);
        var xml = await Http.Get(dana, "process-definition/key/modeler_versions/xml");
        Assert.Contains("Review request again", (string?)xml!["bpmn20Xml"], StringComparison.Ordinal);
        var byId = await Http.Get(dana, $"process-definition/{first["deployedProcessDefinitions"]!.AsObject().First().Key}/xml");
        Assert.DoesNotContain("Review request again", (string?)byId!["bpmn20Xml"], StringComparison.Ordinal);

        var versions = (await Http.Get(dana, "process-definition?key=modeler_versions"))!.AsArray();
        Assert.Equal([1, 2], versions.Select(v => (int)v!["version"]!));
        var page = (await Http.Get(dana, "process-definition?key=modeler_versions&firstResult=1&maxResults=1"))!.AsArray();
        Assert.Equal(2, (int)Assert.Single(page)!["version"]!);
        Assert.Equal(1, (int)(await Http.Get(dana, "process-definition?key=modeler_versions&latestVersion=true"))!.AsArray().Count);
        Assert.Equal(2, (long)(await Http.Get(dana, "process-definition/count?key=modeler_versions"))!["count"]!);

        var deployment = await Http.Get(dana, $"deployment/{changed["id"]}");
        Assert.Equal("modeler-versions", (string?)deployment!["name"]);
        var named = (await Http.Get(dana, "deployment?name=modeler-versions"))!.AsArray();
        Assert.Equal(2, named.Count);
        Assert.Equal((string?)changed["id"], (string?)named[0]!["id"]); // newest first
        Assert.Equal(2, (long)(await Http.Get(dana, "deployment/count?name=modeler-versions"))!["count"]!);
    }

    [Fact]
    public async Task A_diagram_with_errors_is_refused_as_a_parse_exception_with_details()
    {
        using var dana = server.Client("dana");
        using var content = Http.ModelerDeployment("broken", [("broken.bpmn", Diagrams.Broken("broken_deploy"))]);
        using var response = await dana.PostAsync("deployment/create", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(text)!;
        Assert.Equal("ParseException", (string?)body["type"]);
        var errors = body["details"]!["broken.bpmn"]!["errors"]!.AsArray();
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => ((string?)e!["message"])!.Length > 0);
        await Http.Get(dana, "process-definition/key/broken_deploy", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("tenant", null, "tenant-id")]
    [InlineData(null, "deployment-activation-time", "deployment-activation-time")]
    public async Task Unsupported_deployment_fields_are_refused_with_a_clear_error(string? tenant, string? extraField, string named)
    {
        using var dana = server.Client("dana");
        using var content = Http.ModelerDeployment("unsupported", [("unsupported.bpmn", Diagrams.UserTask("unsupported_fields"))], tenant, extraField);
        using var response = await dana.PostAsync("deployment/create", content);
        var message = await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        Assert.Contains(named, message, StringComparison.Ordinal);
        await Http.Get(dana, "process-definition/key/unsupported_fields", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Files_other_than_bpmn_and_forms_and_empty_uploads_are_refused()
    {
        using var dana = server.Client("dana");
        using (var dmn = Http.ModelerDeployment("dmn", [("decision.dmn", "<definitions/>")]))
        using (var response = await dana.PostAsync("deployment/create", dmn))
        {
            Assert.Contains("decision.dmn", await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException"), StringComparison.Ordinal);
        }

        using (var empty = Http.ModelerDeployment("empty", []))
        using (var response = await dana.PostAsync("deployment/create", empty))
        {
            Assert.Contains("No deployment resources", await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Deploying_needs_the_designer_role_and_credentials()
    {
        using var olav = server.Client("olav");
        using (var content = Http.ModelerDeployment("x", [("x.bpmn", Diagrams.UserTask("officer_deploy"))]))
        using (var response = await olav.PostAsync("deployment/create", content))
        {
            await Http.Error(response, HttpStatusCode.Forbidden, "AuthorizationException");
        }

        using var anonymous = server.Client(null);
        using (var content = Http.ModelerDeployment("x", [("x.bpmn", Diagrams.UserTask("anonymous_deploy"))]))
        using (var response = await anonymous.PostAsync("deployment/create", content))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }

        using var wrong = server.Client(null);
        wrong.DefaultRequestHeaders.Authorization = CamundaServer.Basic("dana", "not-her-password");
        using (var response = await wrong.GetAsync("deployment"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var dana = server.Client("dana");
        await Http.Get(dana, "process-definition/key/officer_deploy", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_definitions_and_deployments_answer_404_in_camundas_shape()
    {
        using var dana = server.Client("dana");
        using (var response = await dana.GetAsync("process-definition/key/does_not_exist"))
        {
            Assert.Contains("does_not_exist", await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException"), StringComparison.Ordinal);
        }

        using (var response = await dana.GetAsync("process-definition/not-an-id"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        using (var response = await dana.GetAsync($"deployment/{Guid.NewGuid()}"))
        {
            await Http.Error(response, HttpStatusCode.NotFound, "InvalidRequestException");
        }

        using (var response = await dana.GetAsync("process-definition?firstResult=-1"))
        {
            await Http.Error(response, HttpStatusCode.BadRequest, "InvalidRequestException");
        }
    }
}
