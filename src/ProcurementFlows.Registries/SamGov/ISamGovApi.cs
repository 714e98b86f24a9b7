using Refit;

namespace ProcurementFlows.Registries.SamGov;

/// <summary>api.sam.gov. The <c>api_key</c> query parameter is added by <see cref="Http.SamGovApiKeyHandler"/>.</summary>
internal interface ISamGovApi
{
    [Get("/entity-information/v3/entities")]
    Task<IApiResponse<SamEntityResponse>> GetEntitiesAsync(
        [AliasAs("ueiSAM")] string? uei,
        [AliasAs("cageCode")] string? cageCode,
        [AliasAs("legalBusinessName")] string? legalBusinessName,
        [AliasAs("includeSections")] string includeSections,
        int page,
        int size,
        CancellationToken cancellationToken);

    [Get("/entity-information/v4/exclusions")]
    Task<IApiResponse<SamExclusionsResponse>> GetExclusionsAsync(
        [AliasAs("ueiSAM")] string? uei,
        [AliasAs("cageCode")] string? cageCode,
        [AliasAs("q")] string? query,
        [AliasAs("classification")] string? classification,
        int page,
        CancellationToken cancellationToken);
}
