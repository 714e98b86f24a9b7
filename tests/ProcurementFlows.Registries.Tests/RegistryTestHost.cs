using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>A sandbox on a free loopback port plus the registries' real composition pointed at it.</summary>
internal sealed class RegistryTestHost : IAsyncDisposable
{
    private RegistryTestHost(SandboxHost sandbox, ServiceProvider services, LogCapture logs)
    {
        Sandbox = sandbox;
        Services = services;
        Logs = logs;
    }

    public SandboxHost Sandbox { get; }

    public ServiceProvider Services { get; }

    public LogCapture Logs { get; }

    /// <summary>
    /// Starts the pair. Tests run with generous throttles and short back-off so they are fast;
    /// <paramref name="configure"/> overrides any setting (keys as in appsettings, e.g. <c>Registries:Gleif:Throttle:PermitLimit</c>).
    /// </summary>
    public static async Task<RegistryTestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, TimeProvider? time = null, SandboxOptions? sandboxOptions = null)
    {
        var sandbox = await SandboxHost.StartAsync(sandboxOptions);
        var settings = new Dictionary<string, string?>(sandbox.RegistriesConfiguration(), StringComparer.OrdinalIgnoreCase);
        foreach (var registry in Enum.GetValues<RegistryId>())
        {
            var key = $"Registries:{registry}";
            settings[$"{key}:Throttle:PermitLimit"] = "1000";
            settings[$"{key}:RetryBaseDelay"] = "00:00:00.010";
            settings[$"{key}:AttemptTimeout"] = "00:00:05";
            settings[$"{key}:TotalTimeout"] = "00:00:20";
        }

        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddProcurementFlowsRegistries(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new RegistryTestHost(sandbox, provider, logs);
    }

    public IServiceTaskHandler Handler(string topic) =>
        Services.GetServices<IServiceTaskHandler>().Single(h => h.Topic == topic);

    public Task<ServiceTaskResult> RunAsync(string topic, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken = default) =>
        Handler(topic).ExecuteAsync(new ServiceTaskContext("job-1", "instance-1", "Activity_Vetting", topic, variables, 1), cancellationToken);

    public Task<ServiceTaskResult> RunAsync(string topic, JsonObject supplier, CancellationToken cancellationToken = default) =>
        RunAsync(topic, new Dictionary<string, JsonNode?> { ["supplier"] = supplier }, cancellationToken);

    /// <summary>Runs a handler that must complete and returns its findings variable.</summary>
    public async Task<JsonObject> FindingsAsync(string topic, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var result = await RunAsync(topic, variables);
        var completed = Assert.IsType<ServiceTaskResult.Completed>(result);
        var handler = Handler(topic);
        var findings = Assert.IsType<JsonObject>(completed.Variables["findings"]);
        var own = Assert.IsType<JsonObject>(completed.Variables[((Vetting.RegistryHandler)handler).OutputVariable]);
        Assert.Equal(2, completed.Variables.Count);
        Assert.True(JsonNode.DeepEquals(findings, own), "findings and the check's own variable carry the same object");
        return findings;
    }

    public Task<JsonObject> FindingsAsync(string topic, JsonObject supplier) =>
        FindingsAsync(topic, new Dictionary<string, JsonNode?> { ["supplier"] = supplier });

    /// <summary>The <c>supplier</c> object of a documented sample supplier.</summary>
    public JsonObject Supplier(string key) => (JsonObject)SampleSupplier(Sandbox.Data, key)["supplier"]!.DeepClone();

    public static JsonObject SampleSupplier(SampleData data, string key) =>
        (JsonObject)data.Suppliers.Single(s => s!["key"]!.GetValue<string>() == key)!;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
