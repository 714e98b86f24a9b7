using System.Xml.Linq;

namespace ProcurementFlows.Engine.Tests.Parsing;

public class MiwgConformanceTests
{
    private const string ModelNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(ReferenceDirectory(), "*.bpmn").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    internal static string ReferenceDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProcurementFlows.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance", "miwg-reference"));
    }

    [Fact]
    public void The_reference_suite_is_present()
    {
        Assert.True(Files().Count >= 20, "expected the MIWG reference files under ../shared/conformance/miwg-reference");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Reference_file_parses_without_error(string file)
    {
        var result = BpmnCompiler.Compile(File.ReadAllText(Path.Combine(ReferenceDirectory(), file)));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        Assert.NotEmpty(result.Model.Processes);
        Assert.Equal(result.Model.Processes.Count, result.Processes.Count);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Reference_file_reads_every_model_element(string file)
    {
        var text = File.ReadAllText(Path.Combine(ReferenceDirectory(), file));
        var result = BpmnCompiler.Compile(text);

        // Independent count: every element of the BPMN model namespace, not counting foreign content inside extensionElements.
        var expected = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var doc = XDocument.Parse(text);
        foreach (var el in doc.Descendants())
        {
            if (el.Name.NamespaceName != ModelNs || el.Ancestors().Any(a => a.Name.LocalName == "extensionElements" && a.Name.NamespaceName == ModelNs))
            {
                continue;
            }

            expected[el.Name.LocalName] = expected.GetValueOrDefault(el.Name.LocalName) + 1;
        }

        Assert.Equal(expected, new SortedDictionary<string, int>(result.Model.ElementCounts.ToDictionary(), StringComparer.Ordinal));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "bpmn.unknown-element");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Non_executable_processes_are_reported_and_refuse_to_start(string file)
    {
        var result = BpmnCompiler.Compile(File.ReadAllText(Path.Combine(ReferenceDirectory(), file)));
        foreach (var p in result.Model.Processes.Where(p => !p.IsExecutable))
        {
            Assert.Contains(result.Diagnostics, d => d.Code == "process.not-executable" && d.ElementId == p.Id);
            var compiled = result.Processes.Single(c => c.Key == p.Id);
            Assert.False(compiled.IsExecutable);
            var engine = new ProcessEngine(new EngineOptions(), TimeProvider.System);
            var ex = Assert.Throws<CommandRejectedException>(() => engine.Execute(compiled, null, new StartProcess("i1", null, null, null)));
            Assert.Equal("process.not-executable", ex.Code);
        }
    }

    [Fact]
    public void Executable_processes_of_other_engines_are_flagged_as_foreign()
    {
        var result = BpmnCompiler.Compile(File.ReadAllText(Path.Combine(ReferenceDirectory(), "C.9.0.bpmn")));
        Assert.Contains(result.Diagnostics, d => d.Code == "process.foreign-dialect");
        Assert.All(result.Processes, p => Assert.NotNull(p.NotStartableReason));
    }

    [Fact]
    public void Element_kinds_of_a_known_file_are_counted_exactly()
    {
        var result = BpmnCompiler.Compile(File.ReadAllText(Path.Combine(ReferenceDirectory(), "A.1.0.bpmn")));
        var counts = result.Model.ElementCounts;
        var doc = XDocument.Load(Path.Combine(ReferenceDirectory(), "A.1.0.bpmn"));
        Assert.Equal(doc.Descendants(XName.Get("task", ModelNs)).Count(), counts["task"]);
        Assert.Equal(doc.Descendants(XName.Get("sequenceFlow", ModelNs)).Count(), counts["sequenceFlow"]);
        Assert.Equal(1, counts["definitions"]);
    }
}
