using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ProcurementFlows.Browser.Tests.Infrastructure;

namespace ProcurementFlows.Browser.Tests;

/// <summary>
/// The procedure-dependent minimum periods of the shipped procurement case where an officer enters them: the form's
/// FEEL minimum comes from the case's procedure rules, and a value the process refused (sent through the API) comes
/// back on the reopened form with the message naming the field.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class ShippedFormRuleTests(WorkbenchServer server, BrowserFixture browser)
{
    [Fact]
    public async Task The_call_for_competition_form_holds_the_restricted_procedure_to_37_days_for_requests_to_participate()
    {
        var businessKey = BusinessKeys.New("PQ");
        var instanceId = await server.StartAsync("rita", "procurement-case", businessKey);
        using var rita = await server.ApiAsync("rita");
        using var bjorn = await server.ApiAsync("bjorn");
        using var olav = await server.ApiAsync("olav");
        using var siri = await server.ApiAsync("siri");
        await CompleteAsync(rita, instanceId, "Task_DefineRequirement", new JsonObject
        {
            ["requirementTitle"] = "Protected mobility vehicles",
            ["requirementDescription"] = "12 vehicles",
            ["cpvCode"] = "35400000-1",
            ["quantity"] = 12,
            ["unit"] = "vehicle",
            ["estimatedValue"] = 3_200_000,
            ["currency"] = "NOK",
            ["neededBy"] = "2027-01-01",
            ["securityClassification"] = "restricted",
            ["justification"] = "Fleet replacement",
        });
        await CompleteAsync(bjorn, instanceId, "Task_ApproveRequirement", new JsonObject { ["requirementDecision"] = "approve", ["budgetLine"] = "FMA-17" });
        await CompleteAsync(olav, instanceId, "Task_AcquisitionStrategy", new JsonObject
        {
            ["procurementMethod"] = "selective",
            ["procedureType"] = "restricted",
            ["mainProcurementCategory"] = "goods",
            ["estimatedValue"] = 3_200_000,
            ["lots"] = 1,
            ["awardCriteria"] = "ratedCriteria",
            ["evaluationCriteria"] = "60 quality / 40 price",
        });
        await CompleteAsync(siri, instanceId, "Task_ApproveStrategyDirector", new JsonObject { ["strategyDecision"] = "approve" });
        await CompleteAsync(olav, instanceId, "Task_MarketResearch", new JsonObject
        {
            ["marketResearchSummary"] = "RFI on Doffin",
            ["candidates"] = new JsonArray(new JsonObject { ["name"] = "Nordlys Forsvarsteknikk AS", ["country"] = "NO", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "923456783" }),
        });

        // Through the API the form's minimum is not evaluated, but the process refuses the period and reopens the task.
        await CompleteAsync(olav, instanceId, "Task_PublishCallForCompetition", new JsonObject
        {
            ["contractNoticeReference"] = "2026/S 043-120011",
            ["requestsPeriodDays"] = 20,
            ["minimumCandidates"] = 3,
            ["selectionCriteria"] = "Three years of comparable deliveries",
        });
        var taskId = await ClaimAsync(olav, instanceId, "Task_PublishCallForCompetition");

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", $"/tasks/{taskId}");
        var form = page.Locator("#task-form");
        var period = form.GetByLabel("Period for requests to participate");
        await period.WaitForAsync();
        await Assertions.Expect(form).ToContainTextAsync("requestsPeriodDays: 20 days is below the minimum of 37 days for requests to participate in the restricted procedure");
        await Assertions.Expect(form).ToContainTextAsync("At least 37 days for requests to participate in this procedure");

        // In the form the minimum of the procedure is enforced before anything is sent.
        await period.FillAsync("30");
        await page.Locator("#complete").ClickAsync();
        await page.Locator("#form-errors .alert-danger").WaitForAsync();
        await session.ScreenshotAsync("task-call-for-competition-minimum");
        var field = form.Locator(".fjs-form-field").Filter(new() { HasText = "Period for requests to participate" });
        await Assertions.Expect(field.Locator(".fjs-form-field-error")).ToContainTextAsync("minimum value of 37");
        Assert.Matches(new Regex("/tasks/"), page.Url);

        await period.FillAsync("37");
        await page.Locator("#complete").ClickAsync();
        await page.WaitForURLAsync(new Regex("/cases/"));
        var detail = JsonNode.Parse(await olav.GetStringAsync($"/api/instances/{instanceId}"))!;
        Assert.Contains(detail["pendingTimers"]!.AsArray(), t => (string?)t!["activityId"] == "Timer_RequestsDeadline");
        Assert.True((bool)detail["variables"]!["requestsPeriodCheck"]!["valid"]!);
        session.AssertNoConsoleErrors();
    }

    private static async Task CompleteAsync(HttpClient api, string instanceId, string activityId, JsonObject variables)
    {
        var taskId = await ClaimAsync(api, instanceId, activityId);
        using var completed = await api.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables });
        Assert.True(completed.IsSuccessStatusCode, $"{activityId}: {await completed.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> ClaimAsync(HttpClient api, string instanceId, string activityId)
    {
        var detail = JsonNode.Parse(await api.GetStringAsync($"/api/instances/{instanceId}"))!;
        var task = detail["openTasks"]!.AsArray().SingleOrDefault(t => (string?)t!["activityId"] == activityId);
        Assert.True(task is not null, $"{activityId} is not open: {detail["openTasks"]!.ToJsonString()}");
        var taskId = (string)task!["id"]!;
        using var claimed = await api.PostAsync($"/api/tasks/{taskId}/claim", null);
        Assert.True(claimed.IsSuccessStatusCode, $"claim {activityId}: {await claimed.Content.ReadAsStringAsync()}");
        return taskId;
    }
}
