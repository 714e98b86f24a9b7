using System.Collections.Concurrent;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Api.Definitions;

/// <summary>
/// Definition versions compiled once each (versions are immutable), for what the server reads from a diagram — the
/// start form, element names — without compiling it again per request.
/// </summary>
internal sealed class CompiledDefinitions
{
    private readonly ConcurrentDictionary<(string Key, int Version, string Checksum), CompiledProcess?> _processes = new();

    /// <summary>The version's process, or null when its diagram has no process of that key.</summary>
    public CompiledProcess? ProcessOf(DefinitionDetail definition) =>
        _processes.GetOrAdd(
            (definition.Key, definition.Version, definition.Checksum),
            static (_, d) => BpmnCompiler.Compile(d.BpmnXml).Processes.FirstOrDefault(p => p.Key == d.Key),
            definition);

    /// <summary>The form key of the version's none start event, or null when it has none.</summary>
    public string? FormKeyOf(DefinitionDetail definition) => ProcessOf(definition)?.StartFormKey;
}
