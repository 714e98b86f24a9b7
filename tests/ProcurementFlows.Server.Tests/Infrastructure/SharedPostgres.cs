using ProcurementFlows.Runtime.LocalPostgres;

namespace ProcurementFlows.Server.Tests.Infrastructure;

/// <summary>
/// One private PostgreSQL cluster per test process (the runtime's LocalPostgres, no fsync), started on first use and
/// stopped at process exit; each server under test gets its own database.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<LocalPostgresCluster>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int counter;

    /// <summary>Creates an empty database (the server migrates it at start-up) and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = $"server_{Interlocked.Increment(ref counter)}";
        await cluster.EnsureDatabaseAsync(name);
        return cluster.BuildConnectionString(name);
    }

    private static async Task<LocalPostgresCluster> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pf-server-tests-{Environment.ProcessId}");
        var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Durable = false, MaxConnections = 300 });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder: best effort
            }
        };
        return cluster;
    }
}
