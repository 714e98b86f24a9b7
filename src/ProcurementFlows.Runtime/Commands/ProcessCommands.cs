using System.Text.Json.Nodes;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Deployment;

namespace ProcurementFlows.Runtime.Commands;

internal sealed class ProcessCommands(CommandProcessor processor, DefinitionCache definitions) : IProcessCommands
{
    public Task<InstanceOutcome> StartAsync(StartInstanceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.ProcessKey);
        VariableRules.Validate(request.Variables);
        var instanceId = Guid.NewGuid().ToString();
        return processor.RunAsync(
            unit => processor.StartAsync(unit, request.ProcessKey, request.Version, new StartProcess(instanceId, request.BusinessKey, request.StartedBy, request.Variables), cancellationToken),
            retryOnConflict: true,
            cancellationToken);
    }

    public Task<InstanceOutcome> CompleteTaskAsync(string taskId, UserContext user, IReadOnlyDictionary<string, JsonNode?>? variables = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        VariableRules.Validate(variables);
        return OnTaskAsync(taskId, user, expectedVersion, () => new CompleteUserTask(taskId, user.UserId, user.Groups, variables), cancellationToken);
    }

    public Task<InstanceOutcome> ClaimTaskAsync(string taskId, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, user, expectedVersion, () => new ClaimUserTask(taskId, user.UserId, user.Groups), cancellationToken);

    public Task<InstanceOutcome> UnclaimTaskAsync(string taskId, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, user, expectedVersion, () => new UnclaimUserTask(taskId, user.UserId), cancellationToken);

    public Task<InstanceOutcome> DelegateTaskAsync(string taskId, UserContext user, string delegateTo, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(delegateTo);
        return OnTaskAsync(taskId, user, expectedVersion, () => new DelegateUserTask(taskId, user.UserId, delegateTo), cancellationToken);
    }

    public Task<InstanceOutcome> AssignTaskAsync(string taskId, string? assignee, UserContext supervisor, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, supervisor, expectedVersion, () => new AssignUserTask(taskId, assignee, supervisor.UserId), cancellationToken);

    public async Task<MessageCorrelationResult> CorrelateMessageAsync(CorrelateMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.MessageName);
        VariableRules.Validate(request.Variables);
        return await processor.RunAsync(
            async unit =>
            {
                var subscriptions = await CommandProcessor.FindSubscriptionsAsync(unit.Connection, request.MessageName, request.CorrelationKey, request.All ? 10_000 : 1, cancellationToken);
                var delivered = new List<InstanceOutcome>();
                foreach (var (subscriptionId, instanceId) in subscriptions)
                {
                    delivered.Add(await processor.ExecuteAsync(unit, instanceId, (_, _) => new DeliverMessage(subscriptionId, request.Variables), null, cancellationToken));
                }

                var started = delivered.Count == 0
                    ? await processor.StartByMessageAsync(unit, request.MessageName, request.BusinessKey ?? request.CorrelationKey, request.Variables, request.UserId, cancellationToken)
                    : [];
                if (delivered.Count == 0 && started.Count == 0)
                {
                    throw new MessageNotCorrelatedException(request.MessageName, request.CorrelationKey);
                }

                return new MessageCorrelationResult(delivered, started);
            },
            retryOnConflict: true,
            cancellationToken);
    }

    public Task<InstanceOutcome> CancelInstanceAsync(string instanceId, string? reason, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        processor.RunAsync(
            unit => processor.ExecuteAsync(unit, instanceId, (_, _) => new CancelInstance(reason, user.UserId), expectedVersion, cancellationToken),
            retryOnConflict: expectedVersion is null,
            cancellationToken);

    public Task<InstanceOutcome> SetVariablesAsync(string instanceId, IReadOnlyDictionary<string, JsonNode?> variables, UserContext user, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        VariableRules.Validate(variables);
        return processor.RunAsync(
            unit => processor.ExecuteAsync(unit, instanceId, (_, _) => new SetVariables(variables, user.UserId), expectedVersion, cancellationToken),
            retryOnConflict: false,
            cancellationToken);
    }

    public Task<InstanceOutcome> RetryIncidentAsync(string incidentId, int retries, UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retries, 1);
        return processor.RunAsync(
            async unit =>
            {
                var instanceId = await LookupAsync(unit.Connection, "SELECT instance_id FROM pf.incidents WHERE id = @id AND status = 'open'", incidentId, cancellationToken)
                    ?? throw new NotFoundException("incident.not-found", $"There is no open incident '{incidentId}'.");
                return await processor.ExecuteAsync(unit, instanceId, (_, _) => new RetryIncident(incidentId, retries), null, cancellationToken);
            },
            retryOnConflict: true,
            cancellationToken);
    }

    public async Task<MigrationResult> MigrateAsync(MigrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = await definitions.GetAsync(request.ProcessKey, request.TargetVersion, null, cancellationToken);
        await definitions.GetAsync(request.ProcessKey, request.SourceVersion, null, cancellationToken);
        var mapping = request.ActivityMapping ?? new Dictionary<string, string>();
        var ids = request.InstanceIds ?? await processor.RunAsync(unit => ActiveInstancesAsync(unit.Connection, request.ProcessKey, request.SourceVersion, cancellationToken), false, cancellationToken);
        var results = new List<MigrationInstanceResult>();
        foreach (var instanceId in ids)
        {
            try
            {
                await processor.RunAsync(
                    unit => processor.ExecuteAsync(
                        unit,
                        instanceId,
                        (_, row) => row.DefinitionKey == request.ProcessKey && row.DefinitionVersion == request.SourceVersion
                            ? new MigrateInstance(target, mapping)
                            : throw new CommandRejectedException("migration.invalid", $"Instance '{instanceId}' does not run {request.ProcessKey} version {request.SourceVersion}."),
                        null,
                        cancellationToken,
                        targetVersion: request.TargetVersion),
                    retryOnConflict: true,
                    cancellationToken,
                    commit: !request.DryRun);
                results.Add(new MigrationInstanceResult(instanceId, true, null, null));
            }
            catch (ProcurementFlowsException ex) when (!ex.IsRetryable)
            {
                results.Add(new MigrationInstanceResult(instanceId, false, ex.Code, ex.Message));
            }
        }

        return new MigrationResult(request.DryRun, results.Count(r => r.Succeeded), results.Count(r => !r.Succeeded), results);
    }

    private Task<InstanceOutcome> OnTaskAsync(string taskId, UserContext user, long? expectedVersion, Func<EngineCommand> command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentNullException.ThrowIfNull(user);
        return processor.RunAsync(
            async unit =>
            {
                // The task's status and its instance row in one round trip.
                var (status, row) = await InstanceRow.LoadByTaskAsync(unit.Connection, taskId, cancellationToken)
                    ?? throw new NotFoundException("task.not-found", $"There is no task '{taskId}'.");
                if (status is not ("open" or "delegated"))
                {
                    throw new CommandRejectedException("task.not-active", $"Task '{taskId}' is already {status}.");
                }

                return await processor.ExecuteAsync(unit, row, (_, _) => command(), expectedVersion, cancellationToken);
            },
            retryOnConflict: false,
            cancellationToken);
    }

    private static async Task<string?> LookupAsync(NpgsqlConnection connection, string sql, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<IReadOnlyList<string>> ActiveInstancesAsync(NpgsqlConnection connection, string key, int version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM pf.instances WHERE definition_key = @k AND definition_version = @v AND status = 'Active' ORDER BY started_at, id", connection);
        command.Parameters.AddWithValue("k", key);
        command.Parameters.AddWithValue("v", version);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
