using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>A service-task handler whose behaviour a test sets; records every call.</summary>
public sealed class ScriptedHandler(string topic, Func<ServiceTaskContext, ServiceTaskResult> behaviour) : IServiceTaskHandler
{
    public string Topic { get; } = topic;

    public Func<ServiceTaskContext, ServiceTaskResult> Behaviour { get; set; } = behaviour;

    public ConcurrentQueue<ServiceTaskContext> Calls { get; } = new();

    public Task<ServiceTaskResult> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        Calls.Enqueue(context);
        return Task.FromResult(Behaviour(context));
    }

    public static ServiceTaskResult Ok(string name, JsonNode? value) => new ServiceTaskResult.Completed(new Dictionary<string, JsonNode?> { [name] = value });
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (background work is asynchronous).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting until {because}.");
            }

            await Task.Delay(100);
        }
    }
}
