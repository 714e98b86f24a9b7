namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>A fresh migrated database per test class, and a runtime on it without a Hangfire server.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    private RuntimeHarness? _runtime;

    public RuntimeHarness Runtime => _runtime ?? throw new InvalidOperationException("Not initialized.");

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedCluster.CreateDatabaseAsync("rt");
        _runtime = await RuntimeHarness.StartAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
