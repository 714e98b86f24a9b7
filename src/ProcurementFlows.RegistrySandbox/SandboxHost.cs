using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>
/// The sandbox as an embeddable server on a loopback port: tests start one per test, the ProcurementFlows
/// server starts one at start-up when <c>Registries:UseSandbox</c> is true, and <c>dotnet run</c> starts one
/// standalone.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, Uri baseAddress, SandboxOptions options)
    {
        _app = app;
        BaseAddress = baseAddress;
        Options = options;
        Faults = app.Services.GetRequiredService<SandboxFaults>();
        Requests = app.Services.GetRequiredService<RequestJournal>();
        Data = app.Services.GetRequiredService<SampleData>();
    }

    /// <summary>The sandbox root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The options it runs with (keys it demands).</summary>
    public SandboxOptions Options { get; }

    /// <summary>Fault rules; add one to make the next requests fail.</summary>
    public SandboxFaults Faults { get; }

    /// <summary>Every request received.</summary>
    public RequestJournal Requests { get; }

    /// <summary>The sample data served.</summary>
    public SampleData Data { get; }

    /// <summary>Starts a sandbox on 127.0.0.1 (port 0 picks a free port) and returns once it accepts requests.</summary>
    public static async Task<SandboxHost> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRegistrySandbox(options);
        var app = builder.Build();
        app.MapRegistrySandbox();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxHost(app, new Uri(address.TrimEnd('/') + "/"), options);
    }

    /// <summary>The base URL a client of <paramref name="registryConfigurationKey"/> (e.g. <c>Brreg</c>) should use.</summary>
    public Uri BaseUrlFor(string registryConfigurationKey) =>
        new(BaseAddress, SandboxRegistries.BasePaths.TryGetValue(registryConfigurationKey, out var path)
            ? path
            : throw new ArgumentOutOfRangeException(nameof(registryConfigurationKey), registryConfigurationKey, "Unknown registry."));

    /// <summary>
    /// Configuration that points the registry clients at this sandbox:
    /// <c>Registries:{Registry}:BaseUrl</c> for each registry plus the API keys the sandbox demands.
    /// </summary>
    public IReadOnlyDictionary<string, string?> RegistriesConfiguration()
    {
        var settings = SandboxRegistries.BasePaths.Keys.ToDictionary(key => $"Registries:{key}:BaseUrl", key => (string?)BaseUrlFor(key).AbsoluteUri, StringComparer.Ordinal);
        settings["Registries:SamGov:ApiKey"] = Options.SamGovApiKey;
        settings["Registries:OpenSanctions:ApiKey"] = Options.OpenSanctionsApiKey;
        return settings;
    }

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
