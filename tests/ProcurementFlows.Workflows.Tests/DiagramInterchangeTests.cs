namespace ProcurementFlows.Workflows.Tests;

/// <summary>
/// The shipped diagrams must open cleanly in bpmn-js / Camunda Modeler: every element drawn, every flow routed,
/// nothing stacked on anything else, every node inside its lane.
/// </summary>
public sealed class DiagramInterchangeTests
{
    public static TheoryData<string> Processes => new(RepositoryPaths.ProcessFiles.Select(Path.GetFileName)!);

    [Fact]
    public void The_three_processes_ship()
    {
        var names = RepositoryPaths.ProcessFiles.Select(f => Path.GetFileName(f)).ToArray();
        Assert.Equal(["procurement-case.bpmn", "quality-assurance.bpmn", "supplier-vetting.bpmn"], names);
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Definitions_declare_the_modeler_namespaces_and_one_executable_process_in_a_collaboration(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        var root = bpmn.Document.Root!;
        Assert.Equal(Bpmn.Model + "definitions", root.Name);
        foreach (var ns in new[] { Bpmn.Model, Bpmn.Di, Bpmn.Dc, Bpmn.OmgDi, Bpmn.Camunda, Bpmn.Pf })
        {
            Assert.Contains(root.Attributes(), a => a.IsNamespaceDeclaration && a.Value == ns.NamespaceName);
        }

        Assert.Equal("true", (string?)bpmn.Process.Attribute("isExecutable"));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), (string?)bpmn.Process.Attribute("id"));
        var participant = Assert.Single(root.Descendants(Bpmn.Model + "participant"));
        Assert.Equal((string?)bpmn.Process.Attribute("id"), (string?)participant.Attribute("processRef"));
        var plane = Assert.Single(root.Descendants(Bpmn.Di + "BPMNPlane"));
        Assert.Equal((string?)root.Element(Bpmn.Model + "collaboration")!.Attribute("id"), (string?)plane.Attribute("bpmnElement"));
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_flow_node_has_exactly_one_shape_and_every_flow_an_edge_with_waypoints(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var node in bpmn.FlowNodes)
        {
            var id = (string)node.Attribute("id")!;
            var shape = bpmn.ShapeOf(id);
            Assert.True(shape is not null, $"{file}: {id} has no BPMNShape");
            var bounds = Bpmn.Bounds(shape!);
            Assert.True(bounds.Width > 0 && bounds.Height > 0, $"{file}: {id} has empty bounds");
        }

        foreach (var flow in bpmn.SequenceFlows)
        {
            var id = (string)flow.Attribute("id")!;
            var edge = bpmn.EdgeOf(id);
            Assert.True(edge is not null, $"{file}: {id} has no BPMNEdge");
            Assert.True(edge!.Elements(Bpmn.OmgDi + "waypoint").Count() >= 2, $"{file}: {id} has fewer than two waypoints");
        }

