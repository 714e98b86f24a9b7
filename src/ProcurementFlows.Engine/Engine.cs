using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Execution;
using ProcurementFlows.Engine.Expressions;

namespace ProcurementFlows.Engine;

/// <summary>Engine tuning. Defaults suit production; every value is validated by <see cref="Validate"/>.</summary>
public sealed class EngineOptions
{
    /// <summary>Attempts for an external service task when the diagram has no <c>camunda:failedJobRetryTimeCycle</c> (default 3).</summary>
    public int DefaultServiceTaskRetries { get; init; } = 3;

    /// <summary>Delay before a retry when the diagram gives none (default 10 s).</summary>
    public TimeSpan DefaultRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Guard against endless loops without wait states: at most this many flow-node steps per command (default 100,000); exceeding it raises an incident.</summary>
    public int MaxStepsPerCommand { get; init; } = 100_000;

    /// <summary>
    /// Most instances one multi-instance activity may create (default 10,000). A larger collection or loopCardinality
    /// parks the activity with an incident instead of allocating millions of executions.
    /// </summary>
    public int MaxMultiInstanceCount { get; init; } = 10_000;

    /// <summary>Emit <see cref="HistoryRecorded"/> effects (default true). Turning it off is only meant for benchmarks.</summary>
    public bool RecordHistory { get; init; } = true;

    /// <summary>Sandbox limits for <c>${...}</c> expressions and scripts.</summary>
    public ExpressionOptions Expressions { get; init; } = new();

    /// <summary>Business calendars for <c>pf:calendar</c> and the date helpers (default: NO and UA).</summary>
    public BusinessCalendarRegistry? Calendars { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(DefaultServiceTaskRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStepsPerCommand, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMultiInstanceCount, 1);
    }
}

/// <summary>The outcome of one command.</summary>
/// <param name="State">The new state (a new object; the input state is untouched).</param>
/// <param name="Effects">What the runtime must apply, in order.</param>
public sealed record EngineResult(ProcessInstanceState State, IReadOnlyList<EngineEffect> Effects)
{
    /// <summary>Number of flow-node steps executed (for benchmarks).</summary>
    public int StepCount { get; init; }
}

/// <summary>
/// The BPMN interpreter: state + command → new state + effects. Thread-safe, no static mutable state,
/// time only through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class ProcessEngine
{
    private readonly EngineOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ExpressionEvaluator evaluator;

    /// <summary>Creates an engine.</summary>
    public ProcessEngine(EngineOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        this.options = options;
        this.timeProvider = timeProvider;
        evaluator = new ExpressionEvaluator(options.Expressions, timeProvider, options.Calendars);
    }

    /// <summary>
    /// Executes one command. <paramref name="state"/> must be null for <see cref="StartProcess"/> and non-null otherwise.
    /// Throws <see cref="CommandRejectedException"/> when the command is not allowed (nothing changes).
    /// </summary>
    public EngineResult Execute(CompiledProcess process, ProcessInstanceState? state, EngineCommand command)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(command);
        var run = new Interpreter(process, options, timeProvider, evaluator);
        return run.Execute(state, command);
    }
}
