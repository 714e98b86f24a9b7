namespace ProcurementFlows.Engine.Expressions;

/// <summary>Sandbox limits and switches for <see cref="ExpressionEvaluator"/>. Validated by <see cref="Validate"/>.</summary>
public sealed class ExpressionOptions
{
    /// <summary>Statements one expression may execute (default 10,000). An endless loop fails with <c>expression.statement-limit</c>.</summary>
    public int MaxStatements { get; init; } = 10_000;

    /// <summary>Statements one script (script task) may execute (default 1,000,000).</summary>
    public int ScriptMaxStatements { get; init; } = 1_000_000;

    /// <summary>Wall-clock budget of one evaluation, measured with the evaluator's <see cref="TimeProvider"/> (default 500 ms).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Bytes one evaluation may allocate (default 16 MB).</summary>
    public long MemoryLimitBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Maximum JavaScript call depth (default 64).</summary>
    public int MaxRecursionDepth { get; init; } = 64;

    /// <summary>Maximum length of a JavaScript array (default 100,000).</summary>
    public uint MaxArrayLength { get; init; } = 100_000;

    /// <summary>Maximum length of a string built by repeat/padStart/padEnd/join (default 1,000,000 characters).</summary>
    public int MaxStringLength { get; init; } = 1_000_000;

    /// <summary>Budget of one regular-expression match (default 100 ms).</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Evaluate simple expressions (identifiers, literals, member access, comparisons, arithmetic, logic) with
    /// the built-in fast evaluator instead of Jint (default true). Results are the same either way; turning it
    /// off is for tests and diagnosis.
    /// </summary>
    public bool EnableFastPath { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStatements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ScriptMaxStatements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryLimitBytes, 64 * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecursionDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxArrayLength, 16u);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStringLength, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RegexTimeout, TimeSpan.Zero);
    }
}