        // and nothing drawn refers to something that does not exist
        var ids = bpmn.Document.Descendants().Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToHashSet();
        foreach (var di in bpmn.Shapes.Concat(bpmn.Edges))
        {
            Assert.Contains((string?)di.Attribute("bpmnElement"), ids);
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Edges_start_at_their_source_and_end_at_their_target(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var flow in bpmn.SequenceFlows)
        {
            var id = (string)flow.Attribute("id")!;
            var points = bpmn.EdgeOf(id)!.Elements(Bpmn.OmgDi + "waypoint")
                .Select(p => ((double)p.Attribute("x")!, (double)p.Attribute("y")!)).ToArray();
            var source = Bpmn.Bounds(bpmn.ShapeOf((string)flow.Attribute("sourceRef")!)!);
            var target = Bpmn.Bounds(bpmn.ShapeOf((string)flow.Attribute("targetRef")!)!);
            Assert.True(OnBorder(source, points[0]), $"{file}: {id} does not leave its source");
            Assert.True(OnBorder(target, points[^1]), $"{file}: {id} does not reach its target");
            for (var i = 1; i < points.Length; i++)
            {
                // orthogonal routing, as the modeler's layouter draws it
                Assert.True(points[i].Item1 == points[i - 1].Item1 || points[i].Item2 == points[i - 1].Item2, $"{file}: {id} has a diagonal segment");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void No_two_shapes_overlap_and_no_edge_runs_through_a_shape(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        var solid = bpmn.FlowNodes
            .Where(n => n.Name.LocalName is not ("subProcess" or "boundaryEvent"))
            .Select(n => ((string)n.Attribute("id")!, Bpmn.Bounds(bpmn.ShapeOf((string)n.Attribute("id")!)!)))
            .ToArray();
        for (var i = 0; i < solid.Length; i++)
        {
            for (var j = i + 1; j < solid.Length; j++)
            {
                Assert.False(solid[i].Item2.Overlaps(solid[j].Item2), $"{file}: {solid[i].Item1} overlaps {solid[j].Item1}");
            }
        }

        foreach (var flow in bpmn.SequenceFlows)
        {
            var id = (string)flow.Attribute("id")!;
            var ends = new HashSet<string> { (string)flow.Attribute("sourceRef")!, (string)flow.Attribute("targetRef")! };
            var points = bpmn.EdgeOf(id)!.Elements(Bpmn.OmgDi + "waypoint")
                .Select(p => ((double)p.Attribute("x")!, (double)p.Attribute("y")!)).ToArray();
            for (var k = 1; k < points.Length; k++)
            {
                var segment = new Rect(Math.Min(points[k - 1].Item1, points[k].Item1), Math.Min(points[k - 1].Item2, points[k].Item2),
                    Math.Abs(points[k].Item1 - points[k - 1].Item1) + 0.5, Math.Abs(points[k].Item2 - points[k - 1].Item2) + 0.5);
                foreach (var (other, box) in solid.Where(s => !ends.Contains(s.Item1)))
                {
                    Assert.False(segment.Overlaps(box), $"{file}: flow {id} runs through {other}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_top_level_node_sits_in_exactly_one_lane_and_inside_its_bounds(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        var lanes = bpmn.Process.Descendants(Bpmn.Model + "lane").ToArray();
        Assert.True(lanes.Length >= 3, $"{file}: lanes per role expected");
        var topLevel = bpmn.Process.Elements().Where(e => bpmn.FlowNodes.Contains(e)).ToArray();
        foreach (var node in topLevel)
        {
            var id = (string)node.Attribute("id")!;
            var owners = lanes.Where(l => l.Elements(Bpmn.Model + "flowNodeRef").Any(r => r.Value == id)).ToArray();
            var lane = Assert.Single(owners);
            var laneBounds = Bpmn.Bounds(bpmn.ShapeOf((string)lane.Attribute("id")!)!);
            var nodeBounds = Bpmn.Bounds(bpmn.ShapeOf(id)!);
            if (node.Name.LocalName != "boundaryEvent")
            {
                Assert.True(laneBounds.Contains(nodeBounds), $"{file}: {id} is drawn outside lane {(string?)lane.Attribute("name")}");
            }
        }

        // nested nodes are drawn inside their sub-process
        foreach (var sub in bpmn.Process.Descendants(Bpmn.Model + "subProcess"))
        {
            var outer = Bpmn.Bounds(bpmn.ShapeOf((string)sub.Attribute("id")!)!);
            foreach (var child in sub.Elements().Where(e => bpmn.FlowNodes.Contains(e) && e.Name.LocalName != "boundaryEvent"))
            {
                Assert.True(outer.Contains(Bpmn.Bounds(bpmn.ShapeOf((string)child.Attribute("id")!)!)), $"{file}: {(string?)child.Attribute("id")} leaks out of its sub-process");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Boundary_events_sit_on_the_border_of_their_host(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var boundary in bpmn.Process.Descendants(Bpmn.Model + "boundaryEvent"))
        {
            var host = Bpmn.Bounds(bpmn.ShapeOf((string)boundary.Attribute("attachedToRef")!)!);
            var b = Bpmn.Bounds(bpmn.ShapeOf((string)boundary.Attribute("id")!)!);
            var center = (b.X + (b.Width / 2), b.Y + (b.Height / 2));
            Assert.True(OnBorder(host, center), $"{file}: {(string?)boundary.Attribute("id")} is not on its host's border");
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void The_picture_in_diagrams_shows_every_element_of_the_current_process(string file)
    {
        // diagrams/*.svg are bpmn-js SVG exports for the README; every element and flow must be drawn there
        var svgPath = Path.Combine(RepositoryPaths.Workflows, "diagrams", Path.ChangeExtension(file, ".svg"));
        Assert.True(File.Exists(svgPath), $"{svgPath} is missing: export the diagram from the modeler as SVG");
        var drawn = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(svgPath), "data-element-id=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var id in bpmn.FlowNodes.Concat(bpmn.SequenceFlows).Select(e => (string)e.Attribute("id")!))
        {
            Assert.True(drawn.Contains(id), $"{file}: {id} is not in {Path.GetFileName(svgPath)}; re-export the picture");
        }
    }

    private static bool OnBorder(Rect r, (double X, double Y) p)
    {
        const double Tolerance = 1;
        var withinX = p.X >= r.X - Tolerance && p.X <= r.Right + Tolerance;
        var withinY = p.Y >= r.Y - Tolerance && p.Y <= r.Bottom + Tolerance;
        if (!withinX || !withinY)
        {
            return false;
        }

        return Math.Abs(p.X - r.X) <= Tolerance || Math.Abs(p.X - r.Right) <= Tolerance
            || Math.Abs(p.Y - r.Y) <= Tolerance || Math.Abs(p.Y - r.Bottom) <= Tolerance;
    }
}
