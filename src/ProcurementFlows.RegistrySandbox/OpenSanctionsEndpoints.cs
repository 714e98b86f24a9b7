using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>
/// yente's <c>POST /match/{dataset}</c> over a small embedded index. Scores come from a simple token match
/// (Dice coefficient of normalised name tokens, legal forms dropped, a birth-date mismatch penalised): not
/// yente's algorithm, but the same request and response shapes, threshold, limit, topics and exclusions.
/// </summary>
internal static class OpenSanctionsEndpoints
{
    private const int MaxQueries = 100;
    private const int MaxExcludedIds = 50;
    private const double ReturnCutoff = 0.3;

    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal)
    {
        "as", "asa", "llc", "ltd", "limited", "inc", "corp", "corporation", "gmbh", "ag", "ab", "oy", "sa", "plc", "fze", "ooo", "ооо", "tov", "тов", "co", "kg",
    };

    private static readonly string[] Datasets = ["default", "sanctions"];

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/opensanctions/match/{dataset}", async (string dataset, HttpContext http, SampleData data, SandboxOptions options) =>
        {
            if (options.OpenSanctionsApiKey is { } expected && http.Request.Headers.Authorization.ToString() != "ApiKey " + expected)
            {
                return Detail("Invalid or missing API key (Authorization: ApiKey <key>).", StatusCodes.Status403Forbidden);
            }

            if (!Datasets.Contains(dataset))
            {
                return Detail($"Dataset not found: {dataset}", StatusCodes.Status404NotFound);
            }

            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
            }
            catch (JsonException e)
            {
                return Detail("Invalid JSON body: " + e.Message, StatusCodes.Status400BadRequest);
            }

            if (body?["queries"] is not JsonObject queries || queries.Count == 0)
            {
                return Detail("The body needs a non-empty 'queries' object.", StatusCodes.Status400BadRequest);
            }

            if (queries.Count > MaxQueries)
            {
                return Detail($"Too many queries in one batch: {queries.Count} > {MaxQueries}.", StatusCodes.Status400BadRequest);
            }

            var query = http.Request.Query;
            var threshold = double.TryParse(query["threshold"], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0.70;
            var limit = Math.Clamp(int.TryParse(query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 5, 1, 10);
            var topics = query["topics"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToHashSet(StringComparer.Ordinal);
            var excluded = query["exclude_entity_ids"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToHashSet(StringComparer.Ordinal);
            if (excluded.Count > MaxExcludedIds)
            {
                return Detail($"Too many exclude_entity_ids: {excluded.Count} > {MaxExcludedIds}.", StatusCodes.Status400BadRequest);
            }

            var index = (JsonArray)data.Json("opensanctions/entities.json")!;
            var responses = new JsonObject();
            foreach (var (key, node) in queries)
            {
                if (node is not JsonObject q || q["schema"]?.GetValueKind() != JsonValueKind.String || q["properties"] is not JsonObject properties)
                {
                    return Detail($"Query '{key}' needs a 'schema' and a 'properties' object.", StatusCodes.Status400BadRequest);
                }

                var schema = q["schema"]!.GetValue<string>();
                var results = index
                    .OfType<JsonObject>()
                    .Where(e => !excluded.Contains(e["id"]!.GetValue<string>()))
                    .Where(e => topics.Count == 0 || Values(e["properties"]?["topics"]).Any(topics.Contains))
                    .Where(e => SchemaFits(schema, e["schema"]!.GetValue<string>()))
                    .Select(e => (Entity: e, Score: Score(properties, e)))
                    .Where(r => r.Score >= ReturnCutoff)
                    .OrderByDescending(r => r.Score)
                    .Take(limit)
                    .Select(r => Result(r.Entity, r.Score, threshold))
                    .ToList();
                responses[key] = new JsonObject
                {
                    ["status"] = 200,
                    ["results"] = new JsonArray([.. results]),
                    ["total"] = new JsonObject { ["value"] = results.Count, ["relation"] = "eq" },
                    ["query"] = new JsonObject { ["id"] = null, ["schema"] = schema, ["properties"] = properties.DeepClone() },
                };
            }

            var answer = new JsonObject
            {
                ["responses"] = responses,
                ["matcher"] = new JsonObject { ["name_tokens"] = new JsonObject { ["description"] = "Sandbox: Dice coefficient of normalised name tokens.", ["coefficient"] = 1.0 } },
                ["limit"] = limit,
            };
            http.Response.Headers["x-batch-size"] = queries.Count.ToString(CultureInfo.InvariantCulture);
            return Results.Text(answer.ToJsonString(), "application/json");
        });

    private static JsonObject Result(JsonObject entity, double score, double threshold)
    {
        var result = (JsonObject)entity.DeepClone();
        var rounded = Math.Round(score, 3);
        result["score"] = rounded;
        result["match"] = rounded >= threshold;
        result["features"] = new JsonObject { ["name_tokens"] = rounded };
        return result;
    }

    private static bool SchemaFits(string querySchema, string entitySchema) => querySchema switch
    {
        "Person" => entitySchema == "Person",
        "Company" or "Organization" => entitySchema is "Company" or "Organization" or "LegalEntity",
        _ => true,
    };

    private static double Score(JsonObject queryProperties, JsonObject entity)
    {
        var names = Values(entity["properties"]?["name"]).Concat(Values(entity["properties"]?["alias"])).ToList();
        var best = 0.0;
        foreach (var queryName in Values(queryProperties["name"]))
        {
            var queryTokens = Tokens(queryName);
            foreach (var name in names)
            {
                var tokens = Tokens(name);
                if (queryTokens.Count + tokens.Count == 0)
                {
                    continue;
                }

                best = Math.Max(best, 2.0 * queryTokens.Intersect(tokens).Count() / (queryTokens.Count + tokens.Count));
            }
        }

        var queryBirth = Values(queryProperties["birthDate"]).FirstOrDefault();
        var entityBirth = Values(entity["properties"]?["birthDate"]).FirstOrDefault();
        if (queryBirth is { Length: >= 4 } && entityBirth is { Length: >= 4 } && queryBirth[..4] != entityBirth[..4])
        {
            best *= 0.6;
        }

        return best;
    }

    private static HashSet<string> Tokens(string name) =>
        name.ToLowerInvariant()
            .Split([' ', ',', '.', '"', '«', '»', '-', '(', ')', '&', '/'], StringSplitOptions.RemoveEmptyEntries)
            .Where(token => !LegalForms.Contains(token))
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Values(JsonNode? node) =>
        node is JsonArray array ? array.Where(v => v?.GetValueKind() == JsonValueKind.String).Select(v => v!.GetValue<string>()) : [];

    private static IResult Detail(string detail, int status) =>
        Results.Text(new JsonObject { ["detail"] = detail }.ToJsonString(), "application/json", statusCode: status);
}
