using System.Collections;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using ProcurementFlows.Engine.Execution;
using ProcurementFlows.Engine.Expressions;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Parsing;

/// <summary>Turns a BPMN definitions element into compiled processes plus diagnostics (every problem at once).</summary>
internal sealed class ModelBuilder
{
    private static readonly XNamespace M = BpmnNames.Model;
    private static readonly XNamespace C = BpmnNames.Camunda;
    private static readonly XNamespace Pf = BpmnNames.Pf;

    private readonly XElement root;
    private readonly BpmnParserOptions options;
    private readonly List<BpmnDiagnostic> diagnostics = [];
    private readonly SortedDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Code, string? Name)> errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> escalations = new(StringComparer.Ordinal);
    private readonly HashSet<string> definitionIds = new(StringComparer.Ordinal);
    private readonly List<(string Process, string Activity, string Called, bool Unconditional, XElement El)> calls = [];
    private readonly bool native;
    private readonly string? foreignReason;

    // Per-process context.
    private bool executable;
    private ValueSource? processTaskPriority;
    private List<FlowNode> nodes = [];
    private List<(SequenceFlow Flow, string? Source, string? Target, XElement El)> flows = [];
    private Dictionary<string, (FlowNode Node, XElement El)> nodeById = new(StringComparer.Ordinal);
    private Dictionary<string, string> defaultFlows = new(StringComparer.Ordinal);
    private Dictionary<string, string> attachedTo = new(StringComparer.Ordinal);
    private int processErrors;

    public ModelBuilder(XElement root, BpmnParserOptions options)
    {
        AliasLegacyCamundaNamespace(root);
        this.root = root;
        this.options = options;
        foreignReason = DetectForeignDialect(root);
        native = foreignReason is null;
    }

    private DiagnosticSeverity ExecSeverity => executable && native && options.StrictExecutableValidation ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;

    public CompilationResult Build()
    {
        Count(root);
        foreach (var child in root.Elements())
        {
            if (child.Name.Namespace != M)
            {
                continue;
            }

            switch (child.Name.LocalName)
            {
                case "message":
                    messages[Id(child) ?? ""] = (string?)child.Attribute("name") ?? Id(child) ?? "";
                    break;
                case "error":
                    errors[Id(child) ?? ""] = ((string?)child.Attribute("errorCode"), (string?)child.Attribute("name"));
                    break;
                case "escalation":
                    escalations[Id(child) ?? ""] = (string?)child.Attribute("escalationCode");
                    break;
                default:
                    break;
            }
        }

        var processes = new List<CompiledProcess>();
        var summaries = new List<ProcessSummary>();
        foreach (var child in root.Elements())
        {
            if (child.Name.Namespace != M)
            {
                continue;
            }

            if (child.Name.LocalName == "process")
            {
                var p = ReadProcess(child, summaries);
                if (p is not null)
                {
                    processes.Add(p);
                }
            }
            else
            {
                ReadGeneric(child);
            }
        }

        CheckIds();
        CheckCollaborations();
        CheckCallCycles();
        if (summaries.Count == 0)
        {
            Add(DiagnosticSeverity.Warning, "bpmn.no-process", "The definitions contain no process.", root);
        }

        return new CompilationResult(processes, diagnostics, new BpmnModelSummary(counts, summaries, (string?)root.Attribute("targetNamespace")));
    }

    /// <summary>
    /// Camunda 7 reads <c>http://activiti.org/bpmn</c> as a legacy spelling of its own namespace (Camunda Modeler 2.x and the
    /// Camunda examples still use it), so its elements and attributes are renamed into the Camunda namespace before reading.
    /// </summary>
    private static void AliasLegacyCamundaNamespace(XElement root)
    {
        XNamespace activiti = BpmnNames.Activiti;
        foreach (var el in root.DescendantsAndSelf())
        {
            if (el.Name.Namespace == activiti)
            {
                el.Name = C + el.Name.LocalName;
            }

            if (!el.HasAttributes)
            {
                continue;
            }

            List<XAttribute>? renamed = null;
            foreach (var a in el.Attributes())
            {
                if (a.Name.Namespace == activiti)
                {
                    (renamed ??= []).Add(a);
                }
            }

            foreach (var a in renamed ?? [])
            {
                a.Remove();
                if (el.Attribute(C + a.Name.LocalName) is null)
                {
                    el.SetAttributeValue(C + a.Name.LocalName, a.Value);
                }
            }
        }
    }

    /// <summary>
    /// Ids are one space per document (bpmn-js and Camunda resolve every reference through it): a message and a process,
    /// or a lane and a task, sharing an id make references ambiguous. Duplicates among flow nodes and flows of one process
    /// are reported while reading it; this reports the rest.
    /// </summary>
    private void CheckIds()
    {
        var reported = new HashSet<string>(diagnostics.Where(d => d.Code == "bpmn.duplicate-id" && d.ElementId is not null).Select(d => d.ElementId!), StringComparer.Ordinal);
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var el in root.DescendantsAndSelf())
        {
            if (el.Name.Namespace != M && el.Name.NamespaceName != BpmnNames.Di)
            {
                continue;
            }

            if ((string?)el.Attribute("id") is not { Length: > 0 } id)
            {
                continue;
            }

            if (!seen.TryAdd(id, el) && reported.Add(id))
            {
                var first = seen[id];
                Add(DiagnosticSeverity.Error, "bpmn.duplicate-id", $"The id '{id}' is used by <{first.Name.LocalName}> (line {Line(first)}) and <{el.Name.LocalName}>; ids must be unique in the document.", el, id);
            }
        }
    }

    /// <summary>Participants must name a process of the document, message flows must connect existing elements.</summary>
    private void CheckCollaborations()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var el in root.Descendants())
        {
            if (el.Name.Namespace == M && (string?)el.Attribute("id") is { } id)
            {
                ids.Add(id);
            }
        }

        foreach (var collaboration in root.Elements(M + "collaboration"))
        {
            foreach (var participant in collaboration.Elements(M + "participant"))
            {
                if ((string?)participant.Attribute("processRef") is { } processRef && !root.Elements(M + "process").Any(p => (string?)p.Attribute("id") == processRef))
                {
                    Add(DiagnosticSeverity.Warning, "collaboration.dangling-ref", $"Participant '{Id(participant)}' refers to process '{processRef}', which the document does not contain.", participant);
                }
            }

            foreach (var flow in collaboration.Elements(M + "messageFlow"))
            {
                foreach (var end in (string[])["sourceRef", "targetRef"])
                {
                    if ((string?)flow.Attribute(end) is { } target && !ids.Contains(target))
                    {
                        Add(DiagnosticSeverity.Warning, "collaboration.dangling-ref", $"Message flow '{Id(flow)}' has {end} '{target}', which names no element of the document.", flow);
                    }
                }
            }
        }
    }

    /// <summary>Records call activities with a literal calledElement, and whether every instance reaches them.</summary>
    private void CollectCalls(string processId, FlowScope scope)
    {
        if (!executable)
        {
            return;
        }

        // Reached without passing a decision (exclusive/inclusive/event gateway, conditional flow, boundary event).
        var unconditional = new HashSet<FlowNode>();
        var queue = new Queue<FlowNode>(scope.Nodes.Where(n => n.Kind == NodeKind.StartEvent && n.Event?.Kind == EventKind.None));
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            if (!unconditional.Add(n) || n.Kind is NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway or NodeKind.EventBasedGateway or NodeKind.EndEvent)
            {
                continue;
            }

            foreach (var f in n.Outgoing)
            {
                if (f.Condition is null && f.Target is not null)
                {
                    queue.Enqueue(f.Target);
                }
            }
        }

        foreach (var n in nodes)
        {
            if (n.Kind == NodeKind.CallActivity && n.CalledElement is { IsLiteral: true } called && nodeById.TryGetValue(n.Id, out var entry))
            {
                calls.Add((processId, n.Id, called.Raw, unconditional.Contains(n), entry.El));
            }
        }
    }

    /// <summary>
    /// A call activity that (directly or through other processes of this document) calls its own process recurses. When
    /// every instance reaches it, the recursion never ends: each child starts the next one. That is an error; a recursion
    /// behind a decision may be intended and is a warning.
    /// </summary>
    private void CheckCallCycles()
    {
        foreach (var call in calls)
        {
            // Search from the called process for a path back to the caller's process.
            var visited = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<(string Process, bool AllUnconditional)>();
            stack.Push((call.Called, call.Unconditional));
            while (stack.Count > 0)
            {
                var (current, allUnconditional) = stack.Pop();
                if (current == call.Process)
                {
                    var path = call.Called == call.Process ? "itself" : $"'{call.Called}', which calls back";
                    if (allUnconditional)
                    {
                        Add(ExecSeverityFor(call.El), "callActivity.endless-recursion", $"Call activity '{call.Activity}' in '{call.Process}' calls {path} on every path: each child instance would start another one without end. Put the call behind a gateway condition.", call.El, call.Activity);
                    }
                    else
                    {
                        Add(DiagnosticSeverity.Warning, "callActivity.recursion", $"Call activity '{call.Activity}' in '{call.Process}' calls {path}; make sure the recursion ends.", call.El, call.Activity);
                    }

                    break;
                }

                if (!visited.Add(current))
                {
                    continue;
                }

                foreach (var next in calls)
                {
                    if (next.Process == current)
                    {
                        stack.Push((next.Called, allUnconditional && next.Unconditional));
                    }
                }
            }
        }
    }

    private DiagnosticSeverity ExecSeverityFor(XElement el) => native && options.StrictExecutableValidation ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;

    private static string? DetectForeignDialect(XElement root)
    {
        foreach (var a in root.Attributes())
        {
            if (a.IsNamespaceDeclaration && a.Value == BpmnNames.Zeebe)
            {
                return "it declares the Zeebe (Camunda 8) namespace";
            }
        }

        var platform = (string?)root.Attribute(XName.Get("executionPlatform", BpmnNames.Modeler));
        if (platform is not null && platform.Contains("Camunda Cloud", StringComparison.OrdinalIgnoreCase))
        {
            return $"it targets the execution platform '{platform}' (Camunda 8)";
        }

        if (platform is not null && !platform.Contains("Camunda Platform", StringComparison.OrdinalIgnoreCase))
        {
            return $"it targets the execution platform '{platform}'";
        }

        var exporter = (string?)root.Attribute("exporter");
        if (exporter is not null &&
            !exporter.Contains("Camunda", StringComparison.OrdinalIgnoreCase) &&
            !exporter.Contains("bpmn-js", StringComparison.OrdinalIgnoreCase) &&
            !exporter.Contains("ProcurementFlows", StringComparison.OrdinalIgnoreCase))
        {
            return $"it was exported by '{exporter}', not a Camunda 7 / bpmn-js modeler";
        }

        return null;
    }

    // ---------------------------------------------------------------- processes

    private CompiledProcess? ReadProcess(XElement el, List<ProcessSummary> summaries)
    {
        Count(el);
        var id = Id(el);
        // Camunda 7 deploys a process without isExecutable as executable (and logs that the attribute should be set).
        var isExecutable = (string?)el.Attribute("isExecutable");
        executable = isExecutable is null || string.Equals(isExecutable.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        nodes = [];
        flows = [];
        nodeById = new(StringComparer.Ordinal);
        defaultFlows = new(StringComparer.Ordinal);
        attachedTo = new(StringComparer.Ordinal);
        processErrors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var line = Line(el);
        if (id is null)
        {
            Add(DiagnosticSeverity.Error, "bpmn.missing-id", "A process has no id.", el);
            id = "";
        }

        summaries.Add(new ProcessSummary(id, (string?)el.Attribute("name"), executable, line ?? 0));
        if (isExecutable is null)
        {
            Add(DiagnosticSeverity.Info, "process.executable-assumed", $"Process '{id}' has no isExecutable attribute; like Camunda 7, it is treated as executable. Set isExecutable=\"true\" or \"false\" explicitly.", el, id);
        }

        processTaskPriority = TaskPriority(el, id);
        if (!executable)
        {
            Add(DiagnosticSeverity.Info, "process.not-executable", $"Process '{id}' is not executable (isExecutable is not \"true\"); it is read for inspection only and cannot be started.", el, id);
        }
        else if (!native)
        {
            Add(DiagnosticSeverity.Warning, "process.foreign-dialect", $"Process '{id}' is marked executable but {foreignReason}; execution findings are reported as warnings, and the process can be started only when there are none.", el, id);
        }

        var findingsStart = diagnostics.Count;

        var scope = new FlowScope { Id = id };
        ReadContainer(el, scope);
        var flowMap = Link(scope);
        Validate(scope);
        CollectCalls(id, scope);
        if (executable && IsCamunda8)
        {
            SummariseCamunda8(el, id, findingsStart);
        }

        if (diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > processErrors)
        {
            return null;
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            nodes[i].Index = i;
        }

        ComputeReachability(scope);
        // A diagram from another tool runs when it uses only what this engine executes; any execution
        // finding (reported as a warning for such diagrams) keeps it from starting.
        var blocked = !executable ? "not executable"
            : !native && HasWarningsSince(findingsStart) ? "foreign dialect with execution findings: " + foreignReason
            : HasExecWarnings() ? "has unsupported elements" : null;
        return new CompiledProcess(id, (string?)el.Attribute("name"), executable, scope, nodes, flowMap, blocked);
    }

    private bool IsCamunda8 =>
        foreignReason is not null && (foreignReason.Contains("Zeebe", StringComparison.Ordinal) || foreignReason.Contains("Camunda Cloud", StringComparison.OrdinalIgnoreCase) || foreignReason.Contains("Camunda 8", StringComparison.OrdinalIgnoreCase));

    /// <summary>One diagnostic that says plainly which elements of a Camunda 8 diagram use Camunda 8-only constructs.</summary>
    private void SummariseCamunda8(XElement el, string id, int findingsStart)
    {
        var c8Only = new List<string>();
        for (var i = findingsStart; i < diagnostics.Count; i++)
        {
            var d = diagnostics[i];
            if (d.ElementId is { } elementId && (d.Code == "condition.feel" || d.Code == "extension.foreign-vendor" && d.Message.StartsWith("Zeebe", StringComparison.Ordinal)) && !c8Only.Contains(elementId))
            {
                c8Only.Add(elementId);
            }
        }

        Add(DiagnosticSeverity.Warning, "process.camunda8", $"Process '{id}' is a Camunda 8 (Zeebe) diagram; this engine runs the Camunda 7 dialect and will not start it. " +
            (c8Only.Count == 0 ? "No Camunda 8-only element was found: switch the diagram to Camunda 7 (Camunda Platform) in the modeler." :
            $"Camunda 8-only elements (zeebe: extensions, FEEL conditions): {string.Join(", ", c8Only.Take(20))}{(c8Only.Count > 20 ? $" and {c8Only.Count - 20} more" : "")}. Re-model them with camunda: attributes (camunda:type=\"external\" + camunda:topic, camunda:candidateGroups, camunda:formKey) and ${{...}} conditions."), el, id);
    }

    private bool HasWarningsSince(int start)
    {
        for (var i = start; i < diagnostics.Count; i++)
        {
            if (diagnostics[i].Severity == DiagnosticSeverity.Warning)
            {
                return true;
            }
        }

        return false;
    }

    private bool HasExecWarnings()
    {
        for (var i = processErrors; i < diagnostics.Count; i++)
        {
            if (diagnostics[i].Severity == DiagnosticSeverity.Warning && diagnostics[i].Code.StartsWith("unsupported", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void ReadContainer(XElement el, FlowScope scope)
    {
        foreach (var child in el.Elements())
        {
            if (child.Name.Namespace != M)
            {
                continue;
            }

            var local = child.Name.LocalName;
            if (BpmnNames.FlowNodes.TryGetValue(local, out var kind))
            {
                ReadFlowNode(child, kind, scope);
            }
            else if (local == "sequenceFlow")
            {
                ReadSequenceFlow(child);
            }
            else if (local is "multiInstanceLoopCharacteristics" or "standardLoopCharacteristics" || BpmnNames.EventDefinitions.ContainsKey(local))
            {
                // Handled by the owning flow node.
                continue;
            }
            else
            {
                ReadGeneric(child);
            }
        }
    }

    /// <summary>
    /// Reports execution extensions of other engines on an executable flow node (attributes and extension elements),
    /// e.g. <c>flowable:candidateGroups</c>: ignoring them silently would open a task to everybody or drop its logic.
    /// </summary>
    private void ReportVendorExtensions(XElement el, string id)
    {
        if (!executable)
        {
            return;
        }

        List<string>? names = null;
        string? vendor = null;
        void Note(XName name)
        {
            if (BpmnNames.VendorExecution.TryGetValue(name.NamespaceName, out var v) && !IsAlias(name))
            {
                vendor ??= v;
                (names ??= []).Add($"{el.GetPrefixOfNamespace(name.Namespace) ?? v}:{name.LocalName}");
            }
        }

        foreach (var a in el.Attributes())
        {
            if (!a.IsNamespaceDeclaration)
            {
                Note(a.Name);
            }
        }

        foreach (var child in el.Elements(M + "extensionElements").Elements())
        {
            Note(child.Name);
        }

        if (names is not null)
        {
            Add(ExecSeverity, "extension.foreign-vendor", $"{vendor} extensions are not interpreted by this engine: {string.Join(", ", names.Distinct(StringComparer.Ordinal))}. Express them with camunda: attributes (e.g. camunda:candidateGroups, camunda:assignee, camunda:topic).", el, id);
        }
    }

    /// <summary>
    /// Reads a Camunda 7 extension attribute. Flowable and Activiti share Camunda 7's ancestry and spell the user-task,
    /// initiator, multi-instance and external-worker attributes the same way with the same meaning, so their spelling is
    /// read when the Camunda one is absent.
    /// </summary>
    private static string? Cam(XElement el, string name) =>
        (string?)el.Attribute(C + name)
        ?? (BpmnNames.SharedWithCamunda.Contains(name)
            ? (string?)el.Attribute(XName.Get(name, BpmnNames.Flowable)) ?? (string?)el.Attribute(XName.Get(name, BpmnNames.Activiti))
            : null);

    private static bool IsAlias(XName name) =>
        name.NamespaceName is BpmnNames.Flowable or BpmnNames.Activiti && BpmnNames.SharedWithCamunda.Contains(name.LocalName);

    private void ReadGeneric(XElement el)
    {
        var local = el.Name.LocalName;
        if (!BpmnNames.Descriptive.Contains(local) && !BpmnNames.FlowNodes.ContainsKey(local) && !BpmnNames.EventDefinitions.ContainsKey(local))
        {
            Add(executable ? ExecSeverity : DiagnosticSeverity.Warning, "bpmn.unknown-element", $"Unknown BPMN element <{local}>.", el, Id(el));
            return;
        }

        Count(el);
        if (local == "extensionElements")
        {
            return;
        }

        foreach (var child in el.Elements())
        {
            if (child.Name.Namespace == M)
            {
                ReadGeneric(child);
            }
        }
    }

    private void ReadSequenceFlow(XElement el)
    {
        Count(el);
        var id = Id(el) ?? "";
        if (id.Length == 0)
        {
            Add(DiagnosticSeverity.Error, "bpmn.missing-id", $"A sequence flow (from '{(string?)el.Attribute("sourceRef")}' to '{(string?)el.Attribute("targetRef")}') has no id.", el);
        }

        var li = (IXmlLineInfo)el;
        var flow = new SequenceFlow { Id = id, Name = (string?)el.Attribute("name"), Line = li.LineNumber, Column = li.LinePosition };
        foreach (var child in el.Elements())
        {
            if (child.Name.Namespace != M)
            {
                continue;
            }

            if (child.Name.LocalName == "conditionExpression")
            {
                Count(child);
                flow.Condition = Condition(child, id);
            }
            else
            {
                ReadGeneric(child);
            }
        }

        flows.Add((flow, (string?)el.Attribute("sourceRef"), (string?)el.Attribute("targetRef"), el));
    }

    private ValueSource? Condition(XElement el, string elementId)
    {
        var text = el.Value.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        var language = (string?)el.Attribute("language");
        if (language is not null && IsJavaScript(language))
        {
            return Compile(text, elementId, el, script: true);
        }

        if (language is not null && !language.Contains("juel", StringComparison.OrdinalIgnoreCase))
        {
            Add(ExecSeverity, "unsupported.expression-language", $"Condition language '{language}' is not supported; use ${{...}} (JavaScript).", el, elementId);
            return new ValueSource(text, null);
        }

        if (text.StartsWith('=') && !text.Contains("${", StringComparison.Ordinal))
        {
            Add(ExecSeverity, "condition.feel", $"Condition '{text}' is a FEEL expression (Camunda 8); this engine evaluates ${{...}} JavaScript, e.g. ${{{text[1..].Trim()}}}.", el, elementId);
            return new ValueSource(text, null);
        }

        if (!text.Contains("${", StringComparison.Ordinal) && !text.Contains("#{", StringComparison.Ordinal))
        {
            Add(ExecSeverity, "condition.not-expression", $"Condition '{text}' is not an expression; write it as ${{...}}.", el, elementId);
            return new ValueSource(text, null);
        }

        return Value(text, elementId, el);
    }

    private static bool IsJavaScript(string language) =>
        language.Equals("javascript", StringComparison.OrdinalIgnoreCase) ||
        language.Equals("js", StringComparison.OrdinalIgnoreCase) ||
        language.Equals("ecmascript", StringComparison.OrdinalIgnoreCase) ||
        language.Equals("text/javascript", StringComparison.OrdinalIgnoreCase);

    // ---------------------------------------------------------------- flow nodes

    private void ReadFlowNode(XElement el, NodeKind kind, FlowScope scope)
    {
        Count(el);
        var id = Id(el);
        if (id is null)
        {
            Add(DiagnosticSeverity.Error, "bpmn.missing-id", $"A <{el.Name.LocalName}> has no id.", el);
            id = "";
        }

        ReportVendorExtensions(el, id);
        if (kind == NodeKind.SubProcess && (string?)el.Attribute("triggeredByEvent") == "true")
        {
            kind = NodeKind.EventSubProcess;
        }

        var li = (IXmlLineInfo)el;
        var node = new FlowNode
        {
            Id = id,
            Name = (string?)el.Attribute("name"),
            Kind = kind,
            TypeName = el.Name.LocalName,
            Line = li.LineNumber,
            Column = li.LinePosition,
            Scope = scope,
        };

        if (id.Length > 0 && !nodeById.TryAdd(id, (node, el)))
        {
            Add(DiagnosticSeverity.Error, "bpmn.duplicate-id", $"The id '{id}' is used more than once.", el, id);
        }

        nodes.Add(node);
        scope.Nodes.Add(node);
        if ((string?)el.Attribute("default") is { } def)
        {
            defaultFlows[id] = def;
        }

        if (kind == NodeKind.BoundaryEvent)
        {
            attachedTo[id] = (string?)el.Attribute("attachedToRef") ?? "";
            node.CancelActivity = (string?)el.Attribute("cancelActivity") != "false";
            node.MarksTaskEscalation = (string?)el.Attribute(Pf + "taskEscalation") == "true";
        }

        if (kind == NodeKind.StartEvent)
        {
            node.IsInterruptingStart = (string?)el.Attribute("isInterrupting") != "false";
            node.InitiatorVariable = Cam(el, "initiator");
            node.StartFormKey = Cam(el, "formKey") ?? (string?)el.Attribute(C + "formRef");
        }

        var isContainer = kind is NodeKind.SubProcess or NodeKind.EventSubProcess or NodeKind.Transaction or NodeKind.AdHocSubProcess;
        if (isContainer)
        {
            node.Inner = new FlowScope { Id = id, Owner = node };
        }

        EventDefinition? eventDef = null;
        var eventDefs = 0;
        foreach (var child in el.Elements())
        {
            if (child.Name.Namespace != M)
            {
                continue;
            }

            var local = child.Name.LocalName;
            if (BpmnNames.EventDefinitions.TryGetValue(local, out var ek))
            {
                Count(child);
                eventDefs++;
                eventDef = ReadEventDefinition(child, ek, node);
            }
            else if (local == "multiInstanceLoopCharacteristics")
            {
                Count(child);
                node.MultiInstance = ReadMultiInstance(child, node);
            }
            else if (local == "standardLoopCharacteristics")
            {
                Count(child);
                foreach (var c in child.Elements())
                {
                    if (c.Name.Namespace == M)
                    {
                        ReadGeneric(c);
                    }
                }

                Add(ExecSeverity, "unsupported.standard-loop", "Standard loops are not supported; use multi-instance or a gateway loop.", child, id);
            }
            else if (local == "extensionElements")
            {
                Count(child);
                ReadExtensions(child, node);
            }
            else if (local == "script" && kind == NodeKind.ScriptTask)
            {
                Count(child);
            }
            else if (isContainer && BpmnNames.FlowNodes.TryGetValue(local, out var innerKind))
            {
                ReadFlowNode(child, innerKind, node.Inner!);
            }
            else if (isContainer && local == "sequenceFlow")
            {
                ReadSequenceFlow(child);
            }
            else
            {
                ReadGeneric(child);
            }
        }

        if (eventDefs > 1)
        {
            Add(ExecSeverity, "unsupported.multiple-event-definitions", "Events with several event definitions are not supported.", el, id);
        }

        node.Event = eventDef ?? (kind is NodeKind.StartEvent or NodeKind.EndEvent or NodeKind.IntermediateCatchEvent or NodeKind.IntermediateThrowEvent or NodeKind.BoundaryEvent
            ? new EventDefinition { Kind = EventKind.None }
            : null);

        ReadAttributes(el, node);
    }

    private void ReadAttributes(XElement el, FlowNode node)
    {
        var id = node.Id;
        switch (node.Kind)
        {
            case NodeKind.UserTask:
                var formKey = Cam(el, "formKey") ?? (string?)el.Attribute(C + "formRef");
                node.UserTask = new UserTaskDefinition
                {
                    Assignee = Value(Cam(el, "assignee"), id, el),
                    CandidateUsers = Value(Cam(el, "candidateUsers"), id, el),
                    CandidateGroups = Value(Cam(el, "candidateGroups"), id, el),
                    DueDate = Value(Cam(el, "dueDate"), id, el),
                    FollowUpDate = Value((string?)el.Attribute(C + "followUpDate"), id, el),
                    Priority = Value(Cam(el, "priority"), id, el),
                    FormKey = formKey,
                    Calendar = (string?)el.Attribute(Pf + "calendar"),
                    NotCompletedBy = SplitNames((string?)el.Attribute(Pf + "notCompletedBy")),
                };
                CheckCalendar(node.UserTask.Calendar, el, id);
                if (node.UserTask.Priority is { IsLiteral: true } p && !int.TryParse(p.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    Add(ExecSeverity, "userTask.invalid-priority", $"Priority '{p.Raw}' is not an integer.", el, id);
                }

                break;
            case NodeKind.ServiceTask or NodeKind.SendTask or NodeKind.BusinessRuleTask:
                ReadExternal(el, node);
                break;
            case NodeKind.ReceiveTask:
                node.Event = new EventDefinition
                {
                    Kind = EventKind.Message,
                    MessageName = MessageName((string?)el.Attribute("messageRef"), el, id, required: true),
                    CorrelationKey = Value((string?)el.Attribute(Pf + "correlationKey"), id, el),
                };
                break;
            case NodeKind.ScriptTask:
                ReadScript(el, node);
                break;
            case NodeKind.CallActivity:
                var called = (string?)el.Attribute("calledElement");
                if (string.IsNullOrWhiteSpace(called) && (string?)el.Attribute(C + "caseRef") is { } caseRef)
                {
                    Add(ExecSeverity, "unsupported.element", $"Call activity '{id}' calls the CMMN case '{caseRef}' (camunda:caseRef); CMMN is not supported, only BPMN processes (calledElement).", el, id);
                }
                else if (string.IsNullOrWhiteSpace(called))
                {
                    Add(ExecSeverity, "callActivity.no-called-element", "The call activity has no calledElement.", el, id);
                }
                else
                {
                    node.CalledElement = Value(called, id, el);
                }

                node.CalledElementBinding = (string?)el.Attribute(C + "calledElementBinding") ?? "latest";
                if ((string?)el.Attribute(C + "calledElementVersion") is { } v)
                {
                    if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ver))
                    {
                        node.CalledElementVersion = ver;
                    }
                    else
                    {
                        Add(ExecSeverity, "callActivity.invalid-version", $"calledElementVersion '{v}' is not an integer.", el, id);
                    }
                }

                if (node.CalledElementBinding is not ("latest" or "version" or "deployment" or "versionTag"))
                {
                    Add(ExecSeverity, "callActivity.invalid-binding", $"calledElementBinding '{node.CalledElementBinding}' is not supported.", el, id);
                }

                break;
            case NodeKind.ComplexGateway or NodeKind.Transaction or NodeKind.AdHocSubProcess:
                Add(ExecSeverity, "unsupported.element", $"<{el.Name.LocalName}> '{id}' is not supported by this engine. {Alternative(el.Name.LocalName)}", el, id);
                break;
            default:
                break;
        }

        if (node.Kind != NodeKind.UserTask && (string?)el.Attribute(Pf + "notCompletedBy") is not null)
        {
            Add(DiagnosticSeverity.Warning, "pf.misplaced", "pf:notCompletedBy only applies to user tasks.", el, id);
        }
    }

    private void ReadExternal(XElement el, FlowNode node)
    {
        var id = node.Id;
        var type = Cam(el, "type");
        if (type is "external" or "external-worker")
        {
            var topic = Cam(el, "topic");
            if (string.IsNullOrWhiteSpace(topic))
            {
                Add(ExecSeverity, "serviceTask.no-topic", "An external service task needs camunda:topic.", el, id);
            }
            else
            {
                node.Topic = Value(topic, id, el);
            }

            // Camunda: the element's camunda:taskPriority, else the process's, else 0.
            node.TaskPriority = TaskPriority(el, id) ?? processTaskPriority;
            node.RetryCycle ??= null;
            return;
        }

        if (node.Kind == NodeKind.SendTask && el.Attribute("messageRef") is null && ImplementationOf(el, type) is null)
        {
            Add(ExecSeverity, "message.no-ref", $"Send task '{id}' has neither a messageRef (publish a message) nor camunda:type=\"external\" with a camunda:topic.", el, id);
            return;
        }

        if (node.Kind == NodeKind.SendTask && ImplementationOf(el, type) is null)
        {
            var msg = (string?)el.Attribute("messageRef");
            node.Event = new EventDefinition
            {
                Kind = EventKind.Message,
                MessageName = MessageName(msg, el, id, required: true),
                CorrelationKey = Value((string?)el.Attribute(Pf + "correlationKey"), id, el),
            };
            return;
        }

        if (ImplementationOf(el, type) is { } implementation)
        {
            Add(ExecSeverity, "unsupported.implementation", $"<{el.Name.LocalName}> '{id}' uses {implementation}, which this engine cannot run (it has no Java runtime, DMN engine or connectors). Use camunda:type=\"external\" with a camunda:topic served by an external worker.", el, id);
        }
        else if (el.Element(M + "extensionElements")?.Element(C + "connector") is null)
        {
            Add(ExecSeverity, "activity.no-implementation", $"<{el.Name.LocalName}> '{id}' has no implementation: it needs camunda:type=\"external\" and camunda:topic.", el, id);
        }
    }

    private static string? ImplementationOf(XElement el, string? type)
    {
        if ((string?)el.Attribute(C + "class") is { } cls)
        {
            return $"the Java class camunda:class=\"{cls}\"";
        }

        if ((string?)el.Attribute(C + "delegateExpression") is { } delegateExpression)
        {
            return $"the Java delegate camunda:delegateExpression=\"{delegateExpression}\"";
        }

        if ((string?)el.Attribute(C + "expression") is { } expression)
        {
            return $"the method expression camunda:expression=\"{expression}\"";
        }

        if ((string?)el.Attribute(C + "decisionRef") is { } decision)
        {
            return $"the DMN decision camunda:decisionRef=\"{decision}\"";
        }

        return type is null ? null : $"camunda:type=\"{type}\"";
    }

    private void ReadScript(XElement el, FlowNode node)
    {
        var id = node.Id;
        node.ResultVariable = (string?)el.Attribute(C + "resultVariable");
        var format = (string?)el.Attribute("scriptFormat");
        if (format is null || !IsJavaScript(format))
        {
            Add(ExecSeverity, "scriptTask.unsupported-format", $"Script format '{format}' is not supported; only JavaScript runs.", el, id);
            return;
        }

        if (el.Attribute(C + "resource") is not null)
        {
            Add(ExecSeverity, "scriptTask.external-resource", "External script resources are not supported; inline the script.", el, id);
            return;
        }

        var script = el.Element(M + "script")?.Value;
        if (string.IsNullOrWhiteSpace(script))
        {
            Add(ExecSeverity, "scriptTask.empty", "The script task has no script.", el, id);
            return;
        }

        var compiled = ExpressionCompiler.CompileScript(script, id);
        if (compiled.Diagnostic is { } d)
        {
            Add(ExecSeverity, d.Code, $"The script does not parse: {d.Message}", el, id);
        }
        else
        {
            node.Script = compiled.Expression;
        }
    }

    private EventDefinition ReadEventDefinition(XElement el, EventKind kind, FlowNode node)
    {
        var id = node.Id;
        foreach (var c in el.Elements())
        {
            if (c.Name.Namespace == M && c.Name.LocalName is not ("timeDate" or "timeDuration" or "timeCycle"))
            {
                ReadGeneric(c);
            }
        }

        switch (kind)
        {
            case EventKind.Timer:
                TimerDefinition? timer = null;
                foreach (var c in el.Elements())
                {
                    if (c.Name.Namespace != M)
                    {
                        continue;
                    }

                    var tk = c.Name.LocalName switch
                    {
                        "timeDate" => TimerKind.Date,
                        "timeDuration" => TimerKind.Duration,
                        "timeCycle" => TimerKind.Cycle,
                        _ => (TimerKind?)null,
                    };
                    if (tk is null)
                    {
                        continue;
                    }

                    Count(c);
                    var text = c.Value.Trim();
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    var value = Value(text, id, c)!;
                    if (value.IsLiteral && !TimerMath.IsValid(tk.Value, text))
                    {
                        Add(ExecSeverity, "timer.invalid", $"'{text}' is not a valid ISO 8601 {c.Name.LocalName}.", c, id);
                    }

                    timer = new TimerDefinition { Kind = tk.Value, Value = value, Calendar = (string?)el.Attribute(Pf + "calendar") ?? (string?)el.Parent?.Attribute(Pf + "calendar") };
                    CheckCalendar(timer.Calendar, el, id);
                }

                if (timer is null)
                {
                    Add(ExecSeverity, "timer.no-definition", "The timer has no timeDate, timeDuration or timeCycle.", el, id);
                }

                return new EventDefinition { Kind = kind, Timer = timer };
            case EventKind.Message:
                return new EventDefinition
                {
                    Kind = kind,
                    MessageName = MessageName((string?)el.Attribute("messageRef"), el, id, required: node.Kind != NodeKind.EndEvent && node.Kind != NodeKind.IntermediateThrowEvent || true),
                    CorrelationKey = Value((string?)el.Attribute(Pf + "correlationKey") ?? (string?)el.Parent?.Attribute(Pf + "correlationKey"), id, el),
                };
            case EventKind.Error:
                var errorRef = (string?)el.Attribute("errorRef");
                string? code = null;
                if (errorRef is not null)
                {
                    if (errors.TryGetValue(errorRef, out var e))
                    {
                        code = e.Code ?? e.Name ?? errorRef;
                    }
                    else
                    {
                        Add(ExecSeverity, "error.unknown-ref", $"errorRef '{errorRef}' names no <error>.", el, id);
                    }
                }
                else if (node.Kind == NodeKind.EndEvent)
                {
                    Add(ExecSeverity, "error.no-ref", "An error end event needs an errorRef with an errorCode.", el, id);
                }

                return new EventDefinition { Kind = kind, ErrorCode = code, ErrorCodeVariable = (string?)el.Attribute(C + "errorCodeVariable"), ErrorMessageVariable = (string?)el.Attribute(C + "errorMessageVariable") };
            case EventKind.Escalation:
                var escRef = (string?)el.Attribute("escalationRef");
                string? escCode = null;
                if (escRef is not null)
                {
                    if (escalations.TryGetValue(escRef, out var ec))
                    {
                        escCode = ec ?? escRef;
                    }
                    else
                    {
                        Add(ExecSeverity, "escalation.unknown-ref", $"escalationRef '{escRef}' names no <escalation>.", el, id);
                    }
                }
                else if (node.Kind is NodeKind.EndEvent or NodeKind.IntermediateThrowEvent)
                {
                    Add(ExecSeverity, "escalation.no-ref", "An escalation throw event needs an escalationRef.", el, id);
                }

                return new EventDefinition { Kind = kind, EscalationCode = escCode };
            case EventKind.Link:
                var linkName = (string?)el.Attribute("name");
                if (string.IsNullOrEmpty(linkName))
                {
                    Add(ExecSeverity, "link.no-name", "A link event needs a name.", el, id);
                }

                return new EventDefinition { Kind = kind, LinkName = linkName };
            case EventKind.Terminate:
                return new EventDefinition { Kind = kind };
            default:
                Add(ExecSeverity, "unsupported.event-definition", $"<{el.Name.LocalName}> on {node.TypeName} '{id}' is not supported by this engine. {Alternative(el.Name.LocalName)}", el, id);
                return new EventDefinition { Kind = kind };
        }
    }

    /// <summary>What to model instead of an unsupported construct.</summary>
    private static string Alternative(string construct) => construct switch
    {
        "signalEventDefinition" => "Use message events (a message reaches one instance by correlation key; the runtime publishes send tasks and message throw events).",
        "conditionalEventDefinition" => "Use an exclusive gateway after the step that changes the variable, or a message event raised by whoever changes it.",
        "compensateEventDefinition" => "Model the undo steps explicitly, e.g. on an error boundary event's path.",
        "cancelEventDefinition" => "Use an error end event and an error boundary event on the subprocess.",
        "transaction" => "Use an embedded subprocess with error boundary events for the failure paths.",
        "adHocSubProcess" => "Use a subprocess with parallel or inclusive gateways, or a multi-instance user task.",
        "complexGateway" => "Use inclusive or exclusive gateways.",
        _ => "",
    };

    private void CheckCalendar(string? calendar, XElement el, string id)
    {
        if (calendar is not null && !KnownCalendars.TryGet(calendar, out _))
        {
            Add(DiagnosticSeverity.Warning, "pf.unknown-calendar", $"Business calendar '{calendar}' is not one of the built-in calendars ({string.Join(", ", KnownCalendars.Names)}); the engine must be configured with it.", el, id);
        }
    }

    private static readonly Calendar.BusinessCalendarRegistry KnownCalendars = Calendar.BusinessCalendarRegistry.CreateDefault();

    private string? MessageName(string? messageRef, XElement el, string id, bool required)
    {
        if (messageRef is null)
        {
            if (required)
            {
                Add(ExecSeverity, "message.no-ref", "The message event or task has no messageRef.", el, id);
            }

            return null;
        }

        if (messages.TryGetValue(messageRef, out var name))
        {
            return name;
        }

        Add(ExecSeverity, "message.unknown-ref", $"messageRef '{messageRef}' names no <message>.", el, id);
        return messageRef;
    }

    private MultiInstanceDefinition ReadMultiInstance(XElement el, FlowNode node)
    {
        var id = node.Id;
        ValueSource? cardinality = null;
        ValueSource? completion = null;
        foreach (var c in el.Elements())
        {
            if (c.Name.Namespace != M)
            {
                continue;
            }

            if (c.Name.LocalName == "loopCardinality")
            {
                Count(c);
                cardinality = Value(c.Value.Trim(), id, c);
            }
            else if (c.Name.LocalName == "completionCondition")
            {
                Count(c);
                completion = Value(c.Value.Trim(), id, c);
            }
            else
            {
                ReadGeneric(c);
            }
        }

        var collection = Cam(el, "collection");
        var mi = new MultiInstanceDefinition
        {
            IsSequential = (string?)el.Attribute("isSequential") == "true",
            Cardinality = cardinality,
            Collection = collection is null ? null : Value(collection, id, el),
            ElementVariable = Cam(el, "elementVariable"),
            CompletionCondition = completion,
        };
        if (mi.Cardinality is null && mi.Collection is null)
        {
            Add(ExecSeverity, "multiInstance.no-cardinality", "Multi-instance needs loopCardinality or camunda:collection.", el, id);
        }

        if (mi.Cardinality is { IsLiteral: true } card && !int.TryParse(card.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            Add(ExecSeverity, "multiInstance.invalid-cardinality", $"loopCardinality '{card.Raw}' is not an integer or expression.", el, id);
        }

        return mi;
    }

    private void ReadExtensions(XElement ext, FlowNode node)
    {
        var id = node.Id;
        var inputs = new List<IoParameter>();
        var outputs = new List<IoParameter>();
        var ins = new List<CallMapping>();
        var outs = new List<CallMapping>();
        foreach (var c in ext.Elements())
        {
            if (c.Name.Namespace == Pf && c.Name.LocalName == "notCompletedBy")
            {
                continue;
            }

            if (c.Name.Namespace != C)
            {
                continue;
            }

            switch (c.Name.LocalName)
            {
                case "inputOutput":
                    foreach (var p in c.Elements())
                    {
                        if (p.Name == C + "inputParameter")
                        {
                            inputs.Add(ReadParameter(p, id));
                        }
                        else if (p.Name == C + "outputParameter")
                        {
                            outputs.Add(ReadParameter(p, id));
                        }
                    }

                    break;
                case "in" or "out":
                    var mapping = new CallMapping
                    {
                        Source = (string?)c.Attribute("source"),
                        SourceExpression = Value((string?)c.Attribute("sourceExpression"), id, c),
                        Target = (string?)c.Attribute("target"),
                        AllVariables = (string?)c.Attribute("variables") == "all",
                        Local = (string?)c.Attribute("local") == "true",
                        BusinessKey = Value((string?)c.Attribute("businessKey"), id, c),
                    };
                    if (!mapping.AllVariables && mapping.BusinessKey is null && mapping.Target is null)
                    {
                        Add(ExecSeverity, "callActivity.mapping-no-target", $"camunda:{c.Name.LocalName} needs a target (or variables=\"all\" / businessKey).", c, id);
                    }

                    if (!mapping.AllVariables && mapping.BusinessKey is null && mapping.Source is null && mapping.SourceExpression is null)
                    {
                        Add(ExecSeverity, "callActivity.mapping-no-source", $"camunda:{c.Name.LocalName} needs a source or sourceExpression.", c, id);
                    }

                    (c.Name.LocalName == "in" ? ins : outs).Add(mapping);
                    break;
                case "failedJobRetryTimeCycle":
                    var cycle = c.Value.Trim();
                    if (!TimerMath.TryParseRetryCycle(cycle, out _, out _))
                    {
                        Add(ExecSeverity, "retry.invalid-cycle", $"failedJobRetryTimeCycle '{cycle}' is not like R3/PT10S.", c, id);
                    }
                    else
                    {
                        node.RetryCycle = cycle;
                    }

                    break;
                case "executionListener" or "taskListener":
                    // Running the element without its listener would silently change behaviour (listeners often set
                    // assignees or variables), so a listener makes an executable process undeployable.
                    Add(ExecSeverity, "unsupported.listener", $"camunda:{c.Name.LocalName} (event '{(string?)c.Attribute("event") ?? "?"}', {ListenerImplementation(c)}) on '{id}' is not supported: listeners run Java or engine scripts. Model the logic as a script task (JavaScript) or an external service task.", c, id);
                    break;
                case "connector":
                    Add(ExecSeverity, "unsupported.implementation", $"camunda:connector ({c.Element(C + "connectorId")?.Value.Trim() ?? "no connectorId"}) on '{id}' is not supported; use camunda:type=\"external\" with a camunda:topic and an external worker.", c, id);
                    break;
                default:
                    // camunda:properties, camunda:formData, camunda:field, ... are kept in the XML and ignored by execution.
                    break;
            }
        }

        node.Inputs = inputs;
        node.Outputs = outputs;
        node.CallIn = ins;
        node.CallOut = outs;
    }

    private static string ListenerImplementation(XElement listener)
    {
        foreach (var name in (string[])["class", "expression", "delegateExpression"])
        {
            if ((string?)listener.Attribute(name) is { } value)
            {
                return $"{name} '{value}'";
            }
        }

        return listener.Element(C + "script") is { } script ? $"{(string?)script.Attribute("scriptFormat") ?? "unknown"} script" : "no implementation";
    }

    private IoParameter ReadParameter(XElement p, string id)
    {
        var name = (string?)p.Attribute("name") ?? "";
        if (name.Length == 0)
        {
            Add(ExecSeverity, "io.no-name", "An input/output parameter has no name.", p, id);
        }

        var list = p.Element(C + "list");
        if (list is not null)
        {
            var values = new List<ValueSource>();
            foreach (var v in list.Elements(C + "value"))
            {
                values.Add(Value(v.Value, id, v) ?? new ValueSource("", null));
            }

            return new IoParameter { Name = name, List = values };
        }

        var map = p.Element(C + "map");
        if (map is not null)
        {
            var entries = new List<KeyValuePair<string, ValueSource>>();
            foreach (var e in map.Elements(C + "entry"))
            {
                entries.Add(new((string?)e.Attribute("key") ?? "", Value(e.Value, id, e) ?? new ValueSource("", null)));
            }

            return new IoParameter { Name = name, Map = entries };
        }

        if (p.Element(C + "script") is { } script)
        {
            var format = (string?)script.Attribute("scriptFormat");
            if (format is null || !IsJavaScript(format))
            {
                Add(ExecSeverity, "io.unsupported-script", $"Script format '{format}' in a parameter is not supported.", p, id);
                return new IoParameter { Name = name };
            }

            return new IoParameter { Name = name, Value = Compile(script.Value, id, script, script: true) };
        }

        var text = p.Value;
        return new IoParameter { Name = name, Value = text.Length == 0 ? null : Value(text, id, p) };
    }

    // ---------------------------------------------------------------- linking and validation

    private Dictionary<string, SequenceFlow> Link(FlowScope root)
    {
        var flowMap = new Dictionary<string, SequenceFlow>(StringComparer.Ordinal);
        var outgoing = new Dictionary<FlowNode, List<SequenceFlow>>();
        var incoming = new Dictionary<FlowNode, List<SequenceFlow>>();
        foreach (var (flow, source, target, el) in flows)
        {
            if (flow.Id.Length > 0 && !flowMap.TryAdd(flow.Id, flow) || nodeById.ContainsKey(flow.Id))
            {
                Add(DiagnosticSeverity.Error, "bpmn.duplicate-id", $"The id '{flow.Id}' is used more than once.", el, flow.Id);
            }

            FlowNode? s = null, t = null;
            if (source is null || !nodeById.TryGetValue(source, out var sn))
            {
                Add(DiagnosticSeverity.Error, "flow.source-missing", $"Sequence flow '{flow.Id}' comes from '{source}', which is not a flow node of this process.", el, flow.Id);
            }
            else
            {
                s = sn.Node;
            }

            if (target is null || !nodeById.TryGetValue(target, out var tn))
            {
                Add(DiagnosticSeverity.Error, "flow.target-missing", $"Sequence flow '{flow.Id}' leads to '{target}', which is not a flow node of this process (a flow to nowhere).", el, flow.Id);
            }
            else
            {
                t = tn.Node;
            }

            if (s is null || t is null)
            {
                continue;
            }

            if (s.Scope != t.Scope)
            {
                Add(DiagnosticSeverity.Error, "flow.crosses-scope", $"Sequence flow '{flow.Id}' crosses a subprocess boundary ('{s.Id}' → '{t.Id}').", el, flow.Id);
                continue;
            }

            flow.Source = s;
            flow.Target = t;
            Get(outgoing, s).Add(flow);
            Get(incoming, t).Add(flow);
        }

        foreach (var n in nodes)
        {
            n.Outgoing = outgoing.TryGetValue(n, out var o) ? [.. o] : [];
            n.Incoming = incoming.TryGetValue(n, out var i) ? [.. i] : [];
            foreach (var f in n.Outgoing)
            {
                if (f.Condition is not null)
                {
                    n.HasConditionalOutgoing = true;
                }
            }

            if (defaultFlows.TryGetValue(n.Id, out var def))
            {
                n.DefaultFlow = Array.Find(n.Outgoing, f => f.Id == def);
                if (n.DefaultFlow is null)
                {
                    Add(DiagnosticSeverity.Error, "flow.default-not-outgoing", $"Default flow '{def}' is not an outgoing flow of '{n.Id}'.", nodeById[n.Id].El, n.Id);
                }
                else if (n.DefaultFlow.Condition is not null)
                {
                    Add(DiagnosticSeverity.Warning, "flow.default-has-condition", $"Default flow '{def}' has a condition; it is ignored.", nodeById[n.Id].El, def);
                }
            }
        }

        var boundaries = new Dictionary<FlowNode, List<FlowNode>>();
        foreach (var n in nodes)
        {
            if (n.Kind != NodeKind.BoundaryEvent)
            {
                continue;
            }

            var el = nodeById[n.Id].El;
            var target = attachedTo.GetValueOrDefault(n.Id, "");
            if (!nodeById.TryGetValue(target, out var host) || !IsActivity(host.Node.Kind))
            {
                Add(DiagnosticSeverity.Error, "boundary.invalid-attachment", $"Boundary event '{n.Id}' is attached to '{target}', which is not an activity of this process.", el, n.Id);
                continue;
            }

            if (host.Node.Scope != n.Scope)
            {
                Add(DiagnosticSeverity.Error, "boundary.invalid-attachment", $"Boundary event '{n.Id}' must be in the same scope as '{target}'.", el, n.Id);
                continue;
            }

            n.AttachedTo = host.Node;
            Get(boundaries, host.Node).Add(n);
        }

        foreach (var (host, list) in boundaries)
        {
            host.Boundaries = [.. list];
        }

        IndexScopes(root);
        return flowMap;
    }

    private void IndexScopes(FlowScope scope)
    {
        foreach (var n in scope.Nodes)
        {
            if (n.Kind == NodeKind.StartEvent && n.Event?.Kind == EventKind.None)
            {
                scope.NoneStartEvents.Add(n);
            }
            else if (n.Kind == NodeKind.EventSubProcess)
            {
                scope.EventSubProcesses.Add(n);
            }
            else if (n.Kind == NodeKind.IntermediateCatchEvent && n.Event?.Kind == EventKind.Link && n.Event.LinkName is { } ln)
            {
                if (!scope.LinkCatches.TryAdd(ln, n))
                {
                    Add(ExecSeverity, "link.duplicate-target", $"Two link catch events named '{ln}' in the same scope.", nodeById[n.Id].El, n.Id);
                }
            }

            if (n.Inner is not null)
            {
                IndexScopes(n.Inner);
            }
        }
    }

    private static bool IsActivity(NodeKind k) => k is NodeKind.Task or NodeKind.ManualTask or NodeKind.UserTask or NodeKind.ServiceTask or NodeKind.ScriptTask
        or NodeKind.SendTask or NodeKind.ReceiveTask or NodeKind.BusinessRuleTask or NodeKind.SubProcess or NodeKind.CallActivity or NodeKind.Transaction or NodeKind.AdHocSubProcess;

    private void Validate(FlowScope scope)
    {
        var isProcess = scope.Owner is null;
        var isEventSub = scope.Owner?.Kind == NodeKind.EventSubProcess;
        var startCount = 0;
        foreach (var n in scope.Nodes)
        {
            var el = nodeById.TryGetValue(n.Id, out var entry) ? entry.El : root;
            switch (n.Kind)
            {
                case NodeKind.StartEvent:
                    startCount++;
                    if (n.Incoming.Length > 0)
                    {
                        Add(ExecSeverity, "start.has-incoming", "A start event must not have incoming flows.", el, n.Id);
                    }

                    var ek = n.Event!.Kind;
                    if (isEventSub && ek is not (EventKind.Timer or EventKind.Message or EventKind.Error or EventKind.Escalation))
                    {
                        Add(ExecSeverity, "eventSubProcess.invalid-start", "An event subprocess starts with a timer, message, error or escalation start event.", el, n.Id);
                    }
                    else if (!isProcess && !isEventSub && ek != EventKind.None)
                    {
                        Add(ExecSeverity, "subProcess.invalid-start", "An embedded subprocess has only a none start event.", el, n.Id);
                    }
                    else if (isProcess && ek is not (EventKind.None or EventKind.Timer or EventKind.Message))
                    {
                        Add(ExecSeverity, "start.unsupported", $"A process start event of kind {ek} is not supported.", el, n.Id);
                    }
                    else if (isProcess && n.Event.Timer?.Value.Expression is { ReadsInstanceData: true } startTimer)
                    {
                        // Scheduled at deployment, before any instance exists (Camunda: only beans and static values there).
                        var reads = startTimer.ReferencedVariables.Count > 0 ? string.Join(", ", startTimer.ReferencedVariables) : "execution";
                        Add(ExecSeverity, "timer.start-needs-variables", $"The timer of a process start event is scheduled when the process is deployed, before any instance exists, so its expression cannot read process variables ({reads}). Use a literal date, duration or cycle, or an expression over now(), today() and the dates helpers only.", el, n.Id);
                    }

                    if (isEventSub && ek is EventKind.Error && !n.IsInterruptingStart)
                    {
                        Add(ExecSeverity, "eventSubProcess.error-non-interrupting", "Error start events are always interrupting.", el, n.Id);
                    }

                    break;
                case NodeKind.EndEvent:
                    if (n.Outgoing.Length > 0)
                    {
                        Add(ExecSeverity, "end.has-outgoing", "An end event must not have outgoing flows.", el, n.Id);
                    }

                    if (n.Event!.Kind is not (EventKind.None or EventKind.Terminate or EventKind.Error or EventKind.Escalation or EventKind.Message or EventKind.Signal or EventKind.Compensate or EventKind.Cancel))
                    {
                        Add(ExecSeverity, "end.unsupported", $"An end event of kind {n.Event.Kind} is not supported.", el, n.Id);
                    }

                    break;
                case NodeKind.IntermediateCatchEvent:
                    if (n.Event!.Kind is not (EventKind.Timer or EventKind.Message or EventKind.Link or EventKind.Signal or EventKind.Conditional))
                    {
                        Add(ExecSeverity, "catch.no-definition", "An intermediate catch event needs a timer, message or link definition.", el, n.Id);
                    }

                    break;
                case NodeKind.IntermediateThrowEvent:
                    if (n.Event!.Kind is not (EventKind.None or EventKind.Escalation or EventKind.Message or EventKind.Link or EventKind.Signal or EventKind.Compensate))
                    {
                        Add(ExecSeverity, "throw.unsupported", $"An intermediate throw event of kind {n.Event.Kind} is not supported.", el, n.Id);
                    }

                    if (n.Event.Kind == EventKind.Link && n.Event.LinkName is { } ln && !scope.LinkCatches.ContainsKey(ln))
                    {
                        Add(ExecSeverity, "link.no-target", $"No link catch event named '{ln}' in the same scope.", el, n.Id);
                    }

                    break;
                case NodeKind.BoundaryEvent:
                    if (n.Event!.Kind is not (EventKind.Timer or EventKind.Message or EventKind.Error or EventKind.Escalation or EventKind.Signal or EventKind.Conditional or EventKind.Compensate or EventKind.Cancel))
                    {
                        Add(ExecSeverity, "boundary.no-definition", "A boundary event needs a timer, message, error or escalation definition.", el, n.Id);
                    }

                    if (n.Event.Kind == EventKind.Error && !n.CancelActivity)
                    {
                        Add(ExecSeverity, "boundary.error-non-interrupting", "Error boundary events are always interrupting.", el, n.Id);
                    }

                    if (n.MarksTaskEscalation && n.Event.Kind != EventKind.Timer)
                    {
                        Add(DiagnosticSeverity.Warning, "pf.misplaced", "pf:taskEscalation applies to boundary timers.", el, n.Id);
                    }

                    break;
                case NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway or NodeKind.ParallelGateway or NodeKind.EventBasedGateway:
                    if (n.Outgoing.Length == 0)
                    {
                        Add(ExecSeverity, "gateway.no-outgoing", "The gateway has no outgoing sequence flow.", el, n.Id);
                    }

                    if (n.Kind is NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway && n.Outgoing.Length > 1)
                    {
                        foreach (var f in n.Outgoing)
                        {
                            if (f.Condition is null && f != n.DefaultFlow)
                            {
                                Add(ExecSeverity, "gateway.missing-condition", $"Flow '{f.Id}' leaving gateway '{n.Id}' has no condition and is not the default flow.", f, n.Id);
                            }
                        }
                    }

                    if (n.Kind == NodeKind.ParallelGateway)
                    {
                        foreach (var f in n.Outgoing)
                        {
                            if (f.Condition is not null)
                            {
                                Add(DiagnosticSeverity.Warning, "gateway.condition-ignored", $"Conditions on flows leaving parallel gateway '{n.Id}' are ignored.", f, f.Id);
                            }
                        }
                    }

                    if (n.Kind == NodeKind.EventBasedGateway)
                    {
                        foreach (var f in n.Outgoing)
                        {
                            var t = f.Target;
                            var ok = t.Kind == NodeKind.ReceiveTask || t.Kind == NodeKind.IntermediateCatchEvent && t.Event?.Kind is EventKind.Timer or EventKind.Message;
                            if (!ok)
                            {
                                Add(ExecSeverity, "eventGateway.invalid-target", $"Flow '{f.Id}' of the event-based gateway must lead to a timer/message catch event or receive task.", f, n.Id);
                            }
                            else if (t.Incoming.Length > 1)
                            {
                                Add(ExecSeverity, "eventGateway.shared-target", $"'{t.Id}' after an event-based gateway must have only that incoming flow.", f, t.Id);
                            }
                        }
                    }

                    break;
                default:
                    break;
            }

            if (n.Kind == NodeKind.EventSubProcess && (n.Incoming.Length > 0 || n.Outgoing.Length > 0))
            {
                Add(ExecSeverity, "eventSubProcess.has-flows", "An event subprocess must not have incoming or outgoing flows.", el, n.Id);
            }

            if (n.Kind == NodeKind.EventSubProcess && n.Inner is not null && n.Inner.Nodes.Count(x => x.Kind == NodeKind.StartEvent) != 1)
            {
                Add(ExecSeverity, "eventSubProcess.start-count", "An event subprocess needs exactly one start event.", el, n.Id);
            }

            if (n.MultiInstance is not null && !IsActivity(n.Kind))
            {
                Add(ExecSeverity, "multiInstance.not-activity", "Multi-instance applies to activities only.", el, n.Id);
            }

            if (n.Inner is not null)
            {
                Validate(n.Inner);
            }
        }

        if (isProcess && startCount == 0 && scope.Nodes.Count > 0)
        {
            Add(ExecSeverity, "process.no-start", "The process has no start event.", root, scope.Id);
        }
        else if (!isProcess && !isEventSub && scope.NoneStartEvents.Count != 1 && scope.Owner!.Kind == NodeKind.SubProcess)
        {
            Add(ExecSeverity, "subProcess.start-count", "An embedded subprocess needs exactly one none start event.", nodeById.TryGetValue(scope.Id, out var e) ? e.El : root, scope.Id);
        }
    }

    /// <summary>
    /// For each inclusive join, marks the nodes of its scope from which it can be reached (reverse search from the join:
    /// joins × (nodes + flows) time, joins × nodes bits), so a large diagram cannot make deployment quadratic in its size.
    /// </summary>
    private static void ComputeReachability(FlowScope scope)
    {
        List<FlowNode>? joins = null;
        foreach (var n in scope.Nodes)
        {
            if (n.Kind == NodeKind.InclusiveGateway && n.Incoming.Length > 1)
            {
                (joins ??= []).Add(n);
            }

            if (n.Inner is not null)
            {
                ComputeReachability(n.Inner);
            }
        }

        if (joins is null)
        {
            return;
        }

        var all = scope.Nodes;
        for (var i = 0; i < all.Count; i++)
        {
            all[i].ReachIndex = i;
        }

        var stack = new Stack<FlowNode>();
        foreach (var join in joins)
        {
            var bits = new BitArray(all.Count);
            stack.Push(join);
            while (stack.Count > 0)
            {
                var cur = stack.Pop();
                foreach (var f in cur.Incoming)
                {
                    Visit(f.Source);
                }

                // A boundary event is reached from the activity it is attached to.
                if (cur.Kind == NodeKind.BoundaryEvent && cur.AttachedTo is { } host)
                {
                    Visit(host);
                }
            }

            join.ReachableFrom = bits;

            void Visit(FlowNode n)
            {
                if (n.Scope == scope && !bits[n.ReachIndex])
                {
                    bits[n.ReachIndex] = true;
                    stack.Push(n);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>camunda:taskPriority (external-task priority): a long literal or an expression.</summary>
    private ValueSource? TaskPriority(XElement el, string elementId)
    {
        var priority = Value(Cam(el, "taskPriority"), elementId, el);
        if (priority is { IsLiteral: true } p && !long.TryParse(p.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            Add(ExecSeverity, "serviceTask.invalid-priority", $"camunda:taskPriority '{p.Raw}' is not an integer.", el, elementId);
            return null;
        }

        return priority;
    }

    private ValueSource? Value(string? raw, string elementId, XElement at)
    {
        if (raw is null)
        {
            return null;
        }

        if (!raw.Contains("${", StringComparison.Ordinal) && !raw.Contains("#{", StringComparison.Ordinal))
        {
            return new ValueSource(raw, null);
        }

        return Compile(raw, elementId, at, script: false);
    }

    private ValueSource Compile(string raw, string elementId, XElement at, bool script)
    {
        var result = script ? ExpressionCompiler.CompileScript(raw, elementId) : ExpressionCompiler.Compile(raw, elementId);
        if (result.Diagnostic is { } d)
        {
            Add(ExecSeverity, d.Code, $"Expression '{raw}' does not parse: {d.Message}", at, elementId);
            return new ValueSource(raw, null);
        }

        return new ValueSource(raw, result.Expression, script);
    }

    private static IReadOnlyList<string> SplitNames(string? text) =>
        text is null ? [] : text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<T> Get<TK, T>(Dictionary<TK, List<T>> map, TK key)
        where TK : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }

        return list;
    }

    private void Count(XElement el)
    {
        var name = el.Name.LocalName;
        counts[name] = counts.TryGetValue(name, out var n) ? n + 1 : 1;
        if (Id(el) is { } id)
        {
            definitionIds.Add(id);
        }
    }

    private static string? Id(XElement el) => (string?)el.Attribute("id");

    private static int? Line(XElement el) => ((IXmlLineInfo)el).HasLineInfo() ? ((IXmlLineInfo)el).LineNumber : null;

    private void Add(DiagnosticSeverity severity, string code, string message, XElement el, string? elementId = null)
    {
        var li = (IXmlLineInfo)el;
        diagnostics.Add(new BpmnDiagnostic(severity, code, message, elementId ?? Id(el), li.HasLineInfo() ? li.LineNumber : null, li.HasLineInfo() ? li.LinePosition : null));
    }

    private void Add(DiagnosticSeverity severity, string code, string message, SequenceFlow flow, string? elementId)
    {
        diagnostics.Add(new BpmnDiagnostic(severity, code, message, flow.Id.Length > 0 ? flow.Id : elementId, flow.Line, flow.Column));
    }
}
