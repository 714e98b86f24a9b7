using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Timers;

namespace ProcurementFlows.Engine.Execution;

/// <summary>The interpreter's view of timer arithmetic, on top of <see cref="TimerDefinition"/> (engine-support).</summary>
internal static class TimerMath
{
    /// <summary>A computed timer: first due time and, for cycles, the repetitions left after it (-1 = unbounded).</summary>
    public readonly record struct Schedule(DateTimeOffset DueAt, int RepeatsLeft, string? Cycle);

    public static bool IsValid(TimerKind kind, string text) => TimerDefinition.TryParse(kind, text, out _, out _, out _);

    public static bool TryCompute(TimerKind kind, string text, DateTimeOffset now, BusinessCalendar? calendar, out Schedule schedule)
    {
        schedule = default;
        if (!TimerDefinition.TryParse(kind, text, out var def, out _, out _) || def.GetDueDate(now, 0, calendar) is not { } due)
        {
            return false;
        }

        var repeatsLeft = kind != TimerKind.Cycle ? 0 : def.Repetitions is { } r ? Math.Max(r - 1, 0) : -1;
        schedule = new Schedule(due, repeatsLeft, kind == TimerKind.Cycle ? text.Trim() : null);
        return true;
    }

    /// <summary>Next occurrence of a cycle after <paramref name="previousDue"/> (the caller counts repetitions).</summary>
    public static bool TryNext(string cycle, DateTimeOffset previousDue, BusinessCalendar? calendar, out DateTimeOffset next)
    {
        next = default;
        if (!TimerDefinition.TryParse(TimerKind.Cycle, cycle, out var def, out _, out _) || def.GetNextDueAfter(previousDue, 0, calendar) is not { } n)
        {
            return false;
        }

        next = n;
        return true;
    }

    /// <summary><c>R3/PT10S</c> → 3 attempts, 10 s apart.</summary>
    public static bool TryParseRetryCycle(string text, out int attempts, out TimeSpan delay)
    {
        attempts = 0;
        delay = TimeSpan.Zero;
        if (!TimerDefinition.TryParse(TimerKind.Cycle, text, out var def, out _, out _) || def.Repetitions is not { } r || def.Duration is null || def.Cron is not null)
        {
            return false;
        }

        attempts = r;
        delay = def.Duration.AddTo(DateTimeOffset.UnixEpoch) - DateTimeOffset.UnixEpoch;
        return true;
    }

    public static bool TryParseDate(string text, out DateTimeOffset date) => IsoDateTime.TryParse(text, out date);

    public static bool TryAddDuration(DateTimeOffset from, string text, BusinessCalendar? calendar, out DateTimeOffset result)
    {
        result = from;
        if (!IsoDuration.TryParse(text, out var d, out _))
        {
            return false;
        }

        result = d.AddTo(from, 1, calendar);
        return true;
    }
}
