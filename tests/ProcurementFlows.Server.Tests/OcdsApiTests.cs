using System.Net;
using System.Text.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>The OCDS export of a case over the API, built from the instance's stored variables and history.</summary>
public sealed class OcdsApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    // The planning milestone is the completion of Script_ApplyPolicy, as in workflows/procurement-case.bpmn.
    private static string Planning(string key) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.30.0">
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:scriptTask id="Script_ApplyPolicy" scriptFormat="javascript"><bpmn:script>execution.setVariable('policyApplied', true);</bpmn:script></bpmn:scriptTask>
            <bpmn:userTask id="Task_PrepareSolicitation" camunda:candidateGroups="procurement-officers" />
            <bpmn:endEvent id="End" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Script_ApplyPolicy" />
            <bpmn:sequenceFlow id="F2" sourceRef="Script_ApplyPolicy" targetRef="Task_PrepareSolicitation" />
            <bpmn:sequenceFlow id="F3" sourceRef="Task_PrepareSolicitation" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private static object Requirement => new
    {
        requirementTitle = "Night-vision goggles",
        requirementDescription = "Goggles for light infantry",
        cpvCode = "35000000-4",
        quantity = 400,
        unit = "pair",
        estimatedValue = 1_250_000,
        currency = "NOK",
        mainProcurementCategory = "goods",
    };

    private async Task<string> StartCase(string key, object variables, string? businessKey = null)
    {
        using var dana = await server.ClientFor("dana");
        await Rest.Deploy(dana, ($"{key}.bpmn", Planning(key)));
        using var olav = await server.ClientFor("olav");
        var outcome = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = businessKey ?? "PF-" + key, variables }), HttpStatusCode.Created);
        return outcome.GetProperty("instanceId").GetString()!;
    }

    [Fact]
    public async Task A_case_past_planning_exports_a_release_package_with_a_planning_release()
    {
        var key = $"ocds-{Guid.NewGuid():N}"[..20];
        var id = await StartCase(key, Requirement);
        using var olav = await server.ClientFor("olav");

        using var response = await olav.GetAsync($"/api/instances/{id}/ocds");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var package = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var release = Assert.Single(package.RootElement.GetProperty("releases").EnumerateArray());
        Assert.Equal("planning", release.GetProperty("tag")[0].GetString());
        Assert.EndsWith("-PF-" + key, release.GetProperty("ocid").GetString(), StringComparison.Ordinal);
        Assert.Equal("planned", release.GetProperty("tender").GetProperty("status").GetString());

        var detail = await Rest.Get(olav, $"/api/instances/{id}");
        Assert.True(detail.GetProperty("ocdsAvailable").GetBoolean());
    }

    [Fact]
    public async Task A_case_before_planning_is_422_and_not_ocds_available_and_an_unknown_case_is_404()
    {
        using var dana = await server.ClientFor("dana");
        var key = $"noocds-{Guid.NewGuid():N}"[..20];
        await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Approval(key)), ("request.form", Diagrams.RequestForm));
        using var olav = await server.ClientFor("olav");
        var outcome = await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, businessKey = "PF-" + key }), HttpStatusCode.Created);

        var id = outcome.GetProperty("instanceId").GetString();
        using var early = await olav.GetAsync($"/api/instances/{id}/ocds");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        Assert.Contains("ocds.nothing-to-publish", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var detail = await Rest.Get(olav, $"/api/instances/{id}");
        Assert.False(detail.GetProperty("ocdsAvailable").GetBoolean());

        using var missing = await olav.GetAsync($"/api/instances/{Guid.NewGuid()}/ocds");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var anonymous = server.Anonymous();
        using var unauthorised = await anonymous.GetAsync($"/api/instances/{Guid.NewGuid()}/ocds");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
    }

    [Fact]
    public async Task Instance_list_items_say_whether_each_case_is_ocds_available_as_the_detail_does()
    {
        var key = $"ocdslist-{Guid.NewGuid():N}"[..20];
        var published = await StartCase(key, Requirement);
        var badKey = await StartCase(key, Requirement, businessKey: "case 7/2025");
        using var dana = await server.ClientFor("dana");
        var early = $"ocdsearly-{Guid.NewGuid():N}"[..20];
        await Rest.Deploy(dana, ($"{early}.bpmn", Diagrams.Approval(early)), ("request.form", Diagrams.RequestForm));
        using var olav = await server.ClientFor("olav");
        var beforePlanning = (await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = early, businessKey = "PF-" + early }), HttpStatusCode.Created))
            .GetProperty("instanceId").GetString()!;
        var noBusinessKey = (await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key, variables = Requirement }), HttpStatusCode.Created))
            .GetProperty("instanceId").GetString()!;

        var listed = new Dictionary<string, bool>();
        foreach (var processKey in new[] { key, early })
        {
            var page = await Rest.Get(olav, $"/api/instances?processKey={processKey}");
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                listed[item.GetProperty("id").GetString()!] = item.GetProperty("ocdsAvailable").GetBoolean();
            }
        }

        Assert.Equal(4, listed.Count);
        Assert.True(listed[published]);
        Assert.False(listed[badKey]);
        Assert.False(listed[beforePlanning]);
        foreach (var (id, available) in listed)
        {
            var detail = await Rest.Get(olav, $"/api/instances/{id}");
            Assert.Equal(detail.GetProperty("ocdsAvailable").GetBoolean(), available);
        }

        // Without a business key the case id is the instance id, which is a valid OCDS case id.
        Assert.True(listed[noBusinessKey]);
    }

    [Fact]
    public async Task A_case_whose_business_key_cannot_form_an_ocid_is_422_and_not_ocds_available()
    {
        var key = $"ocdsbk-{Guid.NewGuid():N}"[..20];
        var id = await StartCase(key, Requirement, businessKey: "case 7/2025");
        using var olav = await server.ClientFor("olav");

        using var response = await olav.GetAsync($"/api/instances/{id}/ocds");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("ocds.invalid-case", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var detail = await Rest.Get(olav, $"/api/instances/{id}");
        Assert.False(detail.GetProperty("ocdsAvailable").GetBoolean());
    }
}
