using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>The sample registry answers, embedded as JSON files shaped exactly like the real APIs' responses.</summary>
public sealed class SampleData
{
    private const string Prefix = "SampleData/";
    private readonly FrozenDictionary<string, string> _files;

    private SampleData(FrozenDictionary<string, string> files) => _files = files;

    /// <summary>Loads every embedded sample file.</summary>
    public static SampleData Load()
    {
        var assembly = typeof(SampleData).Assembly;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files[name[Prefix.Length..]] = reader.ReadToEnd();
        }

        return new SampleData(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The raw text of <c>SampleData/{path}</c>, or <see langword="null"/>.</summary>
    public string? Raw(string path) => _files.GetValueOrDefault(path);

    /// <summary>The parsed JSON of <c>SampleData/{path}</c>, or <see langword="null"/>.</summary>
    public JsonNode? Json(string path) => Raw(path) is { } text ? JsonNode.Parse(text) : null;

    /// <summary>The documented sample suppliers (<c>suppliers.json</c>): key, <c>supplier</c> variable, what each exercises, expected statuses.</summary>
    public JsonArray Suppliers => (JsonArray)Json("suppliers.json")!;
}
