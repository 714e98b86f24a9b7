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

        return new BpmnReader(options).Read(xml);
    }

    /// <summary>
    /// Compiles BPMN XML from a stream (read at most <see cref="BpmnParserOptions.MaxBytes"/> bytes). The bytes are decoded as
    /// XML asks: byte-order mark, else the declared <c>encoding</c>, else UTF-8; undecodable bytes are an <c>xml.encoding</c> error.
    /// </summary>
    public static CompilationResult Compile(Stream xml, BpmnParserOptions? options = null)
    {
        options ??= BpmnParserOptions.Default;
        var error = TryReadText(xml, out var text, options);
        return error is not null
            ? new([], [error], BpmnModelSummary.Empty)
            : Compile(text, options);
    }

    /// <summary>
    /// Reads the text of an uploaded BPMN file: at most <see cref="BpmnParserOptions.MaxBytes"/> bytes, decoded by its byte-order
    /// mark, else its declared <c>encoding</c> (Windows and ISO code pages included), else UTF-8, strictly (no replacement characters).
    /// Returns null and sets <paramref name="text"/> on success; otherwise returns the <c>xml.too-large</c> or <c>xml.encoding</c> error.
    /// </summary>
    public static BpmnDiagnostic? TryReadText(Stream xml, out string text, BpmnParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        options ??= BpmnParserOptions.Default;
        text = "";
        using var buffer = new MemoryStream();
        try
        {
            using var limited = new LimitedStream(xml, options.MaxBytes);
            limited.CopyTo(buffer);
        }
        catch (LimitExceededException)
        {
            return TooLarge(options).Diagnostics[0];
        }

        var (decoded, error) = XmlEncoding.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        text = decoded ?? "";
        return error;
    }

    private static CompilationResult TooLarge(BpmnParserOptions options) =>
        new([], [new BpmnDiagnostic(DiagnosticSeverity.Error, "xml.too-large", $"The document exceeds the limit of {options.MaxBytes} bytes.", null, null, null)], BpmnModelSummary.Empty);
}
