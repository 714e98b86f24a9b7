namespace ProcurementFlows.Engine.Calendar;

/// <summary>Easter date computations (computus) for the Western and the Orthodox churches.</summary>
public static class Computus
{
    /// <summary>Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).</summary>
    /// <param name="year">A year from 1583 to 9999.</param>
    public static DateOnly WesternEaster(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = ((19 * a) + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        int m = (a + (11 * h) + (22 * l)) / 451;
        int month = (h + l - (7 * m) + 114) / 31, day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>
    /// Orthodox Easter Sunday expressed as a Gregorian calendar date: Meeus' Julian algorithm, then the
    /// Julian-to-Gregorian offset of the year (13 days for 1900–2099).
    /// </summary>
    /// <param name="year">A year from 1583 to 9999.</param>
    public static DateOnly OrthodoxEaster(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        int a = year % 4, b = year % 7, c = year % 19;
        int d = ((19 * c) + 15) % 30, e = ((2 * a) + (4 * b) - d + 34) % 7;
        int month = (d + e + 114) / 31, day = ((d + e + 114) % 31) + 1;
        // The Julian calendar lags the Gregorian by (century - century/4 - 2) days.
        int century = year / 100;
        int offset = century - (century / 4) - 2;
        return new DateOnly(year, month, day).AddDays(offset);
    }
}
