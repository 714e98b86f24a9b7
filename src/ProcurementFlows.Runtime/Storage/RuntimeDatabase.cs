using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ProcurementFlows.Runtime.LocalPostgres;

namespace ProcurementFlows.Runtime.Storage;

/// <summary>
/// The runtime's database: the configured server or a private local cluster, migrated once on first use.
/// </summary>
internal sealed class RuntimeDatabase : IAsyncDisposable
{
    private readonly ProcurementFlowsRuntimeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lazy<Task<(NpgsqlDataSource DataSource, string ConnectionString)>> _initialization;
    private LocalPostgresCluster? _cluster;

    public RuntimeDatabase(IOptions<ProcurementFlowsRuntimeOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _initialization = new(InitializeCoreAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The pooled data source (initializes on first use).</summary>
    public NpgsqlDataSource DataSource => _initialization.Value.GetAwaiter().GetResult().DataSource;

    /// <summary>The effective connection string (initializes on first use).</summary>
    public string ConnectionString => _initialization.Value.GetAwaiter().GetResult().ConnectionString;

    public Task InitializeAsync() => _initialization.Value;

    /// <summary>Whether initialization has finished successfully (without starting or waiting for it); a failure comes back in <paramref name="failure"/>.</summary>
    public bool IsInitialized(out Exception? failure)
    {
        failure = null;
        if (!_initialization.IsValueCreated)
        {
            return false;
        }

        var task = _initialization.Value;
        if (task.IsFaulted)
        {
            failure = task.Exception.InnerException ?? task.Exception;
        }

        return task.IsCompletedSuccessfully;
    }

    private async Task<(NpgsqlDataSource, string)> InitializeCoreAsync()
    {
        var connectionString = _options.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            _cluster = await LocalPostgresCluster.StartAsync(
                new LocalPostgresOptions
                {
                    RootDirectory = _options.LocalPostgresDirectory!,
                    Database = _options.LocalPostgresDatabase,
                    Durable = _options.LocalPostgresDurable,
                },
                _loggerFactory.CreateLogger<LocalPostgresCluster>());
            connectionString = _cluster.ConnectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = _options.MaxPoolSize,
            Enlist = false,
        };
        // The runtime's own pool: its statements are few and repeated, so they are prepared automatically,
        // and its code leaves no session state behind, so a returned connection needs no reset round trip.
        // Hangfire gets the plain connection string (it manages its connections itself).
        var own = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            MaxAutoPrepare = 100,
            AutoPrepareMinUsages = 3,
            NoResetOnClose = true,
        };
        var dataSource = new NpgsqlDataSourceBuilder(own.ConnectionString)
            .UseLoggerFactory(_loggerFactory)
            .Build();
        await SchemaMigrator.MigrateAsync(dataSource, _loggerFactory.CreateLogger(typeof(SchemaMigrator)));
        return (dataSource, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_initialization.IsValueCreated && _initialization.Value.IsCompletedSuccessfully)
        {
            await _initialization.Value.Result.DataSource.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
