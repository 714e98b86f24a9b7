using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Runtime;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>The server with an in-memory OpenTelemetry metrics exporter and a registry that refuses connections (closed loopback port).</summary>
public sealed class TelemetryServerFactory : ServerFactory
{
    public List<Metric> Exported { get; } = [];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Registries:Gleif:BaseUrl", "http://127.0.0.1:9/"),
        new("Registries:Gleif:MaxRetryAttempts", "0"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(Exported)));
    }

    /// <summary>Exports what was recorded so far and returns the metric names with their tag sets.</summary>
    public IReadOnlyList<(string Name, string MeterName, IReadOnlyDictionary<string, object?> Tags)> Flush()
    {
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        var points = new List<(string, string, IReadOnlyDictionary<string, object?>)>();
        foreach (var metric in Exported)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                points.Add((metric.Name, metric.MeterName, tags));
            }
        }

        return points;
    }
}

public sealed class TelemetryTests(TelemetryServerFactory server) : IClassFixture<TelemetryServerFactory>
{
    [Fact]
    public async Task Registry_call_latency_and_runtime_counters_reach_the_opentelemetry_exporter()
    {
        var lei = server.Services.GetServices<IServiceTaskHandler>().Single(h => h.Topic == "registry.lei-check");
        var supplier = new JsonObject { ["name"] = "Nordic Optics AS", ["country"] = "NO", ["lei"] = "5493001KJTIIGC8Y1R12" };
        var result = await lei.ExecuteAsync(new ServiceTaskContext("job-1", "instance-1", "Task_Lei", lei.Topic, new Dictionary<string, JsonNode?> { ["supplier"] = supplier }, 1), CancellationToken.None);
        Assert.IsType<ServiceTaskResult.Failed>(result);

        using var dana = await server.ClientFor("dana");
        var key = $"otel-{Guid.NewGuid():N}"[..20];
        await Rest.Deploy(dana, ($"{key}.bpmn", Diagrams.Approval(key)), ("request.form", Diagrams.RequestForm));
        using var olav = await server.ClientFor("olav");
        await Rest.Json(await Rest.Post(olav, "/api/instances", new { processKey = key }), HttpStatusCode.Created);

        var points = server.Flush();

        Assert.Contains(points, p => p.Name == RegistryMetrics.CallDurationName && p.MeterName == RegistryMetrics.MeterName
            && Equals(p.Tags["registry"], "Gleif") && Equals(p.Tags["outcome"], RegistryMetrics.Outcomes.Transport));
        Assert.Contains(points, p => p.Name == RuntimeMetrics.InstancesStarted && p.MeterName == RuntimeMetrics.MeterName && Equals(p.Tags["process"], key));
    }
}
