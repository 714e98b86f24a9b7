namespace ProcurementFlows.RegistrySandbox;

/// <summary>Embeds the sandbox in another host (the ProcurementFlows server) so vetting works with no internet.</summary>
public static class SandboxHostingExtensions
{
    /// <summary>The switch: <c>Registries:UseSandbox</c> (bool).</summary>
    public const string UseSandboxKey = "Registries:UseSandbox";

    /// <summary>Sandbox options: <c>Registries:Sandbox:Port</c> (0 = free port) and the keys it demands.</summary>
    public const string SandboxSection = "Registries:Sandbox";

    /// <summary>
    /// When <c>Registries:UseSandbox</c> is true: starts the sandbox on a loopback port, adds configuration that
    /// points every <c>Registries:*:BaseUrl</c> (and the sandbox's API keys) at it, and stops it with the host.
    /// Call before the registry options are first read (i.e. before <c>Build()</c>). Returns the sandbox, or
    /// <see langword="null"/> when disabled.
    /// </summary>
    public static async Task<SandboxHost?> AddRegistrySandboxWhenEnabledAsync(this IHostApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Configuration.GetValue<bool>(UseSandboxKey))
        {
            return null;
        }

        var sandbox = await SandboxHost.StartAsync(SandboxOptions.From(builder.Configuration.GetSection(SandboxSection)), cancellationToken);
        builder.Configuration.AddInMemoryCollection(sandbox.RegistriesConfiguration());
        builder.Services.AddHostedService(_ => new SandboxLifetime(sandbox));
        return sandbox;
    }

    private sealed class SandboxLifetime(SandboxHost sandbox) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await sandbox.DisposeAsync();
    }
}
