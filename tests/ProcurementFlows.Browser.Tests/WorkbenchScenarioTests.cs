using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using ProcurementFlows.Browser.Tests.Infrastructure;

namespace ProcurementFlows.Browser.Tests;

/// <summary>
/// The scenarios, each driven through the workbench in Chromium against the real server and PostgreSQL:
/// a designer changes a due date and deploys version n+1; an officer claims, fails a required field, fixes it and
/// completes; a supervisor reassigns a task escalated by a short timer and the new assignee sees it.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class WorkbenchScenarioTests(WorkbenchServer server, BrowserFixture browser)
{
    [Fact]
    public async Task Designer_changes_a_due_date_validates_and_deploys_the_next_version()
    {
        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "dana", "/designer", screenshot: true);

        var row = page.Locator("#process-list tr[data-key='procurement-case']");
        await row.WaitForAsync();
        var latest = int.Parse((await row.Locator("td").Nth(1).InnerTextAsync()).TrimStart('v'), System.Globalization.CultureInfo.InvariantCulture);
        await session.ScreenshotAsync("designer-processes");

        await row.GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/designer/procurement-case/{latest}");
        await page.Locator("#modeler-canvas .djs-element.djs-shape[data-element-id='Task_ApproveRequirement']").WaitForAsync();
        // Find the task the way a designer does in a large diagram: the search pad, by id, then Enter.
        await page.Locator("#find-element").ClickAsync();
        await page.Locator(".djs-search-input input").PressSequentiallyAsync("Task_ApproveRequirement");
        await page.Locator(".djs-search-result").First.WaitForAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#modeler-canvas .djs-element.selected[data-element-id='Task_ApproveRequirement']").WaitForAsync();

        // Our own group is in the Camunda panel, showing the segregation rule of the shipped diagram.
        var pfGroup = page.Locator("[data-group-id='group-procurementflows']");
        await pfGroup.Locator(".bio-properties-panel-group-header").ClickAsync();
        Assert.Contains("Task_DefineRequirement", await pfGroup.Locator("input").First.InputValueAsync(), StringComparison.Ordinal);

        var assignment = page.Locator("[data-group-id='group-CamundaPlatform__UserAssignment']");
        await assignment.Locator(".bio-properties-panel-group-header").ClickAsync();
        var dueDate = page.Locator("#bio-properties-panel-dueDate");
        Assert.Contains("addBusinessDays(now(), 5", await dueDate.InputValueAsync(), StringComparison.Ordinal);

        // A broken expression is marked on the element by the server's validation.
        await dueDate.FillAsync("${addBusinessDays(now(), }");
        await page.Locator("#validate").ClickAsync();
        var problems = page.Locator("#validation-results .alert-danger");
        await problems.WaitForAsync();
        Assert.Contains("Task_ApproveRequirement", await problems.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#modeler-canvas .djs-element.pf-validation-error[data-element-id='Task_ApproveRequirement']").WaitForAsync();
        await session.ScreenshotAsync("designer-validation-errors");

        await dueDate.FillAsync("${addBusinessDays(now(), 7, 'NO')}");
        await page.Locator("#validate").ClickAsync();
        await page.Locator("#validation-results .alert-ok").WaitForAsync();
        Assert.Equal(0, await page.Locator("#modeler-canvas .pf-validation-error").CountAsync());
        await session.ScreenshotAsync("designer-modeler");

        await page.Locator("#deploy").ClickAsync();
        var next = latest + 1;
        await page.WaitForURLAsync($"**/designer/procurement-case/{next}");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync($"v{next}");

        // The new version carries the change; the old one does not.
        Assert.Equal("${addBusinessDays(now(), 7, 'NO')}", await DueDateAsync(page, next));
        Assert.Contains("addBusinessDays(now(), 5", await DueDateAsync(page, latest), StringComparison.Ordinal);

        await page.GotoAsync($"/designer/procurement-case/{next}/history");
        var changed = page.Locator("#diff-summary tr[data-element-id='Task_ApproveRequirement']");
        await changed.WaitForAsync();
        Assert.Contains("Changed", await changed.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#diff-new .djs-element.diff-changed[data-element-id='Task_ApproveRequirement']").WaitForAsync();
        await session.ScreenshotAsync("designer-history-diff");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Designer_edits_a_task_form_and_deploys_it_with_the_diagram()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "dana", "/designer");

        var row = page.Locator("#process-list tr[data-key='BrowserPurchase']");
        await row.WaitForAsync();
        var latest = int.Parse((await row.Locator("td").Nth(1).InnerTextAsync()).TrimStart('v'), System.Globalization.CultureInfo.InvariantCulture);
        await row.GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.Locator("#modeler-canvas .djs-element[data-element-id='Task_Approve']").WaitForAsync();

        await page.Locator("#tab-forms").ClickAsync();
        await Assertions.Expect(page.Locator("#pane-forms .form-list")).ToContainTextAsync("browser-approval.form");
        var comment = page.Locator("#form-editor .fjs-element[data-id='Field_comment']");
        await comment.ClickAsync();
        var properties = page.Locator("#form-editor .fjs-editor-properties-container");
        await properties.Locator(".bio-properties-panel-group-header", new() { HasText = "General" }).ClickAsync();
        var label = properties.Locator("[data-entry-id='label'] [contenteditable='true']");
        await label.FillAsync("Note for the archive");
        await Assertions.Expect(comment).ToContainTextAsync("Note for the archive");
        await session.ScreenshotAsync("designer-form-editor");

        await page.Locator("#deploy").ClickAsync();
        await page.WaitForURLAsync($"**/designer/BrowserPurchase/{latest + 1}");
        var forms = await page.APIRequest.GetAsync($"/api/definitions/BrowserPurchase/versions/{latest + 1}/forms");
        Assert.True(forms.Ok, $"GET forms: {forms.Status}");
        Assert.Contains("Note for the archive", await forms.TextAsync(), StringComparison.Ordinal);
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Officer_claims_fixes_a_missing_field_completes_and_sees_the_case_advance()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var businessKey = $"BP-{Guid.NewGuid():N}"[..11];
        var instanceId = await server.StartAsync("olav", "BrowserPurchase", businessKey);

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", "/inbox?filter=claimable");
        var claimable = TaskRow(page, businessKey, "Approve purchase");
        await claimable.WaitForAsync();
        await session.ScreenshotAsync("inbox-claimable");
        await claimable.Locator("[data-action='claim']").ClickAsync();
        await Assertions.Expect(claimable).ToHaveCountAsync(0);

        await page.Locator("#tab-mine").ClickAsync();
        var mine = TaskRow(page, businessKey, "Approve purchase");
        await mine.WaitForAsync();
        await session.ScreenshotAsync("inbox-mine");
        await mine.GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/tasks/"));

        // Submit with the required decision missing: the error is shown on the field.
        var reference = page.GetByLabel("Budget reference");
        await reference.FillAsync("NO-DEF-2026-117");
        await page.Locator("#complete").ClickAsync();
        await page.Locator("#form-errors .alert-danger").WaitForAsync();
        var decisionField = page.Locator(".fjs-form-field:has(label:text('Decision'))").First;
        await Assertions.Expect(decisionField.Locator(".fjs-form-field-error")).ToBeVisibleAsync();
        await session.ScreenshotAsync("task-field-error");

        await page.GetByLabel("Approve", new() { Exact = true }).CheckAsync();
        await page.Locator("#complete").ClickAsync();
        await page.WaitForURLAsync($"**/cases/{instanceId}");

        // The case page shows the path advanced: approval done, archiving active.
        await page.Locator("#case-diagram .djs-element.case-completed[data-element-id='Task_Approve']").WaitForAsync();
        await page.Locator("#case-diagram .djs-element.case-active[data-element-id='Task_Archive']").WaitForAsync();
        await page.Locator("#audit-result .alert-ok").WaitForAsync();
        Assert.Contains("approve", await page.Locator("#case-variables").InnerTextAsync(), StringComparison.Ordinal);
        await session.ScreenshotAsync("case");

        await page.GotoAsync($"/cases?businessKey={businessKey}");
        await page.Locator($"#case-results tr[data-instance-id='{instanceId}']").WaitForAsync();
        await session.ScreenshotAsync("cases");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Supervisor_reassigns_a_task_escalated_by_a_timer_and_the_new_assignee_sees_it()
    {
        await server.DeployAsync("browser-escalation.bpmn");
        var businessKey = $"BE-{Guid.NewGuid():N}"[..11];
        await server.StartAsync("siri", "BrowserEscalation", businessKey);

        await using (var supervisor = await browser.OpenAsync(server.BaseAddress))
        {
            var page = supervisor.Page;
            await SignIn.AsAsync(supervisor, "siri", "/supervisor");
            // The boundary timer (PT2S) escalates the task; the dashboard shows it once Hangfire has fired it.
            var row = TaskRow(page, businessKey, "Review supplier findings", "#attention-tasks");
            var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
            while (await row.Locator(".badge:text('Escalated')").CountAsync() == 0)
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "The task was not shown as escalated within 30 s.");
                await page.ReloadAsync();
                await page.Locator("#attention-tasks").WaitForAsync();
                await page.WaitForTimeoutAsync(500);
            }

            await Assertions.Expect(page.Locator("#by-group svg.chart")).ToBeVisibleAsync();
            await supervisor.ScreenshotAsync("supervisor");
            // The picker offers the task's candidate group (compliance-officers); choose with the keyboard.
            await row.Locator("[data-action='reassign']").ClickAsync();
            var dialog = page.Locator("#reassign-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#reassign-dialog-input")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("ingr");
            await Assertions.Expect(dialog.Locator("[role='option']")).ToHaveCountAsync(1);
            await Assertions.Expect(dialog.Locator("[role='option']").First).ToHaveAttributeAsync("data-user-name", "ingrid");
            await supervisor.ScreenshotAsync("supervisor-reassign-picker");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(dialog.Locator("[role='option'][aria-selected='true']")).ToHaveAttributeAsync("data-user-name", "ingrid");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("ingrid");
            supervisor.AssertNoConsoleErrors();
        }

        await using var officer = await browser.OpenAsync(server.BaseAddress, Viewport.Tablet);
        await SignIn.AsAsync(officer, "ingrid", "/inbox");
        var mine = TaskRow(officer.Page, businessKey, "Review supplier findings");
        await mine.WaitForAsync();
        await Assertions.Expect(mine.Locator(".badge:text('Escalated')")).ToBeVisibleAsync();
        await officer.ScreenshotAsync("inbox-reassigned");
        officer.AssertNoConsoleErrors();
    }

    private static async Task<string?> DueDateAsync(IPage page, int version)
    {
        var response = await page.APIRequest.GetAsync($"/api/definitions/procurement-case/versions/{version}/xml");
        Assert.True(response.Ok, $"GET xml of v{version}: {response.Status}");
        var camunda = XNamespace.Get("http://camunda.org/schema/1.0/bpmn");
        return XDocument.Parse(await response.TextAsync())
            .Descendants(XNamespace.Get("http://www.omg.org/spec/BPMN/20100524/MODEL") + "userTask")
            .Single(t => (string?)t.Attribute("id") == "Task_ApproveRequirement")
            .Attribute(camunda + "dueDate")?.Value;
    }

    private static ILocator TaskRow(IPage page, string businessKey, string taskName, string scope = "#task-list") =>
        page.Locator($"{scope} tr[data-task-name='{taskName}']").Filter(new() { HasText = businessKey });
}
