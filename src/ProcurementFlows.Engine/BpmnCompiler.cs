using ProcurementFlows.Engine.Parsing;

namespace ProcurementFlows.Engine;

/// <summary>Reads, validates and compiles BPMN 2.0 XML (bpmn-js / Camunda 7 dialect). Never throws on bad input: problems are diagnostics.</summary>
public static class BpmnCompiler
{
    /// <summary>Compiles BPMN XML text.</summary>
    public static CompilationResult Compile(string xml, BpmnParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        options ??= BpmnParserOptions.Default;
        if ((long)xml.Length * 1 > options.MaxBytes || System.Text.Encoding.UTF8.GetByteCount(xml) > options.MaxBytes)
        {
            return TooLarge(options);
        }

        using var reader = new StringReader(xml);
        return new BpmnReader(options).Read(reader);
    }

    /// <summary>Compiles BPMN XML from a stream (read at most <see cref="BpmnParserOptions.MaxBytes"/> bytes).</summary>
    public static CompilationResult Compile(Stream xml, BpmnParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        options ??= BpmnParserOptions.Default;
        using var limited = new LimitedStream(xml, options.MaxBytes);
        try
        {
            using var text = new StreamReader(limited, detectEncodingFromByteOrderMarks: true);
            return new BpmnReader(options).Read(text);
        }
        catch (LimitExceededException)
        {
            return TooLarge(options);
        }
    }

    private static CompilationResult TooLarge(BpmnParserOptions options) =>
        new([], [new BpmnDiagnostic(DiagnosticSeverity.Error, "xml.too-large", $"The document exceeds the limit of {options.MaxBytes} bytes.", null, null, null)], BpmnModelSummary.Empty);
}
