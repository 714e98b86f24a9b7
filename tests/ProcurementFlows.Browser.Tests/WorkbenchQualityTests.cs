using Microsoft.Playwright;
using ProcurementFlows.Browser.Tests.Infrastructure;

namespace ProcurementFlows.Browser.Tests;

/// <summary>
/// The workbench at tablet width (768 px): every page an officer and supervisor uses fits the screen without
/// sideways scrolling, keeps its navigation, and is reachable from the keyboard (skip link, focus on each page's heading); no console errors.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class WorkbenchQualityTests(WorkbenchServer server, BrowserFixture browser)
{
    [Fact]
    public async Task Every_page_fits_a_768_pixel_tablet_and_is_reachable_by_keyboard()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var businessKey = BusinessKeys.New("TB");
        var instanceId = await server.StartAsync("siri", "BrowserPurchase", businessKey);
        using var api = await server.ApiAsync("siri");
        var detail = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/api/instances/{instanceId}"))!;
        var taskId = detail["openTasks"]![0]!["id"]!.GetValue<string>();
        (await api.PostAsync($"/api/tasks/{taskId}/claim", null)).EnsureSuccessStatusCode();

        await using var session = await browser.OpenAsync(server.BaseAddress, Viewport.Tablet);
        var page = session.Page;
        await SignIn.AsAsync(session, "siri", "/inbox");
        Assert.Equal(768, (await page.EvaluateAsync<int>("() => window.innerWidth")));

        // Keyboard: after a navigation focus is on the page's heading; the skip link jumps past the top bar.
        await Assertions.Expect(page.Locator("#main h1")).ToBeFocusedAsync();
        await page.Locator(".skip-link").FocusAsync();
        await Assertions.Expect(page.Locator(".skip-link")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#main")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#task-list tr").Filter(new() { HasText = businessKey })).ToBeVisibleAsync();

        var pages = new (string Path, string Name, string Ready)[]
        {
            ("/inbox", "inbox", $"#task-list tr:has-text('{businessKey}')"),
            ($"/tasks/{taskId}", "task", "#task-form .fjs-form-field"),
            ("/cases", "cases", $"#case-results tr:has-text('{businessKey}')"),
            ($"/cases/{instanceId}", "case", "#case-diagram .djs-element[data-element-id='Task_Approve']"),
            ("/supervisor", "supervisor", "#sla table, #sla .state-empty"),
        };
        foreach (var (path, name, ready) in pages)
        {
            await page.GotoAsync(path);
            await page.Locator(ready).First.WaitForAsync();
            await Assertions.Expect(page.Locator(".topbar nav a").First).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than the 768px screen.");
            await session.ScreenshotAsync($"{name}-768");
        }

        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_designer_fits_a_768_pixel_tablet()
    {
        await using var session = await browser.OpenAsync(server.BaseAddress, Viewport.Tablet);
        var page = session.Page;
        await SignIn.AsAsync(session, "dana", "/designer");
        var row = page.Locator("#process-list tr[data-key='supplier-vetting']");
        await row.WaitForAsync();
        await AssertFitsAsync(page, "/designer");
        await session.ScreenshotAsync("designer-768");

        await row.GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.Locator("#modeler-canvas .djs-element[data-element-id='Task_ReviewFindings']").WaitForAsync();
        // The properties panel sits below the canvas at this width, not beside it.
        var canvas = await page.Locator("#modeler-canvas").BoundingBoxAsync();
        var panel = await page.Locator(".modeler-panel").BoundingBoxAsync();
        Assert.True(panel!.Y >= canvas!.Y + canvas.Height - 1, $"The properties panel ({panel.Y}) should be below the canvas ({canvas.Y + canvas.Height}).");
        await AssertFitsAsync(page, "the modeler");
        await session.ScreenshotAsync("modeler-768");
        session.AssertNoConsoleErrors();
    }

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{what} is {overflow}px wider than the 768px screen.");
    }

    [Fact]
    public async Task Missing_pages_and_cases_show_an_error_state_not_a_blank_page()
    {
        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", "/cases/no-such-case");
        await Assertions.Expect(page.Locator(".state-error")).ToContainTextAsync("Not found");
        await page.GotoAsync("/tasks/no-such-task");
        await Assertions.Expect(page.Locator(".state-error")).ToContainTextAsync("Not found");
        await page.GotoAsync("/nowhere");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
        await session.ScreenshotAsync("not-found");
        session.AssertNoConsoleErrors(allow: "the server responded with a status of 404");
    }
}
