using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Timers;

namespace ProcurementFlows.Engine.Tests.Support;

public sealed class TimerDefinitionTests
{
    private static readonly DateTimeOffset Activated = new(2026, 11, 27, 10, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-12-01T09:00:00Z", "2026-12-01T09:00:00+00:00")]
    [InlineData("2026-12-01T09:00:00+02:00", "2026-12-01T09:00:00+02:00")]
    [InlineData("2026-12-01T09:00:00.250-05:00", "2026-12-01T09:00:00.25-05:00")]
    [InlineData("2026-12-01T09:00:00", "2026-12-01T09:00:00+00:00")]
    [InlineData("2026-12-01", "2026-12-01T00:00:00+00:00")]
    public void Dates_parse_with_offsets_and_fire_once(string text, string expected)
    {
        var timer = TimerDefinition.Parse(TimerKind.Date, text);
        Assert.Equal(At(expected), timer.GetDueDate(Activated));
        Assert.Null(timer.GetDueDate(Activated, 1));
        Assert.False(timer.IsRepeating);
    }

    [Theory]
    [InlineData("P10D", "2026-12-07T10:30:00Z")]
    [InlineData("PT1H30M", "2026-11-27T12:00:00Z")]
    [InlineData("P1W", "2026-12-04T10:30:00Z")]
    [InlineData("P1Y2M", "2028-01-27T10:30:00Z")]
    [InlineData("PT0.5S", "2026-11-27T10:30:00.5Z")]
    [InlineData("P1DT12H", "2026-11-28T22:30:00Z")]
    [InlineData("P0.5D", "2026-11-27T22:30:00Z")]
    [InlineData("pt15m", "2026-11-27T10:45:00Z")]
    public void Durations_add_to_the_activation_time(string text, string expected)
    {
        var timer = TimerDefinition.Parse(TimerKind.Duration, text);
        Assert.Equal(At(expected), timer.GetDueDate(Activated));
        Assert.Null(timer.GetDueDate(Activated, 1));
    }

    [Fact]
    public void Month_arithmetic_does_not_drift()
    {
        var d = IsoDuration.Parse("P1M");
        var jan31 = At("2026-01-31T08:00:00Z");
        Assert.Equal(At("2026-02-28T08:00:00Z"), d.AddTo(jan31));
        Assert.Equal(At("2026-03-31T08:00:00Z"), d.AddTo(jan31, 2));
    }

    [Fact]
    public void Business_day_durations_use_the_calendar()
    {
        var no = NationalCalendars.Norway();
        var wednesdayBeforeEaster = At("2026-04-01T09:00:00+02:00");
        Assert.Equal(At("2026-04-08T09:00:00+02:00"), TimerDefinition.Parse(TimerKind.Duration, "P2D").GetDueDate(wednesdayBeforeEaster, 0, no));
        Assert.Equal(At("2026-04-13T09:00:00+02:00"), TimerDefinition.Parse(TimerKind.Duration, "P1W").GetDueDate(wednesdayBeforeEaster, 0, no));
        Assert.Equal(At("2026-04-07T13:00:00+02:00"), TimerDefinition.Parse(TimerKind.Duration, "P1DT4H").GetDueDate(wednesdayBeforeEaster, 0, no));
    }

    [Fact]
    public void Bounded_cycle_fires_n_times_after_activation()
    {
        var timer = TimerDefinition.Parse(TimerKind.Cycle, "R3/P1D");
        Assert.True(timer.IsRepeating);
        Assert.Equal(3, timer.Repetitions);
        Assert.Equal(At("2026-11-28T10:30:00Z"), timer.GetDueDate(Activated, 0));
        Assert.Equal(At("2026-11-29T10:30:00Z"), timer.GetDueDate(Activated, 1));
        Assert.Equal(At("2026-11-30T10:30:00Z"), timer.GetDueDate(Activated, 2));
        Assert.Null(timer.GetDueDate(Activated, 3));
        Assert.Equal(At("2026-11-29T10:30:00Z"), timer.GetNextDueAfter(At("2026-11-28T10:30:00Z"), 1));
        Assert.Null(timer.GetNextDueAfter(At("2026-11-30T10:30:00Z"), 3));
    }

    [Fact]
    public void Unbounded_cycle_keeps_firing()
    {
        var timer = TimerDefinition.Parse(TimerKind.Cycle, "R/PT1H");
        Assert.Null(timer.Repetitions);
        Assert.Equal(Activated.AddHours(1000), timer.GetDueDate(Activated, 999));
        Assert.Equal(Activated.AddHours(2), TimerDefinition.Parse(TimerKind.Cycle, "R-1/PT1H").GetDueDate(Activated, 1));
    }

    [Fact]
    public void Cycle_with_start_fires_at_the_start_and_skips_past_occurrences()
    {
        var future = TimerDefinition.Parse(TimerKind.Cycle, "R3/2026-12-01T09:00:00Z/P1D");
        Assert.Equal(At("2026-12-01T09:00:00Z"), future.GetDueDate(Activated, 0));
        Assert.Equal(At("2026-12-03T09:00:00Z"), future.GetDueDate(Activated, 2));
        Assert.Null(future.GetDueDate(Activated, 3));

        var started = TimerDefinition.Parse(TimerKind.Cycle, "R5/2026-11-25T09:00:00Z/P1D");
        Assert.Equal(At("2026-11-28T09:00:00Z"), started.GetDueDate(Activated, 0));
        Assert.Equal(At("2026-11-29T09:00:00Z"), started.GetDueDate(Activated, 1));
        Assert.Null(started.GetDueDate(Activated, 2));

        var unbounded = TimerDefinition.Parse(TimerKind.Cycle, "R/2000-01-01T00:00:00Z/PT1M");
        Assert.Equal(At("2026-11-27T10:30:00Z"), unbounded.GetDueDate(Activated, 0));
    }

    [Fact]
    public void Cycle_with_start_and_end_or_period_and_end()
    {
        var startEnd = TimerDefinition.Parse(TimerKind.Cycle, "R2/2026-12-01T00:00:00Z/2026-12-01T06:00:00Z");
        Assert.Equal(At("2026-12-01T06:00:00Z"), startEnd.GetDueDate(Activated, 1));
        var periodEnd = TimerDefinition.Parse(TimerKind.Cycle, "R/P1D/2026-11-29T12:00:00Z");
        Assert.Equal(At("2026-11-29T10:30:00Z"), periodEnd.GetDueDate(Activated, 1));
        Assert.Null(periodEnd.GetDueDate(Activated, 2));
    }

    [Theory]
    [InlineData("0 0 9 * * ?", "2026-11-28T09:00:00Z", "2026-11-29T09:00:00Z")]
    [InlineData("0 0/15 * * * ?", "2026-11-27T10:45:00Z", "2026-11-27T11:00:00Z")]
    [InlineData("0 30 8 ? * MON-FRI", "2026-11-30T08:30:00Z", "2026-12-01T08:30:00Z")]
    [InlineData("0 0 12 1 * ?", "2026-12-01T12:00:00Z", "2027-01-01T12:00:00Z")]
    [InlineData("*/5 * * * *", "2026-11-27T10:35:00Z", "2026-11-27T10:40:00Z")]
    [InlineData("0 9 * * 1", "2026-11-30T09:00:00Z", "2026-12-07T09:00:00Z")]
    [InlineData("0 0 0 29 FEB ? 2028", "2028-02-29T00:00:00Z", null)]
    public void Cron_cycles(string cron, string first, string? second)
    {
        var timer = TimerDefinition.Parse(TimerKind.Cycle, cron);
        Assert.NotNull(timer.Cron);
        Assert.Equal(At(first), timer.GetDueDate(Activated, 0));
        Assert.Equal(second is null ? null : At(second), timer.GetDueDate(Activated, 1));
    }

    [Theory]
    [InlineData(TimerKind.Date, "", TimerErrorCodes.Empty)]
    [InlineData(TimerKind.Date, "tomorrow", TimerErrorCodes.InvalidDate)]
    [InlineData(TimerKind.Date, "01/12/2026", TimerErrorCodes.InvalidDate)]
    [InlineData(TimerKind.Date, "2026-13-01T00:00:00Z", TimerErrorCodes.InvalidDate)]
    [InlineData(TimerKind.Duration, "10D", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "P", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "PT", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "P1H", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "PT1D", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "P1D2Y", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "-P1D", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "P1.5Y", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Duration, "P99999999D", TimerErrorCodes.InvalidDuration)]
    [InlineData(TimerKind.Cycle, "R3", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "Rx/P1D", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "R0/P1D", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "R3/PT0S", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "R3/P1D/P2D", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "R2/2026-12-02T00:00:00Z/2026-12-01T00:00:00Z", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "0 0 9 L * ?", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "0 0 25 * * ?", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "0 0 9 ? * MON#2", TimerErrorCodes.InvalidCycle)]
    [InlineData(TimerKind.Cycle, "every day", TimerErrorCodes.InvalidCycle)]
    public void Bad_timer_text_gives_a_clear_error(TimerKind kind, string text, string code)
    {
        Assert.False(TimerDefinition.TryParse(kind, text, out _, out var actual, out var message));
        Assert.Equal(code, actual);
        Assert.False(string.IsNullOrWhiteSpace(message));
        var ex = Assert.Throws<TimerDefinitionException>(() => TimerDefinition.Parse(kind, text));
        Assert.Equal(code, ex.Code);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public void Durations_round_trip_to_text()
    {
        foreach (var text in new[] { "P10D", "PT1H30M", "P1W", "P1Y2M", "PT0.5S", "P1Y2M3W4DT5H6M7.25S" })
        {
            Assert.Equal(text, IsoDuration.Parse(text).ToString());
        }
    }

    [Fact]
    public void Reminder_schedule_with_a_fake_clock()
    {
        // A non-interrupting boundary timer R3/PT4H armed now: the runtime schedules each firing at the due date.
        var clock = new FakeTimeProvider(Activated);
        var timer = TimerDefinition.Parse(TimerKind.Cycle, "R3/PT4H");
        var armedAt = clock.GetUtcNow();
        var fired = new List<DateTimeOffset>();
        for (var due = timer.GetDueDate(armedAt, 0); due is not null; due = timer.GetDueDate(armedAt, fired.Count))
        {
            clock.SetUtcNow(due.Value);
            fired.Add(clock.GetUtcNow());
        }

        Assert.Equal([Activated.AddHours(4), Activated.AddHours(8), Activated.AddHours(12)], fired);
    }
}
