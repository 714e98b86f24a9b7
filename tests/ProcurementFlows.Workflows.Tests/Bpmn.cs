using System.Xml.Linq;

namespace ProcurementFlows.Workflows.Tests;

/// <summary>XML-level view of a shipped diagram, for structural checks that need no engine.</summary>
internal sealed class Bpmn
{
    public static readonly XNamespace Model = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public static readonly XNamespace Di = "http://www.omg.org/spec/BPMN/20100524/DI";
    public static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    public static readonly XNamespace OmgDi = "http://www.omg.org/spec/DD/20100524/DI";
    public static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    public static readonly XNamespace Pf = "https://procurementflows.dev/schema/bpmn/1.0";

    private static readonly HashSet<string> FlowNodeKinds =
    [
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "task", "userTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask",
        "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
        "complexGateway",
    ];

    private Bpmn(string path, XDocument document)
    {
        Path = path;
        Document = document;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public XDocument Document { get; }

    public XElement Process => Document.Root!.Element(Model + "process")!;

    public IEnumerable<XElement> FlowNodes =>
        Process.Descendants().Where(e => e.Name.Namespace == Model && FlowNodeKinds.Contains(e.Name.LocalName));

    public IEnumerable<XElement> SequenceFlows => Process.Descendants(Model + "sequenceFlow");

    public IEnumerable<XElement> UserTasks => Process.Descendants(Model + "userTask");

    public IEnumerable<XElement> Shapes => Document.Descendants(Di + "BPMNShape");

    public IEnumerable<XElement> Edges => Document.Descendants(Di + "BPMNEdge");

    public static Bpmn Load(string path) => new(path, XDocument.Load(path, LoadOptions.SetLineInfo));

    public static Bpmn LoadShipped(string fileName) => Load(System.IO.Path.Combine(RepositoryPaths.Workflows, fileName));

    public XElement? ShapeOf(string id) => Shapes.SingleOrDefault(s => (string?)s.Attribute("bpmnElement") == id);

    public XElement? EdgeOf(string id) => Edges.SingleOrDefault(s => (string?)s.Attribute("bpmnElement") == id);

    public IEnumerable<XElement> BoundariesOf(string activityId) =>
        Process.Descendants(Model + "boundaryEvent").Where(b => (string?)b.Attribute("attachedToRef") == activityId);

    public static Rect Bounds(XElement shape)
    {
        var b = shape.Element(Dc + "Bounds") ?? throw new InvalidOperationException("shape without bounds");
        return new Rect((double)b.Attribute("x")!, (double)b.Attribute("y")!, (double)b.Attribute("width")!, (double)b.Attribute("height")!);
    }
}

internal readonly record struct Rect(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public bool Overlaps(Rect other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    public bool Contains(Rect other) => other.X >= X && other.Y >= Y && other.Right <= Right && other.Bottom <= Bottom;
}
