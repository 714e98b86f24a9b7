using Refit;

namespace ProcurementFlows.Registries.OpenSanctions;

/// <summary>OpenSanctions hosted API or a self-hosted yente.</summary>
internal interface IOpenSanctionsApi
{
    [Post("/match/{dataset}")]
    Task<IApiResponse<MatchResponse>> MatchAsync(
        string dataset,
        [Body] MatchRequest request,
        [Query] string threshold,
        [Query] int limit,
        [Query(CollectionFormat.Multi)] IEnumerable<string> topics,
        [Query(CollectionFormat.Multi), AliasAs("exclude_entity_ids")] IEnumerable<string>? excludeEntityIds,
        [Query] string? algorithm,
        CancellationToken cancellationToken);
}
