using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Registries.Gleif;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// <c>registry.lei-check</c>: both GLEIF statuses. An INACTIVE entity or a RETIRED/ANNULLED/DUPLICATE/MERGED LEI
/// is a hit; an ACTIVE entity with a LAPSED (or pending) LEI needs review; ACTIVE + ISSUED is clear.
/// Writes <c>leiCheck</c>.
/// </summary>
internal sealed class LeiCheckHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger<LeiCheckHandler> logger) : RegistryHandler(scopes, time, logger)
{
    public const string TopicName = "registry.lei-check";

    private static readonly HashSet<string> DeadRegistrations = new(StringComparer.Ordinal) { "RETIRED", "ANNULLED", "DUPLICATE", "MERGED" };

    public override string Topic => TopicName;

    public override string OutputVariable => "leiCheck";

    protected override RegistryId Registry => RegistryId.Gleif;

    protected override async Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var api = services.GetRequiredService<IGleifApi>();
        var supplier = SupplierInput.From(context.Variables, Registry);
        if (supplier.Lei is null)
        {
            return Findings(VettingStatus.NotFound, $"{supplier.Name} gave no LEI.", ["No LEI was given (supplier.lei); check whether the supplier should hold one."], [], []);
        }

        if (!Identifiers.IsLei(supplier.Lei))
        {
            throw new InvalidVettingInputException(Registry, $"supplier.lei '{supplier.Lei}' is not a valid LEI (20 characters with ISO 17442 check digits).");
        }

        var lei = supplier.Lei;
        var reply = await RegistryCall.SendAsync(Registry, () => api.GetLeiRecordAsync(lei, cancellationToken), cancellationToken, HttpStatusCode.NotFound);
        if (reply.StatusCode == HttpStatusCode.NotFound)
        {
            return Findings(VettingStatus.NotFound, $"LEI {lei} is not in GLEIF.", [$"GLEIF has no record for LEI {lei}."], [reply.Request], new JsonObject { ["lei"] = lei, ["httpStatus"] = 404 });
        }

        var attributes = reply.Content!.Data?.Attributes
            ?? throw new RegistryResponseException(Registry, $"GLEIF answered {reply.Request} without data.attributes.");
        var entityStatus = attributes.Entity?.Status;
        var registrationStatus = attributes.Registration?.Status;
        var name = attributes.Entity?.LegalName?.Name ?? lei;
        var evidence = new JsonObject
        {
            ["lei"] = attributes.Lei ?? lei,
            ["legalName"] = name,
            ["jurisdiction"] = attributes.Entity?.Jurisdiction,
            ["registeredAs"] = attributes.Entity?.RegisteredAs,
            ["legalAddressCountry"] = attributes.Entity?.LegalAddress?.Country,
            ["entityStatus"] = entityStatus,
            ["expirationReason"] = attributes.Entity?.Expiration?.Reason,
            ["registrationStatus"] = registrationStatus,
            ["nextRenewalDate"] = attributes.Registration?.NextRenewalDate,
            ["lastUpdateDate"] = attributes.Registration?.LastUpdateDate,
            ["managingLou"] = attributes.Registration?.ManagingLou,
            ["corroborationLevel"] = attributes.Registration?.CorroborationLevel,
        };

        var hits = new List<string>();
        var review = new List<string>();
        if (entityStatus != "ACTIVE")
        {
            hits.Add($"The legal entity is {entityStatus ?? "of unknown status"}{(attributes.Entity?.Expiration?.Reason is { } r ? " (" + r + ")" : string.Empty)}.");
        }

        if (registrationStatus is not null && DeadRegistrations.Contains(registrationStatus))
        {
            hits.Add($"The LEI is {registrationStatus}.");
        }
        else if (registrationStatus == "LAPSED")
        {
            review.Add($"The LEI is LAPSED: not renewed since {attributes.Registration?.NextRenewalDate ?? "its renewal date"}; reference data may be stale.");
        }
        else if (registrationStatus != "ISSUED")
        {
            review.Add($"The LEI registration status is {registrationStatus ?? "missing"}.");
        }

        if (supplier.OrgNumber is not null && attributes.Entity?.RegisteredAs is { } registeredAs
            && !string.Equals(registeredAs.Replace(" ", string.Empty, StringComparison.Ordinal), supplier.OrgNumber, StringComparison.OrdinalIgnoreCase))
        {
            review.Add($"The LEI is registered as {registeredAs}, but the supplier's organisation number is {supplier.OrgNumber}.");
        }

        if (hits.Count > 0)
        {
            return Findings(VettingStatus.Hit, $"{name}: LEI {lei} is not valid for an active entity.", [.. hits, .. review], [reply.Request], evidence);
        }

        return review.Count > 0
            ? Findings(VettingStatus.NeedsReview, $"{name}: LEI {lei} needs review ({entityStatus}/{registrationStatus}).", review, [reply.Request], evidence)
            : Findings(VettingStatus.Clear, $"{name}: ACTIVE entity with ISSUED LEI {lei}.", [], [reply.Request], evidence);
    }
}
