using System.Collections.Concurrent;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Api.Definitions;

/// <summary>
/// The start form of each definition version, found once per version (versions are immutable), so that starting a
/// case does not compile its diagram again.
/// </summary>
internal sealed class StartForms
{
    private readonly ConcurrentDictionary<(string Key, int Version, string Checksum), string?> _formKeys = new();

    /// <summary>The form key of the version's none start event, or null when it has none.</summary>
    public string? FormKeyOf(DefinitionDetail definition) =>
        _formKeys.GetOrAdd(
            (definition.Key, definition.Version, definition.Checksum),
            static (_, xml) => BpmnCompiler.Compile(xml.BpmnXml).Processes.FirstOrDefault(p => p.Key == xml.Key)?.StartFormKey,
            definition);
}
