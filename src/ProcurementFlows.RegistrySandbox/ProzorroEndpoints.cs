using System.Globalization;
using System.Text.Json.Nodes;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>public-api.prozorro.gov.ua/api/2.5 (read-only; bodies wrapped in <c>{"data":...}</c>).</summary>
internal static class ProzorroEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/prozorro/api/2.5");
        api.MapGet("/tenders/{id}", (string id, SampleData data) => Document(data, $"prozorro/tenders/{id}.json", "tender_id"));
        api.MapGet("/contracts/{id}", (string id, SampleData data) => Document(data, $"prozorro/contracts/{id}.json", "contract_id"));
        api.MapGet("/tenders", (SampleData data, int? limit, string? offset, int? descending) =>
        {
            var tenders = new[] { "a1b2c3d4e5f60718293a4b5c6d7e8f90", "0f1e2d3c4b5a69788796a5b4c3d2e1f0" }
                .Select(id => data.Json($"prozorro/tenders/{id}.json")!["data"]!)
                .Select(t => new JsonObject { ["id"] = t["id"]!.GetValue<string>(), ["dateModified"] = t["dateModified"]!.GetValue<string>(), ["status"] = t["status"]!.GetValue<string>(), ["procurementMethodType"] = t["procurementMethodType"]!.GetValue<string>() })
                .OrderBy(t => t["dateModified"]!.GetValue<string>(), StringComparer.Ordinal)
                .ToList();
            if (descending == 1)
            {
                tenders.Reverse();
            }

            var skip = int.TryParse(offset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var o) ? o : 0;
            var page = tenders.Skip(skip).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToList();
            var next = (skip + page.Count).ToString(CultureInfo.InvariantCulture);
            var body = new JsonObject
            {
                ["data"] = new JsonArray([.. page]),
                ["next_page"] = new JsonObject { ["offset"] = next, ["path"] = $"/api/2.5/tenders?offset={next}", ["uri"] = $"https://public-api.prozorro.gov.ua/api/2.5/tenders?offset={next}" },
            };
            return Results.Text(body.ToJsonString(), "application/json");
        });
    }

    private static IResult Document(SampleData data, string path, string name) =>
        data.Raw(path) is { } document
            ? Results.Text(document, "application/json")
            : Results.Text($$"""{"status":"error","errors":[{"location":"url","name":"{{name}}","description":"Not Found"}]}""", "application/json", statusCode: StatusCodes.Status404NotFound);
}
