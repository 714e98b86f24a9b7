namespace ProcurementFlows.Registries.Tests;

/// <summary>One sandbox + composition shared by a class whose tests inject no faults.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private RegistryTestHost? _host;

    internal RegistryTestHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _host = await RegistryTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
