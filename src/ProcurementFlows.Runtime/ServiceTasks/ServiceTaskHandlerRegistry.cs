namespace ProcurementFlows.Runtime.ServiceTasks;

/// <summary>The registered <see cref="IServiceTaskHandler"/>s by topic.</summary>
internal sealed class ServiceTaskHandlerRegistry
{
    private readonly Dictionary<string, IServiceTaskHandler> _handlers;

    public ServiceTaskHandlerRegistry(IEnumerable<IServiceTaskHandler> handlers)
    {
        _handlers = new(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Topic, handler))
            {
                throw new InvalidOperationException($"Two service-task handlers serve the topic '{handler.Topic}': {_handlers[handler.Topic].GetType().Name} and {handler.GetType().Name}.");
            }
        }
    }

    public bool Has(string topic) => _handlers.ContainsKey(topic);

    public IServiceTaskHandler? Find(string topic) => _handlers.GetValueOrDefault(topic);

    public IReadOnlyCollection<string> Topics => _handlers.Keys;
}
