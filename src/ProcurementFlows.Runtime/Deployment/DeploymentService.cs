using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Engine.Expressions;
using ProcurementFlows.Runtime.Jobs;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Deployment;

internal sealed class DeploymentService(
    RuntimeDatabase database,
    ProcurementFlowsRuntimeOptionsAccessor options,
    TimeProvider clock,
    JobDispatcher dispatcher,
    DefinitionCache definitionCache,
    ExpressionEvaluator evaluator,
    ILogger<DeploymentService> logger) : IDeploymentService
{
    // Serializes deployments so that version numbers are assigned without races across processes
    // (and against the firing of timer start events, which a deployment may cancel).
    private const long DeployLockKey = StartTimers.DeployLockKey;

    public async Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var diagnostics = new List<ResourceDiagnostic>();
        var processes = new List<(string Key, string? Name, string ResourceName, string Xml, string Checksum, CompiledProcess Process)>();
        var forms = new List<(string FormKey, string ResourceName, string Content, string Checksum)>();

        if (request.Resources is null || request.Resources.Count == 0)
        {
            throw Rejected("(deployment)", "deployment.empty", "A deployment needs at least one .bpmn or .form file.");
        }

        foreach (var group in request.Resources.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(Error(group.Key, "deployment.duplicate-resource", $"The resource name '{group.Key}' occurs {group.Count()} times."));
        }

        foreach (var resource in request.Resources)
        {
            if (IsBpmn(resource.Name))
            {
                CompileBpmn(resource, diagnostics, processes);
            }
            else if (resource.Name.EndsWith(".form", StringComparison.OrdinalIgnoreCase))
            {
                ReadForm(resource, diagnostics, forms);
            }
            else
            {
                diagnostics.Add(Error(resource.Name, "deployment.unsupported-resource", "Only .bpmn (or .bpmn20.xml) and .form files can be deployed."));
            }
        }

        foreach (var duplicate in processes.GroupBy(p => p.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(Error(duplicate.First().ResourceName, "deployment.duplicate-process", $"Process '{duplicate.Key}' is defined in more than one resource: {string.Join(", ", duplicate.Select(d => d.ResourceName))}."));
        }

        foreach (var duplicate in forms.GroupBy(f => f.FormKey, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(Error(duplicate.First().ResourceName, "deployment.duplicate-form", $"Form '{duplicate.Key}' is defined in more than one resource."));
        }

        if (diagnostics.Any(d => d.Diagnostic.Severity == DiagnosticSeverity.Error))
        {
            throw new DeploymentRejectedException(diagnostics);
        }

        var now = clock.GetUtcNow();
        var deploymentId = Guid.CreateVersion7(now);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({DeployLockKey})", cancellationToken);

        var deployedDefinitions = new List<DeployedDefinition>();
        var deployedForms = new List<DeployedForm>();
        var newDefinitions = new List<(DeployedDefinition Definition, string Xml)>();
        var newForms = new List<(DeployedForm Form, string Content)>();
        foreach (var process in processes)
        {
            var (latest, checksum) = await LatestAsync(connection, "SELECT version, checksum FROM pf.definitions WHERE key = @k ORDER BY version DESC LIMIT 1", process.Key, cancellationToken);
            if (latest is not null && checksum == process.Checksum)
            {
                deployedDefinitions.Add(new DeployedDefinition(process.Key, latest.Value, process.Name, process.ResourceName, process.Checksum, false, now, request.DeployedBy));
                continue;
            }

            var deployed = new DeployedDefinition(process.Key, (latest ?? 0) + 1, process.Name, process.ResourceName, process.Checksum, true, now, request.DeployedBy);
            deployedDefinitions.Add(deployed);
            newDefinitions.Add((deployed, process.Xml));
        }

        foreach (var form in forms)
        {
            var (latest, checksum) = await LatestAsync(connection, "SELECT version, checksum FROM pf.forms WHERE form_key = @k ORDER BY version DESC LIMIT 1", form.FormKey, cancellationToken);
            if (latest is not null && checksum == form.Checksum)
            {
                deployedForms.Add(new DeployedForm(form.FormKey, latest.Value, form.ResourceName, form.Checksum, false));
                continue;
            }

            var deployed = new DeployedForm(form.FormKey, (latest ?? 0) + 1, form.ResourceName, form.Checksum, true);
            deployedForms.Add(deployed);
            newForms.Add((deployed, form.Content));
        }

        if (newDefinitions.Count == 0 && newForms.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new DeploymentResult(null, deployedDefinitions, deployedForms, diagnostics);
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO pf.deployments (id, name, source, deployed_by, deployed_at, resource_count) VALUES (@id, @n, @s, @by, @at, @c)", connection, transaction))
        {
            insert.Parameters.AddWithValue("id", deploymentId);
            insert.Parameters.AddWithValue("n", (object?)request.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("s", (object?)request.Source ?? DBNull.Value);
            insert.Parameters.AddWithValue("by", (object?)request.DeployedBy ?? DBNull.Value);
            insert.Parameters.AddWithValue("at", now);
            insert.Parameters.AddWithValue("c", request.Resources.Count);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (definition, xml) in newDefinitions)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO pf.definitions (key, version, name, deployment_id, resource_name, bpmn_xml, checksum, deployed_by, deployed_at) VALUES (@k, @v, @n, @d, @r, @x, @c, @by, @at)",
                connection,
                transaction);
            insert.Parameters.AddWithValue("k", definition.Key);
            insert.Parameters.AddWithValue("v", definition.Version);
            insert.Parameters.AddWithValue("n", (object?)definition.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("d", deploymentId);
            insert.Parameters.AddWithValue("r", definition.ResourceName);
            insert.Parameters.AddWithValue("x", xml);
            insert.Parameters.AddWithValue("c", definition.Checksum);
            insert.Parameters.AddWithValue("by", (object?)request.DeployedBy ?? DBNull.Value);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (form, content) in newForms)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO pf.forms (form_key, version, deployment_id, resource_name, content, checksum, deployed_by, deployed_at) VALUES (@k, @v, @d, @r, @x, @c, @by, @at)",
                connection,
                transaction);
            insert.Parameters.AddWithValue("k", form.FormKey);
            insert.Parameters.AddWithValue("v", form.Version);
            insert.Parameters.AddWithValue("d", deploymentId);
            insert.Parameters.AddWithValue("r", form.ResourceName);
            insert.Parameters.AddWithValue("x", content);
            insert.Parameters.AddWithValue("c", form.Checksum);
            insert.Parameters.AddWithValue("by", (object?)request.DeployedBy ?? DBNull.Value);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // Timer start events: the new version's replace the older versions' (Camunda semantics).
        var timersToSchedule = new List<(string TimerId, string InstanceId, DateTimeOffset DueAt)>();
        var timersToUnschedule = new List<string>();
        foreach (var (definition, _) in newDefinitions)
        {
            var compiled = processes.First(p => p.Key == definition.Key).Process;
            var (scheduled, cancelled) = await StartTimers.ReplaceAsync(connection, compiled, definition.Version, now, evaluator, logger, cancellationToken);
            timersToSchedule.AddRange(scheduled);
            timersToUnschedule.AddRange(cancelled);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var definition in deployedDefinitions)
        {
            // Starts in this process use the new version at once; other processes learn it from their start's check.
            definitionCache.NoteLatest(definition.Key, definition.Version);
        }

        await dispatcher.AfterCommitAsync(timersToSchedule, timersToUnschedule, [], [], cancellationToken);
        return new DeploymentResult(deploymentId, deployedDefinitions, deployedForms, diagnostics);
    }

    public async Task<IReadOnlyList<DefinitionDetail>> ListDefinitionsAsync(bool latestOnly = true, CancellationToken cancellationToken = default)
    {
        var sql = latestOnly
            ? "SELECT DISTINCT ON (key) key, version, name, deployment_id, resource_name, checksum, deployed_at, deployed_by, bpmn_xml FROM pf.definitions ORDER BY key, version DESC"
            : "SELECT key, version, name, deployment_id, resource_name, checksum, deployed_at, deployed_by, bpmn_xml FROM pf.definitions ORDER BY key, version";
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await ReadDefinitionsAsync(command, cancellationToken);
    }

    public async Task<DefinitionDetail?> GetDefinitionAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT key, version, name, deployment_id, resource_name, checksum, deployed_at, deployed_by, bpmn_xml FROM pf.definitions WHERE key = @k AND (@v::int IS NULL OR version = @v) ORDER BY version DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("k", key);
        command.Parameters.Add(new NpgsqlParameter("v", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
        return (await ReadDefinitionsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public Task<CompiledProcess> GetProcessAsync(string key, int version, CancellationToken cancellationToken = default) =>
        definitionCache.GetAsync(key, version, null, cancellationToken);

    public async Task<FormDetail?> GetFormAsync(string formKey, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            // A form is referenced by its id (camunda:formRef) or by the file it was deployed as
            // (camunda:formKey="camunda-forms:deployment:review.form"): the id wins when both match.
            "SELECT form_key, version, resource_name, checksum, deployed_at, content FROM pf.forms WHERE (form_key = @k OR resource_name = @k) AND (@v::int IS NULL OR version = @v) ORDER BY form_key = @k DESC, deployed_at DESC, version DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("k", formKey);
        command.Parameters.Add(new NpgsqlParameter("v", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FormDetail(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5))
            : null;
    }

    private static async Task<IReadOnlyList<DefinitionDetail>> ReadDefinitionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<DefinitionDetail>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DefinitionDetail(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8)));
        }

        return list;
    }

    private void CompileBpmn(DeploymentResource resource, List<ResourceDiagnostic> diagnostics, List<(string, string?, string, string, string, CompiledProcess)> processes)
    {
        var maxBytes = options.Value.MaxBpmnBytes;
        if (Encoding.UTF8.GetByteCount(resource.Content ?? "") > maxBytes)
        {
            diagnostics.Add(Error(resource.Name, "xml.too-large", $"The file is larger than the limit of {maxBytes} bytes."));
            return;
        }

        var result = BpmnCompiler.Compile(resource.Content ?? "", new BpmnParserOptions { MaxBytes = maxBytes });
        diagnostics.AddRange(result.Diagnostics.Select(d => new ResourceDiagnostic(resource.Name, d)));
        if (!result.Succeeded)
        {
            return;
        }

        var executable = result.Processes.Where(p => p.IsExecutable).ToList();
        if (executable.Count == 0)
        {
            diagnostics.Add(new ResourceDiagnostic(resource.Name, new BpmnDiagnostic(DiagnosticSeverity.Warning, "deployment.no-executable-process", "The file contains no executable process; nothing from it can be started.", null, null, null)));
        }

        var checksum = Checksum(resource.Content!);
        foreach (var process in executable)
        {
            processes.Add((process.Key, process.Name, resource.Name, resource.Content!, checksum, process));
        }
    }

    private static void ReadForm(DeploymentResource resource, List<ResourceDiagnostic> diagnostics, List<(string, string, string, string)> forms)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(resource.Content ?? "", documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            diagnostics.Add(Error(resource.Name, "form.invalid", $"The form is not valid JSON: {ex.Message}"));
            return;
        }

        if (json is not JsonObject form)
        {
            diagnostics.Add(Error(resource.Name, "form.invalid", "A form must be a JSON object (form-js schema)."));
            return;
        }

        // Camunda's formRef binds by the schema's "id"; files without one are known by their file name.
        var key = form["id"] is JsonValue id && id.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s)
            ? s
            : Path.GetFileNameWithoutExtension(resource.Name);
        forms.Add((key, resource.Name, resource.Content!, Checksum(resource.Content!)));
    }

    private static async Task<(int? Version, string? Checksum)> LatestAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetString(1)) : (null, null);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool IsBpmn(string name) =>
        name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase);

    internal static string Checksum(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static ResourceDiagnostic Error(string resource, string code, string message) =>
        new(resource, new BpmnDiagnostic(DiagnosticSeverity.Error, code, message, null, null, null));

    private static DeploymentRejectedException Rejected(string resource, string code, string message) => new([Error(resource, code, message)]);
}
