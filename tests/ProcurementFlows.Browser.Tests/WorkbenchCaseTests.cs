using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ProcurementFlows.Browser.Tests.Infrastructure;

namespace ProcurementFlows.Browser.Tests;

/// <summary>
/// Cases and tasks through the workbench in Chromium against the real server and PostgreSQL: a shipped process
/// started from the start-case dialog and its first task worked through its shipped form; a start form; the task
/// page's case context with vetting findings; delegation with the user picker; inbox search kept in the URL;
/// cancelling a case with a reason, and a refused cancel shown as problem details.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class WorkbenchCaseTests(WorkbenchServer server, BrowserFixture browser)
{
    [Fact]
    public async Task Requirement_owner_starts_a_shipped_procurement_case_and_completes_its_first_task_through_its_form()
    {
        var businessKey = BusinessKeys.New("PC");
        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "rita", "/cases");

        // Start: procurement-case has no start form, so the variables editor is offered; a bad value is refused inline.
        await page.Locator("#start-case").ClickAsync();
        var dialog = page.Locator("#start-case-dialog");
        await Assertions.Expect(page.Locator("#start-process")).ToBeFocusedAsync();
        await page.Locator("#start-process").SelectOptionAsync("procurement-case");
        await page.Locator("#start-variables").WaitForAsync();
        await page.Locator("#start-business-key").FillAsync(businessKey);
        await page.Locator("#var-name-0").FillAsync("invoiceTolerance");
        await page.Locator("#var-type-0").SelectOptionAsync("number");
        await page.Locator("#var-value-0").FillAsync("two percent");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(dialog.Locator(".dialog-errors .alert-danger")).ToContainTextAsync("is not a number");
        await Assertions.Expect(page.Locator("#var-value-0")).ToHaveAttributeAsync("aria-invalid", "true");
        await session.ScreenshotAsync("start-case-dialog");
        await page.Locator("#var-value-0").FillAsync("0.03");
        await dialog.Locator("[data-action='confirm']").ClickAsync();

        await page.WaitForURLAsync(new Regex("/cases/[^/?]+$"));
        var instanceId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(businessKey);
        await page.Locator("#case-diagram .djs-element.case-active[data-element-id='Task_DefineRequirement']").WaitForAsync();
        Assert.Contains("0.03", await page.Locator("#case-variables tr:has-text('invoiceTolerance')").InnerTextAsync(), StringComparison.Ordinal);

        // The first task: claim it from the group's list, open it; the shipped form renders with its fields.
        await page.GotoAsync("/inbox?filter=claimable");
        var claimable = page.Locator("#task-list tr[data-task-name='Define requirement']").Filter(new() { HasText = businessKey });
        await claimable.Locator("[data-action='claim']").ClickAsync();
        await Assertions.Expect(claimable).ToHaveCountAsync(0);
        await page.GotoAsync("/inbox");
        var mine = page.Locator("#task-list tr[data-task-name='Define requirement']").Filter(new() { HasText = businessKey });
        await mine.GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/tasks/"));
        var form = page.Locator("#task-form");
        await form.Locator(".fjs-form-field").First.WaitForAsync();
        var labels = (await form.Locator(".fjs-form-field-label").AllInnerTextsAsync()).Select(l => l.Trim().TrimEnd('*').Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var label in new[] { "Title", "Operational need and description", "CPV code", "Quantity", "Unit of measure", "Estimated value (excl. VAT)", "Currency", "Needed by", "Security classification", "Justification", "Withhold from publication (OCDS)" })
        {
            Assert.Contains(label, labels);
        }

        // Everything but the title: the missing required field is marked inline and nothing is completed.
        // The date picker first: its calendar closes before the text fields are typed into.
        await FillDateAsync(page, form.GetByLabel("Needed by"), "2027-03-01");
        await form.GetByLabel("Operational need and description").FillAsync("Night-vision goggles for two infantry platoons.");
        await form.GetByLabel("CPV code").FillAsync("38631000");
        await form.GetByLabel("Quantity").FillAsync("60");
        await form.GetByLabel("Unit of measure").FillAsync("pieces");
        await form.GetByLabel("Estimated value (excl. VAT)").FillAsync("1200000");
        await form.GetByLabel("Justification").FillAsync("Replacement of end-of-life equipment.");
        await page.Locator("#complete").ClickAsync();
        await page.Locator("#form-errors .alert-danger").WaitForAsync();
        var title = form.Locator(".fjs-form-field:has(label:text-is('Title'))").First;
        await Assertions.Expect(title.Locator(".fjs-form-field-error")).ToBeVisibleAsync();
        Assert.Matches(new Regex("/tasks/"), page.Url);
        await session.ScreenshotAsync("task-shipped-form-error");

        await title.Locator("input").FillAsync("Night-vision goggles");
        await page.Locator("#complete").ClickAsync();
        try
        {
            await page.WaitForURLAsync($"**/cases/{instanceId}");
        }
        catch (TimeoutException)
        {
            await session.ScreenshotAsync("task-shipped-form-not-completed");
            Assert.Fail($"The task was not completed: {await page.Locator("#form-errors").InnerTextAsync()}");
        }


        // The path advanced: the requirement is defined, its approval by a budget holder is active.
        await page.Locator("#case-diagram .djs-element.case-completed[data-element-id='Task_DefineRequirement']").WaitForAsync();
        await page.Locator("#case-diagram .djs-element.case-active[data-element-id='Task_ApproveRequirement']").WaitForAsync();
        Assert.Contains("Night-vision goggles", await page.Locator("#case-variables").InnerTextAsync(), StringComparison.Ordinal);
        // Nothing publishable yet: no OCDS download before planning.
        await Assertions.Expect(page.Locator("#ocds-download")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("case-shipped-advanced");

        // A budget holder approves (through the API): planning is reached and the case page offers the OCDS package.
        using (var bjorn = await server.ApiAsync("bjorn"))
        {
            var approval = await OpenTaskIdAsync(bjorn, instanceId);
            (await bjorn.PostAsync($"/api/tasks/{approval}/claim", null)).EnsureSuccessStatusCode();
            using var completed = await bjorn.PostAsJsonAsync($"/api/tasks/{approval}/complete", new { variables = new { requirementDecision = "approve", budgetLine = "NDMA-2026-17" } });
            Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        }

        await page.ReloadAsync();
        var ocds = page.Locator("#ocds-download");
        await Assertions.Expect(ocds).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => ocds.ClickAsync());
        Assert.Equal($"{businessKey}-ocds.json", download.SuggestedFilename);
        var package = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!))!;
        Assert.Contains(businessKey, package["releases"]![0]!["ocid"]!.GetValue<string>(), StringComparison.Ordinal);
        await session.ScreenshotAsync("case-ocds");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_process_with_a_start_form_is_started_through_it_and_its_required_field_is_checked()
    {
        await server.DeployAsync("browser-vetting.bpmn", "browser-supplier.form");
        var businessKey = BusinessKeys.New("SV");
        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", "/cases");

        await page.Locator("#start-case").ClickAsync();
        var dialog = page.Locator("#start-case-dialog");
        await page.Locator("#start-process").SelectOptionAsync("BrowserVetting");
        var startForm = dialog.Locator("#start-form");
        await Assertions.Expect(startForm.GetByLabel("Supplier name")).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("#start-variables")).ToHaveCountAsync(0);
        await page.Locator("#start-business-key").FillAsync(businessKey);
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(dialog.Locator(".dialog-errors .alert-danger")).ToContainTextAsync("start form need attention");
        await Assertions.Expect(startForm.Locator(".fjs-form-field:has(label:text-is('Supplier name')) .fjs-form-field-error")).ToBeVisibleAsync();
        await session.ScreenshotAsync("start-case-start-form");

        await startForm.GetByLabel("Supplier name").FillAsync("Fjordvakt Maritime AS");
        await startForm.GetByLabel("Registration number").FillAsync("934567897");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await page.WaitForURLAsync(new Regex("/cases/[^/?]+$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(businessKey);
        var variables = page.Locator("#case-variables");
        await Assertions.Expect(variables).ToContainTextAsync("Fjordvakt Maritime AS");
        await Assertions.Expect(variables.Locator("tr:has-text('country')")).ToContainTextAsync("NO");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Task_page_shows_key_facts_vetting_findings_with_status_badges_and_recent_history()
    {
        await server.DeployAsync("browser-vetting.bpmn", "browser-supplier.form");
        var businessKey = BusinessKeys.New("VF");
        // The findings exactly as the registry handlers write them (src/ProcurementFlows.Registries/README.md).
        var variables = new JsonObject
        {
            ["supplierName"] = "Fjordvakt Maritime AS",
            ["country"] = "NO",
            ["registrationNumber"] = "934567897",
            ["companyLookup"] = Finding("registry.company-lookup", "hit", "FJORDVAKT MARITIME AS is insolvent or being dissolved.", "Brønnøysund Enhetsregisteret", "2026-11-28T19:00:00.0000000+00:00", "Bankrupt (konkurs) since 2026-09-14."),
            ["sanctionsScreening"] = Finding("registry.sanctions-screening", "clear", "No sanctioned or debarred party matches.", "OpenSanctions", "2026-11-28T19:00:01.0000000+00:00"),
            ["leiCheck"] = Finding("registry.lei-check", "needs-review", "The LEI has lapsed.", "GLEIF", "2026-11-28T19:00:02.0000000+00:00", "Registration status LAPSED."),
            ["exclusionsCheck"] = Finding("registry.exclusions-check", "not-found", "No exclusion record.", "SAM.gov", "2026-11-28T19:00:03.0000000+00:00"),
        };
        await server.StartAsync("olav", "BrowserVetting", businessKey, variables);

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "ingrid", "/inbox?filter=claimable");
        var row = page.Locator("#task-list tr[data-task-name='Review vetting findings']").Filter(new() { HasText = businessKey });
        await row.Locator("[data-action='claim']").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.GotoAsync("/inbox");
        await page.Locator("#task-list tr[data-task-name='Review vetting findings']").Filter(new() { HasText = businessKey }).GetByRole(AriaRole.Link, new() { Name = "Open", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/tasks/"));

        var facts = page.Locator("#case-facts");
        await Assertions.Expect(facts).ToContainTextAsync(businessKey);
        await Assertions.Expect(facts).ToContainTextAsync("Fjordvakt Maritime AS");
        await Assertions.Expect(facts).ToContainTextAsync("934567897");

        var findings = page.Locator("#vetting-findings table");
        await Assertions.Expect(findings.Locator("tbody tr")).ToHaveCountAsync(4);
        await AssertFindingAsync(findings, "companyLookup", "Company lookup", "hit", "Hit", "Brønnøysund Enhetsregisteret", "Bankrupt (konkurs) since 2026-09-14.");
        await AssertFindingAsync(findings, "sanctionsScreening", "Sanctions screening", "clear", "Clear", "OpenSanctions", "No sanctioned or debarred party matches.");
        await AssertFindingAsync(findings, "leiCheck", "LEI check", "needs-review", "Needs review", "GLEIF", "Registration status LAPSED.");
        await AssertFindingAsync(findings, "exclusionsCheck", "Exclusions check", "not-found", "Not found", "SAM.gov", "No exclusion record.");
        // The retrieval time is shown (in the browser's zone, en-GB): 28 Nov 2026.
        await Assertions.Expect(findings.Locator("tr[data-variable='companyLookup'] time")).ToHaveAttributeAsync("datetime", "2026-11-28T19:00:00.0000000+00:00");
        await Assertions.Expect(findings.Locator("tr[data-variable='companyLookup'] time")).ToContainTextAsync("28 Nov 2026");

        var historyItems = page.Locator("#recent-history li");
        Assert.True(await historyItems.CountAsync() >= 2, "The recent history lists the case's entries.");
        await Assertions.Expect(page.Locator("#recent-history")).ToContainTextAsync("ingrid");
        // Activities are named from the diagram, not shown by id.
        await Assertions.Expect(page.Locator("#recent-history [data-activity-id='Task_ReviewFindings']").First).ToHaveTextAsync("Review vetting findings");
        await session.ScreenshotAsync("task-vetting-findings");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Shipped_supplier_vetting_against_the_registry_sandbox_shows_its_real_findings_on_the_review_task()
    {
        var businessKey = BusinessKeys.New("SV");
        var supplier = new JsonObject { ["name"] = "Fjordvakt Maritime AS", ["country"] = "NO", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "934567897" };
        var instanceId = await server.StartAsync("olav", "supplier-vetting", businessKey, new JsonObject { ["supplier"] = supplier });

        // The four registry checks run as service tasks against the sandbox; the bankrupt company sends the case to review.
        using var ingrid = await server.ApiAsync("ingrid");
        string? taskId = null;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (taskId is null)
        {
            var detail = JsonNode.Parse(await ingrid.GetStringAsync($"/api/instances/{instanceId}"))!;
            taskId = detail["openTasks"]!.AsArray().FirstOrDefault(t => t!["activityId"]!.GetValue<string>() == "Task_ReviewFindings")?["id"]?.GetValue<string>();
            Assert.True(taskId is not null || DateTimeOffset.UtcNow < deadline, $"No review task within 60 s: {detail.ToJsonString()[..Math.Min(2000, detail.ToJsonString().Length)]}");
            if (taskId is null)
            {
                await Task.Delay(500);
            }
        }

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "ingrid", $"/tasks/{taskId}");
        var findings = page.Locator("#vetting-findings table");
        await Assertions.Expect(findings.Locator("tbody tr")).ToHaveCountAsync(4);
        var company = findings.Locator("tr[data-variable='companyLookup']");
        await Assertions.Expect(company.Locator(".badge[data-status='hit']")).ToHaveTextAsync("Hit");
        await Assertions.Expect(company).ToContainTextAsync("Brønnøysund");
        await Assertions.Expect(company).ToContainTextAsync("2026-09-14");
        await Assertions.Expect(company.Locator("time")).ToHaveCountAsync(1);
        foreach (var variable in new[] { "sanctionsScreening", "leiCheck", "exclusionsCheck" })
        {
            await Assertions.Expect(findings.Locator($"tr[data-variable='{variable}'] .badge[data-status]")).ToHaveCountAsync(1);
        }

        await session.ScreenshotAsync("task-vetting-sandbox");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Officer_delegates_with_the_keyboard_driven_user_picker_of_the_tasks_group()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var businessKey = BusinessKeys.New("DG");
        var instanceId = await server.StartAsync("olav", "BrowserPurchase", businessKey);
        using var olav = await server.ApiAsync("olav");
        var taskId = await OpenTaskIdAsync(olav, instanceId);
        (await olav.PostAsync($"/api/tasks/{taskId}/claim", null)).EnsureSuccessStatusCode();

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", $"/tasks/{taskId}");
        var dialog = page.Locator("#delegate-dialog");
        // Escape closes the dialog and gives focus back to the button that opened it.
        await page.Locator("#delegate").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#delegate-dialog-input")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#delegate")).ToBeFocusedAsync();

        await page.Locator("#delegate").ClickAsync();
        await Assertions.Expect(page.Locator("#delegate-dialog-input")).ToBeFocusedAsync();
        // Offered: members of procurement-officers other than olav himself.
        await Assertions.Expect(dialog.Locator("[role='option']").First).ToBeVisibleAsync();
        var offered = await dialog.Locator("[role='option']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.userName)");
        Assert.Contains("siri", offered);
        Assert.DoesNotContain("olav", offered);
        Assert.DoesNotContain("ingrid", offered);

        // Nobody matches: said so, and confirming without a choice is refused in the dialog.
        await page.Keyboard.TypeAsync("zz-nobody");
        await Assertions.Expect(dialog.Locator(".picker-status")).ToContainTextAsync("No user");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog.Locator(".dialog-errors")).ToContainTextAsync("Choose a user");

        await page.Locator("#delegate-dialog-input").FillAsync("");
        await page.Keyboard.TypeAsync("sir");
        await Assertions.Expect(dialog.Locator("[role='option']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#delegate-dialog-input")).ToHaveAttributeAsync("aria-activedescendant", "delegate-dialog-option-0");
        await session.ScreenshotAsync("task-delegate-picker");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog.Locator(".picker-chosen")).ToContainTextAsync("(siri)");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/inbox"));

        using var siri = await server.ApiAsync("siri");
        var task = JsonNode.Parse(await siri.GetStringAsync($"/api/tasks/{taskId}"))!;
        Assert.Equal("siri", task["task"]!["assignee"]!.GetValue<string>());
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Inbox_search_combines_with_the_filters_and_survives_a_reload_through_the_url()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var first = BusinessKeys.New("QA");
        var second = BusinessKeys.New("QB");
        await server.StartAsync("olav", "BrowserPurchase", first);
        await server.StartAsync("olav", "BrowserPurchase", second);

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "olav", "/inbox?filter=claimable");
        var list = page.Locator("#task-list");
        await list.Locator("tr").Filter(new() { HasText = first }).WaitForAsync();
        await list.Locator("tr").Filter(new() { HasText = second }).WaitForAsync();

        await page.Locator("#task-search").PressSequentiallyAsync(first);
        await page.WaitForURLAsync(url => new Uri(url).Query.Contains($"q={first}", StringComparison.Ordinal));
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator("tbody tr")).ToContainTextAsync(first);
        await session.ScreenshotAsync("inbox-search");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#task-search")).ToHaveValueAsync(first);
        await Assertions.Expect(page.Locator("#tab-claimable")).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);

        // With a filter no task passes: the empty state names the search; the URL keeps both.
        await page.Locator("#only-overdue").CheckAsync();
        await Assertions.Expect(list.Locator(".state-empty")).ToContainTextAsync(first);
        var query = new Uri(page.Url).Query;
        Assert.Contains("overdue=true", query, StringComparison.Ordinal);
        Assert.Contains($"q={first}", query, StringComparison.Ordinal);

        await page.Locator("#only-overdue").UncheckAsync();
        await page.Locator("#task-search").FillAsync("");
        await list.Locator("tr").Filter(new() { HasText = second }).WaitForAsync();
        Assert.DoesNotContain("q=", new Uri(page.Url).Query, StringComparison.Ordinal);

        // The list tabs work from the keyboard (arrow keys) and the choice is kept in the URL too.
        // A case can be started from the inbox too: the dialog opens and Escape leaves it.
        await page.Locator("#start-case").ClickAsync();
        await Assertions.Expect(page.Locator("#start-process option[value='BrowserPurchase']")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#start-case-dialog")).ToHaveCountAsync(0);

        await page.Locator("#tab-claimable").FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.Locator("#tab-mine")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#tab-mine")).ToHaveAttributeAsync("aria-selected", "true");
        await page.WaitForURLAsync(url => new Uri(url).Query.Contains("filter=mine", StringComparison.Ordinal));
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Supervisor_cancels_a_case_with_a_reason_and_a_refused_cancel_shows_the_problem()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var businessKey = BusinessKeys.New("CX");
        var instanceId = await server.StartAsync("olav", "BrowserPurchase", businessKey);
        var raced = await server.StartAsync("olav", "BrowserPurchase", BusinessKeys.New("CY"));

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "siri", $"/cases/{instanceId}");
        await page.Locator("#cancel-case").ClickAsync();
        var dialog = page.Locator("#cancel-case-dialog");
        await Assertions.Expect(page.Locator("#cancel-reason")).ToBeFocusedAsync();
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(page.Locator("#cancel-reason-error")).ToHaveTextAsync("Give a reason for cancelling.");
        await Assertions.Expect(page.Locator("#cancel-reason")).ToHaveAttributeAsync("aria-invalid", "true");
        await session.ScreenshotAsync("case-cancel-dialog");
        await page.Locator("#cancel-reason").FillAsync("Requirement withdrawn by the requester.");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".page-header .badge")).ToHaveTextAsync("cancelled");
        await Assertions.Expect(page.Locator("#cancel-case")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#case-audit")).ToContainTextAsync("siri");

        // Someone else cancels first: the server's refusal is shown as problem details in the dialog.
        await page.GotoAsync($"/cases/{raced}");
        await page.Locator("#cancel-case").WaitForAsync();
        using (var api = await server.ApiAsync("siri"))
        {
            (await api.PostAsJsonAsync($"/api/instances/{raced}/cancel", new { reason = "duplicate" })).EnsureSuccessStatusCode();
        }

        await page.Locator("#cancel-case").ClickAsync();
        await page.Locator("#cancel-reason").FillAsync("Duplicate case.");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        var problem = dialog.Locator(".dialog-errors .problem");
        await Assertions.Expect(problem).ToBeVisibleAsync();
        Assert.Matches(new Regex(@"\(4\d\d\)"), await problem.Locator(".problem-title").InnerTextAsync());
        await session.ScreenshotAsync("case-cancel-problem");
        await dialog.Locator("[data-action='cancel']").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        session.AssertNoConsoleErrors(allow: "the server responded with a status of 4");
    }

    [Fact]
    public async Task Supervisor_sets_case_variables_and_a_stale_edit_is_refused_with_the_servers_problem()
    {
        await server.DeployAsync("browser-purchase.bpmn", "browser-approval.form");
        var instanceId = await server.StartAsync("olav", "BrowserPurchase", BusinessKeys.New("VA"), new JsonObject { ["amount"] = 1200 });

        await using var session = await browser.OpenAsync(server.BaseAddress);
        var page = session.Page;
        await SignIn.AsAsync(session, "siri", $"/cases/{instanceId}");
        var variables = page.Locator("#case-variables");
        var dialog = page.Locator("#variable-dialog");

        // Edit: the value's type is kept; a value that does not fit it is refused inline.
        await variables.Locator("[data-action='edit-variable'][data-name='amount']").ClickAsync();
        await Assertions.Expect(page.Locator("#variable-type")).ToHaveValueAsync("number");
        await Assertions.Expect(page.Locator("#variable-value")).ToBeFocusedAsync();
        await page.Locator("#variable-value").FillAsync("a lot");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(page.Locator("#variable-value-error")).ToContainTextAsync("is not a number");
        await session.ScreenshotAsync("case-variable-dialog");
        await page.Locator("#variable-value").FillAsync("1500");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(variables.Locator("tr:has-text('amount')")).ToContainTextAsync("1500");

        // Add a new one.
        await page.Locator("#add-variable").ClickAsync();
        await page.Locator("#variable-name").FillAsync("budgetLine");
        await page.Locator("#variable-value").FillAsync("NDMA-2026-17");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(variables.Locator("tr:has-text('budgetLine')")).ToContainTextAsync("NDMA-2026-17");

        // Someone changes the case while the dialog is open: saving is refused (409) and the dialog says so.
        await variables.Locator("[data-action='edit-variable'][data-name='amount']").ClickAsync();
        using (var api = await server.ApiAsync("siri"))
        {
            var version = JsonNode.Parse(await api.GetStringAsync($"/api/instances/{instanceId}"))!["instance"]!["version"]!.GetValue<long>();
            using var put = await api.PutAsJsonAsync($"/api/instances/{instanceId}/variables/amount", new { value = 1700, expectedVersion = version });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await page.Locator("#variable-value").FillAsync("1600");
        await dialog.Locator("[data-action='confirm']").ClickAsync();
        await Assertions.Expect(dialog.Locator(".problem .problem-title")).ToContainTextAsync("(409)");
        await dialog.Locator("[data-action='cancel']").ClickAsync();
        await page.ReloadAsync();
        await Assertions.Expect(variables.Locator("tr:has-text('amount')")).ToContainTextAsync("1700");
        session.AssertNoConsoleErrors(allow: "the server responded with a status of 409");
    }

    private static JsonObject Finding(string check, string status, string summary, string sourceName, string retrievedAt, params string[] reasons) => new()
    {
        ["check"] = check,
        ["status"] = status,
        ["requiresReview"] = status != "clear",
        ["summary"] = summary,
        ["reasons"] = new JsonArray([.. reasons.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["source"] = new JsonObject { ["registry"] = sourceName.ToLowerInvariant(), ["name"] = sourceName, ["requests"] = new JsonArray() },
        ["retrievedAt"] = retrievedAt,
        ["evidence"] = new JsonObject(),
    };

    private static async Task AssertFindingAsync(ILocator table, string variable, string check, string status, string badge, string source, string text)
    {
        var row = table.Locator($"tr[data-variable='{variable}']");
        await Assertions.Expect(row.Locator("th")).ToHaveTextAsync(check);
        await Assertions.Expect(row.Locator($".badge[data-status='{status}']")).ToHaveTextAsync(badge);
        await Assertions.Expect(row).ToContainTextAsync(source);
        await Assertions.Expect(row).ToContainTextAsync(text);
    }

    private static async Task<string> OpenTaskIdAsync(HttpClient api, string instanceId)
    {
        var detail = JsonNode.Parse(await api.GetStringAsync($"/api/instances/{instanceId}"))!;
        return detail["openTasks"]!.AsArray().Single()!["id"]!.GetValue<string>();
    }

    /// <summary>form-js date fields are flatpickr inputs that accept typed dates (its default format, m/d/Y).</summary>
    private static async Task FillDateAsync(IPage page, ILocator input, string isoDate)
    {
        var parts = isoDate.Split('-');
        await input.ClickAsync();
        await input.FillAsync($"{parts[1]}/{parts[2]}/{parts[0]}");
        await input.PressAsync("Enter");
        await page.Keyboard.PressAsync("Escape");
    }
}
