using System.Xml;
using System.Xml.Linq;

namespace ProcurementFlows.Engine.Parsing;

/// <summary>
/// Safe XML reading: DTDs are prohibited (so no external entities and no entity expansion), no resolver,
/// a size limit and an element-count limit. Produces diagnostics, never throws on bad input.
/// </summary>
internal sealed class BpmnReader(BpmnParserOptions options)
{
    public CompilationResult Read(TextReader text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.MaxBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };

        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(text, settings);
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            return Failed("xml.dtd-prohibited", "DTDs (and with them external entities and entity expansion) are not allowed in BPMN documents.", ex.LineNumber, ex.LinePosition);
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal) || ex.Message.Contains("exceeds", StringComparison.OrdinalIgnoreCase))
        {
            return Failed("xml.too-large", $"The document exceeds the limit of {options.MaxBytes} characters.", ex.LineNumber, ex.LinePosition);
        }
        catch (XmlException ex)
        {
            return Failed("xml.malformed", "The document is not well-formed XML: " + ex.Message, ex.LineNumber, ex.LinePosition);
        }
        catch (LimitExceededException)
        {
            return Failed("xml.too-large", $"The document exceeds the limit of {options.MaxBytes} bytes.", null, null);
        }

        var root = doc.Root;
        if (root is null || root.Name.NamespaceName != BpmnNames.Model || root.Name.LocalName != "definitions")
        {
            var li = (IXmlLineInfo?)root;
            return Failed("bpmn.not-definitions", $"The root element must be <definitions> in the BPMN 2.0 model namespace ({BpmnNames.Model}), found <{root?.Name.LocalName}> in '{root?.Name.NamespaceName}'.", li?.LineNumber, li?.LinePosition);
        }

        var count = 0;
        foreach (var _ in root.DescendantsAndSelf())
        {
            if (++count > options.MaxElements)
            {
                return Failed("xml.too-many-elements", $"The document has more than {options.MaxElements} elements.", null, null);
            }
        }

        try
        {
            return new ModelBuilder(root, options).Build();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not StackOverflowException)
        {
            // Defence in depth: a construct the model builder did not foresee must become a diagnostic, not a crash of the deploy call.
            return Failed("bpmn.unreadable", $"The definitions could not be read: {ex.GetType().Name}: {ex.Message}", null, null);
        }
    }

    private static CompilationResult Failed(string code, string message, int? line, int? column) =>
        new([], [new BpmnDiagnostic(DiagnosticSeverity.Error, code, message, null, line, column)], BpmnModelSummary.Empty);
}
