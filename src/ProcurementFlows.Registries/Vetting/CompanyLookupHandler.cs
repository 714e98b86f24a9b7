using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Registries.Brreg;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.SamGov;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// <c>registry.company-lookup</c>: existence and insolvency. Norwegian suppliers (<c>NO-BRC</c>) are looked up in
/// Brønnøysund (entity, roles, annual accounts); suppliers with only a SAM.gov UEI in SAM.gov's entity API; any
/// other scheme (e.g. <c>UA-EDR</c>) has no automated registry and needs manual review. Writes <c>companyLookup</c>.
/// </summary>
internal sealed class CompanyLookupHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger<CompanyLookupHandler> logger)
    : RegistryHandler(scopes, time, logger)
{
    public const string TopicName = "registry.company-lookup";

    public override string Topic => TopicName;

    public override string OutputVariable => "companyLookup";

    protected override RegistryId Registry => RegistryId.Brreg;

    protected override async Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var supplier = SupplierInput.From(context.Variables, RegistryId.Brreg);
        var scheme = supplier.EffectiveScheme;
        if (scheme == "NO-BRC")
        {
            return await LookUpBrregAsync(services.GetRequiredService<IBrregApi>(), supplier, cancellationToken);
        }

        if (scheme is null && supplier.Uei is not null)
        {
            return await LookUpSamAsync(services.GetRequiredService<ISamGovApi>(), supplier, cancellationToken);
        }

        var evidence = new JsonObject { ["scheme"] = scheme, ["identifier"] = supplier.OrgNumber, ["country"] = supplier.Country };
        var reason = scheme is null
            ? "No registration number with a known scheme was given (set supplier.orgNumber with supplier.country or supplier.orgScheme)."
            : $"No automated company registry is connected for scheme {scheme}: verify the registration of '{supplier.Name}' ({supplier.OrgNumber ?? "no number"}) manually.";
        return Findings(VettingStatus.NeedsReview, "Company registration must be verified manually.", [reason], [], evidence);
    }

    private async Task<VettingFindings> LookUpBrregAsync(IBrregApi brreg, SupplierInput supplier, CancellationToken cancellationToken)
    {
        var orgNumber = supplier.OrgNumber;
        if (!Identifiers.IsNorwegianOrgNumber(orgNumber))
        {
            throw new InvalidVettingInputException(
                RegistryId.Brreg,
                orgNumber is null
                    ? "supplier.orgNumber is required for a Norwegian supplier."
                    : $"supplier.orgNumber '{orgNumber}' is not a valid Norwegian organisation number (9 digits with a modulus-11 check digit).");
        }

        var reply = await RegistryCall.SendAsync(
            RegistryId.Brreg, () => brreg.GetEntityAsync(orgNumber!, cancellationToken), cancellationToken, HttpStatusCode.NotFound, HttpStatusCode.Gone);
        var requests = new List<string> { reply.Request };

        if (reply.StatusCode == HttpStatusCode.NotFound)
        {
            return Findings(
                VettingStatus.NotFound,
                $"{orgNumber} is not in Enhetsregisteret.",
                [$"Brønnøysund does not know organisation number {orgNumber}."],
                requests,
                new JsonObject { ["organisasjonsnummer"] = orgNumber, ["httpStatus"] = 404 });
        }

        if (reply.StatusCode == HttpStatusCode.Gone)
        {
            var removed = RegistryCall.ReadErrorBody(RegistryId.Brreg, reply.ErrorBody, RegistriesJsonContext.Default.BrregRemoved, reply.Request);
            return Findings(
                VettingStatus.Hit,
                $"{orgNumber} was removed from Enhetsregisteret's open data.",
                [$"Removed from the open register (HTTP 410){(removed?.Slettedato is { } d ? "; deleted on " + d : string.Empty)}: not an active entity."],
                requests,
                new JsonObject { ["organisasjonsnummer"] = orgNumber, ["httpStatus"] = 410, ["slettedato"] = removed?.Slettedato });
        }

        var entity = reply.Content!;
        var evidence = EntityEvidence(entity);
        if (entity.ResponsKlasse == "SlettetEnhet" || entity.Slettedato is not null)
        {
            return Findings(
                VettingStatus.Hit,
                $"{entity.Navn ?? orgNumber} is deleted from Enhetsregisteret.",
                [$"Deleted on {entity.Slettedato ?? "an unknown date"} (SlettetEnhet): not an active entity."],
                requests,
                evidence);
        }

        var reasons = InsolvencyReasons(entity);
        if (reasons.Count > 0)
        {
            return Findings(VettingStatus.Hit, $"{entity.Navn} is insolvent or being dissolved.", reasons, requests, evidence);
        }

        var roles = await RegistryCall.SendAsync(
            RegistryId.Brreg, () => brreg.GetRolesAsync(orgNumber!, cancellationToken), cancellationToken, HttpStatusCode.NotFound);
        requests.Add(roles.Request);
        evidence["roles"] = RolesEvidence(roles.Content);

        var accounts = await RegistryCall.SendAsync(
            RegistryId.Brreg, () => brreg.GetAnnualAccountsAsync(orgNumber!, cancellationToken), cancellationToken, HttpStatusCode.NotFound);
        requests.Add(accounts.Request);
        var latest = accounts.Content?
            .OrderByDescending(a => a.Regnskapsperiode?.TilDato, StringComparer.Ordinal)
            .FirstOrDefault();
        evidence["annualAccounts"] = AccountsEvidence(latest);

        var review = new List<string>();
        if (latest?.EgenkapitalGjeld?.Egenkapital?.SumEgenkapital is < 0 and var equity)
        {
            review.Add($"Negative equity ({equity.ToString("N0", CultureInfo.InvariantCulture)} {latest.Valuta}) in the accounts for {latest.Regnskapsperiode?.TilDato}: check financial standing.");
        }

        return review.Count > 0
            ? Findings(VettingStatus.NeedsReview, $"{entity.Navn} is active; its financial standing needs review.", review, requests, evidence)
            : Findings(VettingStatus.Clear, $"{entity.Navn} is an active entity in Enhetsregisteret.", [], requests, evidence);
    }

    private async Task<VettingFindings> LookUpSamAsync(ISamGovApi sam, SupplierInput supplier, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsUei(supplier.Uei))
        {
            throw new InvalidVettingInputException(RegistryId.SamGov, $"supplier.uei '{supplier.Uei}' is not a SAM.gov Unique Entity ID (12 letters and digits).");
        }

        var reply = await RegistryCall.SendAsync(
            RegistryId.SamGov,
            () => sam.GetEntitiesAsync(supplier.Uei, null, null, "entityRegistration,coreData", 0, 10, cancellationToken),
            cancellationToken);
        var registration = reply.Content!.EntityData?.Select(e => e.EntityRegistration).FirstOrDefault(r => r is not null);
        if (registration is null)
        {
            return Findings(RegistryId.SamGov, VettingStatus.NotFound, $"UEI {supplier.Uei} is not registered in SAM.gov.", [$"SAM.gov has no entity with UEI {supplier.Uei}."], [reply.Request], new JsonObject { ["ueiSAM"] = supplier.Uei });
        }

        var evidence = new JsonObject
        {
            ["ueiSAM"] = registration.UeiSAM,
            ["cageCode"] = registration.CageCode,
            ["legalBusinessName"] = registration.LegalBusinessName,
            ["registrationStatus"] = registration.RegistrationStatus,
            ["registrationExpirationDate"] = registration.RegistrationExpirationDate,
            ["ueiStatus"] = registration.UeiStatus,
            ["exclusionStatusFlag"] = registration.ExclusionStatusFlag,
        };
        var reasons = new List<string>();
        if (registration.ExclusionStatusFlag == "Y")
        {
            reasons.Add("SAM.gov flags an active exclusion for this entity.");
            return Findings(RegistryId.SamGov, VettingStatus.Hit, $"{registration.LegalBusinessName} has an active SAM.gov exclusion.", reasons, [reply.Request], evidence);
        }

        if (!string.Equals(registration.RegistrationStatus, "Active", StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add($"SAM.gov registration is {registration.RegistrationStatus ?? "unknown"} (expired {registration.RegistrationExpirationDate ?? "unknown"}).");
            return Findings(RegistryId.SamGov, VettingStatus.NeedsReview, $"{registration.LegalBusinessName}'s SAM.gov registration is not active.", reasons, [reply.Request], evidence);
        }

        return Findings(RegistryId.SamGov, VettingStatus.Clear, $"{registration.LegalBusinessName} has an active SAM.gov registration.", reasons, [reply.Request], evidence);
    }

    private static List<string> InsolvencyReasons(BrregEntity entity)
    {
        var reasons = new List<string>();
        if (entity.Konkurs == true)
        {
            reasons.Add($"Bankrupt (konkurs){Since(entity.Konkursdato)}.");
        }

        if (entity.UnderAvvikling == true)
        {
            reasons.Add($"Being wound up (under avvikling){Since(entity.UnderAvviklingDato)}.");
        }

        if (entity.UnderTvangsavviklingEllerTvangsopplosning == true)
        {
            var grounds = new (string? Date, string Ground)[]
            {
                (entity.TvangsavvikletPgaManglendeSlettingDato, "not deleted after winding-up"),
                (entity.TvangsopplostPgaManglendeDagligLederDato, "no general manager"),
                (entity.TvangsopplostPgaManglendeRevisorDato, "no auditor"),
                (entity.TvangsopplostPgaManglendeRegnskapDato, "no annual accounts filed"),
                (entity.TvangsopplostPgaMangelfulltStyreDato, "deficient board"),
            }.Where(g => g.Date is not null).Select(g => $"{g.Ground} since {g.Date}").ToList();
            reasons.Add("Under compulsory winding-up or dissolution (tvangsavvikling/tvangsoppløsning)"
                + (grounds.Count > 0 ? ": " + string.Join("; ", grounds) : string.Empty) + ".");
        }

        return reasons;
    }

    private static string Since(string? date) => date is null ? string.Empty : " since " + date;

    private static JsonObject EntityEvidence(BrregEntity e) => new()
    {
        ["organisasjonsnummer"] = e.Organisasjonsnummer,
        ["navn"] = e.Navn,
        ["responsKlasse"] = e.ResponsKlasse,
        ["organisasjonsform"] = e.Organisasjonsform?.Kode,
        ["registreringsdato"] = e.RegistreringsdatoEnhetsregisteret,
        ["naeringskode"] = e.Naeringskode1?.Kode,
        ["antallAnsatte"] = e.AntallAnsatte,
        ["landkode"] = e.Forretningsadresse?.Landkode,
        ["konkurs"] = e.Konkurs,
        ["konkursdato"] = e.Konkursdato,
        ["underAvvikling"] = e.UnderAvvikling,
        ["underAvviklingDato"] = e.UnderAvviklingDato,
        ["underTvangsavviklingEllerTvangsopplosning"] = e.UnderTvangsavviklingEllerTvangsopplosning,
        ["slettedato"] = e.Slettedato,
        ["sisteInnsendteAarsregnskap"] = e.SisteInnsendteAarsregnskap,
    };

    private static JsonArray RolesEvidence(BrregRoles? roles)
    {
        var result = new JsonArray();
        foreach (var group in roles?.Rollegrupper ?? [])
        {
            foreach (var role in group.Roller ?? [])
            {
                var name = role.Person?.Navn is { } n
                    ? string.Join(' ', new[] { n.Fornavn, n.Mellomnavn, n.Etternavn }.Where(p => !string.IsNullOrEmpty(p)))
                    : role.Enhet?.Navn is { Count: > 0 } entityName ? string.Join(' ', entityName) : null;
                result.Add(new JsonObject
                {
                    ["role"] = role.Type?.Kode,
                    ["description"] = role.Type?.Beskrivelse,
                    ["name"] = name,
                    ["birthDate"] = role.Person?.Fodselsdato,
                    ["organisasjonsnummer"] = role.Enhet?.Organisasjonsnummer,
                    ["resigned"] = role.Fratraadt ?? false,
                });
            }
        }

        return result;
    }

    private static JsonObject? AccountsEvidence(BrregAnnualAccounts? accounts) => accounts is null
        ? null
        : new JsonObject
        {
            ["periodFrom"] = accounts.Regnskapsperiode?.FraDato,
            ["periodTo"] = accounts.Regnskapsperiode?.TilDato,
            ["currency"] = accounts.Valuta,
            ["equity"] = accounts.EgenkapitalGjeld?.Egenkapital?.SumEgenkapital,
            ["debt"] = accounts.EgenkapitalGjeld?.GjeldOversikt?.SumGjeld,
            ["operatingIncome"] = accounts.ResultatregnskapResultat?.Driftsresultat?.Driftsinntekter?.SumDriftsinntekter,
            ["netResult"] = accounts.ResultatregnskapResultat?.Aarsresultat,
        };
}
