using Npgsql;
using ProcurementFlows.Runtime.LocalPostgres;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>
/// One private PostgreSQL cluster per test process (started on first use, stopped at process exit) and a
/// migrated template database; every test class gets a fresh database copied from the template.
/// </summary>
public static class SharedCluster
{
    private const string Template = "pf_template";
    private static readonly Lazy<Task<LocalPostgresCluster>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private static int _counter;

    public static Task<LocalPostgresCluster> GetAsync() => Cluster.Value;

    /// <summary>Creates a new migrated database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var cluster = await GetAsync();
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref _counter)}";
        await CreateLock.WaitAsync();
        try
        {
            await cluster.EnsureDatabaseAsync(name, template: Template);
        }
        finally
        {
            CreateLock.Release();
        }

        return cluster.BuildConnectionString(name);
    }

    private static async Task<LocalPostgresCluster> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pf-runtime-tests-{Environment.ProcessId}");
        var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Durable = false, MaxConnections = 400 });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp folder
            }
        };

        await cluster.EnsureDatabaseAsync(Template);
        await using (var dataSource = NpgsqlDataSource.Create(cluster.BuildConnectionString(Template)))
        {
            await SchemaMigrator.MigrateAsync(dataSource);
        }

        NpgsqlConnection.ClearAllPools();
        return cluster;
    }
}
