using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>The <c>ProcurementFlows.Registries</c> meter records each registry call's latency, tagged registry and outcome.</summary>
public sealed class MetricsTests
{
    private sealed record Measurement(double Seconds, string? Registry, string? Outcome);

    /// <summary>Listens to the call-duration histogram of one service provider's meter factory only (tests run in parallel).</summary>
    private sealed class DurationListener : IDisposable
    {
        private readonly MeterListener listener = new();

        public DurationListener(IServiceProvider services)
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RegistryMetrics.MeterName && instrument.Name == RegistryMetrics.CallDurationName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                string? registry = null, outcome = null;
                foreach (var tag in tags)
                {
                    registry = tag.Key == "registry" ? tag.Value as string : registry;
                    outcome = tag.Key == "outcome" ? tag.Value as string : outcome;
                }

                Measurements.Enqueue(new Measurement(value, registry, outcome));
            });
            listener.Start();
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public void Dispose() => listener.Dispose();
    }

    [Fact]
    public async Task A_registry_call_records_its_latency_once_with_registry_and_outcome_retries_included()
    {
        await using var host = await RegistryTestHost.StartAsync();
        using var listener = new DurationListener(host.Services);
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 503, Times = 2 });

        var findings = await host.FindingsAsync(LeiCheckHandler.TopicName, host.Supplier("clean"));

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        Assert.Equal(3, host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);
        var measurement = Assert.Single(listener.Measurements);
        Assert.Equal("Gleif", measurement.Registry);
        Assert.Equal(RegistryMetrics.Outcomes.Success, measurement.Outcome);
        Assert.True(measurement.Seconds > 0, $"latency {measurement.Seconds} s");
    }

    [Fact]
    public async Task A_failing_registry_records_a_server_error_outcome()
    {
        await using var host = await RegistryTestHost.StartAsync();
        using var listener = new DurationListener(host.Services);
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 503 });

        var result = await host.RunAsync(LeiCheckHandler.TopicName, host.Supplier("clean"));

        Assert.IsType<ServiceTaskResult.Failed>(result);
        var measurement = Assert.Single(listener.Measurements);
        Assert.Equal(("Gleif", RegistryMetrics.Outcomes.ServerError), (measurement.Registry, measurement.Outcome));
    }

    [Fact]
    public async Task An_unreachable_registry_records_a_transport_outcome()
    {
        await using var host = await RegistryTestHost.StartAsync(settings =>
        {
            // A closed loopback port: connection refused, nothing leaves the machine.
            settings["Registries:Brreg:BaseUrl"] = "http://127.0.0.1:9/";
            settings["Registries:Brreg:MaxRetryAttempts"] = "0";
        });
        using var listener = new DurationListener(host.Services);

        var result = await host.RunAsync(CompanyLookupHandler.TopicName, host.Supplier("bankrupt"));

        Assert.IsType<ServiceTaskResult.Failed>(result);
        var measurement = Assert.Single(listener.Measurements);
        Assert.Equal(("Brreg", RegistryMetrics.Outcomes.Transport), (measurement.Registry, measurement.Outcome));
    }
}
