using System.Xml;
using System.Xml.Linq;

namespace ProcurementFlows.Server.Api.Definitions;

/// <summary>One element that differs between two versions.</summary>
/// <param name="ElementId">The BPMN element id.</param>
/// <param name="ElementType">The element's BPMN type, e.g. <c>userTask</c>.</param>
/// <param name="Name">The element's name (in the newer version when it exists there).</param>
/// <param name="Changes">For changed elements: which attributes or content changed, old → new.</param>
public sealed record ElementChange(string ElementId, string ElementType, string? Name, IReadOnlyList<string> Changes);

/// <summary>The semantic difference of two BPMN documents, by element id (layout-only changes are ignored).</summary>
/// <param name="Added">Elements only in the newer version.</param>
/// <param name="Removed">Elements only in the older version.</param>
/// <param name="Changed">Elements in both whose attributes, extension elements or expressions differ.</param>
public sealed record BpmnDiffResult(IReadOnlyList<ElementChange> Added, IReadOnlyList<ElementChange> Removed, IReadOnlyList<ElementChange> Changed);

/// <summary>Computes <see cref="BpmnDiffResult"/> for two stored (already validated) BPMN documents.</summary>
public static class BpmnDiff
{
    private const string BpmnModel = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    /// <summary>Compares <paramref name="fromXml"/> (older) with <paramref name="toXml"/> (newer).</summary>
    public static BpmnDiffResult Compare(string fromXml, string toXml)
    {
        var before = Index(fromXml);
        var after = Index(toXml);
        var added = after.Keys.Where(k => !before.ContainsKey(k)).Select(k => Describe(after[k], [])).ToList();
        var removed = before.Keys.Where(k => !after.ContainsKey(k)).Select(k => Describe(before[k], [])).ToList();
        var changed = new List<ElementChange>();
        foreach (var id in after.Keys.Where(before.ContainsKey))
        {
            var changes = Differences(before[id], after[id]);
            if (changes.Count > 0)
            {
                changed.Add(Describe(after[id], changes));
            }
        }

        return new BpmnDiffResult(added, removed, changed);
    }

    private static Dictionary<string, XElement> Index(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var document = XDocument.Load(reader);
        var index = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var element in document.Descendants().Where(e => e.Name.NamespaceName == BpmnModel && e.Name.LocalName != "definitions"))
        {
            if (element.Attribute("id")?.Value is { Length: > 0 } id)
            {
                index.TryAdd(id, element);
            }
        }

        return index;
    }

    private static ElementChange Describe(XElement element, IReadOnlyList<string> changes) =>
        new(element.Attribute("id")!.Value, element.Name.LocalName, element.Attribute("name")?.Value, changes);

    private static List<string> Differences(XElement before, XElement after)
    {
        var changes = new List<string>();
        if (before.Name != after.Name)
        {
            changes.Add($"type: {before.Name.LocalName} → {after.Name.LocalName}");
        }

        var names = before.Attributes().Concat(after.Attributes())
            .Where(a => !a.IsNamespaceDeclaration && a.Name.LocalName != "id")
            .Select(a => a.Name)
            .Distinct()
            .OrderBy(n => n.ToString(), StringComparer.Ordinal);
        foreach (var name in names)
        {
            var was = before.Attribute(name)?.Value;
            var now = after.Attribute(name)?.Value;
            if (was != now)
            {
                changes.Add($"{Prefixed(after, name)}: {was ?? "(none)"} → {now ?? "(none)"}");
            }
        }

        var ownBefore = OwnContent(before);
        var ownAfter = OwnContent(after);
        if (ownBefore != ownAfter)
        {
            changes.Add("content (expressions, extension elements or references) changed");
        }

        return changes;
    }

    private static string Prefixed(XElement context, XName name)
    {
        var prefix = name.Namespace == XNamespace.None ? null : context.GetPrefixOfNamespace(name.Namespace);
        return prefix is null ? name.LocalName : $"{prefix}:{name.LocalName}";
    }

    /// <summary>The element's own content: child elements without ids (expressions, extensions, references), canonicalised.</summary>
    private static string OwnContent(XElement element) =>
        string.Concat(element.Elements()
            .Where(c => c.Attribute("id") is null || c.Name.NamespaceName != BpmnModel)
            .Select(c => Canonical(c)));

    private static string Canonical(XElement element)
    {
        var attributes = string.Concat(element.Attributes()
            .Where(a => !a.IsNamespaceDeclaration)
            .OrderBy(a => a.Name.ToString(), StringComparer.Ordinal)
            .Select(a => $" {a.Name}=\"{a.Value}\""));
        var text = string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value.Trim()));
        return $"<{element.Name}{attributes}>{text}{string.Concat(element.Elements().Select(Canonical))}</{element.Name}>";
    }
}
