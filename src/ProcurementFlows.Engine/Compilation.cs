namespace ProcurementFlows.Engine;

/// <summary>Limits and switches for reading BPMN XML.</summary>
public sealed class BpmnParserOptions
{
    /// <summary>Maximum document size in bytes (default 10 MB). Larger input is refused with <c>xml.too-large</c>.</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Maximum number of XML elements (default 200,000) — a second guard against pathological input.</summary>
    public int MaxElements { get; init; } = 200_000;

    /// <summary>
    /// Maximum element nesting depth (default 100). Real diagrams stay far below it (a subprocess in a subprocess adds two
    /// levels); a deeper document is refused with <c>xml.too-deep</c> before the model is built, so nesting cannot exhaust the stack.
    /// </summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Maximum number of attributes on one element, namespace declarations included (default 200); more is <c>xml.too-many-attributes</c>.</summary>
    public int MaxAttributes { get; init; } = 200;

    /// <summary>When true (default), an executable process with unsupported elements is an error; otherwise a warning.</summary>
    public bool StrictExecutableValidation { get; init; } = true;

    internal static BpmnParserOptions Default { get; } = new();
}

/// <summary>Severity of a compiler diagnostic.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Information only (e.g. a process is not executable).</summary>
    Info,
    /// <summary>Deployable, but suspicious.</summary>
    Warning,
    /// <summary>Not deployable.</summary>
    Error,
}

/// <summary>One problem found at deploy time.</summary>
/// <param name="Severity">How bad.</param>
/// <param name="Code">Stable code, e.g. <c>xml.dtd-prohibited</c>, <c>flow.target-missing</c>.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="ElementId">The BPMN element concerned.</param>
/// <param name="Line">1-based line in the XML.</param>
/// <param name="Column">1-based column in the XML.</param>
public sealed record BpmnDiagnostic(DiagnosticSeverity Severity, string Code, string Message, string? ElementId, int? Line, int? Column)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Severity} {Code}{(ElementId is null ? "" : $" [{ElementId}]")}{(Line is null ? "" : Column is null ? $" (line {Line})" : $" (line {Line}, col {Column})")}: {Message}";
}

/// <summary>A process found in the definitions.</summary>
/// <param name="Id">Process id (the key).</param>
/// <param name="Name">Process name.</param>
/// <param name="IsExecutable">Value of <c>isExecutable</c>.</param>
/// <param name="Line">Line of the process element.</param>
public sealed record ProcessSummary(string Id, string? Name, bool IsExecutable, int Line);

/// <summary>What the parser read: counts per element kind (local name) and the processes.</summary>
public sealed class BpmnModelSummary
{
    internal BpmnModelSummary(IReadOnlyDictionary<string, int> elementCounts, IReadOnlyList<ProcessSummary> processes, string? targetNamespace)
    {
        ElementCounts = elementCounts;
        Processes = processes;
        TargetNamespace = targetNamespace;
    }

    /// <summary>Number of BPMN model elements read, per local name (e.g. <c>userTask</c> → 3). Diagram-interchange elements are not counted.</summary>
    public IReadOnlyDictionary<string, int> ElementCounts { get; }

    /// <summary>The processes declared in the definitions.</summary>
    public IReadOnlyList<ProcessSummary> Processes { get; }

    /// <summary>The definitions' targetNamespace.</summary>
    public string? TargetNamespace { get; }

    /// <summary>Empty summary (used when the XML could not be read).</summary>
    internal static BpmnModelSummary Empty { get; } = new(new Dictionary<string, int>(), [], null);
}

/// <summary>The outcome of compiling one BPMN document.</summary>
public sealed class CompilationResult
{
    internal CompilationResult(IReadOnlyList<CompiledProcess> processes, IReadOnlyList<BpmnDiagnostic> diagnostics, BpmnModelSummary model)
    {
        Processes = processes;
        Diagnostics = diagnostics;
        Model = model;
    }

    /// <summary>Compiled processes (executable and non-executable; check <see cref="CompiledProcess.IsExecutable"/>). Empty when errors prevented compilation.</summary>
    public IReadOnlyList<CompiledProcess> Processes { get; }

    /// <summary>All problems found, in document order.</summary>
    public IReadOnlyList<BpmnDiagnostic> Diagnostics { get; }

    /// <summary>True when there is no Error diagnostic.</summary>
    public bool Succeeded
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.Severity == DiagnosticSeverity.Error)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>What was read.</summary>
    public BpmnModelSummary Model { get; }

    /// <summary>Returns the compiled process with the given key or throws when compilation failed.</summary>
    public CompiledProcess GetProcess(string key)
    {
        if (!Succeeded)
        {
            throw new BpmnValidationException(Diagnostics);
        }

        foreach (var p in Processes)
        {
            if (p.Key == key)
            {
                return p;
            }
        }

        throw new ProcurementFlowsException("bpmn.process-not-found", $"The definitions contain no process '{key}'.");
    }

    /// <summary>Returns the executable processes or throws <see cref="BpmnValidationException"/> when compilation failed.</summary>
    public IReadOnlyList<CompiledProcess> EnsureSucceeded()
    {
        return Succeeded ? Processes : throw new BpmnValidationException(Diagnostics);
    }
}

/// <summary>A message start event.</summary>
public sealed record MessageStartEventInfo(string ElementId, string MessageName, string? EventSubProcessId);

/// <summary>Kinds of timer definitions.</summary>
public enum TimerKind
{
    /// <summary>timeDate.</summary>
    Date,
    /// <summary>timeDuration.</summary>
    Duration,
    /// <summary>timeCycle.</summary>
    Cycle,
}

/// <summary>A timer start event of the process (not of an event subprocess).</summary>
public sealed record TimerStartEventInfo(string ElementId, TimerKind Kind, string Expression);

/// <summary>A call activity.</summary>
public sealed record CallActivityInfo(string ElementId, string CalledElement, string Binding, int? Version);

/// <summary>User-task metadata for listing and validation without executing.</summary>
public sealed record UserTaskInfo(string ElementId, string? Name, string? FormKey, string? Assignee, IReadOnlyList<string> CandidateUsers, IReadOnlyList<string> CandidateGroups, IReadOnlyList<string> NotCompletedBy);
