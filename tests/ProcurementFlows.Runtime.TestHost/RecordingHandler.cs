using System.Text.Json.Nodes;
using Npgsql;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Runtime.TestHost;

/// <summary>Topic <c>drill.work</c>: records each execution in <c>drill_calls</c> (the test creates it) and completes.</summary>
internal sealed class RecordingHandler(string connectionString) : IServiceTaskHandler
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public string Topic => "drill.work";

    public async Task<ServiceTaskResult> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("INSERT INTO drill_calls (job_id, pid) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = context.JobId });
        command.Parameters.Add(new NpgsqlParameter { Value = Environment.ProcessId });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new ServiceTaskResult.Completed(new Dictionary<string, JsonNode?> { ["workedBy"] = Environment.ProcessId });
    }
}
