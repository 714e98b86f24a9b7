using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ProcurementFlows.Workflows.Tests;

/// <summary>The OCDS 1.1.5 release package schema and code lists, loaded from the shared conformance folder (no network).</summary>
internal static class OcdsSchema
{
    private const string ReleaseSchemaUrl = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

    private static readonly Lazy<JsonSchema> Package = new(Load);

    /// <summary>Every schema violation, nested ones included, as "path: kind".</summary>
    public static IReadOnlyCollection<string> Validate(JsonObject package) =>
        Flatten(Package.Value.Validate(package.ToJsonString())).Select(e => $"{e.Path}: {e.Kind}").ToArray();

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child ? child.Errors.SelectMany(c => Flatten(c.Value)).Prepend(e) : [e]);

    public static HashSet<string> Codes(string codelist)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Ocds, "codelists", codelist));
        var header = lines[0].Split(',');
        var column = Array.IndexOf(header, "Code");
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[column]).ToHashSet(StringComparer.Ordinal);
    }

    private static JsonSchema Load()
    {
        var packagePath = Path.Combine(RepositoryPaths.Ocds, "release-package-schema.json");
        // the package schema refers to the release schema by its canonical URL; point it at the local copy
        var text = File.ReadAllText(packagePath).Replace(ReleaseSchemaUrl, "release-schema.json", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(text, packagePath).GetAwaiter().GetResult();
    }
}
