using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.SamGov;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// <c>registry.exclusions-check</c>: SAM.gov exclusions (debarment) by UEI, else CAGE code, else name. An active
/// exclusion record found by identifier is a hit; one found by name only needs review (names are not identity).
/// Writes <c>exclusionsCheck</c>.
/// </summary>
internal sealed class ExclusionsCheckHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger<ExclusionsCheckHandler> logger) : RegistryHandler(scopes, time, logger)
{
    public const string TopicName = "registry.exclusions-check";

    public override string Topic => TopicName;

    public override string OutputVariable => "exclusionsCheck";

    protected override RegistryId Registry => RegistryId.SamGov;

    protected override async Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var api = services.GetRequiredService<ISamGovApi>();
        var supplier = SupplierInput.From(context.Variables, Registry);
        if (supplier.Uei is not null && !Identifiers.IsUei(supplier.Uei))
        {
            throw new InvalidVettingInputException(Registry, $"supplier.uei '{supplier.Uei}' is not a SAM.gov Unique Entity ID (12 letters and digits).");
        }

        if (supplier.CageCode is not null && !Identifiers.IsCageCode(supplier.CageCode))
        {
            throw new InvalidVettingInputException(Registry, $"supplier.cageCode '{supplier.CageCode}' is not a CAGE code (5 letters and digits).");
        }

        var uei = supplier.Uei;
        var cage = uei is null ? supplier.CageCode : null;
        var byName = uei is null && cage is null;
        var reply = await RegistryCall.SendAsync(
            Registry,
            () => api.GetExclusionsAsync(uei, cage, byName ? supplier.Name : null, supplier.IsPerson ? "Individual" : "Firm", 0, cancellationToken),
            cancellationToken);

        var records = reply.Content!.ExcludedEntity ?? [];
        var active = records.Where(IsActive).ToList();
        var searchedBy = uei is not null ? $"UEI {uei}" : cage is not null ? $"CAGE {cage}" : $"name '{supplier.Name}'";
        var evidence = new JsonObject
        {
            ["searchedBy"] = uei is not null ? "ueiSAM" : cage is not null ? "cageCode" : "name",
            ["totalRecords"] = reply.Content.TotalRecords ?? records.Count,
            ["activeExclusions"] = new JsonArray([.. active.Select(r => (JsonNode?)RecordEvidence(r))]),
            ["inactiveRecords"] = records.Count - active.Count,
        };

        var reasons = active.Select(Describe).ToList();
        if (active.Count == 0)
        {
            return Findings(VettingStatus.Clear, $"No active SAM.gov exclusion for {searchedBy}.", [], [reply.Request], evidence);
        }

        return byName
            ? Findings(VettingStatus.NeedsReview, $"{active.Count} active SAM.gov exclusion(s) match the name only: verify identity.", reasons, [reply.Request], evidence)
            : Findings(VettingStatus.Hit, $"{supplier.Name} is excluded in SAM.gov ({searchedBy}).", reasons, [reply.Request], evidence);
    }

    /// <summary>An exclusion is active when any action says so; a record without actions counts as active.</summary>
    private static bool IsActive(SamExclusion record) =>
        record.ExclusionActions?.ListOfActions is not { Count: > 0 } actions
        || actions.Any(a => string.Equals(a.RecordStatus, "Active", StringComparison.OrdinalIgnoreCase));

    private static string Describe(SamExclusion record)
    {
        var action = record.ExclusionActions?.ListOfActions?.FirstOrDefault(a => string.Equals(a.RecordStatus, "Active", StringComparison.OrdinalIgnoreCase));
        return $"{record.ExclusionIdentification?.EntityName}: {record.ExclusionDetails?.ExclusionType ?? "excluded"} by {record.ExclusionDetails?.ExcludingAgencyName ?? "an agency"}"
            + $" ({record.ExclusionDetails?.ExclusionProgram ?? "program unknown"}), active since {action?.ActivateDate ?? "unknown"}, termination {action?.TerminationType ?? action?.TerminationDate ?? "unknown"}.";
    }

    private static JsonObject RecordEvidence(SamExclusion r) => new()
    {
        ["entityName"] = r.ExclusionIdentification?.EntityName,
        ["ueiSAM"] = r.ExclusionIdentification?.UeiSAM,
        ["cageCode"] = r.ExclusionIdentification?.CageCode,
        ["classificationType"] = r.ExclusionDetails?.ClassificationType,
        ["exclusionType"] = r.ExclusionDetails?.ExclusionType,
        ["exclusionProgram"] = r.ExclusionDetails?.ExclusionProgram,
        ["excludingAgency"] = r.ExclusionDetails?.ExcludingAgencyName,
        ["activateDate"] = r.ExclusionActions?.ListOfActions?.FirstOrDefault()?.ActivateDate,
        ["terminationType"] = r.ExclusionActions?.ListOfActions?.FirstOrDefault()?.TerminationType,
        ["countryCode"] = r.ExclusionPrimaryAddress?.CountryCode,
    };
}
