namespace ProcurementFlows.Registries;

/// <summary>The external registries ProcurementFlows vets suppliers against.</summary>
public enum RegistryId
{
    /// <summary>Brønnøysund Register Centre: Enhetsregisteret and Regnskapsregisteret (Norway).</summary>
    Brreg,

    /// <summary>OpenSanctions / yente match API (sanctions, PEPs, debarment).</summary>
    OpenSanctions,

    /// <summary>GLEIF LEI records.</summary>
    Gleif,

    /// <summary>SAM.gov entity registrations and exclusions (US).</summary>
    SamGov,

    /// <summary>Prozorro / OpenProcurement public read API (Ukraine).</summary>
    Prozorro,
}

/// <summary>Human-readable names of the registries, used in findings and error messages.</summary>
public static class RegistryNames
{
    /// <summary>The display name of <paramref name="registry"/>, e.g. "Brønnøysund Enhetsregisteret".</summary>
    public static string DisplayName(this RegistryId registry) => registry switch
    {
        RegistryId.Brreg => "Brønnøysund Enhetsregisteret",
        RegistryId.OpenSanctions => "OpenSanctions",
        RegistryId.Gleif => "GLEIF",
        RegistryId.SamGov => "SAM.gov",
        RegistryId.Prozorro => "Prozorro",
        _ => throw new ArgumentOutOfRangeException(nameof(registry), registry, "Unknown registry."),
    };

    /// <summary>The configuration key of <paramref name="registry"/> under <c>Registries</c>, e.g. <c>Brreg</c>.</summary>
    public static string ConfigurationKey(this RegistryId registry) => registry.ToString();
}
