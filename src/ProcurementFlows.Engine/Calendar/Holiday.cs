namespace ProcurementFlows.Engine.Calendar;

/// <summary>A public holiday (a day that is not a business day) in a calendar.</summary>
/// <param name="Date">The calendar date.</param>
/// <param name="Name">A human-readable name, e.g. "Constitution Day".</param>
public sealed record Holiday(DateOnly Date, string Name);
