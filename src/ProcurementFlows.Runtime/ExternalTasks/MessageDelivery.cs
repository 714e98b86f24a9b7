using System.Text.Json.Nodes;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Delivers a message to a chosen instance's subscription through the command loop.</summary>
internal sealed class MessageDelivery(CommandProcessor processor) : IMessageDelivery
{
    public async Task<InstanceOutcome?> DeliverAsync(string instanceId, string messageName, string? correlationKey, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken cancellationToken = default)
    {
        return await processor.RunAsync(
            async unit =>
            {
                var sql = "SELECT id FROM pf.message_subscriptions WHERE instance_id = @instance AND message_name = @name"
                    + (correlationKey is null ? "" : " AND correlation_key = @key")
                    + " ORDER BY created_at, id LIMIT 1";
                string? subscriptionId;
                await using (var command = new NpgsqlCommand(sql, unit.Connection, unit.Transaction))
                {
                    command.Parameters.AddWithValue("instance", instanceId);
                    command.Parameters.AddWithValue("name", messageName);
                    if (correlationKey is not null)
                    {
                        command.Parameters.AddWithValue("key", correlationKey);
                    }

                    subscriptionId = await command.ExecuteScalarAsync(cancellationToken) as string;
                }

                return subscriptionId is null
                    ? null
                    : await processor.ExecuteAsync(unit, instanceId, (_, _) => new DeliverMessage(subscriptionId, variables), null, cancellationToken);
            },
            retryOnConflict: true,
            cancellationToken);
    }
}
