using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime.History;

/// <summary>
/// The canonical form and the hash chain of history entries. Each entry is stored as canonical JSON
/// (fixed property order, object keys sorted, compact); <c>hash = SHA-256(prev_hash + "\n" + entry)</c>
/// in lower-case hex, and the first entry of an instance has an empty <c>prev_hash</c>.
/// </summary>
internal static class HistoryChain
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string Canonicalize(string instanceId, long sequence, HistoryEntry entry)
    {
        var json = new JsonObject
        {
            ["instanceId"] = instanceId,
            ["sequence"] = sequence,
            ["type"] = entry.Type.ToString(),
            ["activityId"] = entry.ActivityId,
            ["activityType"] = entry.ActivityType,
            ["activityInstanceId"] = entry.ActivityInstanceId,
            ["timestamp"] = entry.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            ["userId"] = entry.UserId,
            ["data"] = entry.Data is null ? null : SortKeys(entry.Data),
        };
        return json.ToJsonString(Compact);
    }

    public static string Hash(string previousHash, string canonicalEntry)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + canonicalEntry));
        return Convert.ToHexStringLower(bytes);
    }

    private static JsonNode? SortKeys(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, SortKeys(p.Value)))),
        JsonArray array => new JsonArray(array.Select(SortKeys).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString(Compact)),
    };
}
