using Npgsql;
using ProcurementFlows.Runtime.LocalPostgres;
using ProcurementFlows.Runtime.Storage;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

public sealed class LocalPostgresTests
{
    [Fact]
    public async Task Missing_binaries_get_a_message_that_says_what_to_install()
    {
        var root = Directory.CreateTempSubdirectory("pf-missing-").FullName;
        try
        {
            var ex = await Assert.ThrowsAsync<LocalPostgresException>(() => LocalPostgresCluster.StartAsync(
                new LocalPostgresOptions { RootDirectory = root, BinDirectory = "/nonexistent/postgresql/bin" }));
            Assert.Equal("postgres.binaries-missing", ex.Code);
            Assert.Contains("postgresql", ex.Message, StringComparison.Ordinal);
            Assert.False(ex.IsRetryable);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public async Task A_cluster_is_created_stopped_and_reused_with_its_data()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pf-reuse-{Guid.NewGuid():N}");
        try
        {
            await using (var first = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Database = "app", Durable = false }))
            {
                await using var connection = new NpgsqlConnection(first.ConnectionString);
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42);", connection);
                await create.ExecuteNonQueryAsync();
            }

            Assert.False(File.Exists(Path.Combine(root, "data", "postmaster.pid")), "the cluster was stopped on dispose");

            await using var second = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Database = "app", Durable = false });
            await using var again = new NpgsqlConnection(second.ConnectionString);
            await again.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT v FROM kept", again);
            Assert.Equal(42, await read.ExecuteScalarAsync());
            Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(second.ConnectionString).Host);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }
    }

    [Fact]
    public async Task A_port_taken_between_choosing_it_and_binding_it_is_given_up_for_another()
    {
        // Another process takes the port the cluster chose before the postmaster binds it (as a test process starting
        // beside this one can): the postmaster cannot bind it, and the cluster starts on another port instead of failing.
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var choices = new List<int>();
        var root = Path.Combine(Path.GetTempPath(), $"pf-port-{Guid.NewGuid():N}");
        try
        {
            int ChoosePort()
            {
                using var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
                free.Start();
                choices.Add(choices.Count == 0 ? taken : ((System.Net.IPEndPoint)free.LocalEndpoint).Port);
                return choices[^1];
            }

            await using var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Database = "app", Durable = false }, null, ChoosePort, CancellationToken.None);

            Assert.Equal(2, choices.Count);
            Assert.Equal(choices[1], cluster.Port);
            Assert.NotEqual(taken, cluster.Port);
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync();
            Assert.Contains("Address already in use", await File.ReadAllTextAsync(Path.Combine(root, "postgres.log")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }
    }

    [Fact]
    public async Task Migrations_are_idempotent_and_safe_when_two_processes_start_at_once()
    {
        var cluster = await SharedCluster.GetAsync();
        var name = $"migrate_{Guid.NewGuid():N}";
        await cluster.EnsureDatabaseAsync(name);
        await using var a = NpgsqlDataSource.Create(cluster.BuildConnectionString(name));
        await using var b = NpgsqlDataSource.Create(cluster.BuildConnectionString(name));

        var results = await Task.WhenAll(SchemaMigrator.MigrateAsync(a), SchemaMigrator.MigrateAsync(b));

        // Exactly one of them applied each migration; the other found it done.
        Assert.Equal(Schema.Migrations.Count, results.Sum(r => r.Count));
        Assert.Empty(await SchemaMigrator.MigrateAsync(a));
        await using var count = a.CreateCommand("SELECT count(*) FROM pf.schema_migrations");
        Assert.Equal((long)Schema.Migrations.Count, await count.ExecuteScalarAsync());
        await using var hangfire = a.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire'");
        Assert.True((long)(await hangfire.ExecuteScalarAsync())! > 5, "Hangfire's schema is installed in the same database");
    }
}
