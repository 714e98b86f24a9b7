using System.Globalization;
using System.Text;
using ProcurementFlows.Engine.Calendar;

namespace ProcurementFlows.Engine.Timers;

/// <summary>
/// An ISO 8601 duration such as <c>P10D</c>, <c>PT1H30M</c>, <c>P1W</c>, <c>P1Y2M</c> or <c>PT0.5S</c>.
/// Years and months are calendar arithmetic; weeks and days are calendar days, or business days when a
/// <see cref="BusinessCalendar"/> is given (a week then counts as 5 business days); hours, minutes and
/// seconds are exact time. Negative durations are not accepted.
/// </summary>
public sealed record IsoDuration
{
    private const int MaxComponent = 1_000_000;

    /// <summary>Creates a duration; every component must be non-negative.</summary>
    public IsoDuration(int years, int months, int weeks, decimal days, decimal hours, decimal minutes, decimal seconds)
    {
        if (years < 0 || months < 0 || weeks < 0 || days < 0 || hours < 0 || minutes < 0 || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(years), "Duration components must not be negative.");
        }

        (Years, Months, Weeks, Days, Hours, Minutes, Seconds) = (years, months, weeks, days, hours, minutes, seconds);
    }

    /// <summary>Years.</summary>
    public int Years { get; }

    /// <summary>Months.</summary>
    public int Months { get; }

    /// <summary>Weeks.</summary>
    public int Weeks { get; }

    /// <summary>Days (may be fractional).</summary>
    public decimal Days { get; }

    /// <summary>Hours (may be fractional).</summary>
    public decimal Hours { get; }

    /// <summary>Minutes (may be fractional).</summary>
    public decimal Minutes { get; }

    /// <summary>Seconds (may be fractional).</summary>
    public decimal Seconds { get; }

    /// <summary>True when every component is zero.</summary>
    public bool IsZero => Years == 0 && Months == 0 && Weeks == 0 && Days == 0 && Hours == 0 && Minutes == 0 && Seconds == 0;

    /// <summary>The exact-time part (fractional days, hours, minutes, seconds); whole days are counted separately.</summary>
    private TimeSpan TimePart => TimeSpan.FromTicks((long)(((Days - decimal.Truncate(Days)) * TimeSpan.TicksPerDay)
        + (Hours * TimeSpan.TicksPerHour) + (Minutes * TimeSpan.TicksPerMinute) + (Seconds * TimeSpan.TicksPerSecond)));

    /// <summary>Parses an ISO 8601 duration; returns false with a reason when the text is not one.</summary>
    public static bool TryParse(string? text, out IsoDuration duration, out string error)
    {
        duration = null!;
        var s = text?.Trim() ?? "";
        if (s.Length is < 2 or > 64 || char.ToUpperInvariant(s[0]) != 'P')
        {
            error = $"'{Shorten(s)}' is not an ISO 8601 duration (expected e.g. P10D, PT1H30M, P1W)";
            return false;
        }

        int years = 0, months = 0, weeks = 0;
        decimal days = 0, hours = 0, minutes = 0, seconds = 0;
        var inTime = false;
        var seen = 0;
        var order = "YMWD";
        var timeOrder = "HMS";
        var lastIndex = -1;
        var i = 1;
        while (i < s.Length)
        {
            var c = char.ToUpperInvariant(s[i]);
            if (c == 'T')
            {
                if (inTime || i == s.Length - 1)
                {
                    error = $"'{Shorten(s)}' has a misplaced 'T'";
                    return false;
                }

                inTime = true;
                lastIndex = -1;
                i++;
                continue;
            }

            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] is '.' or ','))
            {
                i++;
            }

            if (i == start || i >= s.Length)
            {
                error = $"'{Shorten(s)}' is not an ISO 8601 duration (a number must be followed by a designator)";
                return false;
            }

            var numberText = s[start..i].Replace(',', '.');
            if (!decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > MaxComponent)
            {
                error = $"'{Shorten(s)}' has an invalid or too large number '{numberText}'";
                return false;
            }

            var designator = char.ToUpperInvariant(s[i]);
            var index = (inTime ? timeOrder : order).IndexOf(designator, StringComparison.Ordinal);
            if (index < 0 || index <= lastIndex)
            {
                error = $"'{Shorten(s)}' has an unexpected or out-of-order designator '{s[i]}'";
                return false;
            }

            var isFraction = value != decimal.Truncate(value);
            if (isFraction && !inTime && designator != 'D')
            {
                error = $"'{Shorten(s)}': only days, hours, minutes and seconds may be fractional";
                return false;
            }

            lastIndex = index;
            seen++;
            i++;
            switch (inTime, designator)
            {
                case (false, 'Y'): years = (int)value; break;
                case (false, 'M'): months = (int)value; break;
                case (false, 'W'): weeks = (int)value; break;
                case (false, 'D'): days = value; break;
                case (true, 'H'): hours = value; break;
                case (true, 'M'): minutes = value; break;
                default: seconds = value; break;
            }
        }

        if (seen == 0)
        {
            error = $"'{Shorten(s)}' has no components";
            return false;
        }

        duration = new IsoDuration(years, months, weeks, days, hours, minutes, seconds);
        error = "";
        return true;
    }

    /// <summary>Parses an ISO 8601 duration; throws <see cref="TimerDefinitionException"/> when it is not one.</summary>
    public static IsoDuration Parse(string text) =>
        TryParse(text, out var d, out var error) ? d : throw new TimerDefinitionException(TimerErrorCodes.InvalidDuration, error);

    /// <summary>
    /// Adds the duration <paramref name="times"/> times to <paramref name="start"/>. Calendar parts are
    /// multiplied rather than applied repeatedly, so P1M from 31 January lands on the last day of each month
    /// without drifting.
    /// </summary>
    public DateTimeOffset AddTo(DateTimeOffset start, int times = 1, BusinessCalendar? calendar = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        var result = start;
        if (Years != 0 || Months != 0)
        {
            result = result.AddMonths(checked(((Years * 12) + Months) * times));
        }

        var wholeDays = checked((int)decimal.Truncate(Days) * times);
        if (calendar is not null)
        {
            result = calendar.AddBusinessDays(result, checked(wholeDays + (Weeks * 5 * times)));
        }
        else
        {
            result = result.AddDays(checked(wholeDays + (Weeks * 7 * times)));
        }

        var time = TimePart;
        return time == TimeSpan.Zero ? result : result + (time * times);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder("P");
        void Add(decimal v, char d)
        {
            if (v != 0)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append(d);
            }
        }

        Add(Years, 'Y');
        Add(Months, 'M');
        Add(Weeks, 'W');
        Add(Days, 'D');
        if (Hours != 0 || Minutes != 0 || Seconds != 0)
        {
            sb.Append('T');
            Add(Hours, 'H');
            Add(Minutes, 'M');
            Add(Seconds, 'S');
        }

        return sb.Length == 1 ? "PT0S" : sb.ToString();
    }

    internal static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
