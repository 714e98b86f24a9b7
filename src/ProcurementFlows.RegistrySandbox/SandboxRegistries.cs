namespace ProcurementFlows.RegistrySandbox;

/// <summary>
/// The path prefix of each registry in the sandbox. Below its prefix every registry serves the real API's
/// paths, so a client only changes its base URL: e.g. <c>{sandbox}/brreg/enhetsregisteret/api/enheter/{orgnr}</c>
/// stands for <c>https://data.brreg.no/enhetsregisteret/api/enheter/{orgnr}</c>.
/// </summary>
public static class SandboxRegistries
{
    /// <summary>Brønnøysund (host <c>data.brreg.no</c>).</summary>
    public const string Brreg = "brreg";

    /// <summary>OpenSanctions (host <c>api.opensanctions.org</c>).</summary>
    public const string OpenSanctions = "opensanctions";

    /// <summary>GLEIF (<c>api.gleif.org</c>; base path <c>/api/v1</c>).</summary>
    public const string Gleif = "gleif";

    /// <summary>SAM.gov (host <c>api.sam.gov</c>).</summary>
    public const string SamGov = "sam";

    /// <summary>Prozorro (<c>public-api.prozorro.gov.ua</c>; base path <c>/api/2.5</c>).</summary>
    public const string Prozorro = "prozorro";

    /// <summary>Every registry prefix.</summary>
    public static IReadOnlyList<string> All { get; } = [Brreg, OpenSanctions, Gleif, SamGov, Prozorro];

    /// <summary>
    /// The base URL path (below the sandbox root) that matches each registry's documented base URL, keyed by
    /// the registry's configuration name under <c>Registries</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> BasePaths { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Brreg"] = "/brreg/",
        ["OpenSanctions"] = "/opensanctions/",
        ["Gleif"] = "/gleif/api/v1/",
        ["SamGov"] = "/sam/",
        ["Prozorro"] = "/prozorro/api/2.5/",
    };
}
