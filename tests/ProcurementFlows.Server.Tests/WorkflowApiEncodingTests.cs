using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ProcurementFlows.Server.Tests;

/// <summary>Uploaded BPMN bytes are decoded by their XML declaration, and undecodable bytes are refused, never mangled.</summary>
public sealed partial class WorkflowApiTests
{
    private static MultipartFormDataContent BpmnBytes(string name, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        content.Add(part, "files", name);
        return content;
    }

    private static string Latin1Diagram(string key, bool declared) =>
        (declared ? "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" : "<?xml version=\"1.0\"?>\n") + $"""
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
          <bpmn:process id="{key}" name="Bestilling før levering" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task A_latin1_diagram_with_its_encoding_declared_deploys_with_its_name_intact()
    {
        var key = NewKey("latin1");
        using var dana = await server.ClientFor("dana");
        using var body = BpmnBytes($"{key}.bpmn", Encoding.Latin1.GetBytes(Latin1Diagram(key, declared: true)));
        using var deployed = await dana.PostAsync("/api/definitions", body);
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        var xml = await dana.GetStringAsync($"/api/definitions/{key}/versions/1/xml");
        Assert.Contains("Bestilling før levering", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latin1_bytes_without_a_declaration_are_refused_with_the_encoding_error()
    {
        var key = NewKey("latin1x");
        using var dana = await server.ClientFor("dana");
        using var body = BpmnBytes($"{key}.bpmn", Encoding.Latin1.GetBytes(Latin1Diagram(key, declared: false)));
        using var response = await dana.PostAsync("/api/definitions/validate", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("xml.encoding", text, StringComparison.Ordinal);
    }
}
