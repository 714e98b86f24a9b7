using Npgsql;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Reads <c>pf.deployments</c>.</summary>
internal sealed class DeploymentCatalog(RuntimeDatabase database) : IDeploymentCatalog
{
    public async Task<PagedResult<DeploymentInfo>> ListAsync(string? name, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var where = name is null ? "TRUE" : "name = @name";
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM pf.deployments WHERE {where}", connection))
        {
            if (name is not null)
            {
                count.Parameters.AddWithValue("name", name);
            }

            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var select = new NpgsqlCommand($"SELECT id, name, source, deployed_by, deployed_at, resource_count FROM pf.deployments WHERE {where} ORDER BY deployed_at DESC, id OFFSET @offset LIMIT @limit", connection);
        if (name is not null)
        {
            select.Parameters.AddWithValue("name", name);
        }

        select.Parameters.AddWithValue("offset", offset);
        select.Parameters.AddWithValue("limit", limit);
        return new PagedResult<DeploymentInfo>(await ReadAsync(select, cancellationToken), total, offset, limit);
    }

    public async Task<DeploymentInfo?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT id, name, source, deployed_by, deployed_at, resource_count FROM pf.deployments WHERE id = @id", connection);
        select.Parameters.AddWithValue("id", id);
        return (await ReadAsync(select, cancellationToken)).FirstOrDefault();
    }

    private static async Task<List<DeploymentInfo>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<DeploymentInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeploymentInfo(reader.GetGuid(0), TaskSearchService.Str(reader, 1), TaskSearchService.Str(reader, 2), TaskSearchService.Str(reader, 3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5)));
        }

        return list;
    }
}
