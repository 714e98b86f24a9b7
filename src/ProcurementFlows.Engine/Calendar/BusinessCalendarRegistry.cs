using System.Collections.Frozen;

namespace ProcurementFlows.Engine.Calendar;

/// <summary>
/// The calendars an engine knows by name (case-insensitive), e.g. for <c>pf:calendar="NO"</c> and
/// <c>bizdays.add(date, 3, 'UA')</c>. Immutable once built.
/// </summary>
public sealed class BusinessCalendarRegistry
{
    private readonly FrozenDictionary<string, BusinessCalendar> _calendars;

    /// <summary>Creates a registry of the given calendars; a later calendar with the same name wins.</summary>
    public BusinessCalendarRegistry(IEnumerable<BusinessCalendar> calendars)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        var map = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
        foreach (var calendar in calendars)
        {
            map[calendar.Name] = calendar;
        }

        _calendars = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The built-in calendars: "NO" (Norway) and "UA" (Ukraine, martial law in force by default).</summary>
    public static BusinessCalendarRegistry CreateDefault(UkraineCalendarOptions? ukraine = null) =>
        new([NationalCalendars.Norway(), NationalCalendars.Ukraine(ukraine)]);

    /// <summary>Returns a new registry with these calendars added (replacing same-named ones).</summary>
    public BusinessCalendarRegistry With(params BusinessCalendar[] calendars) => new([.. _calendars.Values, .. calendars]);

    /// <summary>The registered calendar names.</summary>
    public IEnumerable<string> Names => _calendars.Keys;

    /// <summary>Looks a calendar up by name.</summary>
    public bool TryGet(string name, out BusinessCalendar calendar) => _calendars.TryGetValue(name, out calendar!);

    /// <summary>Looks a calendar up by name; throws <see cref="UnknownCalendarException"/> when it is not registered.</summary>
    public BusinessCalendar Get(string name) =>
        TryGet(name, out var calendar) ? calendar : throw new UnknownCalendarException(name, [.. _calendars.Keys]);
}
