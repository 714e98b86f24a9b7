using System.Globalization;
using Jint;
using Jint.Native;
using ProcurementFlows.Engine.Calendar;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>
/// The date and business-day helpers exposed to expressions. Dates travel as ISO 8601 strings (a JavaScript
/// Date is accepted too); a date-only input ("2026-12-01") gives a date-only output, a date-time keeps its offset.
/// </summary>
internal sealed class DateHelpers(TimeProvider timeProvider, BusinessCalendarRegistry calendars)
{
    public string Now() => Format(timeProvider.GetUtcNow(), dateOnly: false);

    public string Today() => Format(timeProvider.GetUtcNow(), dateOnly: true);

    public string AddDays(JsValue date, JsValue days) => Shift(date, d => d.AddDays(Integer(days, "days")));

    public string AddHours(JsValue date, JsValue hours) => Shift(date, d => d.AddHours(Number(hours, "hours")), forceDateTime: true);

    public string AddMinutes(JsValue date, JsValue minutes) => Shift(date, d => d.AddMinutes(Number(minutes, "minutes")), forceDateTime: true);

    public string AddMonths(JsValue date, JsValue months) => Shift(date, d => d.AddMonths(Integer(months, "months")));

    public string AddBusinessDays(JsValue date, JsValue days, JsValue calendar) =>
        Shift(date, d => Calendar(calendar).AddBusinessDays(d, Integer(days, "days")));

    public string AddDuration(JsValue date, JsValue duration, JsValue calendar)
    {
        if (!duration.IsString())
        {
            throw new ArgumentException("an ISO 8601 duration string is required, e.g. 'P3D'");
        }

        if (!Timers.IsoDuration.TryParse(duration.AsString(), out var d, out var error))
        {
            throw new ArgumentException(error);
        }

        var cal = calendar.IsUndefined() || calendar.IsNull() ? null : Calendar(calendar);
        var dateOnly = d.Hours == 0 && d.Minutes == 0 && d.Seconds == 0 && d.Days == decimal.Truncate(d.Days);
        return Shift(date, x => d.AddTo(x, 1, cal), forceDateTime: !dateOnly);
    }

    public int BusinessDaysBetween(JsValue from, JsValue to, JsValue calendar) =>
        Calendar(calendar).BusinessDaysBetween(Day(Parse(from).Value), Day(Parse(to).Value));

    public bool IsBusinessDay(JsValue date, JsValue calendar) => Calendar(calendar).IsBusinessDay(Day(Parse(date).Value));

    public string NextBusinessDay(JsValue date, JsValue calendar) =>
        Shift(date, d => d.AddDays(Calendar(calendar).NextBusinessDayOnOrAfter(Day(d)).DayNumber - Day(d).DayNumber));

    public int Compare(JsValue a, JsValue b) => Math.Sign(Parse(a).Value.CompareTo(Parse(b).Value));

    public int DaysBetween(JsValue from, JsValue to) => Day(Parse(to).Value).DayNumber - Day(Parse(from).Value).DayNumber;

    private string Shift(JsValue date, Func<DateTimeOffset, DateTimeOffset> shift, bool forceDateTime = false)
    {
        var (value, dateOnly) = Parse(date);
        return Format(shift(value), dateOnly && !forceDateTime);
    }

    private BusinessCalendar Calendar(JsValue name)
    {
        if (!name.IsString())
        {
            throw new ArgumentException("a business calendar name is required, e.g. 'NO' or 'UA'");
        }

        return calendars.Get(name.AsString());
    }

    private static DateOnly Day(DateTimeOffset value) => DateOnly.FromDateTime(value.DateTime);

    internal static (DateTimeOffset Value, bool DateOnly) Parse(JsValue value)
    {
        if (value is JsDate jsDate && !double.IsNaN(jsDate.DateValue))
        {
            return (DateTimeOffset.FromUnixTimeMilliseconds((long)jsDate.DateValue), false);
        }

        if (value.IsString())
        {
            var text = value.AsString().Trim();
            if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return (new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), true);
            }

            if (text.Length >= 16 && text[4] == '-' && text[10] is 'T' or 't' or ' '
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return (parsed, false);
            }
        }

        throw new ArgumentException($"'{TruncatedText(value)}' is not an ISO 8601 date or date-time");
    }

    internal static string Format(DateTimeOffset value, bool dateOnly) =>
        dateOnly ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : value.Offset == TimeSpan.Zero ? value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static int Integer(JsValue value, string what)
    {
        var d = Number(value, what);
        if (d != Math.Floor(d) || Math.Abs(d) > BusinessCalendar.MaxBusinessDays * 10)
        {
            throw new ArgumentException($"{what} must be a whole number within range, got {d.ToString(CultureInfo.InvariantCulture)}");
        }

        return (int)d;
    }

    private static double Number(JsValue value, string what)
    {
        var d = double.NaN;
        if (value.IsNumber())
        {
            d = value.AsNumber();
        }
        else if (value.IsString() && double.TryParse(value.AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            d = parsed;
        }

        if (!double.IsFinite(d) || Math.Abs(d) > 1e7)
        {
            throw new ArgumentException($"{what} must be a finite number within range");
        }

        return d;
    }

    private static string TruncatedText(JsValue value)
    {
        var text = value.IsString() ? value.AsString() : value.ToString();
        return text.Length <= 60 ? text : text[..60] + "…";
    }
}
