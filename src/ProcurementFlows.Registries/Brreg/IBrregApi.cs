using Refit;

namespace ProcurementFlows.Registries.Brreg;

/// <summary>data.brreg.no, relative to the host (Enhetsregisteret and Regnskapsregisteret share it).</summary>
internal interface IBrregApi
{
    [Get("/enhetsregisteret/api/enheter/{organisasjonsnummer}")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<BrregEntity>> GetEntityAsync(string organisasjonsnummer, CancellationToken cancellationToken);

    [Get("/enhetsregisteret/api/enheter/{organisasjonsnummer}/roller")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<BrregRoles>> GetRolesAsync(string organisasjonsnummer, CancellationToken cancellationToken);

    [Get("/regnskapsregisteret/regnskap/{organisasjonsnummer}")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<List<BrregAnnualAccounts>>> GetAnnualAccountsAsync(string organisasjonsnummer, CancellationToken cancellationToken);
}
