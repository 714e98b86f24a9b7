using Npgsql;
using ProcurementFlows.Runtime.LocalPostgres;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>
/// The process's private cluster (<see cref="TestPostgres"/>) with a migrated template database; every test class gets a
/// fresh database copied from the template.
/// </summary>
public static class SharedCluster
{
    private const string Template = "pf_template";
    private static readonly Lazy<Task<LocalPostgresCluster>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<LocalPostgresCluster> GetAsync() => Cluster.Value;

    /// <summary>Creates a new migrated database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        await GetAsync();
        return await TestPostgres.CreateDatabaseAsync(prefix, Template);
    }

    private static async Task<LocalPostgresCluster> StartAsync()
    {
        var cluster = await TestPostgres.GetClusterAsync();
        await cluster.EnsureDatabaseAsync(Template);
        await using (var dataSource = NpgsqlDataSource.Create(cluster.BuildConnectionString(Template)))
        {
            await SchemaMigrator.MigrateAsync(dataSource);
        }

        NpgsqlConnection.ClearAllPools();
        return cluster;
    }
}
