using System.Text.Json.Serialization;

namespace ProcurementFlows.Registries.Prozorro;

// Shapes of public-api.prozorro.gov.ua/api/2.5: bodies wrapped in {"data": ...}.

internal sealed record ProzorroEnvelope<T>(T? Data);

internal sealed record ProzorroFeedPage
{
    public IReadOnlyList<ProzorroFeedItem>? Data { get; init; }

    [JsonPropertyName("next_page")]
    public ProzorroNextPage? NextPage { get; init; }
}

internal sealed record ProzorroFeedItem(string? Id, string? DateModified, string? Status, string? ProcurementMethodType);

internal sealed record ProzorroNextPage(string? Offset, string? Path, string? Uri);

internal sealed record ProzorroTender
{
    public string? Id { get; init; }

    public string? TenderID { get; init; }

    public string? Status { get; init; }

    public string? ProcurementMethod { get; init; }

    public string? ProcurementMethodType { get; init; }

    public string? Title { get; init; }

    public ProzorroOrganization? ProcuringEntity { get; init; }

    public ProzorroValue? Value { get; init; }

    public ProzorroPeriod? TenderPeriod { get; init; }

    public IReadOnlyList<ProzorroAward>? Awards { get; init; }

    public IReadOnlyList<ProzorroContract>? Contracts { get; init; }

    public string? DateModified { get; init; }
}

internal sealed record ProzorroOrganization
{
    public string? Name { get; init; }

    public string? Kind { get; init; }

    public ProzorroIdentifier? Identifier { get; init; }
}

internal sealed record ProzorroIdentifier(string? Scheme, string? Id, string? LegalName);

internal sealed record ProzorroValue(decimal? Amount, string? Currency, bool? ValueAddedTaxIncluded);

internal sealed record ProzorroPeriod(string? StartDate, string? EndDate);

internal sealed record ProzorroAward
{
    public string? Id { get; init; }

    public string? Status { get; init; }

    public IReadOnlyList<ProzorroOrganization>? Suppliers { get; init; }

    public ProzorroValue? Value { get; init; }
}

internal sealed record ProzorroContract
{
    public string? Id { get; init; }

    public string? AwardID { get; init; }

    public string? Status { get; init; }

    public string? ContractID { get; init; }

    public ProzorroValue? Value { get; init; }

    public IReadOnlyList<ProzorroOrganization>? Suppliers { get; init; }

    public string? DateSigned { get; init; }
}
