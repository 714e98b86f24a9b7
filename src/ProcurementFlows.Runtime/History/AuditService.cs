using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ProcurementFlows.Runtime.Storage;

namespace ProcurementFlows.Runtime.History;

/// <summary>Verifies an instance's history chain link by link, including its head stored on the instance row.</summary>
internal sealed class AuditService(RuntimeDatabase database) : IAuditService
{
    public async Task<HistoryVerification> VerifyAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        long headSequence;
        string headHash;
        await using (var head = new NpgsqlCommand("SELECT history_sequence, history_hash FROM pf.instances WHERE id = @id", connection))
        {
            head.Parameters.AddWithValue("id", instanceId);
            await using var reader = await head.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new NotFoundException("instance.not-found", $"Process instance '{instanceId}' does not exist.");
            }

            (headSequence, headHash) = (reader.GetInt64(0), reader.GetString(1));
        }

        await using var command = new NpgsqlCommand(
            "SELECT sequence, type, activity_id, user_id, entry, prev_hash, hash FROM pf.history WHERE instance_id = @id ORDER BY sequence", connection);
        command.Parameters.AddWithValue("id", instanceId);
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        long expected = 1, checkedCount = 0;
        var previous = "";
        while (await rows.ReadAsync(cancellationToken))
        {
            var sequence = rows.GetInt64(0);
            var entry = rows.GetString(4);
            var prevHash = rows.GetString(5);
            var hash = rows.GetString(6);
            checkedCount++;
            if (sequence != expected)
            {
                return Broken(instanceId, checkedCount, expected, $"Entry {expected} is missing (found {sequence} next).");
            }

            if (prevHash != previous)
            {
                return Broken(instanceId, checkedCount, sequence, $"Entry {sequence} does not link to the hash of entry {sequence - 1}.");
            }

            if (HistoryChain.Hash(prevHash, entry) != hash)
            {
                return Broken(instanceId, checkedCount, sequence, $"Entry {sequence} was changed after it was written (hash mismatch).");
            }

            if (!ColumnsMatch(entry, instanceId, sequence, rows.GetString(1), rows.IsDBNull(2) ? null : rows.GetString(2), rows.IsDBNull(3) ? null : rows.GetString(3)))
            {
                return Broken(instanceId, checkedCount, sequence, $"The columns of entry {sequence} differ from its hashed content.");
            }

            previous = hash;
            expected++;
        }

        if (expected - 1 != headSequence || previous != headHash)
        {
            return Broken(instanceId, checkedCount, expected, $"The chain ends at entry {expected - 1}, but the instance recorded {headSequence} entries: later entries were removed or the head was altered.");
        }

        return new HistoryVerification(instanceId, true, checkedCount, null, null);
    }

    private static bool ColumnsMatch(string entry, string instanceId, long sequence, string type, string? activityId, string? userId)
    {
        try
        {
            var json = JsonNode.Parse(entry)?.AsObject();
            return json is not null
                && (string?)json["instanceId"] == instanceId
                && (long?)json["sequence"] == sequence
                && (string?)json["type"] == type
                && (string?)json["activityId"] == activityId
                && (string?)json["userId"] == userId;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static HistoryVerification Broken(string instanceId, long checkedCount, long sequence, string problem) =>
        new(instanceId, false, checkedCount, sequence, problem);
}
