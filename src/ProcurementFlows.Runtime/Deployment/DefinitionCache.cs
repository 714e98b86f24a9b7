using System.Collections.Concurrent;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.Deployment;

/// <summary>
/// Compiled definitions by (key, version); a stored version never changes (nor is it deleted), so those entries never go
/// stale. Also the latest version per key as last seen by this process: that one can go stale when another process
/// deploys, so a start that uses it queues <c>pf.require_latest_definition</c> with its writes (see
/// <see cref="TryGetLatest"/>).
/// </summary>
internal sealed class DefinitionCache(RuntimeDatabase database, ProcurementFlowsRuntimeOptionsAccessor options)
{
    private readonly ConcurrentDictionary<(string Key, int Version), Lazy<CompiledProcess>> _compiled = new();
    private readonly ConcurrentDictionary<string, int> _latest = new(StringComparer.Ordinal);

    /// <summary>
    /// The latest version of <paramref name="key"/> this process has seen (read or deployed). It may be older than the
    /// database's: a caller must check it in the same transaction as its writes (<c>pf.require_latest_definition</c>).
    /// </summary>
    public bool TryGetLatest(string key, out int version) => _latest.TryGetValue(key, out version);

    /// <summary>Records a version read from the database or just deployed as the latest known; never moves backwards.</summary>
    public void NoteLatest(string key, int version) => _latest.AddOrUpdate(key, version, (_, known) => Math.Max(known, version));

    /// <summary>Forgets the latest version of <paramref name="key"/> (a newer one exists): the next start reads it again.</summary>
    public void ForgetLatest(string key) => _latest.TryRemove(key, out _);

    /// <summary>Whether (key, version) is compiled here, which also proves that the version exists (versions are never deleted).</summary>
    public bool IsKnown(string key, int version) => _compiled.ContainsKey((key, version));

    /// <summary>The compiled definition, or <see cref="NotFoundException"/>.</summary>
    public async Task<CompiledProcess> GetAsync(string key, int version, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue((key, version), out var cached))
        {
            return cached.Value;
        }

        string xml;
        var own = connection is null;
        var conn = connection ?? await database.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT bpmn_xml FROM pf.definitions WHERE key = @k AND version = @v", conn);
            command.Parameters.AddWithValue("k", key);
            command.Parameters.AddWithValue("v", version);
            xml = await command.ExecuteScalarAsync(cancellationToken) as string
                ?? throw new NotFoundException("definition.not-found", $"Process definition '{key}' version {version} is not deployed.");
        }
        finally
        {
            if (own)
            {
                await conn.DisposeAsync();
            }
        }

        return _compiled.GetOrAdd((key, version), _ => new Lazy<CompiledProcess>(() => Compile(key, xml))).Value;
    }

    /// <summary>The latest (or given) version number of a key, or <see cref="NotFoundException"/>.</summary>
    public static async Task<int> ResolveVersionAsync(NpgsqlConnection connection, string key, int? version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            version is null
                ? "SELECT max(version) FROM pf.definitions WHERE key = @k"
                : "SELECT version FROM pf.definitions WHERE key = @k AND version = @v",
            connection);
        command.Parameters.AddWithValue("k", key);
        if (version is not null)
        {
            command.Parameters.AddWithValue("v", version.Value);
        }

        return await command.ExecuteScalarAsync(cancellationToken) is int found
            ? found
            : throw new NotFoundException(
                "definition.not-found",
                version is null ? $"No process definition with key '{key}' is deployed." : $"Process definition '{key}' has no version {version}.");
    }

    /// <summary>Latest version of every key: (key, version).</summary>
    public static async Task<IReadOnlyList<(string Key, int Version)>> LatestVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var list = new List<(string, int)>();
        await using var command = new NpgsqlCommand("SELECT key, max(version) FROM pf.definitions GROUP BY key ORDER BY key", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return list;
    }

    private CompiledProcess Compile(string key, string xml)
    {
        var result = BpmnCompiler.Compile(xml, new BpmnParserOptions { MaxBytes = Math.Max(options.Value.MaxBpmnBytes, xml.Length * 4L) });
        return result.GetProcess(key);
    }
}
