namespace ProcurementFlows.Engine.Timers;

/// <summary>A timer text that is not a valid ISO 8601 date, duration or repeating interval. Not retryable.</summary>
public sealed class TimerDefinitionException(string code, string message)
    : ProcurementFlowsException(code, message);

/// <summary>The stable codes of timer definition errors.</summary>
public static class TimerErrorCodes
{
    /// <summary>The text is empty.</summary>
    public const string Empty = "timer.empty";

    /// <summary>A timeDate that is not an ISO 8601 date-time.</summary>
    public const string InvalidDate = "timer.invalid-date";

    /// <summary>A timeDuration that is not an ISO 8601 duration (or is zero where that makes no sense).</summary>
    public const string InvalidDuration = "timer.invalid-duration";

    /// <summary>A timeCycle that is not an ISO 8601 repeating interval or a valid cron expression.</summary>
    public const string InvalidCycle = "timer.invalid-cycle";
}
