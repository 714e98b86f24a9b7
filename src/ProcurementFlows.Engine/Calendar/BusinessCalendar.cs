using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;

namespace ProcurementFlows.Engine.Calendar;

/// <summary>
/// A business-day calendar: weekend days plus public holidays. Immutable and thread-safe; the holidays of
/// a year are computed once on first use and cached inside the instance.
/// </summary>
/// <remarks>
/// Conventions: <see cref="AddBusinessDays(DateOnly,int)"/> with a positive n moves forward to the n-th
/// business day after the start (the start itself never counts); with 0 it returns the start unchanged
/// (even on a holiday); negative n moves backward. <see cref="BusinessDaysBetween"/> counts the business
/// days d with from &lt; d ≤ to, negated when to &lt; from, so that AddBusinessDays(from, BusinessDaysBetween(from, to))
/// lands on to whenever to is a business day.
/// </remarks>
public sealed class BusinessCalendar
{
    /// <summary>The most business days one call may move; guards against runaway loops from bad input.</summary>
    public const int MaxBusinessDays = 100_000;

    private readonly FrozenSet<DayOfWeek> _weekend;
    private readonly Func<int, IEnumerable<Holiday>> _holidaysOfYear;
    private readonly ConcurrentDictionary<int, FrozenDictionary<DateOnly, Holiday>> _cache = new();

    /// <summary>Creates a calendar from weekend days and a rule producing the holidays of a year.</summary>
    /// <param name="name">The calendar name used in diagrams and expressions, e.g. "NO".</param>
    /// <param name="weekend">The weekly days off; at most six.</param>
    /// <param name="holidaysOfYear">Returns the holidays of one year (may be called once per year, from any thread).</param>
    public BusinessCalendar(string name, IEnumerable<DayOfWeek> weekend, Func<int, IEnumerable<Holiday>> holidaysOfYear)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(weekend);
        ArgumentNullException.ThrowIfNull(holidaysOfYear);
        Name = name;
        _weekend = weekend.ToFrozenSet();
        if (_weekend.Count > 6)
        {
            throw new ArgumentException("A calendar needs at least one working day per week.", nameof(weekend));
        }

        _holidaysOfYear = holidaysOfYear;
    }

    /// <summary>The calendar name, e.g. "NO" or "UA".</summary>
    public string Name { get; }

    /// <summary>The weekly days off.</summary>
    public IReadOnlySet<DayOfWeek> Weekend => _weekend;

    /// <summary>Saturday and Sunday.</summary>
    public static IReadOnlyList<DayOfWeek> SaturdaySunday { get; } = [DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>
    /// A calendar defined from data: explicit holiday dates plus optional holidays recurring every year
    /// on the same month/day.
    /// </summary>
    public static BusinessCalendar FromData(
        string name,
        IEnumerable<Holiday> holidays,
        IEnumerable<(int Month, int Day, string Name)>? annualHolidays = null,
        IEnumerable<DayOfWeek>? weekend = null)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        var fixedDates = holidays.ToArray();
        var annual = (annualHolidays ?? []).ToArray();
        foreach (var (month, day, holidayName) in annual)
        {
            // Feb 29 is allowed (it simply does not occur in common years).
            if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2024, month))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Annual holiday '{holidayName}' has an invalid date {month:D2}-{day:D2}."),
                    nameof(annualHolidays));
            }
        }

        return new BusinessCalendar(name, weekend ?? SaturdaySunday, year =>
            fixedDates.Where(h => h.Date.Year == year).Concat(
                annual.Where(a => a.Day <= DateTime.DaysInMonth(year, a.Month))
                      .Select(a => new Holiday(new DateOnly(year, a.Month, a.Day), a.Name))));
    }

    /// <summary>The public holidays of a year, ordered by date.</summary>
    public IReadOnlyList<Holiday> HolidaysIn(int year) => [.. HolidayMap(year).Values.OrderBy(h => h.Date)];

    /// <summary>Whether the date is a public holiday (weekends aside).</summary>
    public bool IsHoliday(DateOnly date) => HolidayMap(date.Year).ContainsKey(date);

    /// <summary>Whether the date is neither a weekend day nor a holiday.</summary>
    public bool IsBusinessDay(DateOnly date) => !_weekend.Contains(date.DayOfWeek) && !IsHoliday(date);

    /// <summary>Moves n business days from the start (see the class remarks for the convention).</summary>
    public DateOnly AddBusinessDays(DateOnly start, int businessDays)
    {
        CheckRange(businessDays);
        var step = Math.Sign(businessDays);
        var remaining = Math.Abs(businessDays);
        var date = start;
        while (remaining > 0)
        {
            date = date.AddDays(step);
            if (IsBusinessDay(date))
            {
                remaining--;
            }
        }

        return date;
    }

    /// <summary>Moves n business days from the start, keeping the time of day and the offset.</summary>
    public DateTimeOffset AddBusinessDays(DateTimeOffset start, int businessDays)
    {
        var day = DateOnly.FromDateTime(start.DateTime);
        var target = AddBusinessDays(day, businessDays);
        return start.AddDays(target.DayNumber - day.DayNumber);
    }

    /// <summary>The business days d with from &lt; d ≤ to (negative when to is before from).</summary>
    public int BusinessDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            return -BusinessDaysBetween(to, from);
        }

        if (to.DayNumber - from.DayNumber > MaxBusinessDays * 2)
        {
            throw new ArgumentOutOfRangeException(nameof(to), "The range is too long to count business days in.");
        }

        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            if (IsBusinessDay(d))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The start itself when it is a business day, otherwise the next business day.</summary>
    public DateOnly NextBusinessDayOnOrAfter(DateOnly date)
    {
        var d = date;
        for (var i = 0; i < 366 && !IsBusinessDay(d); i++)
        {
            d = d.AddDays(1);
        }

        return d;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static void CheckRange(int businessDays)
    {
        if (Math.Abs((long)businessDays) > MaxBusinessDays)
        {
            throw new ArgumentOutOfRangeException(nameof(businessDays), businessDays, $"At most {MaxBusinessDays} business days.");
        }
    }

    private FrozenDictionary<DateOnly, Holiday> HolidayMap(int year) =>
        _cache.GetOrAdd(year, y =>
        {
            var map = new Dictionary<DateOnly, Holiday>();
            foreach (var h in _holidaysOfYear(y))
            {
                map.TryAdd(h.Date, h);
            }

            return map.ToFrozenDictionary();
        });
}
