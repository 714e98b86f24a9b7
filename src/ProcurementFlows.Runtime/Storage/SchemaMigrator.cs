using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ProcurementFlows.Runtime.Storage;

/// <summary>
/// Applies the runtime's migrations (and installs Hangfire's schema) once per database. Idempotent and
/// safe when several processes start at once: the work runs under a session-level advisory lock.
/// </summary>
public static class SchemaMigrator
{
    // Arbitrary constant that identifies "ProcurementFlows schema migration" among advisory locks.
    private const long AdvisoryLockKey = 0x5046_4D49_4752_4154;

    /// <summary>The name of the schema Hangfire.PostgreSql uses.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>Brings the database to the newest schema; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, ILogger? logger = null, bool installHangfire = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, $"""
                CREATE SCHEMA IF NOT EXISTS {Schema.Name};
                CREATE TABLE IF NOT EXISTS {Schema.Name}.schema_migrations (
                    version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
                """, cancellationToken);

            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand($"SELECT version FROM {Schema.Name}.schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var now = new List<int>();
            foreach (var (version, description, sql) in Schema.Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand($"INSERT INTO {Schema.Name}.schema_migrations (version, description) VALUES (@v, @d)", connection, transaction))
                {
                    record.Parameters.AddWithValue("v", version);
                    record.Parameters.AddWithValue("d", description);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                now.Add(version);
                logger?.LogInformation("Applied schema migration {Version}: {Description}", version, description);
            }

            if (installHangfire)
            {
                PostgreSqlObjectsInstaller.Install(connection, HangfireSchema);
            }

            return now;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
