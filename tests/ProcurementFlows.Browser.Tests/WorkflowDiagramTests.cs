using System.Text;
using Microsoft.Playwright;
using ProcurementFlows.Browser.Tests.Infrastructure;

namespace ProcurementFlows.Browser.Tests;

/// <summary>
/// Every shipped workflow opens in the bpmn-js viewer the workbench uses, with no import warnings
/// (an element or attribute bpmn-js does not understand would show as a warning), and the diagram
/// check page reports broken input instead of failing.
/// </summary>
public sealed class WorkflowDiagramTests(BrowserFixture browser, StaticWorkbenchHost host)
    : IClassFixture<BrowserFixture>, IClassFixture<StaticWorkbenchHost>
{
    public static TheoryData<string> Workflows()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.WorkflowDiagrams())
        {
            data.Add(Path.GetRelativePath(Repository.Root, file));
        }

        return data;
    }

    [Fact]
    public void Workflows_are_shipped()
    {
        Assert.NotEmpty(Repository.WorkflowDiagrams());
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public async Task Shipped_workflow_imports_into_the_viewer_without_warnings(string workflow)
    {
        await using var session = await browser.OpenAsync(host.BaseAddress);
        var result = await CheckAsync(session.Page, [new FilePayload
        {
            Name = Path.GetFileName(workflow),
            MimeType = "application/xml",
            Buffer = await File.ReadAllBytesAsync(Path.Combine(Repository.Root, workflow)),
        }]);

        var item = result.Locator($"li[data-file='{Path.GetFileName(workflow)}']");
        var warnings = await item.GetAttributeAsync("data-warnings");
        Assert.True(warnings == "0", $"{workflow}: {await item.InnerTextAsync()}");
        // The diagram was drawn: at least one shape with a size is on the canvas.
        Assert.True(await session.Page.Locator("#check-diagram .djs-element.djs-shape").CountAsync() > 1);
        await session.ScreenshotAsync($"workflow-{Path.GetFileNameWithoutExtension(workflow)}");
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Broken_xml_is_reported_as_an_import_failure()
    {
        await using var session = await browser.OpenAsync(host.BaseAddress);
        var result = await CheckAsync(session.Page, [new FilePayload
        {
            Name = "broken.bpmn",
            MimeType = "application/xml",
            Buffer = Encoding.UTF8.GetBytes("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"p\">"),
        }]);

        var item = result.Locator("li[data-file='broken.bpmn']");
        Assert.Equal("error", await item.GetAttributeAsync("data-warnings"));
        Assert.Contains("failed to import", await item.InnerTextAsync(), StringComparison.Ordinal);
        session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Unknown_elements_are_reported_as_import_warnings()
    {
        const string Diagram = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                id="d" targetNamespace="urn:test">
              <bpmn:process id="p" isExecutable="true">
                <bpmn:startEvent id="s" />
                <bpmn:unknownThing id="u" />
              </bpmn:process>
              <bpmndi:BPMNDiagram id="dia">
                <bpmndi:BPMNPlane id="plane" bpmnElement="p">
                  <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
                </bpmndi:BPMNPlane>
              </bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
        await using var session = await browser.OpenAsync(host.BaseAddress);
        var result = await CheckAsync(session.Page, [new FilePayload { Name = "odd.bpmn", MimeType = "application/xml", Buffer = Encoding.UTF8.GetBytes(Diagram) }]);

        var item = result.Locator("li[data-file='odd.bpmn']");
        Assert.NotEqual("0", await item.GetAttributeAsync("data-warnings"));
        Assert.Contains("unknownThing", await item.InnerTextAsync(), StringComparison.Ordinal);
    }

    private static async Task<ILocator> CheckAsync(IPage page, FilePayload[] files)
    {
        await page.GotoAsync("/viewer.html");
        await page.Locator("#bpmn-file").SetInputFilesAsync(files);
        var status = page.Locator($"#check-status[data-done='{files.Length}']");
        await status.WaitForAsync();
        return status;
    }
}
