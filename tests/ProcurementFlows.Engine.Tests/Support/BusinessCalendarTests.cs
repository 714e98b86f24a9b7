using ProcurementFlows.Engine.Calendar;

namespace ProcurementFlows.Engine.Tests.Support;

public sealed class BusinessCalendarTests
{
    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2008, 3, 23)]
    [InlineData(2011, 4, 24)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    [InlineData(2285, 3, 22)]
    public void Western_easter_matches_known_dates(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Computus.WesternEaster(year));

    [Theory]
    [InlineData(2008, 4, 27)]
    [InlineData(2011, 4, 24)]
    [InlineData(2019, 4, 28)]
    [InlineData(2023, 4, 16)]
    [InlineData(2024, 5, 5)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 12)]
    [InlineData(2027, 5, 2)]
    public void Orthodox_easter_matches_known_dates(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Computus.OrthodoxEaster(year));

    [Fact]
    public void Norway_2026_holidays()
    {
        var dates = NationalCalendars.Norway().HolidaysIn(2026).Select(h => h.Date.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["01-01", "04-02", "04-03", "04-05", "04-06", "05-01", "05-14", "05-17", "05-24", "05-25", "12-25", "12-26"], dates);
    }

    [Theory]
    [InlineData("2026-04-01", true)]
    [InlineData("2026-04-02", false)]
    [InlineData("2026-04-03", false)]
    [InlineData("2026-04-06", false)]
    [InlineData("2026-04-07", true)]
    [InlineData("2026-05-14", false)]
    [InlineData("2026-05-25", false)]
    [InlineData("2026-05-18", true)]
    [InlineData("2026-11-28", false)]
    [InlineData("2026-11-30", true)]
    public void Norway_business_days(string date, bool business) =>
        Assert.Equal(business, NationalCalendars.Norway().IsBusinessDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Ukraine_in_peacetime_has_holidays_and_weekend_carry_over()
    {
        var ua = NationalCalendars.Ukraine(new UkraineCalendarOptions { MartialLaw = false });
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 4, 13)));  // Easter 12 Apr (Sunday) carried to Monday
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 5, 1)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 5, 8)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 6, 1)));   // Trinity 31 May (Sunday) carried to Monday
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 6, 29)));  // Constitution Day 28 Jun (Sunday) carried
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 7, 15)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 8, 24)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 10, 1)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 12, 25)));
        Assert.True(ua.IsBusinessDay(new DateOnly(2026, 1, 7)));    // Orthodox Christmas is no longer a holiday (2023 law)
    }

    [Fact]
    public void Ukraine_under_martial_law_by_default_has_weekends_only()
    {
        var ua = NationalCalendars.Ukraine();
        Assert.True(ua.IsBusinessDay(new DateOnly(2026, 8, 24)));
        Assert.True(ua.IsBusinessDay(new DateOnly(2026, 12, 25)));
        Assert.False(ua.IsBusinessDay(new DateOnly(2026, 8, 22)));
        Assert.Empty(ua.HolidaysIn(2026));
    }

    [Fact]
    public void Add_and_count_business_days_round_trip()
    {
        var no = NationalCalendars.Norway();
        var thursdayBeforeEaster = new DateOnly(2026, 4, 1);                    // Wednesday
        Assert.Equal(new DateOnly(2026, 4, 7), no.AddBusinessDays(thursdayBeforeEaster, 1));
        Assert.Equal(new DateOnly(2026, 4, 1), no.AddBusinessDays(new DateOnly(2026, 4, 7), -1));
        Assert.Equal(thursdayBeforeEaster, no.AddBusinessDays(thursdayBeforeEaster, 0));
        Assert.Equal(1, no.BusinessDaysBetween(thursdayBeforeEaster, new DateOnly(2026, 4, 7)));
        Assert.Equal(-1, no.BusinessDaysBetween(new DateOnly(2026, 4, 7), thursdayBeforeEaster));
        for (var n = -40; n <= 40; n++)
        {
            var start = new DateOnly(2026, 12, 1);
            Assert.Equal(n, no.BusinessDaysBetween(start, no.AddBusinessDays(start, n)));
        }

        var at = new DateTimeOffset(2026, 12, 24, 15, 45, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 12, 29, 15, 45, 0, TimeSpan.FromHours(1)), no.AddBusinessDays(at, 2));
    }

    [Fact]
    public void Custom_calendar_from_data()
    {
        var cal = BusinessCalendar.FromData(
            "ACME",
            [new Holiday(new DateOnly(2026, 3, 2), "Founders Day")],
            [(2, 29, "Leap Day"), (12, 31, "New Year's Eve")],
            [DayOfWeek.Friday, DayOfWeek.Saturday]);
        Assert.False(cal.IsBusinessDay(new DateOnly(2026, 3, 2)));
        Assert.True(cal.IsBusinessDay(new DateOnly(2027, 3, 2)));
        Assert.False(cal.IsBusinessDay(new DateOnly(2026, 12, 31)));
        Assert.False(cal.IsBusinessDay(new DateOnly(2028, 2, 29)));
        Assert.False(cal.IsBusinessDay(new DateOnly(2026, 3, 6)));   // Friday
        Assert.True(cal.IsBusinessDay(new DateOnly(2026, 3, 8)));    // Sunday
        var registry = BusinessCalendarRegistry.CreateDefault().With(cal);
        Assert.Same(cal, registry.Get("acme"));
        Assert.Equal("calendar.unknown", Assert.Throws<UnknownCalendarException>(() => registry.Get("XX")).Code);
    }

    [Fact]
    public void Bad_calendar_data_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => BusinessCalendar.FromData("X", [], [(2, 30, "Bad")]));
        Assert.Throws<ArgumentException>(() => BusinessCalendar.FromData("X", [], null, Enum.GetValues<DayOfWeek>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => NationalCalendars.Norway().AddBusinessDays(new DateOnly(2026, 1, 1), 10_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => Computus.WesternEaster(1200));
    }
}
