using System.Globalization;
using ProcurementFlows.Engine.Calendar;

namespace ProcurementFlows.Engine.Timers;

/// <summary>
/// A parsed timer (<c>timeDate</c>, <c>timeDuration</c> or <c>timeCycle</c>). Immutable; compute due dates
/// with <see cref="GetDueDate"/>. Parse literal timers at deploy time; timers written as <c>${...}</c> are
/// evaluated to text first and then parsed.
/// </summary>
/// <remarks>
/// Cycle forms: <c>R3/P1D</c> (3 times, every day after activation), <c>R/PT1H</c> (unbounded), <c>R3/2026-01-01T09:00:00Z/P1D</c>
/// (from a start: the start itself is the first occurrence; occurrences before activation are skipped, as in
/// Camunda), <c>R3/2026-01-01T00:00:00Z/2026-01-02T00:00:00Z</c> (start/end: the period is their difference),
/// <c>R5/PT1H/2026-12-31T00:00:00Z</c> (period then end: every period after activation, never after the end),
/// <c>P1D</c> alone (a single repetition), and cron (see <see cref="CronSchedule"/>).
/// </remarks>
public sealed class TimerDefinition
{
    private const int MaxRepetitions = 1_000_000;

    private TimerDefinition(TimerKind kind, string text)
    {
        Kind = kind;
        Text = text;
    }

    /// <summary>The element kind (<see cref="TimerKind"/> of the engine's model: timeDate, timeDuration, timeCycle).</summary>
    public TimerKind Kind { get; }

    /// <summary>The text as parsed.</summary>
    public string Text { get; }

    /// <summary>For <see cref="TimerKind.Date"/>: the point in time.</summary>
    public DateTimeOffset? Date { get; private init; }

    /// <summary>For durations and ISO cycles: the duration or period.</summary>
    public IsoDuration? Duration { get; private init; }

    /// <summary>For ISO cycles: the number of repetitions; null means unbounded (<c>R/…</c>).</summary>
    public int? Repetitions { get; private init; }

    /// <summary>For ISO cycles with a start date.</summary>
    public DateTimeOffset? CycleStart { get; private init; }

    /// <summary>For ISO cycles with an end date.</summary>
    public DateTimeOffset? CycleEnd { get; private init; }

    /// <summary>For cron cycles.</summary>
    public CronSchedule? Cron { get; private init; }

    /// <summary>True when the timer can fire more than once.</summary>
    public bool IsRepeating => Kind == TimerKind.Cycle && (Cron is not null || Repetitions is null or > 1);

    /// <summary>Parses; throws <see cref="TimerDefinitionException"/> (with a <see cref="TimerErrorCodes"/> code) on bad text.</summary>
    public static TimerDefinition Parse(TimerKind kind, string text) =>
        TryParse(kind, text, out var definition, out var code, out var error)
            ? definition
            : throw new TimerDefinitionException(code, error);

    /// <summary>Parses; returns false with a code from <see cref="TimerErrorCodes"/> and a message on bad text.</summary>
    public static bool TryParse(TimerKind kind, string? text, out TimerDefinition definition, out string code, out string error)
    {
        definition = null!;
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            (code, error) = (TimerErrorCodes.Empty, "The timer definition is empty.");
            return false;
        }

