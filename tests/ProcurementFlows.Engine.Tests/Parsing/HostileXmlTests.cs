using System.Text;

namespace ProcurementFlows.Engine.Tests.Parsing;

public class HostileXmlTests
{
    private static BpmnDiagnostic SingleError(CompilationResult r)
    {
        Assert.False(r.Succeeded);
        Assert.Empty(r.Processes);
        return Assert.Single(r.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void External_entity_file_read_is_refused()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
                <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="&xxe;" isExecutable="true"/></definitions>
                """;
            var r = BpmnCompiler.Compile(xml);
            var d = SingleError(r);
            Assert.Equal("xml.dtd-prohibited", d.Code);
            Assert.DoesNotContain("TOP-SECRET", string.Join(" ", r.Diagnostics.Select(x => x.Message)), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Billion_laughs_is_refused_quickly()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i < 10; i++)
        {
            sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))}\">\n");
        }

        sb.Append("]>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\" name=\"&lol9;\"/></definitions>");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var d = SingleError(BpmnCompiler.Compile(sb.ToString()));
        Assert.Equal("xml.dtd-prohibited", d.Code);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Oversize_string_is_refused()
    {
        var xml = Bpmn.Definitions("<startEvent id=\"s\"/>" + new string(' ', 5000));
        var d = SingleError(BpmnCompiler.Compile(xml, new BpmnParserOptions { MaxBytes = 1000 }));
        Assert.Equal("xml.too-large", d.Code);
    }

    [Fact]
    public void Oversize_stream_is_refused_without_reading_it_all()
    {
        var xml = Bpmn.Definitions("<startEvent id=\"s\"/>" + new string(' ', 50_000));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var d = SingleError(BpmnCompiler.Compile(stream, new BpmnParserOptions { MaxBytes = 4096 }));
        Assert.Equal("xml.too-large", d.Code);
        Assert.True(stream.Position < 50_000);
    }

    [Fact]
    public void Stream_within_limit_compiles()
    {
        var xml = Bpmn.Definitions("<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e"));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var r = BpmnCompiler.Compile(stream);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Equal("p", Assert.Single(r.Processes).Key);
    }

    [Fact]
    public void Too_many_elements_are_refused()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(i => $"<task id=\"t{i}\"/>"));
        var d = SingleError(BpmnCompiler.Compile(Bpmn.Definitions(body), new BpmnParserOptions { MaxElements = 100 }));
        Assert.Equal("xml.too-many-elements", d.Code);
    }

    [Theory]
    [InlineData("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">", 1)]
    [InlineData("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"p\"></proces></definitions>", 2)]
    [InlineData("not xml at all", 1)]
    [InlineData("", null)]
    public void Malformed_xml_reports_line(string xml, int? line)
    {
        var d = SingleError(BpmnCompiler.Compile(xml));
        Assert.Equal("xml.malformed", d.Code);
        if (line is not null)
        {
            Assert.Equal(line, d.Line);
        }
    }

    [Theory]
    [InlineData("<root/>")]
    [InlineData("<definitions xmlns=\"http://example.com/not-bpmn\"/>")]
    [InlineData("<process xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"p\"/>")]
    public void Non_bpmn_documents_are_refused(string xml)
    {
        Assert.Equal("bpmn.not-definitions", SingleError(BpmnCompiler.Compile(xml)).Code);
    }

    [Fact]
    public void Internal_entity_declarations_are_refused_too()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"b\">]><definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>";
        Assert.Equal("xml.dtd-prohibited", SingleError(BpmnCompiler.Compile(xml)).Code);
    }

    [Fact]
    public void Deeply_nested_garbage_does_not_crash()
    {
        var xml = Bpmn.Header + string.Concat(Enumerable.Repeat("<bpmn:documentation>", 2000)) + string.Concat(Enumerable.Repeat("</bpmn:documentation>", 2000)) + "</bpmn:definitions>";
        var r = BpmnCompiler.Compile(xml);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "bpmn.unreadable" && d.Message.Contains("StackOverflow", StringComparison.Ordinal));
    }

    [Fact]
    public void Null_input_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => BpmnCompiler.Compile((string)null!));
    }
}
