using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcurementFlows.Registries.OpenSanctions;

// Shapes of yente's POST /match/{dataset} (yente/data/common.py and the OpenSanctions API docs).

internal sealed record MatchRequest(IReadOnlyDictionary<string, MatchQuery> Queries)
{
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double>();
}

/// <summary>One query: an entity schema (<c>Company</c>, <c>Person</c>, <c>LegalEntity</c>...) and its properties.</summary>
internal sealed record MatchQuery(string Schema, IReadOnlyDictionary<string, IReadOnlyList<string>> Properties);

internal sealed record MatchResponse
{
    public IReadOnlyDictionary<string, MatchQueryResponse>? Responses { get; init; }

    public int? Limit { get; init; }
}

internal sealed record MatchQueryResponse
{
    public int? Status { get; init; }

    public MatchTotal? Total { get; init; }

    public IReadOnlyList<MatchResult>? Results { get; init; }
}

internal sealed record MatchTotal(int? Value, string? Relation);

internal sealed record MatchResult
{
    public string? Id { get; init; }

    public string? Caption { get; init; }

    public string? Schema { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Properties { get; init; }

    public IReadOnlyList<string>? Datasets { get; init; }

    public IReadOnlyList<string>? Referents { get; init; }

    public bool? Target { get; init; }

    [JsonPropertyName("first_seen")]
    public string? FirstSeen { get; init; }

    [JsonPropertyName("last_seen")]
    public string? LastSeen { get; init; }

    [JsonPropertyName("last_change")]
    public string? LastChange { get; init; }

    public double Score { get; init; }

    public bool Match { get; init; }

    public IReadOnlyDictionary<string, double>? Features { get; init; }
}

/// <summary>yente's 4xx body.</summary>
internal sealed record YenteError(string? Detail);
