namespace ProcurementFlows.Engine.Calendar;

/// <summary>A calendar name that the registry does not know (code <c>calendar.unknown</c>; not retryable).</summary>
public sealed class UnknownCalendarException(string name, IReadOnlyCollection<string> known)
    : ProcurementFlowsException(
        "calendar.unknown",
        $"Unknown business calendar '{name}'. Known calendars: {string.Join(", ", known)}.")
{
    /// <summary>The name that was asked for.</summary>
    public string CalendarName { get; } = name;
}
