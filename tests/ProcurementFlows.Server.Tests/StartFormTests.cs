using System.Net;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>A process whose start event has a form: the form is served with the version and checks the start variables.</summary>
public sealed partial class WorkflowApiTests
{
    private async Task<string> DeployWithStartForm()
    {
        var key = NewKey("startform");
        var xml = Diagrams.Approval(key).Replace("<bpmn:startEvent id=\"Start\">", "<bpmn:startEvent id=\"Start\" camunda:formRef=\"request-form\">", StringComparison.Ordinal);
        using var dana = await server.ClientFor("dana");
        await Rest.Deploy(dana, ($"{key}.bpmn", xml), ("request.form", Diagrams.RequestForm));
        return key;
    }

    [Fact]
    public async Task A_start_form_is_listed_with_the_version_and_its_forms()
    {
        var key = await DeployWithStartForm();
        using var olav = await server.ClientFor("olav");

        var version = await Rest.Get(olav, $"/api/definitions/{key}/versions/1");
        Assert.Equal("request-form", version.GetProperty("startFormKey").GetString());
        var forms = await Rest.Get(olav, $"/api/definitions/{key}/versions/1/forms");
        var form = Assert.Single(forms.EnumerateArray(), f => f.GetProperty("formKey").GetString() == "request-form");
        Assert.Equal("title", form.GetProperty("schema").GetProperty("components")[0].GetProperty("key").GetString());

        var plain = await DeployApproval(NewKey("nostartform"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Rest.Get(olav, $"/api/definitions/{plain}/versions/1")).GetProperty("startFormKey").ValueKind);
    }

    [Fact]
    public async Task Starting_with_variables_that_break_the_start_form_is_400_per_field_and_starts_nothing()
    {
        var key = await DeployWithStartForm();
        using var olav = await server.ClientFor("olav");

        using (var refused = await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "PF-SF-1", variables = new { cpv = "not a cpv", procedure = "auction" } }))
        {
            var problem = await Problems.AssertProblem(refused, HttpStatusCode.BadRequest);
            Assert.Equal("variables.invalid", problem.GetProperty("code").GetString());
            var errors = problem.GetProperty("errors");
            foreach (var field in new[] { "title", "amount", "cpv", "procedure" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {problem}");
            }
        }

        var none = await Rest.Get(olav, $"/api/instances?processKey={key}");
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());

        var started = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "PF-SF-2", variables = ValidRequest }), HttpStatusCode.Created);
        var detail = await Rest.Get(olav, $"/api/instances/{started.GetProperty("instanceId").GetString()}");
        Assert.Equal("Night-vision goggles", detail.GetProperty("variables").GetProperty("title").GetString());
    }
}
