using System.Text.Json.Nodes;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>api.sam.gov entity-information: v3 entities and v4 exclusions; both demand <c>api_key</c>.</summary>
internal static class SamGovEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var sam = routes.MapGroup("/sam/entity-information");
        sam.MapGet("/v3/entities", (HttpContext http, SampleData data, SandboxOptions options) =>
        {
            if (KeyProblem(http, options) is { } problem)
            {
                return problem;
            }

            var query = http.Request.Query;
            var uei = query["ueiSAM"].ToString();
            var cage = query["cageCode"].ToString();
            var name = query["legalBusinessName"].ToString();
            var matches = ((JsonArray)data.Json("sam/entities.json")!)
                .Where(e => e!["entityRegistration"] is { } r
                    && (uei.Length == 0 || Equal(r["ueiSAM"], uei))
                    && (cage.Length == 0 || Equal(r["cageCode"], cage))
                    && (name.Length == 0 || (r["legalBusinessName"]?.GetValue<string>() ?? string.Empty).Contains(name, StringComparison.OrdinalIgnoreCase)))
                .Select(e => e!.DeepClone())
                .ToList();
            var body = new JsonObject
            {
                ["totalRecords"] = matches.Count,
                ["entityData"] = new JsonArray([.. matches]),
                ["links"] = new JsonObject { ["selfLink"] = "https://api.sam.gov/entity-information/v3/entities?page=0&size=10" },
            };
            return Results.Text(body.ToJsonString(), "application/json");
        });

        sam.MapGet("/v4/exclusions", (HttpContext http, SampleData data, SandboxOptions options) =>
        {
            if (KeyProblem(http, options) is { } problem)
            {
                return problem;
            }

            var query = http.Request.Query;
            var uei = query["ueiSAM"].ToString();
            var cage = query["cageCode"].ToString();
            var text = query["q"].ToString();
            var classification = query["classification"].ToString();
            var matches = ((JsonArray)data.Json("sam/exclusions.json")!)
                .Where(e => e!["exclusionIdentification"] is { } id
                    && (uei.Length == 0 || Equal(id["ueiSAM"], uei))
                    && (cage.Length == 0 || Equal(id["cageCode"], cage))
                    && (text.Length == 0 || (id["entityName"]?.GetValue<string>() ?? string.Empty).Contains(text, StringComparison.OrdinalIgnoreCase))
                    && (classification.Length == 0 || Equal(e["exclusionDetails"]?["classificationType"], classification)))
                .Select(e => e!.DeepClone())
                .ToList();
            var body = new JsonObject { ["totalRecords"] = matches.Count, ["excludedEntity"] = new JsonArray([.. matches]) };
            return Results.Text(body.ToJsonString(), "application/json");
        });
    }

    private static bool Equal(JsonNode? node, string value) =>
        node is not null && string.Equals(node.GetValue<string>(), value, StringComparison.OrdinalIgnoreCase);

    /// <summary>api.data.gov's answers for a missing or wrong key.</summary>
    private static IResult? KeyProblem(HttpContext http, SandboxOptions options)
    {
        var key = http.Request.Query["api_key"].ToString();
        if (key.Length == 0)
        {
            return Results.Text("""{"error":{"code":"API_KEY_MISSING","message":"No api_key was supplied. Get one at https://api.data.gov:443"}}""", "application/json", statusCode: StatusCodes.Status403Forbidden);
        }

        return key == options.SamGovApiKey
            ? null
            : Results.Text("""{"error":{"code":"API_KEY_INVALID","message":"An invalid api_key was supplied. Get one at https://api.data.gov:443"}}""", "application/json", statusCode: StatusCodes.Status403Forbidden);
    }
}
