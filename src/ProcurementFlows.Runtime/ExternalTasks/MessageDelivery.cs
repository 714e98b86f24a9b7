using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Commands;

namespace ProcurementFlows.Runtime.ExternalTasks;

/// <summary>Camunda-style message correlation (by instance, business key and variable values) through the command loop.</summary>
internal sealed class MessageDelivery(CommandProcessor processor) : IMessageDelivery
{
    /// <summary>Most waiting subscriptions one correlation looks at (Camunda has no limit; we keep a request bounded).</summary>
    private const int MaxCandidates = 10_000;

    public async Task<MessageCorrelationResult> CorrelateAsync(MessageCorrelation request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.MessageName);
        VariableRules.Validate(request.Variables);
        return await processor.RunAsync(
            async unit =>
            {
                var executions = await MatchingSubscriptionsAsync(unit, request, cancellationToken);

                // Camunda: executions first; with a process instance id only executions; message start events ignore the keys.
                var starts = request.ProcessInstanceId is null && (request.All || executions.Count == 0)
                    ? await processor.FindMessageStartsAsync(unit.Connection, request.MessageName, cancellationToken)
                    : [];
                if (!request.All)
                {
                    if (executions.Count > 1)
                    {
                        throw new MessageCorrelationMismatchException(request.MessageName, $"Cannot correlate a message with name '{request.MessageName}' to a single execution. {executions.Count} executions match the correlation keys: {Describe(request)}");
                    }

                    if (executions.Count == 0 && starts.Count > 1)
                    {
                        throw new MessageCorrelationMismatchException(request.MessageName, $"Cannot correlate a message with name '{request.MessageName}' to a single process definition. {starts.Count} process definitions match the correlation keys: {Describe(request)}");
                    }

                    if (executions.Count == 0 && starts.Count == 0)
                    {
                        throw new MessageCorrelationMismatchException(request.MessageName, $"Cannot correlate message '{request.MessageName}': No process definition or execution matches the parameters");
                    }
                }

                var delivered = new List<InstanceOutcome>();
                foreach (var (subscriptionId, instanceId) in executions)
                {
                    delivered.Add(await processor.ExecuteAsync(unit, instanceId, (_, _) => new DeliverMessage(subscriptionId, request.Variables), null, cancellationToken));
                }

                var started = starts.Count > 0
                    ? await processor.StartByMessageAsync(unit, request.MessageName, request.BusinessKey, request.Variables, request.UserId, cancellationToken)
                    : [];
                return new MessageCorrelationResult(delivered, started);
            },
            retryOnConflict: true,
            cancellationToken);
    }

    /// <summary>Open subscriptions for the message whose instance matches every criterion, oldest first.</summary>
    private static async Task<List<(string SubscriptionId, string InstanceId)>> MatchingSubscriptionsAsync(UnitOfWork unit, MessageCorrelation request, CancellationToken cancellationToken)
    {
        var sql = """
            SELECT s.id, s.instance_id FROM pf.message_subscriptions s JOIN pf.instances i ON i.id = s.instance_id
            WHERE s.message_name = @name AND i.status = 'Active'
            """;
        await using var command = new NpgsqlCommand { Connection = unit.Connection, Transaction = unit.Transaction };
        command.Parameters.AddWithValue("name", request.MessageName);
        if (request.ProcessInstanceId is not null)
        {
            sql += " AND s.instance_id = @instance";
            command.Parameters.AddWithValue("instance", request.ProcessInstanceId);
        }

        if (request.BusinessKey is not null)
        {
            sql += " AND i.business_key = @businessKey";
            command.Parameters.AddWithValue("businessKey", request.BusinessKey);
        }

        // A coarse pre-filter (some execution holds every global key, some execution every local key); the exact check
        // runs on the loaded state below.
        var prefilters = 0;
        foreach (var keys in new[] { request.CorrelationKeys, request.LocalCorrelationKeys })
        {
            var scalars = new JsonObject();
            foreach (var (name, value) in keys ?? new Dictionary<string, JsonNode?>())
            {
                if (value is JsonValue)
                {
                    scalars[name] = value.DeepClone();
                }
            }

            if (scalars.Count > 0)
            {
                sql += $" AND EXISTS (SELECT 1 FROM jsonb_array_elements(i.state -> 'executions') e WHERE e -> 'variables' @> @keys{prefilters})";
                command.Parameters.Add(new NpgsqlParameter($"keys{prefilters}", NpgsqlDbType.Jsonb) { Value = scalars.ToJsonString() });
                prefilters++;
            }
        }

        var checkVariables = request.CorrelationKeys is { Count: > 0 } || request.LocalCorrelationKeys is { Count: > 0 };
        command.CommandText = sql + " ORDER BY s.created_at, s.id LIMIT @limit";
        command.Parameters.AddWithValue("limit", MaxCandidates);
        var candidates = new List<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        if (!checkVariables)
        {
            return candidates;
        }

        // The commands that deliver re-check the instance version, so a change after this read makes the unit retry.
        var matches = new List<(string, string)>();
        var states = new Dictionary<string, ProcessInstanceState?>(StringComparer.Ordinal);
        foreach (var (subscriptionId, instanceId) in candidates)
        {
            if (!states.TryGetValue(instanceId, out var state))
            {
                var row = await InstanceRow.LoadAsync(unit.Connection, instanceId, cancellationToken);
                state = row is null ? null : ProcessStateSerializer.Deserialize(row.StateJson);
                states[instanceId] = state;
            }

            if (state is not null && Matches(state, subscriptionId, request))
            {
                matches.Add((subscriptionId, instanceId));
            }
        }

        return matches;
    }

    private static bool Matches(ProcessInstanceState state, string subscriptionId, MessageCorrelation request)
    {
        // correlationKeys: the process instance's (global) variables, as Camunda's processVariableValueEquals.
        foreach (var (name, value) in request.CorrelationKeys ?? new Dictionary<string, JsonNode?>())
        {
            if (!state.Variables.TryGetValue(name, out var actual) || !JsonNode.DeepEquals(actual, value))
            {
                return false;
            }
        }

        if (request.LocalCorrelationKeys is not { Count: > 0 } local)
        {
            return true;
        }

        // localCorrelationKeys: the variables of the waiting activity's scope.
        var subscription = state.MessageSubscriptions.FirstOrDefault(s => s.Id == subscriptionId);
        if (subscription is null)
        {
            return false;
        }

        var visible = state.GetVariablesAt(subscription.ExecutionId);
        return local.All(k => visible.TryGetValue(k.Key, out var actual) && JsonNode.DeepEquals(actual, k.Value));
    }

    private static string Describe(MessageCorrelation request) =>
        $"CorrelationSet [businessKey={request.BusinessKey ?? "null"}, processInstanceId={request.ProcessInstanceId ?? "null"}, "
        + $"correlationKeys={Keys(request.CorrelationKeys)}, localCorrelationKeys={Keys(request.LocalCorrelationKeys)}]";

    private static string Keys(IReadOnlyDictionary<string, JsonNode?>? keys) =>
        keys is null ? "null" : "{" + string.Join(", ", keys.Select(k => $"{k.Key}={k.Value?.ToJsonString() ?? "null"}")) + "}";
}
