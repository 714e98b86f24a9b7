using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Registries.Tests;

/// <summary>
/// The handlers run through the runtime's real service-task path: PostgreSQL (a private local cluster),
/// Hangfire, the command loop. A look-up ends in findings written to the process, a permanent failure
/// in an incident.
/// </summary>
public sealed class RuntimePathTests : IAsyncLifetime
{
    private const string Diagram = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_RegistryPath" targetNamespace="http://bpmn.io/schema/bpmn">
          <bpmn:process id="registry-path" name="Registry path" isExecutable="true">
            <bpmn:startEvent id="Start"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:serviceTask id="CompanyLookup" name="Company lookup" camunda:type="external" camunda:topic="registry.company-lookup">
              <bpmn:extensionElements>
                <camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>
                <camunda:inputOutput>
                  <camunda:inputParameter name="supplierName">${supplier.name}</camunda:inputParameter>
                  <camunda:inputParameter name="country">${supplier.country}</camunda:inputParameter>
                  <camunda:inputParameter name="registrationScheme">${supplier.identifierScheme}</camunda:inputParameter>
                  <camunda:inputParameter name="registrationNumber">${supplier.identifierId}</camunda:inputParameter>
                  <camunda:outputParameter name="companyLookup">${findings}</camunda:outputParameter>
                </camunda:inputOutput>
              </bpmn:extensionElements>
              <bpmn:incoming>Flow_1</bpmn:incoming>
              <bpmn:outgoing>Flow_2</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:endEvent id="End"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="CompanyLookup" />
            <bpmn:sequenceFlow id="Flow_2" sourceRef="CompanyLookup" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pf-registries-runtime-" + Guid.NewGuid().ToString("N"));
    private SandboxHost? _sandbox;
    private IHost? _host;

    private SandboxHost Sandbox => _sandbox!;

    private IServiceProvider Services => _host!.Services;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(_sandbox.RegistriesConfiguration());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registries:Brreg:RetryBaseDelay"] = "00:00:00.010" });
        builder.Services.AddLogging();
        builder.Services.AddProcurementFlowsRuntime(o =>
        {
            o.LocalPostgresDirectory = _dataDirectory;
            o.LocalPostgresDurable = false;
            o.WorkerCount = 2;
        });
        builder.Services.AddProcurementFlowsRegistries(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
        await Services.GetRequiredService<IDeploymentService>().DeployAsync(new DeploymentRequest("registry path", [new DeploymentResource("registry-path.bpmn", Diagram)]));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            if (_host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_lookup_through_the_runtime_ends_in_findings_or_in_an_incident()
    {
        var commands = Services.GetRequiredService<IProcessCommands>();
        var queries = Services.GetRequiredService<IProcessQueries>();
        // The second supplier's entity answers with malformed JSON: a permanent failure.
        Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Brreg, PathContains = "923456783", Kind = SandboxFaultKind.MalformedJson });

        var bankrupt = await commands.StartAsync(new StartInstanceRequest("registry-path", Variables: new Dictionary<string, JsonNode?>
        {
            ["supplier"] = new JsonObject { ["name"] = "Fjordvakt Maritime AS", ["country"] = "NO", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "934567897" },
        }));
        var broken = await commands.StartAsync(new StartInstanceRequest("registry-path", Variables: new Dictionary<string, JsonNode?>
        {
            ["supplier"] = new JsonObject { ["name"] = "Nordlys Forsvarsteknikk AS", ["country"] = "NO", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "923456783" },
        }));

        var completed = await WaitForAsync(queries, bankrupt.InstanceId, d => string.Equals(d.Instance.Status, "completed", StringComparison.OrdinalIgnoreCase));
        var incident = await WaitForAsync(queries, broken.InstanceId, d => d.Incidents.Count > 0);

        var findings = completed.Variables["companyLookup"]!;
        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Equal("registry.company-lookup", findings["check"]!.GetValue<string>());
        Assert.Contains("konkurs", findings["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var open = Assert.Single(incident.Incidents);
        Assert.Equal("CompanyLookup", open.ActivityId);
        Assert.Contains("not the expected JSON", open.Message, StringComparison.Ordinal);
        Assert.NotEqual("completed", incident.Instance.Status, StringComparer.OrdinalIgnoreCase);
        Assert.Single(Sandbox.Requests.For(SandboxRegistries.Brreg), r => r.Path.Contains("923456783", StringComparison.Ordinal));
    }

    private async Task<InstanceDetail> WaitForAsync(IProcessQueries queries, string instanceId, Func<InstanceDetail, bool> condition)
    {
        // Bounded polling of a real Hangfire server: at most 60 s.
        InstanceDetail? detail = null;
        for (var i = 0; i < 600; i++)
        {
            detail = await queries.GetInstanceAsync(instanceId);
            if (detail is not null && condition(detail))
            {
                return detail;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Instance {instanceId} did not get there: status {detail?.Instance.Status}, incidents [{string.Join("; ", detail?.Incidents.Select(x => x.Message) ?? [])}], "
            + $"variables [{string.Join(", ", detail?.Variables.Keys ?? [])}], history [{string.Join(", ", detail?.History.Select(h => h.ToString()[..Math.Min(160, h.ToString().Length)]) ?? [])}], "
            + $"sandbox requests [{string.Join(", ", Sandbox.Requests.All.Select(r => r.Path))}]");
        return detail!;
    }
}
