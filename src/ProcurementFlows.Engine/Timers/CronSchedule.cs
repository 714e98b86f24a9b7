using System.Globalization;

namespace ProcurementFlows.Engine.Timers;

/// <summary>
/// A cron schedule, evaluated in UTC. Accepts Quartz/Camunda form (<c>sec min hour day-of-month month
/// day-of-week [year]</c>, <c>?</c> allowed, day-of-week 1=SUN…7=SAT) and classic 5-field Unix form
/// (<c>min hour day-of-month month day-of-week</c>, 0 or 7=SUN). Supports <c>*</c>, lists, ranges, steps and
/// month/day names; Quartz's <c>L</c>, <c>W</c> and <c>#</c> are rejected with a clear error. As in cron,
/// when both day fields are restricted a day matching either one fires.
/// </summary>
public sealed class CronSchedule
{
    private const int SearchDays = 366 * 8;
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds = new bool[60];
    private readonly bool[] _minutes = new bool[60];
    private readonly bool[] _hours = new bool[24];
    private readonly bool[] _daysOfMonth = new bool[32];
    private readonly bool[] _months = new bool[13];
    private readonly bool[] _daysOfWeek = new bool[7];
    private readonly bool[]? _years;
    private readonly bool _domRestricted;
    private readonly bool _dowRestricted;

    private CronSchedule(string text, string[] f, bool quartz)
    {
        Text = text;
        var o = quartz ? 0 : -1;
        if (quartz)
        {
            Fill(_seconds, f[0], 0, 59, null, "second");
        }
        else
        {
            _seconds[0] = true;
        }

        Fill(_minutes, f[o + 1], 0, 59, null, "minute");
        Fill(_hours, f[o + 2], 0, 23, null, "hour");
        _domRestricted = Fill(_daysOfMonth, f[o + 3], 1, 31, null, "day of month");
        Fill(_months, f[o + 4], 1, 12, MonthNames, "month", nameBase: 1);
        var dow = new bool[8];
        _dowRestricted = quartz
            ? Fill(dow, f[5], 1, 7, DayNames, "day of week", nameBase: 1)
            : Fill(dow, f[4], 0, 7, DayNames, "day of week", nameBase: 0);
        for (var d = 0; d < 8; d++)
        {
            if (dow[d])
            {
                // Quartz: 1=SUN..7=SAT; Unix: 0=SUN..6=SAT, 7=SUN.
                _daysOfWeek[quartz ? d - 1 : d % 7] = true;
            }
        }

        if (quartz && f.Length == 7)
        {
            _years = new bool[2200];
            Fill(_years, f[6], 1970, 2199, null, "year");
        }
    }

    /// <summary>The expression text.</summary>
    public string Text { get; }

    /// <summary>True when the text looks like cron (5 to 7 space-separated fields) rather than ISO 8601.</summary>
    public static bool LooksLikeCron(string text) => text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is >= 5 and <= 7;

    /// <summary>Parses a cron expression; returns false with a reason when it is not valid.</summary>
    public static bool TryParse(string text, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        var fields = text.Trim().ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 5 or > 7)
        {
            error = $"'{IsoDuration.Shorten(text)}' is not a cron expression (5 to 7 fields expected)";
            return false;
        }

        try
        {
            schedule = new CronSchedule(text, fields, quartz: fields.Length >= 6);
            error = "";
            return true;
        }
        catch (FormatException ex)
        {
            error = $"cron '{IsoDuration.Shorten(text)}': {ex.Message}";
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none within eight years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var firstDay = true;
        for (var day = 0; day < SearchDays; day++)
        {
            var date = t.Date;
            if (DayMatches(date))
            {
                var from = firstDay ? t.TimeOfDay : TimeSpan.Zero;
                for (var h = from.Hours; h < 24; h++)
                {
                    if (!_hours[h])
                    {
                        continue;
                    }

                    var m0 = h == from.Hours ? from.Minutes : 0;
                    for (var m = m0; m < 60; m++)
                    {
                        if (!_minutes[m])
                        {
                            continue;
                        }

                        var s0 = h == from.Hours && m == from.Minutes ? from.Seconds : 0;
                        for (var s = s0; s < 60; s++)
                        {
                            if (_seconds[s])
                            {
                                return new DateTimeOffset(date.AddHours(h).AddMinutes(m).AddSeconds(s), TimeSpan.Zero);
                            }
                        }
                    }
                }
            }

            t = date.AddDays(1);
            firstDay = false;
        }

        return null;
    }

    private bool DayMatches(DateTime date)
    {
        if (!_months[date.Month] || (_years is not null && (date.Year >= _years.Length || !_years[date.Year])))
        {
            return false;
        }

        var dom = _daysOfMonth[date.Day];
        var dow = _daysOfWeek[(int)date.DayOfWeek];
        return _domRestricted && _dowRestricted ? dom || dow : dom && dow;
    }

    /// <summary>Fills the allowed values; returns whether the field restricts anything (not * or ?).</summary>
    private static bool Fill(bool[] target, string field, int min, int max, string[]? names, string what, int nameBase = 0)
    {
        if (field is "*" or "?")
        {
            for (var i = min; i <= max; i++)
            {
                target[i] = true;
            }

            return false;
        }

        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = Number(part[(slash + 1)..], 1, max, null, 0, what);
                range = part[..slash];
            }

            int from, to;
            if (range is "*" or "?")
            {
                (from, to) = (min, max);
            }
            else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                from = Number(range[..dash], min, max, names, nameBase, what);
                to = Number(range[(dash + 1)..], min, max, names, nameBase, what);
                if (to < from)
                {
                    throw new FormatException($"the {what} range '{range}' runs backwards");
                }
            }
            else
            {
                from = Number(range, min, max, names, nameBase, what);
                to = slash >= 0 ? max : from;
            }

            for (var i = from; i <= to; i += step)
            {
                target[i] = true;
            }
        }

        return true;
    }

    private static int Number(string text, int min, int max, string[]? names, int nameBase, string what)
    {
        if (text.IndexOfAny(['L', 'W', '#']) >= 0 && (names is null || Array.IndexOf(names, text) < 0))
        {
            throw new FormatException($"'{text}' in the {what} field uses L, W or #, which are not supported");
        }

        if (names is not null && Array.IndexOf(names, text) is var n and >= 0)
        {
            return n + nameBase;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new FormatException($"'{text}' is not a valid {what} ({min}-{max})");
        }

        return v;
    }
}
