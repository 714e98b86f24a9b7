using System.Xml;
using System.Xml.Linq;

namespace ProcurementFlows.Engine.Parsing;

/// <summary>
/// Safe XML reading: DTDs are prohibited (so no external entities and no entity expansion), no resolver,
/// a size limit and an element-count limit. Produces diagnostics, never throws on bad input.
/// </summary>
internal sealed class BpmnReader(BpmnParserOptions options)
{
    public CompilationResult Read(string text)
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
            // A streaming pre-pass enforces the element-count and nesting limits before any tree is built: building a
            // tree of hostile depth is itself slow, and walking it recursively would exhaust the stack.
            if ((CountAttributes(text) ?? CheckShape(text, settings)) is { } refused)
            {
                return refused;
            }

            using var reader = XmlReader.Create(new StringReader(text), settings);
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

    /// <summary>
    /// Linear scan of the raw text for start tags with too many attributes. It runs before the XML reader because the reader's
    /// duplicate-attribute check is quadratic in the attributes of one element (800,000 attributes took about a minute).
    /// Comments, CDATA sections, declarations and quoted values are skipped.
    /// </summary>
    private CompilationResult? CountAttributes(string text)
    {
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }

            if (c != '<' || i + 1 >= text.Length)
            {
                continue;
            }

            if (text.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                i = Skip(text, i, "-->", ref line);
                continue;
            }

            if (text.AsSpan(i).StartsWith("<![CDATA[", StringComparison.Ordinal))
            {
                i = Skip(text, i, "]]>", ref line);
                continue;
            }

            if (!char.IsLetter(text[i + 1]) && text[i + 1] is not ('_' or ':'))
            {
                continue;
            }

            var tagLine = line;
            var attributes = 0;
            char quote = default;
            for (i++; i < text.Length; i++)
            {
                c = text[i];
                if (c == '\n')
                {
                    line++;
                }

                if (quote != default)
                {
                    quote = c == quote ? default : quote;
                }
                else if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == '=' && ++attributes > options.MaxAttributes)
                {
                    return Failed("xml.too-many-attributes", $"An element has more than {options.MaxAttributes} attributes.", tagLine, null);
                }
                else if (c == '>')
                {
                    break;
                }
            }
        }

        return null;
    }

    private static int Skip(string text, int from, string terminator, ref int line)
    {
        var end = text.IndexOf(terminator, from, StringComparison.Ordinal);
        end = end < 0 ? text.Length : end + terminator.Length - 1;
        line += text.AsSpan(from, end - from).Count('\n');
        return end;
    }

    private CompilationResult? CheckShape(string text, XmlReaderSettings settings)
    {
        using var reader = XmlReader.Create(new StringReader(text), settings);
        var li = (IXmlLineInfo)reader;
        var count = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (++count > options.MaxElements)
            {
                return Failed("xml.too-many-elements", $"The document has more than {options.MaxElements} elements.", li.LineNumber, li.LinePosition);
            }

            if (reader.Depth >= options.MaxDepth)
            {
                var id = reader.GetAttribute("id");
                return Failed("xml.too-deep", $"Elements are nested more than {options.MaxDepth} levels deep (at <{reader.LocalName}>{(id is null ? "" : $" '{id}'")}).", li.LineNumber, li.LinePosition);
            }

            if (reader.AttributeCount > options.MaxAttributes)
            {
                return Failed("xml.too-many-attributes", $"<{reader.LocalName}> has {reader.AttributeCount} attributes; at most {options.MaxAttributes} are allowed.", li.LineNumber, li.LinePosition);
            }
        }

        return null;
    }

    private static CompilationResult Failed(string code, string message, int? line, int? column) =>
        new([], [new BpmnDiagnostic(DiagnosticSeverity.Error, code, message, null, line, column)], BpmnModelSummary.Empty);
}
