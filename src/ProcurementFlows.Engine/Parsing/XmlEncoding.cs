using System.Text;

namespace ProcurementFlows.Engine.Parsing;

/// <summary>
/// Decodes the bytes of an XML document the way the XML specification asks: a byte-order mark wins, else the
/// <c>encoding</c> of the XML declaration, else UTF-8. Decoding is strict — a byte sequence that is not valid in the
/// encoding is an error, never a silent U+FFFD — so a Latin-1 file saved without a declaration cannot deploy with mangled names.
/// </summary>
internal static class XmlEncoding
{
    /// <summary>Decodes <paramref name="bytes"/>; returns the text or an <c>xml.encoding</c> error diagnostic.</summary>
    public static (string? Text, BpmnDiagnostic? Error) Decode(ReadOnlySpan<byte> bytes)
    {
        var (encoding, bomLength, source) = Detect(bytes);
        if (encoding is null)
        {
            return (null, Error($"The document declares the encoding '{source}', which is not supported; save it as UTF-8."));
        }

        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        try
        {
            return (strict.GetString(bytes[bomLength..]), null);
        }
        catch (DecoderFallbackException ex)
        {
            var at = ex.Index >= 0 ? bomLength + ex.Index : -1;
            var line = at >= 0 ? LineOf(bytes, at) : (int?)null;
            return (null, Error($"The document is not valid {encoding.WebName} ({source}): the byte sequence at offset {at} cannot be decoded. Save the file as UTF-8 or declare its real encoding.", line));
        }
    }

    private static (Encoding? Encoding, int BomLength, string Source) Detect(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Encoding.UTF8, 3, "byte-order mark");
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]))
        {
            return (Encoding.UTF32, 4, "byte-order mark");
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode, 2, "byte-order mark");
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode, 2, "byte-order mark");
        }

        // UTF-16 without a byte-order mark: '<' followed by a zero byte (or the reverse).
        if (b.Length >= 4 && b[0] == (byte)'<' && b[1] == 0 && b[2] != 0)
        {
            return (Encoding.Unicode, 0, "byte pattern");
        }

        if (b.Length >= 4 && b[0] == 0 && b[1] == (byte)'<' && b[3] != 0)
        {
            return (Encoding.BigEndianUnicode, 0, "byte pattern");
        }

        var declared = DeclaredEncoding(b);
        if (declared is null)
        {
            return (Encoding.UTF8, 0, "no declaration: UTF-8 assumed");
        }

        return (Resolve(declared), 0, declared);
    }

    /// <summary>The <c>encoding</c> pseudo-attribute of an ASCII-compatible XML declaration, if any.</summary>
    private static string? DeclaredEncoding(ReadOnlySpan<byte> b)
    {
        if (!b.StartsWith("<?xml"u8))
        {
            return null;
        }

        var end = b[..Math.Min(b.Length, 512)].IndexOf("?>"u8);
        if (end < 0)
        {
            return null;
        }

        var decl = Encoding.ASCII.GetString(b[..end]);
        var i = decl.IndexOf("encoding", StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        var q = decl.IndexOfAny(['"', '\''], i);
        if (q < 0)
        {
            return null;
        }

        var close = decl.IndexOf(decl[q], q + 1);
        return close < 0 ? null : decl[(q + 1)..close].Trim();
    }

    private static Encoding? Resolve(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            // Windows and ISO code pages (windows-1252, ISO-8859-2, ...) are looked up without registering a provider globally.
            return CodePagesEncodingProvider.Instance.GetEncoding(name);
        }
    }

    private static int LineOf(ReadOnlySpan<byte> b, int offset)
    {
        var line = 1;
        foreach (var x in b[..Math.Min(offset, b.Length)])
        {
            if (x == (byte)'\n')
            {
                line++;
            }
        }

        return line;
    }

    private static BpmnDiagnostic Error(string message, int? line = null) =>
        new(DiagnosticSeverity.Error, "xml.encoding", message, null, line, null);
}
