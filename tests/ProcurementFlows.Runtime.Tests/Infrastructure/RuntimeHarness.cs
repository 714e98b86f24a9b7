using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>A started runtime (generic host) against one test database.</summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private RuntimeHarness(IHost host, string connectionString)
    {
        Host = host;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public IHost Host { get; }

    public string ConnectionString { get; }

    /// <summary>For assertions straight on the tables.</summary>
    public NpgsqlDataSource DataSource { get; }

    public IProcessCommands Commands => Host.Services.GetRequiredService<IProcessCommands>();

    public IProcessQueries Queries => Host.Services.GetRequiredService<IProcessQueries>();

    public IDeploymentService Deployments => Host.Services.GetRequiredService<IDeploymentService>();

    public IRuntimeMaintenance Maintenance => Host.Services.GetRequiredService<IRuntimeMaintenance>();

    public IAuditService Audit => Host.Services.GetRequiredService<IAuditService>();

    public static async Task<RuntimeHarness> StartAsync(
        string connectionString,
        TimeProvider? clock = null,
        Action<ProcurementFlowsRuntimeOptions>? configure = null,
        params IServiceTaskHandler[] handlers)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        foreach (var handler in handlers)
        {
            builder.Services.AddSingleton(handler);
        }

        builder.Services.AddProcurementFlowsRuntime(o =>
        {
            o.ConnectionString = connectionString;
            o.RunBackgroundServer = false;
            o.WorkerCount = 4;
            o.SweepInterval = TimeSpan.FromSeconds(1);
            o.SweepGrace = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new RuntimeHarness(host, connectionString);
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return await command.ExecuteScalarAsync() as string;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        await DataSource.DisposeAsync();
    }
}
