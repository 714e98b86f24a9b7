using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProcurementFlows.Registries;
using ProcurementFlows.Registries.Brreg;
using ProcurementFlows.Registries.Gleif;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.OpenSanctions;
using ProcurementFlows.Registries.Prozorro;
using ProcurementFlows.Registries.SamGov;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.Runtime.ServiceTasks;
using Refit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Composition of the registry connectors.</summary>
public static class RegistriesServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registry clients (source-generated Refit, one Polly pipeline each) and the vetting service-task
    /// handlers (<c>registry.company-lookup</c>, <c>registry.sanctions-screening</c>, <c>registry.lei-check</c>,
    /// <c>registry.exclusions-check</c>, <c>registry.tender-lookup</c>) as <see cref="IServiceTaskHandler"/>.
    /// Options come from <paramref name="configuration"/>'s <c>Registries</c> section and are validated at start-up.
    /// </summary>
    public static IServiceCollection AddProcurementFlowsRegistries(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RegistriesOptions>()
            .Bind(configuration.GetSection(RegistriesOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistriesOptions>, RegistriesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RegistryMetrics>();
        services.AddTransient<SamGovApiKeyHandler>();
        services.AddTransient<OpenSanctionsApiKeyHandler>();

        AddClient<IBrregApi>(services, RegistryId.Brreg);
        AddClient<IOpenSanctionsApi>(services, RegistryId.OpenSanctions, b => b.AddHttpMessageHandler<OpenSanctionsApiKeyHandler>());
        AddClient<IGleifApi>(services, RegistryId.Gleif);
        AddClient<ISamGovApi>(services, RegistryId.SamGov, b => b.AddHttpMessageHandler<SamGovApiKeyHandler>());
        AddClient<IProzorroApi>(services, RegistryId.Prozorro);

        services.AddSingleton<IServiceTaskHandler, CompanyLookupHandler>();
        services.AddSingleton<IServiceTaskHandler, SanctionsScreeningHandler>();
        services.AddSingleton<IServiceTaskHandler, LeiCheckHandler>();
        services.AddSingleton<IServiceTaskHandler, ExclusionsCheckHandler>();
        services.AddSingleton<IServiceTaskHandler, TenderLookupHandler>();
        return services;
    }

    private static void AddClient<TApi>(IServiceCollection services, RegistryId registry, Action<IHttpClientBuilder>? outerHandlers = null)
        where TApi : class
    {
        var builder = services
            .AddRefitGeneratedClient<TApi>(RegistriesJsonContext.Default)
            .ConfigureHttpClient((provider, client) =>
                client.BaseAddress = provider.GetRequiredService<IOptions<RegistriesOptions>>().Value.For(registry).BaseUrl);

        // Handlers added first sit outermost: latency is measured per look-up (retries included), the API key is attached once
        // per look-up, outside the retries.
        builder.AddHttpMessageHandler(provider => new RegistryMetricsHandler(registry, provider.GetRequiredService<RegistryMetrics>(), provider.GetRequiredService<TimeProvider>()));
        outerHandlers?.Invoke(builder);
        builder.AddRegistryResilience(registry);
    }
}
