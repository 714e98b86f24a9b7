namespace ProcurementFlows.Registries.Gleif;

// JSON:API shapes of api.gleif.org/api/v1/lei-records/{lei}.

internal sealed record GleifLeiRecordDocument(GleifLeiRecord? Data);

internal sealed record GleifLeiRecord
{
    public string? Type { get; init; }

    public string? Id { get; init; }

    public GleifAttributes? Attributes { get; init; }
}

internal sealed record GleifAttributes
{
    public string? Lei { get; init; }

    public GleifEntity? Entity { get; init; }

    public GleifRegistration? Registration { get; init; }

    public IReadOnlyList<string>? Bic { get; init; }

    public string? ConformityFlag { get; init; }
}

internal sealed record GleifEntity
{
    public GleifName? LegalName { get; init; }

    public string? Jurisdiction { get; init; }

    public string? Category { get; init; }

    public string? RegisteredAs { get; init; }

    public GleifAddress? LegalAddress { get; init; }

    public string? Status { get; init; }

    public GleifExpiration? Expiration { get; init; }

    public GleifSuccessor? SuccessorEntity { get; init; }
}

internal sealed record GleifName(string? Name, string? Language);

internal sealed record GleifAddress(IReadOnlyList<string>? AddressLines, string? City, string? Country, string? PostalCode);

internal sealed record GleifExpiration(string? Date, string? Reason);

internal sealed record GleifSuccessor(string? Lei, string? Name);

internal sealed record GleifRegistration
{
    public string? InitialRegistrationDate { get; init; }

    public string? LastUpdateDate { get; init; }

    public string? Status { get; init; }

    public string? NextRenewalDate { get; init; }

    public string? ManagingLou { get; init; }

    public string? CorroborationLevel { get; init; }
}