        switch (kind)
        {
            case TimerKind.Date:
                if (IsoDateTime.TryParse(s, out var date))
                {
                    definition = new TimerDefinition(kind, s) { Date = date };
                    (code, error) = ("", "");
                    return true;
                }

                (code, error) = (TimerErrorCodes.InvalidDate, $"'{IsoDuration.Shorten(s)}' is not an ISO 8601 date-time (e.g. 2026-12-01T09:00:00Z).");
                return false;
            case TimerKind.Duration:
                if (IsoDuration.TryParse(s, out var duration, out error))
                {
                    definition = new TimerDefinition(kind, s) { Duration = duration };
                    code = "";
                    return true;
                }

                code = TimerErrorCodes.InvalidDuration;
                return false;
            default:
                return TryParseCycle(s, out definition, out code, out error);
        }
    }

    /// <summary>
    /// The due date of the next firing. <paramref name="activatedAt"/> is when the timer was activated (the
    /// token arrived, the boundary event was attached); <paramref name="firedCount"/> how often it has fired
    /// since. Returns null when the timer fires no more. With a calendar, days and weeks in the durations are
    /// business days.
    /// </summary>
    public DateTimeOffset? GetDueDate(DateTimeOffset activatedAt, int firedCount = 0, BusinessCalendar? calendar = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firedCount);
        switch (Kind)
        {
            case TimerKind.Date:
                return firedCount == 0 ? Date : null;
            case TimerKind.Duration:
                return firedCount == 0 ? Duration!.AddTo(activatedAt, 1, calendar) : null;
        }

        if (Cron is not null)
        {
            DateTimeOffset? due = activatedAt;
            for (var i = 0; i <= firedCount && due is not null; i++)
            {
                due = Cron.NextAfter(due.Value);
            }

            return due;
        }

        if (Repetitions is { } r && firedCount >= r)
        {
            return null;
        }

        if (CycleStart is { } start)
        {
            var first = FirstIndexAtOrAfter(start, activatedAt, calendar);
            var index = (long)first + firedCount;
            if (Repetitions is { } max && index >= max)
            {
                return null;
            }

            return index > int.MaxValue ? null : Duration!.AddTo(start, (int)index, calendar);
        }

        var next = Duration!.AddTo(activatedAt, firedCount + 1, calendar);
        return CycleEnd is { } end && next > end ? null : next;
    }

    /// <summary>
    /// The due date after a firing at <paramref name="previousDue"/> (for runtimes that keep only the last due
    /// date): the next occurrence, or null when <paramref name="firedCount"/> firings exhaust the cycle.
    /// </summary>
    public DateTimeOffset? GetNextDueAfter(DateTimeOffset previousDue, int firedCount, BusinessCalendar? calendar = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firedCount);
        if (Kind != TimerKind.Cycle || (Repetitions is { } r && firedCount >= r))
        {
            return null;
        }

        if (Cron is not null)
        {
            return Cron.NextAfter(previousDue);
        }

        var next = Duration!.AddTo(previousDue, 1, calendar);
        return CycleEnd is { } end && next > end ? null : next;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Text}";

    private int FirstIndexAtOrAfter(DateTimeOffset start, DateTimeOffset activatedAt, BusinessCalendar? calendar)
    {
        if (start >= activatedAt)
        {
            return 0;
        }

        var d = Duration!;
        if (calendar is null && d.Years == 0 && d.Months == 0)
        {
            var period = d.AddTo(start) - start;
            if (period > TimeSpan.Zero)
            {
                var k = (long)Math.Ceiling((activatedAt - start).Ticks / (double)period.Ticks);
                return (int)Math.Min(k, int.MaxValue);
            }
        }

        for (var k = 1; k <= MaxRepetitions; k++)
        {
            if (d.AddTo(start, k, calendar) >= activatedAt)
            {
                return k;
            }
        }

        return MaxRepetitions + 1;
    }

    private static bool TryParseCycle(string s, out TimerDefinition definition, out string code, out string error)
    {
        definition = null!;
        code = TimerErrorCodes.InvalidCycle;
        if (char.ToUpperInvariant(s[0]) != 'R' && CronSchedule.LooksLikeCron(s))
        {
            if (!CronSchedule.TryParse(s, out var cron, out error))
            {
                return false;
            }

            definition = new TimerDefinition(TimerKind.Cycle, s) { Cron = cron };
            (code, error) = ("", "");
            return true;
        }

        var parts = s.Split('/');
        int? repetitions = 1;
        var rest = parts;
        if (char.ToUpperInvariant(parts[0][0]) == 'R')
        {
            var count = parts[0][1..];
            if (count.Length == 0 || count == "-1")
            {
                repetitions = null;
            }
            else if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxRepetitions)
            {
                repetitions = n;
            }
            else
            {
                error = $"'{IsoDuration.Shorten(s)}' has an invalid repetition count '{parts[0]}' (expected R, R-1 or R1…R{MaxRepetitions}).";
                return false;
            }

            rest = parts[1..];
        }

        IsoDuration? period = null;
        DateTimeOffset? start = null, end = null;
        switch (rest.Length)
        {
            case 1 when IsoDuration.TryParse(rest[0], out var p, out _):
                period = p;
                break;
            case 2 when IsoDateTime.TryParse(rest[0], out var st) && IsoDuration.TryParse(rest[1], out var p2, out _):
                (start, period) = (st, p2);
                break;
            case 2 when IsoDuration.TryParse(rest[0], out var p3, out _) && IsoDateTime.TryParse(rest[1], out var en):
                (period, end) = (p3, en);
                break;
            case 2 when IsoDateTime.TryParse(rest[0], out var st2) && IsoDateTime.TryParse(rest[1], out var en2):
                if (en2 <= st2)
                {
                    error = $"'{IsoDuration.Shorten(s)}': the interval end is not after its start.";
                    return false;
                }

                var span = en2 - st2;
                (start, period) = (st2, new IsoDuration(0, 0, 0, 0, 0, 0, (decimal)span.TotalSeconds));
                break;
            default:
                error = $"'{IsoDuration.Shorten(s)}' is not an ISO 8601 repeating interval (e.g. R3/PT10M, R/P1D, R3/2026-01-01T09:00:00Z/P1D) or a cron expression.";
                return false;
        }

        if (period!.IsZero)
        {
            error = $"'{IsoDuration.Shorten(s)}': a cycle needs a period greater than zero.";
            return false;
        }

        definition = new TimerDefinition(TimerKind.Cycle, s) { Duration = period, Repetitions = repetitions, CycleStart = start, CycleEnd = end };
        (code, error) = ("", "");
        return true;
    }
}
