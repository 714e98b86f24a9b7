using Refit;

namespace ProcurementFlows.Registries.Gleif;

/// <summary>api.gleif.org/api/v1 (JSON:API).</summary>
internal interface IGleifApi
{
    [Get("/lei-records/{lei}")]
    [Headers("Accept: application/vnd.api+json")]
    Task<IApiResponse<GleifLeiRecordDocument>> GetLeiRecordAsync(string lei, CancellationToken cancellationToken);
}
