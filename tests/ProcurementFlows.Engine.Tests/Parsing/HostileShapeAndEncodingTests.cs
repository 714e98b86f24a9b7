using System.Diagnostics;
using System.Text;

namespace ProcurementFlows.Engine.Tests.Parsing;

/// <summary>Hostile document shapes (nesting, attribute floods, huge graphs) and byte encodings: a clear error, fast, never a crash.</summary>
public class HostileShapeAndEncodingTests
{
    private const string Body = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"><bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" name="Bestellung prüfen – Ærø"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/></bpmn:process></bpmn:definitions>""";

    // Code pages are fetched from the provider directly: registering it globally would hide whether the engine can find them.
    private static Encoding Codec(string name) => CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);

    private static BpmnDiagnostic SingleError(CompilationResult r)
    {
        Assert.False(r.Succeeded);
        Assert.Empty(r.Processes);
        return Assert.Single(r.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("bpmn:subProcess", 50_000)]
    [InlineData("bpmn:documentation", 50_000)]
    [InlineData("camunda:x", 50_000)]
    public void Hostile_nesting_is_refused_quickly_without_stack_overflow(string element, int depth)
    {
        var xml = Bpmn.Header + "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:task id=\"t\"><bpmn:extensionElements>" +
            string.Concat(Enumerable.Range(0, depth).Select(i => $"<{element} id=\"n{i}\">")) +
            string.Concat(Enumerable.Repeat($"</{element}>", depth)) + "</bpmn:extensionElements></bpmn:task></bpmn:process></bpmn:definitions>";
        var sw = Stopwatch.StartNew();
        var d = SingleError(BpmnCompiler.Compile(xml));
        Assert.Equal("xml.too-deep", d.Code);
        Assert.Contains("100 levels", d.Message, StringComparison.Ordinal);
        Assert.Equal(2, d.Line);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}"); // a hang guard only: the old failure was a stack overflow
    }

    [Fact]
    public void Nesting_within_the_limit_still_compiles()
    {
        // Ten embedded subprocesses inside each other: a legitimate, if unusual, diagram.
        var inner = "<startEvent id=\"s10\"/><endEvent id=\"e10\"/>" + Bpmn.Flow("s10", "e10");
        for (var i = 9; i >= 0; i--)
        {
            inner = $"<startEvent id=\"s{i}\"/><subProcess id=\"sp{i}\">{inner}</subProcess><endEvent id=\"e{i}\"/>" + Bpmn.Chain($"s{i}", $"sp{i}", $"e{i}");
        }

        var r = BpmnCompiler.Compile(Bpmn.Definitions(inner));
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        var h = new Harness(r.GetProcess("p")).Start();
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void An_attribute_flood_on_one_element_is_refused_in_linear_time()
    {
        // The XML reader's duplicate-attribute check is quadratic: 800,000 attributes took about a minute before the pre-scan.
        var attributes = string.Join(' ', Enumerable.Range(0, 400_000).Select(i => $"a{i}=\"1\""));
        var xml = Bpmn.Definitions($"<startEvent id=\"s\"/><task id=\"t\" {attributes}/>");
        var sw = Stopwatch.StartNew();
        var d = SingleError(BpmnCompiler.Compile(xml));
        Assert.Equal("xml.too-many-attributes", d.Code);

        // Refused by the linear pre-scan (its message), not by the XML reader after its quadratic attribute check.
        Assert.Equal("An element has more than 200 attributes.", d.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Attribute_look_alikes_in_comments_cdata_and_values_are_not_counted()
    {
        var many = string.Concat(Enumerable.Repeat(" a=\"1\"", 300));
        var xml = Bpmn.Definitions($"""
            <!-- <task{many}/> -->
            <startEvent id="s" name="{many.Replace("\"", "&quot;", StringComparison.Ordinal)}"/>
            <scriptTask id="t" scriptFormat="javascript"><script><![CDATA[var x = 1; if (x<y{many}) x = 2;]]></script></scriptTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "t", "e"));
        var r = BpmnCompiler.Compile(xml);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "xml.too-many-attributes");
    }

    [Fact]
    public void A_huge_chain_with_an_inclusive_join_compiles_in_linear_memory()
    {
        // Reachability used to be a nodes × nodes bit matrix: 30,000 tasks took 30 s and 110 MB.
        const int n = 20_000;
        var sb = new StringBuilder("<startEvent id=\"s\"/><parallelGateway id=\"fork\"/>");
        sb.Append(Bpmn.Flow("s", "fork")).Append(Bpmn.Flow("fork", "t0")).Append(Bpmn.Flow("fork", "short"));
        sb.Append("<task id=\"short\"/>").Append(Bpmn.Flow("short", "join"));
        for (var i = 0; i < n; i++)
        {
            sb.Append($"<task id=\"t{i}\"/>").Append(Bpmn.Flow($"t{i}", i == n - 1 ? "join" : $"t{i + 1}"));
        }

        sb.Append("<inclusiveGateway id=\"join\"/><endEvent id=\"e\"/>").Append(Bpmn.Flow("join", "e"));
        var r = BpmnCompiler.Compile(Bpmn.Definitions(sb.ToString()));
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics.Take(3)));

        // Only the join carries a reachability set (one bit per node of its scope); tasks carry none.
        var process = r.GetProcess("p");
        Assert.Equal(n + 5, process.FindNode("join")!.ReachableFrom!.Length);
        Assert.True(process.FindNode("join")!.ReachableFrom![process.FindNode("t0")!.ReachIndex]);
        Assert.False(process.FindNode("join")!.ReachableFrom![process.FindNode("e")!.ReachIndex]);
        Assert.Null(process.FindNode("t5")!.ReachableFrom);
        var h = new Harness(process, new EngineOptions { MaxStepsPerCommand = 100_000 }).Start();
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Theory]
    [InlineData("ISO-8859-1", "iso-8859-1")]
    [InlineData("windows-1252", "windows-1252")]
    [InlineData("UTF-8", "utf-8")]
    public void A_declared_encoding_is_honoured_when_compiling_bytes(string declared, string codec)
    {
        var text = $"<?xml version=\"1.0\" encoding=\"{declared}\"?>" + Body.Replace("–", "-", StringComparison.Ordinal);
        using var stream = new MemoryStream(Codec(codec).GetBytes(text));
        var r = BpmnCompiler.Compile(stream);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Equal("Bestellung prüfen - Ærø", r.Processes[0].GetElementName("s"));
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-8-bom")]
    public void Byte_order_marks_select_the_encoding(string kind)
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + Body;
        var bytes = kind switch
        {
            "utf-16" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16BE" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(),
        };
        using var stream = new MemoryStream(bytes);
        var r = BpmnCompiler.Compile(stream);
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Equal("Bestellung prüfen – Ærø", r.Processes[0].GetElementName("s"));
    }

    [Fact]
    public void Latin1_bytes_without_a_declaration_are_an_encoding_error_not_mangled_names()
    {
        var text = "<?xml version=\"1.0\"?>\n" + Body.Replace("–", "-", StringComparison.Ordinal);
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(text));
        var d = SingleError(BpmnCompiler.Compile(stream));
        Assert.Equal("xml.encoding", d.Code);
        Assert.Equal(2, d.Line);
        Assert.Contains("UTF-8", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_declared_encoding_is_a_clear_error()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"x-klingon\"?>" + Body));
        var d = SingleError(BpmnCompiler.Compile(stream));
        Assert.Equal("xml.encoding", d.Code);
        Assert.Contains("x-klingon", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadText_returns_the_decoded_text_for_callers_that_store_it()
    {
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>ø</a>"));
        Assert.Null(BpmnCompiler.TryReadText(stream, out var text));
        Assert.EndsWith("<a>ø</a>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_in_cdata_compiles_and_runs()
    {
        var h = Harness.For("""
            <startEvent id="s"/>
            <scriptTask id="t" scriptFormat="javascript" camunda:resultVariable="r"><script><![CDATA[let a = 2; a < 3 && a > 1 ? "1<2" : "no";]]></script></scriptTask>
            <endEvent id="e"/>
            """ + Bpmn.Chain("s", "t", "e")).Start();
        Assert.Equal("1<2", h.Get<string>("r"));
    }
}
