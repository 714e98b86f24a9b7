namespace ProcurementFlows.RegistrySandbox;

/// <summary>api.gleif.org/api/v1 (JSON:API, <c>application/vnd.api+json</c>).</summary>
internal static class GleifEndpoints
{
    private const string JsonApi = "application/vnd.api+json";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/gleif/api/v1/lei-records/{lei}", (string lei, SampleData data) =>
            data.Raw($"gleif/lei-records/{lei.ToUpperInvariant()}.json") is { } record
                ? Results.Text(record, JsonApi)
                : Results.Text("""{"errors":[{"status":"404","title":"Not Found"}]}""", JsonApi, statusCode: StatusCodes.Status404NotFound));
}
