using System.Text.Json.Serialization;

namespace ProcurementFlows.Registries.Brreg;

// Shapes of data.brreg.no (Enhetsregisteret v2, Regnskapsregisteret). Only the fields vetting reads are
// modelled; unknown fields are ignored.

/// <summary>An entity (<c>respons_klasse</c> <c>Enhet</c>) or a deleted one (<c>SlettetEnhet</c> with <c>slettedato</c>).</summary>
internal sealed record BrregEntity
{
    public string? Organisasjonsnummer { get; init; }

    public string? Navn { get; init; }

    public BrregCode? Organisasjonsform { get; init; }

    public string? RegistreringsdatoEnhetsregisteret { get; init; }

    public string? Stiftelsesdato { get; init; }

    public BrregCode? Naeringskode1 { get; init; }

    public int? AntallAnsatte { get; init; }

    public string? SisteInnsendteAarsregnskap { get; init; }

    public BrregAddress? Forretningsadresse { get; init; }

    public bool? Konkurs { get; init; }

    public string? Konkursdato { get; init; }

    public bool? UnderAvvikling { get; init; }

    public string? UnderAvviklingDato { get; init; }

    public bool? UnderTvangsavviklingEllerTvangsopplosning { get; init; }

    public string? TvangsavvikletPgaManglendeSlettingDato { get; init; }

    public string? TvangsopplostPgaManglendeDagligLederDato { get; init; }

    public string? TvangsopplostPgaManglendeRevisorDato { get; init; }

    public string? TvangsopplostPgaManglendeRegnskapDato { get; init; }

    public string? TvangsopplostPgaMangelfulltStyreDato { get; init; }

    public string? Slettedato { get; init; }

    public bool? ErIKonsern { get; init; }

    [JsonPropertyName("respons_klasse")]
    public string? ResponsKlasse { get; init; }
}

internal sealed record BrregCode(string? Kode, string? Beskrivelse);

internal sealed record BrregAddress
{
    public string? Land { get; init; }

    public string? Landkode { get; init; }

    public string? Postnummer { get; init; }

    public string? Poststed { get; init; }

    public IReadOnlyList<string>? Adresse { get; init; }

    public string? Kommune { get; init; }
}

/// <summary>The 410 body: the entity was removed from the open data.</summary>
internal sealed record BrregRemoved(string? Organisasjonsnummer, string? Slettedato);

/// <summary><c>GET /enheter/{orgnr}/roller</c>.</summary>
internal sealed record BrregRoles
{
    public IReadOnlyList<BrregRoleGroup>? Rollegrupper { get; init; }
}

internal sealed record BrregRoleGroup
{
    public BrregCode? Type { get; init; }

    public IReadOnlyList<BrregRole>? Roller { get; init; }
}

internal sealed record BrregRole
{
    public BrregCode? Type { get; init; }

    public BrregPerson? Person { get; init; }

    public BrregRoleEntity? Enhet { get; init; }

    public bool? Fratraadt { get; init; }
}

internal sealed record BrregPerson
{
    public string? Fodselsdato { get; init; }

    public BrregName? Navn { get; init; }

    public bool? ErDoed { get; init; }
}

internal sealed record BrregName(string? Fornavn, string? Mellomnavn, string? Etternavn);

internal sealed record BrregRoleEntity
{
    public string? Organisasjonsnummer { get; init; }

    public IReadOnlyList<string>? Navn { get; init; }
}

/// <summary>One element of Regnskapsregisteret's bare JSON array.</summary>
internal sealed record BrregAnnualAccounts
{
    public long? Id { get; init; }

    public BrregPeriod? Regnskapsperiode { get; init; }

    public string? Valuta { get; init; }

    public BrregEquityAndLiabilities? EgenkapitalGjeld { get; init; }

    public BrregResult? ResultatregnskapResultat { get; init; }
}

internal sealed record BrregPeriod(string? FraDato, string? TilDato);

internal sealed record BrregEquityAndLiabilities
{
    public BrregEquity? Egenkapital { get; init; }

    public BrregDebt? GjeldOversikt { get; init; }
}

internal sealed record BrregEquity(decimal? SumEgenkapital);

internal sealed record BrregDebt(decimal? SumGjeld);

internal sealed record BrregResult
{
    public decimal? Aarsresultat { get; init; }

    public BrregOperatingResult? Driftsresultat { get; init; }
}

internal sealed record BrregOperatingResult
{
    public BrregOperatingIncome? Driftsinntekter { get; init; }
}

internal sealed record BrregOperatingIncome(decimal? SumDriftsinntekter);
