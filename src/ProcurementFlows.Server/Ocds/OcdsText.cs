using System.Globalization;
using System.Text.RegularExpressions;

namespace ProcurementFlows.Server.Ocds;

internal static partial class OcdsText
{
    public static bool IsOcidPrefix(string? prefix) => prefix is not null && OcidPrefix().IsMatch(prefix);

    public static bool IsCaseId(string? id) => id is not null && CaseId().IsMatch(id);

    public static string Date(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^ocds-[a-z0-9]{6}$")]
    private static partial Regex OcidPrefix();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex CaseId();
}
