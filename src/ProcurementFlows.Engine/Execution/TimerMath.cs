using System.Globalization;
using System.Text.RegularExpressions;

namespace ProcurementFlows.Engine.Execution;

/// <summary>ISO 8601 timer arithmetic used by the interpreter (dates, durations, repeating intervals).</summary>
internal static partial class TimerMath
{
    /// <summary>A parsed timer: first due time and, for cycles, the repetitions left after it (-1 = unbounded).</summary>
    public readonly record struct Schedule(DateTimeOffset DueAt, int RepeatsLeft, string? Cycle);

    public static bool IsValid(TimerKind kind, string text) => TryCompute(kind, text, DateTimeOffset.UnixEpoch, out _);

    public static bool TryCompute(TimerKind kind, string text, DateTimeOffset now, out Schedule schedule)
    {
        schedule = default;
        text = text.Trim();
        switch (kind)
        {
            case TimerKind.Date:
                if (TryParseDate(text, out var date))
                {
                    schedule = new Schedule(date, 0, null);
                    return true;
                }

                return false;
            case TimerKind.Duration:
                if (TryAddDuration(now, text, out var due))
                {
                    schedule = new Schedule(due, 0, null);
                    return true;
                }

                return false;
            case TimerKind.Cycle:
                return TryParseCycle(text, now, out schedule);
            default:
                return false;
        }
    }

    /// <summary>Next occurrence of a cycle after <paramref name="previousDue"/>.</summary>
    public static bool TryNext(string cycle, DateTimeOffset previousDue, out DateTimeOffset next)
    {
        next = default;
        var parts = cycle.Split('/');
        var duration = parts.Length == 3 && parts[1].StartsWith('P') ? parts[1] : parts[^1];
        return TryAddDuration(previousDue, duration, out next);
    }

    public static bool TryParseRetryCycle(string text, out int attempts, out TimeSpan delay)
    {
        attempts = 0;
        delay = TimeSpan.Zero;
        var parts = text.Trim().Split('/');
        if (parts.Length != 2 || !parts[0].StartsWith('R') ||
            !int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out attempts) ||
            !TryAddDuration(DateTimeOffset.UnixEpoch, parts[1], out var end))
        {
            return false;
        }

        delay = end - DateTimeOffset.UnixEpoch;
        return true;
    }

    private static bool TryParseCycle(string text, DateTimeOffset now, out Schedule schedule)
    {
        schedule = default;
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith('R'))
        {
            return false;
        }

        var reps = -1;
        if (parts[0].Length > 1 && (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out reps) || reps < 1))
        {
            return false;
        }

        if (parts.Length == 2)
        {
            if (!TryAddDuration(now, parts[1], out var first))
            {
                return false;
            }

            schedule = new Schedule(first, reps < 0 ? -1 : reps - 1, text);
            return true;
        }

        if (TryParseDate(parts[1], out var start) && TryAddDuration(start, parts[2], out _))
        {
            // R3/2026-01-01T00:00:00Z/P1D: the first occurrence is the start; skip occurrences already in the past.
            var due = start;
            var left = reps < 0 ? -1 : reps - 1;
            var guard = 0;
            while (due < now && left != 0 && guard++ < 100_000)
            {
                _ = TryAddDuration(due, parts[2], out due);
                if (left > 0)
                {
                    left--;
                }
            }

            schedule = new Schedule(due, left, text);
            return true;
        }

        if (TryAddDuration(now, parts[1], out var d1) && TryParseDate(parts[2], out var end))
        {
            schedule = new Schedule(d1 <= end ? d1 : end, reps < 0 ? -1 : reps - 1, text);
            return true;
        }

        return false;
    }

    public static bool TryParseDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date) && text.Contains('-', StringComparison.Ordinal);

    public static bool TryAddDuration(DateTimeOffset from, string text, out DateTimeOffset result)
    {
        result = from;
        var m = Duration().Match(text.Trim());
        if (!m.Success || text.Trim() is "P" or "PT" || text.Trim().EndsWith('T'))
        {
            return false;
        }

        try
        {
            var r = from;
            if (m.Groups["y"].Success)
            {
                r = r.AddYears(int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["mo"].Success)
            {
                r = r.AddMonths(int.Parse(m.Groups["mo"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["w"].Success)
            {
                r = r.AddDays(7 * double.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["d"].Success)
            {
                r = r.AddDays(double.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["h"].Success)
            {
                r = r.AddHours(double.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["mi"].Success)
            {
                r = r.AddMinutes(double.Parse(m.Groups["mi"].Value, CultureInfo.InvariantCulture));
            }

            if (m.Groups["s"].Success)
            {
                r = r.AddSeconds(double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture));
            }

            result = r;
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+(?:\.\d+)?)D)?(?:T(?:(?<h>\d+(?:\.\d+)?)H)?(?:(?<mi>\d+(?:\.\d+)?)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Duration();
}
