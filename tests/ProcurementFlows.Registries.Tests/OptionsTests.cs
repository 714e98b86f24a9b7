using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ProcurementFlows.RegistrySandbox;

namespace ProcurementFlows.Registries.Tests;

/// <summary>Registry options: production defaults, start-up validation, and the sandbox's configuration binding.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Defaults_point_at_the_real_production_registries_with_their_published_limits()
    {
        var options = new RegistriesOptions();

        Assert.Equal("https://data.brreg.no/", options.Brreg.BaseUrl.AbsoluteUri);
        Assert.Equal("https://api.opensanctions.org/", options.OpenSanctions.BaseUrl.AbsoluteUri);
        Assert.Equal("https://api.gleif.org/api/v1/", options.Gleif.BaseUrl.AbsoluteUri);
        Assert.Equal("https://api.sam.gov/", options.SamGov.BaseUrl.AbsoluteUri);
        Assert.Equal("https://public-api.prozorro.gov.ua/api/2.5/", options.Prozorro.BaseUrl.AbsoluteUri);
        Assert.Equal(1, options.Gleif.Throttle.PermitLimit);
        Assert.Equal(1000, options.SamGov.Quota!.PermitLimit);
        Assert.Equal(TimeSpan.FromDays(1), options.SamGov.Quota.Window);
        Assert.Equal(0.70, options.OpenSanctions.Threshold);
        Assert.Equal(["sanction", "sanction.linked", "debarment"], options.OpenSanctions.EffectiveTopics);
    }

    [Theory]
    [InlineData("Registries:SamGov:ApiKey", "", "Registries:SamGov:ApiKey is required")]
    [InlineData("Registries:Brreg:BaseUrl", "not-a-url", "Registries:Brreg:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Registries:Gleif:BaseUrl", "ftp://api.gleif.org/", "Registries:Gleif:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Registries:SamGov:BaseUrl", "https://api.sam.gov/?api_key=abc", "must not carry a query string")]
    [InlineData("Registries:OpenSanctions:Threshold", "1.5", "Registries:OpenSanctions:Threshold must be in (0, 1]")]
    [InlineData("Registries:OpenSanctions:Limit", "50", "Registries:OpenSanctions:Limit must be between 1 and 10")]
    [InlineData("Registries:OpenSanctions:Dataset", "../admin", "Registries:OpenSanctions:Dataset must be a dataset name")]
    [InlineData("Registries:Prozorro:TotalTimeout", "00:00:01", "Registries:Prozorro:TotalTimeout must be at least AttemptTimeout")]
    [InlineData("Registries:Brreg:AttemptTimeout", "00:00:00", "Registries:Brreg:AttemptTimeout must be positive")]
    [InlineData("Registries:Gleif:MaxRetryAttempts", "11", "Registries:Gleif:MaxRetryAttempts must be between 0 and 10")]
    [InlineData("Registries:Gleif:CircuitBreaker:MinimumThroughput", "1", "Registries:Gleif:CircuitBreaker:MinimumThroughput must be at least 2")]
    [InlineData("Registries:Gleif:CircuitBreaker:BreakDuration", "00:00:00.100", "BreakDuration must be at least 0.5 s")]
    [InlineData("Registries:Gleif:CircuitBreaker:FailureRatio", "0", "Registries:Gleif:CircuitBreaker:FailureRatio must be in (0, 1]")]
    [InlineData("Registries:Brreg:Throttle:PermitLimit", "0", "Registries:Brreg:Throttle needs PermitLimit >= 1")]
    [InlineData("Registries:SamGov:Quota:Window", "-00:00:01", "Registries:SamGov:Quota needs PermitLimit >= 1, a positive Window")]
    public async Task Invalid_settings_stop_the_host_at_start_up_with_the_key_named(string key, string value, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registries:SamGov:ApiKey"] = "k", [key] = value });
        builder.Services.AddProcurementFlowsRegistries(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_production_settings_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registries:SamGov:ApiKey"] = "k", ["Registries:OpenSanctions:Topics:0"] = "sanction" });
        builder.Services.AddProcurementFlowsRegistries(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<RegistriesOptions>>().Value;
        Assert.Equal(["sanction"], options.OpenSanctions.EffectiveTopics);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_sandbox_configuration_binds_to_every_registry()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(sandbox.RegistriesConfiguration()).Build();
        var services = new ServiceCollection().AddLogging().AddProcurementFlowsRegistries(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<RegistriesOptions>>().Value;

        foreach (var registry in Enum.GetValues<RegistryId>())
        {
            Assert.Equal(sandbox.BaseUrlFor(registry.ConfigurationKey()), options.For(registry).BaseUrl);
            Assert.Equal(sandbox.BaseAddress.Authority, options.For(registry).BaseUrl.Authority);
        }

        Assert.Equal(sandbox.Options.SamGovApiKey, options.SamGov.ApiKey);
        Assert.Equal(sandbox.Options.OpenSanctionsApiKey, options.OpenSanctions.ApiKey);
    }
}
