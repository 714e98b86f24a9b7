using Refit;

namespace ProcurementFlows.Registries.Prozorro;

/// <summary>public-api.prozorro.gov.ua/api/2.5 (read-only).</summary>
internal interface IProzorroApi
{
    [Get("/tenders/{id}")]
    Task<IApiResponse<ProzorroEnvelope<ProzorroTender>>> GetTenderAsync(string id, CancellationToken cancellationToken);

    [Get("/contracts/{id}")]
    Task<IApiResponse<ProzorroEnvelope<ProzorroContract>>> GetContractAsync(string id, CancellationToken cancellationToken);

    /// <summary>The change feed; poll at most every 5 minutes.</summary>
    [Get("/tenders")]
    Task<IApiResponse<ProzorroFeedPage>> GetTenderFeedAsync(
        int limit,
        string? offset,
        int? descending,
        [AliasAs("opt_fields")] string? optFields,
        CancellationToken cancellationToken);
}
