namespace ProcurementFlows.RegistrySandbox;

/// <summary>data.brreg.no: Enhetsregisteret entities and roles, Regnskapsregisteret accounts.</summary>
internal static class BrregEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var brreg = routes.MapGroup("/brreg");
        brreg.MapGet("/enhetsregisteret/api/enheter/{orgnr}", (string orgnr, SampleData data, TimeProvider time, HttpContext http) =>
        {
            if (!IsOrgNumberShape(orgnr))
            {
                return BadRequest(orgnr, time, http);
            }

            if (data.Raw($"brreg/enheter/{orgnr}.json") is { } entity)
            {
                return Results.Text(entity, "application/json");
            }

            // 410 with {organisasjonsnummer, slettedato}: removed from the open data (obs.).
            return data.Raw($"brreg/removed/{orgnr}.json") is { } removed
                ? Results.Text(removed, "application/json", statusCode: StatusCodes.Status410Gone)
                : Results.StatusCode(StatusCodes.Status404NotFound);
        });

        brreg.MapGet("/enhetsregisteret/api/enheter/{orgnr}/roller", (string orgnr, SampleData data, TimeProvider time, HttpContext http) =>
            !IsOrgNumberShape(orgnr)
                ? BadRequest(orgnr, time, http)
                : data.Raw($"brreg/roller/{orgnr}.json") is { } roles
                    ? Results.Text(roles, "application/json")
                    : Results.StatusCode(StatusCodes.Status404NotFound));

        brreg.MapGet("/regnskapsregisteret/regnskap/{orgnr}", (string orgnr, SampleData data) =>
            data.Raw($"brreg/regnskap/{orgnr}.json") is { } accounts
                ? Results.Text(accounts, "application/json")
                : data.Raw($"brreg/enheter/{orgnr}.json") is not null
                    ? Results.Text("[]", "application/json")
                    : Results.StatusCode(StatusCodes.Status404NotFound));
    }

    private static bool IsOrgNumberShape(string orgnr) => orgnr.Length == 9 && orgnr.All(char.IsAsciiDigit);

    private static IResult BadRequest(string orgnr, TimeProvider time, HttpContext http) => Results.Text(
        $$"""{"timestamp":"{{time.GetUtcNow():O}}","status":400,"error":"Bad Request","message":"Ugyldig organisasjonsnummer: {{orgnr.Length}} tegn","path":"{{http.Request.Path}}"}""",
        "application/json",
        statusCode: StatusCodes.Status400BadRequest);
}
