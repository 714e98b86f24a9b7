namespace ProcurementFlows.Engine.Calendar;

/// <summary>Options for the Ukrainian calendar.</summary>
public sealed class UkraineCalendarOptions
{
    /// <summary>
    /// Whether martial law is in force. Default: <c>true</c>. Under martial law (in force since 24 February
    /// 2022, Law No. 2136-IX) the public holidays of Labour Code art. 73 are working days and the weekend
    /// carry-over of art. 67 does not apply, so the calendar has weekends only. Set to <c>false</c> for the
    /// peacetime calendar.
    /// </summary>
    public bool MartialLaw { get; set; } = true;
}

/// <summary>The built-in national business calendars.</summary>
public static class NationalCalendars
{
    /// <summary>
    /// Norway: Saturday/Sunday weekend; New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday,
    /// Labour Day (1 May), Constitution Day (17 May), Ascension Day, Whit Sunday and Monday, Christmas Day and
    /// Boxing Day. Norwegian holidays that fall on a weekend are not moved.
    /// </summary>
    public static BusinessCalendar Norway(string name = "NO") =>
        new(name, BusinessCalendar.SaturdaySunday, NorwegianHolidays);

    /// <summary>
    /// Ukraine, per Labour Code art. 73 as amended in 2023: New Year (1 Jan), Women's Day (8 Mar), Orthodox
    /// Easter, Labour Day (1 May), Day of Remembrance and Victory (8 May), Trinity (Orthodox Pentecost),
    /// Constitution Day (28 Jun), Statehood Day (15 Jul), Independence Day (24 Aug), Defenders' Day (1 Oct),
    /// Christmas (25 Dec). In peacetime a holiday on a Saturday or Sunday moves the day off to the next
    /// working day (art. 67). During martial law (the default, see <see cref="UkraineCalendarOptions.MartialLaw"/>)
    /// holidays are working days.
    /// </summary>
    public static BusinessCalendar Ukraine(UkraineCalendarOptions? options = null, string name = "UA")
    {
        var martialLaw = (options ?? new UkraineCalendarOptions()).MartialLaw;
        return new BusinessCalendar(name, BusinessCalendar.SaturdaySunday,
            year => martialLaw ? [] : UkrainianHolidays(year));
    }

    private static IEnumerable<Holiday> NorwegianHolidays(int year)
    {
        var easter = Computus.WesternEaster(year);
        yield return new Holiday(new DateOnly(year, 1, 1), "New Year's Day");
        yield return new Holiday(easter.AddDays(-3), "Maundy Thursday");
        yield return new Holiday(easter.AddDays(-2), "Good Friday");
        yield return new Holiday(easter, "Easter Sunday");
        yield return new Holiday(easter.AddDays(1), "Easter Monday");
        yield return new Holiday(new DateOnly(year, 5, 1), "Labour Day");
        yield return new Holiday(new DateOnly(year, 5, 17), "Constitution Day");
        yield return new Holiday(easter.AddDays(39), "Ascension Day");
        yield return new Holiday(easter.AddDays(49), "Whit Sunday");
        yield return new Holiday(easter.AddDays(50), "Whit Monday");
        yield return new Holiday(new DateOnly(year, 12, 25), "Christmas Day");
        yield return new Holiday(new DateOnly(year, 12, 26), "Boxing Day");
    }

    private static IEnumerable<Holiday> UkrainianHolidays(int year)
    {
        var easter = Computus.OrthodoxEaster(year);
        Holiday[] days =
        [
            new(new DateOnly(year, 1, 1), "New Year"),
            new(new DateOnly(year, 3, 8), "International Women's Day"),
            new(easter, "Easter"),
            new(new DateOnly(year, 5, 1), "Labour Day"),
            new(new DateOnly(year, 5, 8), "Day of Remembrance and Victory over Nazism"),
            new(easter.AddDays(49), "Trinity"),
            new(new DateOnly(year, 6, 28), "Constitution Day"),
            new(new DateOnly(year, 7, 15), "Ukrainian Statehood Day"),
            new(new DateOnly(year, 8, 24), "Independence Day"),
            new(new DateOnly(year, 10, 1), "Defenders Day"),
            new(new DateOnly(year, 12, 25), "Christmas"),
        ];
        var taken = days.Select(d => d.Date).ToHashSet();
        foreach (var day in days)
        {
            yield return day;
            if (day.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                // Art. 67: the day off moves to the next working day.
                var moved = day.Date.AddDays(day.Date.DayOfWeek == DayOfWeek.Saturday ? 2 : 1);
                while (taken.Contains(moved) || moved.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    moved = moved.AddDays(1);
                }

                taken.Add(moved);
                yield return new Holiday(moved, day.Name + " (day off carried over)");
            }
        }
    }
}
