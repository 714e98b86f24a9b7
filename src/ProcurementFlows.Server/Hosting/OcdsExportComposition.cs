using Microsoft.Extensions.Options;
using ProcurementFlows.Server.Ocds;

namespace ProcurementFlows.Server.Hosting;

/// <summary>Composition of the OCDS export options (<c>Ocds</c> section), checked at start-up.</summary>
public static class OcdsExportComposition
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ocds";

    /// <summary>Binds <see cref="OcdsExportOptions"/> and refuses to start with options the exporter would reject.</summary>
    public static IServiceCollection AddProcurementFlowsOcdsExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OcdsExportOptions>().Bind(configuration.GetSection(SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OcdsExportOptions>, OcdsExportOptionsValidator>();
        return services;
    }
}

/// <summary>Runs the exporter's own checks at start-up, so a bad ocid prefix stops the service instead of failing each export.</summary>
internal sealed class OcdsExportOptionsValidator : IValidateOptions<OcdsExportOptions>
{
    public ValidateOptionsResult Validate(string? name, OcdsExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Publisher is null || options.Buyer is null || options.PackageBaseUri is null)
        {
            return ValidateOptionsResult.Fail($"{OcdsExportComposition.SectionName}: Publisher, Buyer and PackageBaseUri must not be empty.");
        }

        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (OcdsExportException invalid)
        {
            return ValidateOptionsResult.Fail($"{OcdsExportComposition.SectionName}: {invalid.Message} ({invalid.Code})");
        }
    }
}
